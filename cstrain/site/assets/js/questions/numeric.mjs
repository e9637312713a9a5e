/* numeric: a typed figure against the answer, rounded to the question's decimals when it asks
 * for them (../core/grading.mjs, as cstrain/grading/figures.py). */
import {isRightFigure, keyFigure, parseNumber} from "../core/grading.mjs";
import {answerBox, figure, retype, typed} from "./parts.mjs";
import {register} from "./registry.mjs";

export function render(state, ids) {
  return answerBox(state, ids, true);
}

export function read(state, node) {
  return typed(node);
}

export function fraction(question, response) {
  return isRightFigure(parseNumber(response), keyFigure(question.answer, question.decimals), question) ? 1 : 0;
}

export function key(state) {
  return figure(keyFigure(state.question.answer, state.question.decimals), state.question);
}

export function restore(state, node, response) {
  retype(node, response);
}

register("numeric", {render, read, fraction, key, restore});

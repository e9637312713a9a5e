/* numeric: a typed figure, right within the question's tolerance. */
import {near, parseNumber} from "../core/grading.mjs";
import {answerBox, figure, retype, typed} from "./parts.mjs";
import {register} from "./registry.mjs";

export function render(state, ids) {
  return answerBox(state, ids, true);
}

export function read(state, node) {
  return typed(node);
}

export function fraction(question, response) {
  return near(parseNumber(response), question.answer, question.tolerance) ? 1 : 0;
}

export function key(state) {
  return figure(state.question.answer, state.question);
}

export function restore(state, node, response) {
  retype(node, response);
}

register("numeric", {render, read, fraction, key, restore});

/* fill: a typed word or phrase, compared with the accepted answers as Python compares them. */
import {el} from "../core/dom.mjs";
import {normaliseText} from "../core/fold.mjs";
import {answerBox, retype, typed} from "./parts.mjs";
import {register} from "./registry.mjs";

export function render(state, ids) {
  return answerBox(state, ids, false);
}

export function read(state, node) {
  return typed(node);
}

export function fraction(question, response) {
  if (typeof response !== "string") return 0;
  const sensitive = Boolean(question.case_sensitive);
  const given = normaliseText(response, sensitive);
  return question.answers.some((answer) => given === normaliseText(answer, sensitive)) ? 1 : 0;
}

export function key(state) {
  return el("span", {text: words(state.question.answers)});
}

export function restore(state, node, response) {
  retype(node, response);
}

/** A response or the accepted answers in words, for the mentor's view of an attempt. */
export function words(value) {
  return Array.isArray(value) ? value.join(" / ") : String(value);
}

register("fill", {render, read, fraction, key, restore, words});

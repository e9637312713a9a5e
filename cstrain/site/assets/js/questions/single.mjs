/* single: one right option among several (radio buttons). */
import {asIndex} from "../core/grading.mjs";
import {shuffled, range} from "../core/random.mjs";
import {check, markOptions, optionNotes, optionRows, rightOptions} from "./parts.mjs";
import {register} from "./registry.mjs";

export function begin(question, fresh) {
  const order = range(question.options.length);
  return {order: fresh && question.shuffle !== false ? shuffled(order) : order};
}

export function render(state, ids, name) {
  return optionRows(state, ids, name, "radio");
}

export function read(state, node) {
  const checked = node.querySelector("input:checked");
  return checked ? Number(checked.value) : null;
}

export function fraction(question, response) {
  const pick = asIndex(response, question.options.length);
  return pick !== null && question.options[pick].correct ? 1 : 0;
}

export function key(state) {
  return rightOptions(state);
}

export function mark(state, node, response) {
  markOptions(state, node, [response]);
}

export function notes(state, response) {
  return optionNotes(state, response === null ? [] : [response]);
}

export function restore(state, node, response) {
  check(node, [response]);
}

register("single", {begin, render, read, fraction, key, mark, notes, restore});

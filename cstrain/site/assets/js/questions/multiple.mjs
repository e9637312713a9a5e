/* multiple: several right options (check boxes); a wrong pick cancels a right one. */
import {indexList} from "../core/grading.mjs";
import {checkedIndexes, check, markOptions, optionNotes, optionRows, rightOptions} from "./parts.mjs";
import {register} from "./registry.mjs";
import {begin} from "./single.mjs";

export function render(state, ids, name) {
  return optionRows(state, ids, name, "checkbox");
}

export function read(state, node) {
  const picks = checkedIndexes(node);
  return picks.length ? picks : null;
}

export function fraction(question, response) {
  const picks = indexList(response, question.options.length);
  if (picks === null || new Set(picks).size !== picks.length) return 0;
  const correct = question.options.filter((option) => option.correct).length;
  const right = picks.filter((i) => question.options[i].correct).length;
  return Math.max(0, right - (picks.length - right)) / correct;
}

export function key(state) {
  return rightOptions(state);
}

export function mark(state, node, response) {
  markOptions(state, node, response || []);
}

export function notes(state, response) {
  return optionNotes(state, response || []);
}

export function restore(state, node, response) {
  if (Array.isArray(response)) check(node, response);
}

register("multiple", {render, read, fraction, key, mark, notes, restore, begin});

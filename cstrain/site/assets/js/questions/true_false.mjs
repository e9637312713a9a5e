/* true_false: a statement the learner judges right or wrong. */
import {el} from "../core/dom.mjs";
import {t} from "../core/text.mjs";
import {check, choiceRow, markChoice} from "./parts.mjs";
import {register} from "./registry.mjs";

export function render(state, ids, name) {
  return el("div", {class: "cstrain-choices cstrain-choices--inline"},
    choiceRow("radio", name, "true", t("true"), ids.input + "-t"),
    choiceRow("radio", name, "false", t("false"), ids.input + "-f"));
}

export function read(state, node) {
  const checked = node.querySelector("input:checked");
  return checked ? checked.value === "true" : null;
}

export function fraction(question, response) {
  return typeof response === "boolean" && response === question.answer ? 1 : 0;
}

export function key(state) {
  return el("span", {text: words(state.question.answer)});
}

export function mark(state, node, response) {
  node.querySelectorAll(".cstrain-choice").forEach((row) => {
    const value = row.getAttribute("data-value") === "true";
    markChoice(row, value === state.question.answer, response === value);
  });
}

export function restore(state, node, response) {
  check(node, [response]);
}

/** A response or key in words, for the mentor's view of an attempt. */
export function words(value) {
  return typeof value === "boolean" ? t(value ? "true" : "false") : String(value);
}

register("true_false", {render, read, fraction, key, mark, restore, words});

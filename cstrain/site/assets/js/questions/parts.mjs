/* Pieces several question types share (this file is not a type): choice rows, the text answer
 * box, and the marks put on controls after grading. */
import {el} from "../core/dom.mjs";
import {formatNumber} from "../core/format.mjs";
import {colon, t} from "../core/text.mjs";

/* ---------------------------------------------------------------- choices */

export function choiceRow(type, name, value, html, inputId) {
  return el("div", {class: "cstrain-choice", "data-value": String(value)},
    el("input", {type: type, name: name, id: inputId, value: String(value)}),
    el("label", {for: inputId, html: html}));
}

/** The options of a single or multiple choice, in the attempt's order. */
export function optionRows(state, ids, name, inputType) {
  return el("div", {class: "cstrain-choices"}, state.order.map((index) =>
    choiceRow(inputType, name, index, state.question.options[index].html, ids.input + "-" + index)));
}

/** The indexes of the checked options, in order. */
export function checkedIndexes(node) {
  return Array.from(node.querySelectorAll("input:checked"), (input) => Number(input.value)).sort((a, b) => a - b);
}

/** Checks the inputs whose values are listed. */
export function check(node, values) {
  values.forEach((value) => {
    const input = node.querySelector('input[value="' + String(value) + '"]');
    if (input) input.checked = true;
  });
}

const TAG_ICON = {right: "\u2714 ", wrong: "\u2718 ", chosen: ""};

/** A mark beside a control: right, wrong, or the learner's own (right) choice. */
export function tag(kind, text) {
  return el("span", {class: "cstrain-tag-" + kind}, el("span", {"aria-hidden": "true", text: TAG_ICON[kind]}), text);
}

/** Marks a choice row after grading: the right answer, and the learner's own pick. */
export function markChoice(row, isCorrect, isChosen) {
  const label = row.querySelector("label");
  if (isCorrect) {
    row.classList.add("cstrain-choice--correct");
    label.append(" ", tag("right", t("correct_answer")));
  }
  if (isChosen) {
    row.classList.add("cstrain-choice--chosen");
    if (!isCorrect) row.classList.add("cstrain-choice--wrong");
    label.append(" ", tag(isCorrect ? "chosen" : "wrong", t("your_answer")));
  }
}

/** Marks every option row of a single or multiple choice. */
export function markOptions(state, node, picked) {
  node.querySelectorAll(".cstrain-choice").forEach((row) => {
    const index = Number(row.getAttribute("data-value"));
    markChoice(row, state.question.options[index].correct, picked.indexOf(index) >= 0);
  });
}

/** The feedback each picked option carries, after the option in quotation marks, so an option
 *  that ends in a question mark still reads well before the colon: “有哪一款呢？”：… */
export function optionNotes(state, picked) {
  return picked.map((index) => state.question.options[index]).filter((option) => option && option.feedback)
    .map((option) => el("p", {class: "cstrain-option-feedback"},
      el("span", {}, "\u201c", el("span", {class: "cstrain-option-name", html: option.html}), "\u201d"), colon(),
      el("span", {html: option.feedback})));
}

/** The right options, as a list. */
export function rightOptions(state) {
  return el("ul", {class: "cstrain-answer-list"},
    state.question.options.filter((option) => option.correct).map((option) => el("li", {html: option.html})));
}

/* ---------------------------------------------------------------- a typed answer */

/** The answer box of fill, numeric and calculated questions (a number keyboard for figures). */
export function answerBox(state, ids, numeric) {
  const input = el("input", {type: "text", id: ids.input, autocomplete: "off", spellcheck: "false",
                             class: numeric ? "cstrain-input cstrain-input--number" : "cstrain-input",
                             inputmode: numeric ? "decimal" : null, "aria-describedby": ids.prompt});
  return el("div", {class: "cstrain-answer"},
    el("label", {class: "cstrain-answer-label", for: ids.input, text: t("your_answer")}),
    el("div", {class: "cstrain-input-row"}, input,
      state.question.unit ? el("span", {class: "cstrain-unit", text: state.question.unit}) : null));
}

/** What was typed, or null when nothing was. */
export function typed(node) {
  const value = node.querySelector(".cstrain-input").value;
  return value.trim() ? value : null;
}

export function retype(node, value) {
  const input = node.querySelector(".cstrain-input");
  if (input && value !== undefined && value !== null) input.value = String(value);
}

/** The key of a numeric or calculated question as the learner should have written it: to the
 *  decimals asked for (62.8 %, 1.50 元), or with the tolerance when none are (32.5 % \u00b10.5). */
export function figure(value, question) {
  const asked = typeof question.decimals === "number" && Number.isFinite(value);
  let text = (asked ? value.toFixed(question.decimals) : formatNumber(value)) + (question.unit ? " " + question.unit : "");
  if (!asked && question.tolerance) text += " \u00b1" + formatNumber(question.tolerance);
  return el("span", {text: text});
}

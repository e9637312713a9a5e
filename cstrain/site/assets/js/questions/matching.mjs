/* matching: each left-hand item paired with one on the right (a select per row); each right
 * pair earns its share. */
import {el, textOf} from "../core/dom.mjs";
import {asIndex} from "../core/grading.mjs";
import {range, shuffled} from "../core/random.mjs";
import {t} from "../core/text.mjs";
import {tag} from "./parts.mjs";
import {register} from "./registry.mjs";

export function begin(question, fresh) {
  const order = range(question.right.length);
  return {order: fresh ? shuffled(order) : order};
}

export function render(state, ids) {
  const question = state.question;
  return el("div", {class: "cstrain-matching"}, question.left.map((leftHtml, left) => {
    const selectId = ids.input + "-" + left;
    return el("div", {class: "cstrain-match-row"},
      el("label", {for: selectId, class: "cstrain-match-left", html: leftHtml}),
      el("select", {id: selectId, class: "cstrain-select", "data-left": String(left)},
        el("option", {value: "", text: t("choose")}),
        state.order.map((right) => el("option", {value: String(right), text: textOf(question.right[right])}))));
  }));
}

export function read(state, node) {
  const choices = Array.from(node.querySelectorAll(".cstrain-select"),
                             (select) => select.value === "" ? null : Number(select.value));
  return choices.some((choice) => choice !== null) ? choices : null;
}

/** Complete when every row has a choice. */
export function complete(response) {
  return response.every((choice) => choice !== null);
}

export function fraction(question, response) {
  const size = question.left.length;
  if (!Array.isArray(response) || response.length !== size) return 0;
  return response.filter((choice, left) => asIndex(choice, size) === left).length / size;
}

export function key(state) {
  const question = state.question;
  return el("ul", {class: "cstrain-answer-list"},
    question.left.map((left, i) => el("li", {html: left + " \u2192 " + question.right[i]})));
}

export function mark(state, node) {
  node.querySelectorAll(".cstrain-match-row").forEach((row) => {
    const select = row.querySelector("select");
    const right = select.value !== "" && Number(select.value) === Number(select.getAttribute("data-left"));
    row.classList.add(right ? "cstrain-match-row--correct" : "cstrain-match-row--wrong");
    row.append(tag(right ? "right" : "wrong", t(right ? "correct" : "wrong")));
  });
}

export function restore(state, node, response) {
  if (!Array.isArray(response)) return;
  node.querySelectorAll(".cstrain-select").forEach((select) => {
    const choice = response[Number(select.getAttribute("data-left"))];
    if (choice !== null && choice !== undefined) select.value = String(choice);
  });
}

register("matching", {begin, render, read, complete, fraction, key, mark, restore});

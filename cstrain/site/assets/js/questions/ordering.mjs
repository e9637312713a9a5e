/* ordering: items put in the right order with up and down buttons (keyboard and thumb
 * friendly; no dragging); each item in its right place earns its share. */
import {el, textOf} from "../core/dom.mjs";
import {indexList} from "../core/grading.mjs";
import {range, shuffled} from "../core/random.mjs";
import {colon, t} from "../core/text.mjs";
import {tag} from "./parts.mjs";
import {register} from "./registry.mjs";

/** The response and key of an ordering question are listed with arrows between the items. */
export const JOINER = " \u2192 ";

/** A practice attempt never starts in the right order; an exam's order is the server's. */
export function begin(question, fresh) {
  const identity = range(question.items.length);
  if (!fresh) return {order: identity};
  const inOrder = (order) => order.every((item, i) => item === i);
  let order = shuffled(identity);
  for (let tries = 0; tries < 20 && inOrder(order); tries++) order = shuffled(identity);
  if (inOrder(order)) order.push(order.shift());
  return {order: order};
}

function updateMoveButtons(list) {
  const items = Array.from(list.querySelectorAll(".cstrain-order-item"));
  items.forEach((item, position) => {
    item.querySelector('[data-move="-1"]').disabled = position === 0;
    item.querySelector('[data-move="1"]').disabled = position === items.length - 1;
  });
}

function moveButton(step, label, arrow, text) {
  return el("button", {type: "button", class: "cstrain-move", "data-move": String(step),
                       "aria-label": label + colon() + text},
    el("span", {"aria-hidden": "true", text: arrow}), label);
}

export function render(state, ids) {
  const items = state.question.items;
  const list = el("ol", {class: "cstrain-order", "aria-describedby": ids.prompt}, state.order.map((index) => {
    const text = textOf(items[index]);
    return el("li", {class: "cstrain-order-item", "data-item": String(index)},
      el("span", {class: "cstrain-order-text", html: items[index]}),
      el("span", {class: "cstrain-order-buttons"},
        moveButton(-1, t("move_up"), "\u2191 ", text), moveButton(1, t("move_down"), "\u2193 ", text)));
  }));
  const live = el("p", {class: "cstrain-sr-only", "aria-live": "polite"});
  updateMoveButtons(list);
  list.addEventListener("click", (event) => {
    const button = event.target.closest(".cstrain-move");
    if (!button || button.disabled) return;
    const item = button.closest(".cstrain-order-item");
    const step = Number(button.getAttribute("data-move"));
    const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling || !sibling.classList.contains("cstrain-order-item")) return;
    if (step < 0) list.insertBefore(item, sibling);
    else list.insertBefore(sibling, item);
    updateMoveButtons(list);
    const position = Array.from(list.querySelectorAll(".cstrain-order-item")).indexOf(item) + 1;
    live.textContent = textOf(item.querySelector(".cstrain-order-text").innerHTML) + " " + t("moved_to", {n: position});
    // Keep the keyboard where it was; at either end the other button takes over.
    const same = item.querySelector('.cstrain-move[data-move="' + step + '"]');
    (same.disabled ? item.querySelector('.cstrain-move[data-move="' + (-step) + '"]') : same).focus();
  });
  return el("div", {class: "cstrain-ordering"}, list, live);
}

export function read(state, node) {
  return Array.from(node.querySelectorAll(".cstrain-order-item"), (item) => Number(item.getAttribute("data-item")));
}

export function fraction(question, response) {
  const size = question.items.length;
  const order = indexList(response, size);
  if (order === null || order.length !== size || new Set(order).size !== size) return 0;
  return order.filter((item, position) => item === position).length / size;
}

export function key(state) {
  return el("ol", {class: "cstrain-answer-list"}, state.question.items.map((item) => el("li", {html: item})));
}

export function mark(state, node) {
  node.querySelectorAll(".cstrain-order-item").forEach((item, position) => {
    const right = Number(item.getAttribute("data-item")) === position;
    item.classList.add(right ? "cstrain-order-item--correct" : "cstrain-order-item--wrong");
    item.querySelector(".cstrain-order-text").append(" ", tag(right ? "right" : "wrong", t(right ? "correct" : "wrong")));
  });
}

export function restore(state, node, response) {
  if (!Array.isArray(response)) return;
  const list = node.querySelector(".cstrain-order");
  response.forEach((item) => {
    const row = list.querySelector('.cstrain-order-item[data-item="' + item + '"]');
    if (row) list.append(row);
  });
  updateMoveButtons(list);
}

register("ordering", {JOINER, begin, render, read, fraction, key, mark, restore});

/* DOM helpers every page module shares, and the one way a page module starts.
 * Literals in this code are ASCII (\u escapes): UI text comes from ./text.mjs. */

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, children) {
  Object.keys(attrs || {}).forEach((name) => {
    const value = attrs[name];
    if (value === null || value === undefined || value === false) return;
    if (name === "text") node.textContent = value;
    else if (name === "html") node.innerHTML = value;
    else if (name === "on") Object.keys(value).forEach((type) => node.addEventListener(type, value[type]));
    else node.setAttribute(name, value === true ? "" : value);
  });
  children.flat(Infinity).forEach((child) => {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  });
  return node;
}

/** el("p", {class: "x", text: "...", on: {click: f}}, child, [more, children], ...): an element.
 *  ``html`` is for trusted build output only (quiz text the build rendered from Markdown). */
export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, with el()'s attributes and children. */
export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** The text of trusted HTML, e.g. an option's label for an aria-label. */
export function textOf(html) {
  const box = document.createElement("div");
  box.innerHTML = html;
  return box.textContent.trim();
}

let uid = 0;

/** An id unique in this page's lifetime: cstrain-<prefix>-<n>. */
export function nextId(prefix) {
  uid += 1;
  return "cstrain-" + prefix + "-" + uid;
}

/** Runs setup(node) the first time a page module meets node (data-cstrain-<name>), so a page
 *  shown again by instant navigation is not set up twice. */
export function once(node, name, setup) {
  const flag = "data-cstrain-" + name;
  if (node.hasAttribute(flag)) return;
  node.setAttribute(flag, "1");
  setup(node);
}

/** Calls init() for every page shown: once per load, and again after each of Material's
 *  instant navigations (its document$, which replays the current page to a late subscriber). */
export function onEveryPage(init) {
  const documents = window.document$;
  if (documents && typeof documents.subscribe === "function") documents.subscribe(() => init());
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}

/** The first control in node a keyboard user lands on. */
export function firstControl(node) {
  return node.querySelector("input, select, button");
}

const parsed = new WeakMap();

/** The JSON the build embedded: a <script type="application/json"> kept inert inside a
 *  <template> (Material's instant navigation would run it as JavaScript), or a bare one.
 *  Parsed once per element; null when missing or damaged. */
export function embeddedJson(root, selector) {
  let script = root.querySelector(selector);
  root.querySelectorAll("template").forEach((template) => {
    script = script || template.content.querySelector(selector);
  });
  if (!script) return null;
  if (!parsed.has(script)) {
    let data = null;
    try {
      data = JSON.parse(script.textContent);
    } catch (error) { /* a damaged page: the caller shows what it can */ }
    parsed.set(script, data);
  }
  return parsed.get(script);
}

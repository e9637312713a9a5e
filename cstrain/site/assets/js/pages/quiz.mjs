/* Every page of the site: the module's status and 我已学完本节, the course progress of the
 * overview and home pages. The practice quiz (./quiz/practice.mjs) and 我的学习
 * (./quiz/learning.mjs) come with the pages that have them. Works without any server: progress
 * stays in this browser (../core/progress.mjs). Team mode adds ./team.mjs on top. */
import {el, once, onEveryPage} from "../core/dom.mjs";
import * as progress from "../core/progress.mjs";
import {t} from "../core/text.mjs";
import {badge} from "../core/widgets.mjs";

/* ================================================================ status, progress, done */

function idSet(text) {
  return new Set((text || "").split(/\s+/).filter(Boolean));
}

/** A status node's module exercises (data-quiz, data-drill), or undefined when it says none. */
function needsOf(node) {
  if (!node.hasAttribute("data-quiz")) return undefined;
  return {quiz: node.getAttribute("data-quiz") === "1", drill: node.getAttribute("data-drill") || null};
}

/** A course's modules' exercises from data-quizzed (ids) and data-drills ("id=ref" pairs). */
function courseNeeds(node) {
  const quizzed = idSet(node.getAttribute("data-quizzed"));
  const drills = {};
  idSet(node.getAttribute("data-drills")).forEach((pair) => {
    const at = pair.indexOf("=");
    if (at > 0) drills[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return (id) => ({quiz: quizzed.has(id), drill: drills[id] || null});
}

function renderDone(node) {
  const moduleId = node.getAttribute("data-module");
  const record = progress.currentState().modules[moduleId];
  const done = Boolean(record && record.completed_at);
  if (node.getAttribute("data-done") === String(done) && node.firstElementChild) return;
  node.setAttribute("data-done", String(done));
  if (done) {
    node.replaceChildren(el("p", {class: "cstrain-marked-done", role: "status"},
      el("span", {"aria-hidden": "true", text: "\u2714 "}), t("marked_done")));
    return;
  }
  node.replaceChildren(el("button", {type: "button", class: "md-button cstrain-mark-done", text: t("mark_done"),
    on: {click: () => {
      progress.markDone(moduleId);
      const message = node.querySelector(".cstrain-marked-done");
      if (message) {
        message.setAttribute("tabindex", "-1");
        message.focus();
      }
    }}}));
}

function refresh() {
  const state = progress.currentState();
  document.querySelectorAll(".cstrain-status[data-module]").forEach((node) => {
    const status = progress.moduleStatus(state, node.getAttribute("data-module"), needsOf(node));
    if (node.getAttribute("data-status") === status && node.firstElementChild) return;
    node.setAttribute("data-status", status);
    node.replaceChildren(badge(status));
  });
  document.querySelectorAll(".cstrain-course-progress[data-modules]").forEach((node) => {
    const modules = Array.from(idSet(node.getAttribute("data-modules")));
    node.textContent = t("progress_summary", {done: progress.doneCount(state, modules, courseNeeds(node)), total: modules.length});
  });
  document.querySelectorAll(".cstrain-done[data-module]").forEach(renderDone);
}

/* ================================================================ start-up */

progress.onChange(refresh);

onEveryPage(() => {
  progress.loadState();
  document.querySelectorAll(".cstrain-module-head[data-module]").forEach((node) => {
    once(node, "visit", () => progress.markVisited(node.getAttribute("data-module")));
  });
  refresh();
});

/* 我的学习 on the static site: the learner's name and 工号, the results file to send the mentor,
 * clearing this device, and every course's modules with status, best score and last attempt.
 * The page loads this module itself (the build writes its script tag). */
import {el, embeddedJson, once, onEveryPage} from "../../core/dom.mjs";
import {DASH, formatPercent, formatTime} from "../../core/format.mjs";
import * as progress from "../../core/progress.mjs";
import {t} from "../../core/text.mjs";
import {badge, progressTable} from "../../core/widgets.mjs";

function resultsFile(state) {
  const parts = document.title.split(" - ");
  const site = parts.length > 1 ? parts[parts.length - 1] : (location.pathname.split("/")[1] || "/");
  return {format: "cstrain-results", version: 1, site: site, exported_at: progress.now(),
          learner: {id: state.learner.id, name: state.learner.name},
          modules: state.modules, attempts: state.attempts};
}

function download(state) {
  const who = (state.learner.id || state.learner.name || "learner").replace(/[\\/:*?"<>|\s]+/g, "-");
  const date = formatTime(progress.now()).slice(0, 10);
  const blob = new Blob([JSON.stringify(resultsFile(state), null, 2)], {type: "application/json"});
  const url = URL.createObjectURL(blob);
  const link = el("a", {href: url, download: "cstrain-results-" + who + "-" + date + ".json", hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function field(id, label, input) {
  return el("div", {class: "cstrain-field"}, el("label", {for: id, text: label}), input);
}

function setupMyLearning(root) {
  const idInput = el("input", {type: "text", id: "cstrain-learner-id", autocomplete: "off", spellcheck: "false"});
  const nameInput = el("input", {type: "text", id: "cstrain-learner-name", autocomplete: "name"});
  const saved = el("span", {class: "cstrain-saved", role: "status"});
  const form = el("form", {class: "cstrain-learner"},
    field("cstrain-learner-id", t("learner_id"), idInput),
    field("cstrain-learner-name", t("learner_name"), nameInput),
    el("div", {class: "cstrain-field cstrain-field--button"},
      el("button", {type: "submit", class: "md-button md-button--primary", text: t("save")}), saved));
  const learner = progress.loadState().learner;
  idInput.value = learner.id;
  nameInput.value = learner.name;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = progress.loadState();
    // a 工号 typed in full width is the roster's: NFKC, as tracking/ids.py does
    state.learner = {id: idInput.value.normalize("NFKC").trim(), name: nameInput.value.trim()};
    idInput.value = state.learner.id;
    progress.saveState(state);
    saved.textContent = t("saved");
  });
  const clear = () => {
    if (!window.confirm(t("confirm_clear"))) return;
    idInput.value = "";
    nameInput.value = "";
    saved.textContent = "";
    progress.clearState();
  };
  const tools = el("div", {class: "cstrain-tools"},
    el("p", {class: "cstrain-hint", text: t("download_hint")}),
    el("p", {class: "cstrain-actions"},
      el("button", {type: "button", class: "md-button md-button--primary cstrain-download", text: t("download_results"),
                    on: {click: () => download(progress.loadState())}}),
      el("button", {type: "button", class: "md-button cstrain-clear", text: t("clear_progress"), on: {click: clear}})));
  root.append(form, tools, el("div", {class: "cstrain-courses-progress"}));
  root.setAttribute("data-cstrain-ready", "1");
  renderCourses(root);
}

function renderCourses(root) {
  const state = progress.currentState();
  const box = root.querySelector(".cstrain-courses-progress");
  if (!box) return;
  const catalog = embeddedJson(root, "#cstrain-catalog") || {courses: []};
  box.replaceChildren(...catalog.courses.map((course) => {
    const ids = course.modules.map((module) => module.id);
    const needs = {};
    course.modules.forEach((module) => { needs[module.id] = {quiz: Boolean(module.quiz), drill: module.drill || null}; });
    const rows = course.modules.map((module) => {
      const record = state.modules[module.id] || {};
      const last = state.attempts.filter((attempt) => attempt.module === module.id).reduce(
        (latest, attempt) => !latest || String(attempt.submitted_at) > latest ? String(attempt.submitted_at) : latest,
        record.last_attempt_at ? String(record.last_attempt_at) : "");
      return el("tr", {"data-module": module.id},
        el("td", {}, el("a", {href: module.url, text: module.title})),
        el("td", {class: "cstrain-status-cell"}, badge(progress.moduleStatus(state, module.id, needs[module.id]))),
        el("td", {class: "cstrain-best",
                  text: typeof record.best_percent === "number" ? formatPercent(record.best_percent) + "%" : DASH}),
        el("td", {class: "cstrain-last", text: last ? formatTime(last) : DASH}));
    });
    return el("section", {class: "cstrain-course", "data-course": course.id},
      el("h2", {}, el("a", {href: course.url, text: course.title})),
      el("p", {class: "cstrain-course-summary",
               text: t("progress_summary", {done: progress.doneCount(state, ids, (id) => needs[id]), total: ids.length})}),
      progressTable([t("module"), t("status"), t("best_score"), t("last_attempt")], rows));
  }));
}

progress.onChange(() => document.querySelectorAll("#cstrain-my-learning[data-cstrain-ready]").forEach(renderCourses));

onEveryPage(() => {
  document.querySelectorAll("#cstrain-my-learning").forEach((node) => once(node, "learning", setupMyLearning));
});

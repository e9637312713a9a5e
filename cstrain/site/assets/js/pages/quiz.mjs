/* Every page of the site: the module's status and 我已学完本节, the course progress of the
 * overview and home pages, the practice quiz (graded here, by ../questions/), and 我的学习 with
 * the results file. Works without any server: progress stays in this browser (../core/progress.mjs).
 * Team mode adds ./team.mjs on top. */
import {el, embeddedJson, firstControl, once, onEveryPage} from "../core/dom.mjs";
import {DASH, formatNumber, formatTime} from "../core/format.mjs";
import * as progress from "../core/progress.mjs";
import {randomId, shuffled} from "../core/random.mjs";
import {t} from "../core/text.mjs";
import {badge, progressTable} from "../core/widgets.mjs";
import {attemptForm, readyToSubmit, responsesOf, resultLines} from "../questions/attempt.mjs";
import {gradeAttempt, newState, renderFeedback} from "../questions/index.mjs";

/* ================================================================ the practice quiz */

/** The questions of one attempt: drawn and shuffled as the quiz says. */
function startAttempt(quiz) {
  let pool = quiz.questions.slice();
  if (quiz.draw && quiz.draw < pool.length) {
    pool = shuffled(pool).slice(0, quiz.draw);
    if (!quiz.shuffle) pool.sort((a, b) => quiz.questions.indexOf(a) - quiz.questions.indexOf(b));
  } else if (quiz.shuffle) {
    pool = shuffled(pool);
  }
  return {id: randomId(), started_at: progress.now(), questions: pool.map((question) => newState(question, true))};
}

function setupQuiz(section) {
  const quiz = embeddedJson(section, "script.cstrain-quiz-data");
  if (!quiz) return;  // exam mode: the static site carries no key
  const moduleId = section.getAttribute("data-module") || quiz.module;
  const result = el("div", {class: "cstrain-result", tabindex: "-1", hidden: true});
  const body = el("div", {class: "cstrain-quiz-body"});
  section.append(result, body);

  function begin(focus) {
    const attempt = startAttempt(quiz);
    result.hidden = true;
    result.replaceChildren();
    const {form, list} = attemptForm(attempt.questions, quiz.pass_mark, t("submit"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      finish(attempt, form, list);
    });
    body.replaceChildren(form);
    if (focus) {
      const first = firstControl(form);
      if (first) first.focus();
    }
  }

  function finish(attempt, form, list) {
    if (form.getAttribute("data-submitted")) return;
    const responses = responsesOf(attempt.questions, list);
    if (!readyToSubmit(attempt.questions, list, responses)) return;
    form.setAttribute("data-submitted", "1");
    const ids = attempt.questions.map((state) => state.question.id);
    const graded = gradeAttempt(quiz, ids, responses, quiz.pass_mark);
    const nodes = Array.from(list.querySelectorAll(".cstrain-question"));
    attempt.questions.forEach((state, i) => {
      nodes[i].querySelector("fieldset").disabled = true;
      renderFeedback(state, nodes[i], responses[state.question.id], graded.marks[state.question.id]);
    });
    progress.recordAttempt({
      id: attempt.id, quiz: quiz.ref, version: quiz.version, module: moduleId,
      started_at: attempt.started_at, submitted_at: progress.now(), questions: ids, responses: responses,
      marks: graded.marks, score: graded.score, max_score: graded.max_score, percent: graded.percent,
      passed: graded.passed,
    });
    const retry = (className) => el("button", {type: "button", class: "md-button " + className, text: t("retry"),
                                               on: {click: () => begin(true)}});
    result.className = "cstrain-result cstrain-result--" + (graded.passed ? "passed" : "failed");
    result.replaceChildren(...resultLines(graded, quiz.pass_mark),
      el("p", {class: "cstrain-actions"}, retry("md-button--primary cstrain-retry")));
    result.hidden = false;
    form.querySelector(".cstrain-actions").replaceChildren(retry("cstrain-retry cstrain-retry--bottom"));
    result.focus();
  }

  begin(false);
}

/* ================================================================ status, progress, done */

function idSet(text) {
  return new Set((text || "").split(/\s+/).filter(Boolean));
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
    const status = progress.statusOf(state, node.getAttribute("data-module"));
    if (node.getAttribute("data-status") === status && node.firstElementChild) return;
    node.setAttribute("data-status", status);
    node.replaceChildren(badge(status));
  });
  document.querySelectorAll(".cstrain-course-progress[data-modules]").forEach((node) => {
    const modules = Array.from(idSet(node.getAttribute("data-modules")));
    const quizzed = idSet(node.getAttribute("data-quizzed"));
    node.textContent = t("progress_summary", {done: progress.doneCount(state, modules, quizzed), total: modules.length});
  });
  document.querySelectorAll(".cstrain-done[data-module]").forEach(renderDone);
  document.querySelectorAll("#cstrain-my-learning[data-cstrain-ready]").forEach(renderCourses);
}

/* ================================================================ 我的学习 */

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
    const quizzed = new Set(course.modules.filter((module) => module.quiz).map((module) => module.id));
    const rows = course.modules.map((module) => {
      const record = state.modules[module.id] || {};
      const last = state.attempts.filter((attempt) => attempt.module === module.id).reduce(
        (latest, attempt) => !latest || String(attempt.submitted_at) > latest ? String(attempt.submitted_at) : latest,
        record.last_attempt_at ? String(record.last_attempt_at) : "");
      return el("tr", {"data-module": module.id},
        el("td", {}, el("a", {href: module.url, text: module.title})),
        el("td", {class: "cstrain-status-cell"}, badge(progress.statusOf(state, module.id))),
        el("td", {class: "cstrain-best",
                  text: typeof record.best_percent === "number" ? formatNumber(record.best_percent) + "%" : DASH}),
        el("td", {class: "cstrain-last", text: last ? formatTime(last) : DASH}));
    });
    return el("section", {class: "cstrain-course", "data-course": course.id},
      el("h2", {}, el("a", {href: course.url, text: course.title})),
      el("p", {class: "cstrain-course-summary",
               text: t("progress_summary", {done: progress.doneCount(state, ids, quizzed), total: ids.length})}),
      progressTable([t("module"), t("status"), t("best_score"), t("last_attempt")], rows));
  }));
}

/* ================================================================ start-up */

progress.onChange(refresh);

onEveryPage(() => {
  progress.loadState();
  document.querySelectorAll(".cstrain-module-head[data-module]").forEach((node) => {
    once(node, "visit", () => progress.markVisited(node.getAttribute("data-module")));
  });
  document.querySelectorAll("section.cstrain-quiz").forEach((node) => once(node, "quiz", setupQuiz));
  document.querySelectorAll("#cstrain-my-learning").forEach((node) => once(node, "learning", setupMyLearning));
  refresh();
});

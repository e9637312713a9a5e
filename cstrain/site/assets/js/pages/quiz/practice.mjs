/* The practice quiz of a module page: an attempt drawn and shuffled here, marked here by the
 * question types (../../questions/), recorded in this browser's progress. The quiz's block loads
 * this module and the modules of its question types (the build writes their script tags, so on a
 * page load they are all there before the page is shown; under instant navigation loadTypes
 * waits for the ones still coming). */
import {el, embeddedJson, firstControl, once, onEveryPage} from "../../core/dom.mjs";
import * as progress from "../../core/progress.mjs";
import {randomId, shuffled} from "../../core/random.mjs";
import {t} from "../../core/text.mjs";
import {attemptForm, readyToSubmit, responsesOf, resultLines} from "../../questions/attempt.mjs";
import {gradeAttempt, loadTypes, newState, renderFeedback} from "../../questions/index.mjs";

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

/** Sets up a quiz block (section.cstrain-quiz) from the quiz JSON it carries. */
function setupQuiz(section) {
  const quiz = embeddedJson(section, "script.cstrain-quiz-data");
  if (!quiz) return;  // a damaged page: the block keeps its title and no-JavaScript note
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
    // the quiz's review policy (docs/format.md): keys and explanations after each attempt, after a pass, or never
    const policy = quiz.review || "after_attempt";
    const withKey = policy === "after_attempt" || (policy === "after_pass_or_last_attempt" && graded.passed);
    attempt.questions.forEach((state, i) => {
      nodes[i].querySelector("fieldset").disabled = true;
      renderFeedback(state, nodes[i], responses[state.question.id], graded.marks[state.question.id], withKey);
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
    const withheld = withKey ? [] : [el("p", {class: "cstrain-hint cstrain-review-withheld",
                                             text: policy === "never" ? t("review_never") : t("review_after_pass_practice")})];
    result.replaceChildren(...resultLines(graded, quiz.pass_mark), ...withheld,
      el("p", {class: "cstrain-actions"}, retry("md-button--primary cstrain-retry")));
    result.hidden = false;
    form.querySelector(".cstrain-actions").replaceChildren(retry("cstrain-retry cstrain-retry--bottom"));
    result.focus();
  }

  loadTypes(quiz.questions).then(() => begin(false));
}

onEveryPage(() => {
  document.querySelectorAll("section.cstrain-quiz[data-mode=practice]").forEach((node) => once(node, "quiz", setupQuiz));
});

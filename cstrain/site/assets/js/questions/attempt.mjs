/* One attempt on a page, practice (../pages/quiz.mjs) or exam (../pages/team/exam.mjs): the form
 * of questions, reading every response, and the verdict line. */
import {el, firstControl, nextId} from "../core/dom.mjs";
import {formatNumber, formatPercent, formatScore} from "../core/format.mjs";
import {t} from "../core/text.mjs";
import {isComplete, readResponse, renderQuestion} from "./index.mjs";

/** The form of one attempt: "N questions · pass mark", its questions and a submit button. */
export function attemptForm(states, passMark, submitText) {
  const attemptKey = nextId("attempt");
  const list = el("ol", {class: "cstrain-questions"},
    states.map((state, position) => renderQuestion(state, position, attemptKey)));
  const submit = el("button", {type: "submit", class: "md-button md-button--primary cstrain-submit", text: submitText});
  const form = el("form", {class: "cstrain-form", novalidate: true},
    el("p", {class: "cstrain-quiz-intro"},
      el("span", {text: t("of_n", {n: states.length})}), " \u00b7 ",
      el("span", {text: t("pass_mark", {n: formatNumber(passMark)})})),
    list, el("p", {class: "cstrain-actions"}, submit));
  return {form: form, list: list, submit: submit};
}

/** Each question's response, by question id. */
export function responsesOf(states, list) {
  const nodes = list.querySelectorAll(".cstrain-question");
  const responses = {};
  states.forEach((state, i) => { responses[state.question.id] = readResponse(state, nodes[i]); });
  return responses;
}

/** True when every question is answered, or the learner agrees to submit anyway; otherwise the
 *  first question left open gets the focus. */
export function readyToSubmit(states, list, responses) {
  const nodes = Array.from(list.querySelectorAll(".cstrain-question"));
  const open = states.map((state, i) => isComplete(state.question, responses[state.question.id]) ? null : nodes[i])
    .filter(Boolean);
  if (!open.length || window.confirm(t("unanswered", {n: open.length}))) return true;
  const control = firstControl(open[0]);
  if (control) control.focus();
  return false;
}

/** A graded attempt's verdict and score. */
export function resultLines(graded, passMark) {
  return [
    el("p", {class: "cstrain-result-verdict"},
      el("span", {class: "cstrain-verdict-icon", "aria-hidden": "true", text: graded.passed ? "\u2714" : "\u2718"}),
      el("strong", {text: graded.passed ? t("passed") : t("failed", {pass_mark: formatNumber(passMark)})})),
    el("p", {class: "cstrain-score", text: t("score", {score: formatScore(graded.score),
                                                       max: formatScore(graded.max_score),
                                                       percent: formatPercent(graded.percent)})})];
}

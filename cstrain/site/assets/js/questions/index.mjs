/* The question types the browser knows, one module each (as cstrain/format/quiz.py lists them),
 * and what every type shares: the question's frame, reading, marking, feedback. A type's module
 * registers itself (./registry.mjs) when it loads: a practice quiz's block names the modules of
 * its types (the build writes their <script type="module"> tags), other pages call loadTypes().
 *
 * A type module registers (and exports)
 *   render(state, ids, name)      the answer controls
 *   read(state, node)             the response in the shape grading.py takes, or null
 *   fraction(question, response)  the share of the points it earns, 0 to 1 (grade.py's rules)
 *   key(state)                    the right answer, shown after marking (or null)
 * and, where the type has them,
 *   begin(question, fresh)        state for one attempt: {order, values, prompt} as it needs
 *                                 (fresh: a practice attempt, drawn and shuffled here; not fresh:
 *                                 an exam sitting, as the server sent it)
 *   complete(response)            answered in full (by default: any response)
 *   mark(state, node, response)   marks on the controls after marking
 *   notes(state, response)        feedback paragraphs (a choice's own feedback)
 *   restore(state, node, response) a saved response put back into the controls
 *   words(value), JOINER          a response or key as text for the mentor's view */
import {el, nextId} from "../core/dom.mjs";
import {EPSILON} from "../core/grading.mjs";
import {formatNumber, roundHalfUp} from "../core/format.mjs";
import {colon, t} from "../core/text.mjs";
import {typeOf} from "./registry.mjs";

/** Each type's module, to load by name. */
export const TYPES = Object.freeze({
  single: () => import("./single.mjs"),
  multiple: () => import("./multiple.mjs"),
  true_false: () => import("./true_false.mjs"),
  fill: () => import("./fill.mjs"),
  numeric: () => import("./numeric.mjs"),
  calculated: () => import("./calculated.mjs"),
  ordering: () => import("./ordering.mjs"),
  matching: () => import("./matching.mjs"),
});

/** Loads the modules of the types these questions (or answers: anything with a type) use; at
 *  once (the next microtask) when they are all loaded already. */
export function loadTypes(items) {
  const names = Array.from(new Set(items.map((item) => item.type)));
  return Promise.all(names.filter((name) => !typeOf({type: name}) && Object.prototype.hasOwnProperty.call(TYPES, name))
    .map((name) => TYPES[name]())).then(() => undefined);
}

/* ---------------------------------------------------------------- marking (grade.py) */

/** grade.mark: points earned, rounded half up to 4 decimals (0 for a type this page lacks). */
export function grade(question, response) {
  const type = typeOf(question);
  return roundHalfUp(question.points * (type ? type.fraction(question, response) : 0), 4);
}

/** grade.grade_attempt: marks, score, max_score, percent and passed for the questions shown. */
export function gradeAttempt(quiz, questionIds, responses, passMark) {
  const byId = {};
  quiz.questions.forEach((question) => { byId[question.id] = question; });
  const unknown = questionIds.filter((id) => !(id in byId));
  if (unknown.length) throw new Error("unknown question id(s): " + unknown.join(", "));
  if (new Set(questionIds).size !== questionIds.length) throw new Error("a question id is listed twice");
  const marks = {};
  let total = 0;
  let maxScore = 0;
  questionIds.forEach((id) => {
    const response = Object.prototype.hasOwnProperty.call(responses, id) ? responses[id] : null;
    marks[id] = grade(byId[id], response);
    total += marks[id];
    maxScore += byId[id].points;
  });
  const score = roundHalfUp(total, 4);
  const percent = maxScore ? roundHalfUp(100 * score / maxScore, 2) : 0;
  return {marks: marks, score: score, max_score: maxScore, percent: percent, passed: percent + EPSILON >= passMark};
}

/* ---------------------------------------------------------------- one question on the page */

/** A question's state for one attempt: the question, its prompt, and what its type adds. */
export function newState(question, fresh) {
  const type = typeOf(question);
  return Object.assign({question: question, prompt: question.prompt}, type && type.begin ? type.begin(question, fresh) : {});
}

/** The question as a list item: number, points, prompt, the type's controls, room for feedback. */
export function renderQuestion(state, position, attemptKey) {
  const question = state.question;
  const type = typeOf(question);
  const ids = {prompt: nextId("prompt"), input: nextId("input"), legend: nextId("legend")};
  const fieldset = el("fieldset", {class: "cstrain-fieldset", "aria-describedby": ids.prompt},
    el("legend", {id: ids.legend},
      el("span", {class: "cstrain-qnum", text: t("question_n", {n: position + 1})}),
      el("span", {class: "cstrain-points", text: t("points", {n: formatNumber(question.points)})})),
    el("div", {class: "cstrain-prompt", id: ids.prompt, html: state.prompt}),
    type ? type.render(state, ids, attemptKey + "-" + position) : null);
  return el("li", {class: "cstrain-question cstrain-question--" + question.type, "data-qid": question.id},
    fieldset, el("div", {class: "cstrain-feedback", hidden: true}));
}

export function readResponse(state, node) {
  const type = typeOf(state.question);
  return type ? type.read(state, node) : null;
}

/** Answered in full (a matching question with a row left open is not). */
export function isComplete(question, response) {
  if (response === null) return false;
  const type = typeOf(question);
  return type && type.complete ? type.complete(response) : true;
}

/** Puts a saved response back into the question's controls (an exam's draft, a review). */
export function restoreResponse(state, node, response) {
  const type = typeOf(state.question);
  if (response !== null && response !== undefined && type && type.restore) type.restore(state, node, response);
}

const VERDICT_ICON = {correct: "\u2714", partly: "\u25d0", wrong: "\u2718"};
const VERDICT_KEYS = {correct: "correct", partly: "partly_correct", wrong: "wrong"};

/** After marking: the verdict and points, the option feedback, the right answer (unless the
 *  response was fully right), the explanation, and marks on the controls. */
export function renderFeedback(state, node, response, mark, withKey = true) {
  const question = state.question;
  const type = typeOf(question);
  const verdict = mark >= question.points - EPSILON ? "correct" : mark > 0 ? "partly" : "wrong";
  node.classList.add("cstrain-question--" + verdict);
  const box = node.querySelector(".cstrain-feedback");
  box.className = "cstrain-feedback cstrain-feedback--" + verdict;
  box.append(el("p", {class: "cstrain-verdict"},
    el("span", {class: "cstrain-verdict-icon", "aria-hidden": "true", text: VERDICT_ICON[verdict]}),
    el("strong", {text: t(VERDICT_KEYS[verdict])}),
    el("span", {class: "cstrain-verdict-points",
                text: t("points", {n: formatNumber(mark) + " / " + formatNumber(question.points)})})));
  box.hidden = false;
  if (!withKey) return;  // the quiz's review policy withholds keys, feedback and explanations
  if (type && type.notes) box.append(...type.notes(state, response));
  const answer = verdict !== "correct" && type ? type.key(state) : null;
  if (answer) box.append(el("div", {class: "cstrain-correct-answer"}, el("strong", {text: t("correct_answer") + colon()}), answer));
  if (question.explanation) {
    box.append(el("div", {class: "cstrain-explanation"},
      el("strong", {text: t("explanation") + colon()}), el("div", {html: question.explanation})));
  }
  box.hidden = false;
  if (type && type.mark) type.mark(state, node, response);
}

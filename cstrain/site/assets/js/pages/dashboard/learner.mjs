/* The dashboard's page of one learner: facts, assignments (withdraw), the assign form, module
 * statuses (sign off, undo), and the attempts with every answer and the right one beside it. */
import {dataOf, request} from "../../core/api.mjs";
import {el} from "../../core/dom.mjs";
import {formatDay, formatNumber, formatTime} from "../../core/format.mjs";
import {t} from "../../core/text.mjs";
import {assignmentBadge, badge} from "../../core/widgets.mjs";
import {loadTypes} from "../../questions/index.mjs";
import {typeOf} from "../../questions/registry.mjs";
import {assignForm} from "./assign.mjs";
import {drillSection} from "./drills.mjs";
import {dueText, liveMessage, problem, say, section} from "./parts.mjs";

/** Shows a learner's page; with notice, a message in its assign form (what was just done). */
export function showLearner(board, id, notice) {
  const root = board.root;
  const path = "learners/" + encodeURIComponent(id);
  const loading = !root.querySelector(".cstrain-dash-learner[data-id='" + CSS.escape(id) + "']");
  if (loading) root.replaceChildren(el("p", {class: "cstrain-dash-loading", text: t("dash_loading")}));
  return Promise.all([request("GET", path).then(dataOf), request("GET", path + "/attempts").then(dataOf)]).then((got) =>
    loadTypes(got[1].flatMap((attempt) => attempt.answers)).then(() => got)).then((got) => {
    const view = learnerView(board, got[0], got[1]);
    root.replaceChildren(view);
    if (notice) {
      const message = view.querySelector(".cstrain-dash-assign .cstrain-dash-message");
      if (message) say(message, notice);
    }
    if (loading) {
      window.scrollTo(0, 0);
      const heading = view.querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: false});
    }
  }).catch((err) => {
    root.replaceChildren(el("div", {class: "cstrain-dash-learner"}, backLink(),
      el("div", {class: "admonition failure"}, el("p", {text: problem(err)}))));
  });
}

function backLink() {
  return el("p", {class: "cstrain-dash-back"}, el("a", {href: "#", text: "\u2190 " + t("dash_back")}));
}

function learnerView(board, person, attempts) {
  const facts = [[t("learner_id"), person.id], [t("dash_filter_team"), person.team],
                 [t("dash_filter_cohort"), person.cohort], [t("dash_mentor"), person.mentor_name || person.mentor_id],
                 [t("dash_hired_on"), person.hired_on]].filter((fact) => fact[1]);
  return el("div", {class: "cstrain-dash-learner", "data-id": person.id},
    backLink(),
    el("h2", {class: "cstrain-dash-name"}, person.name, person.active ? null : badge("failed", t("dash_inactive"))),
    el("dl", {class: "cstrain-dash-facts"}, facts.map((fact) => [el("dt", {text: fact[0]}), el("dd", {text: fact[1]})])),
    assignmentList(board, person),
    person.can_act && person.active ? assignForm(board, null, person) : null,
    moduleTable(board, person),
    attemptList(attempts),
    drillSection(person));
}

function assignmentList(board, person) {
  if (!person.assignments.length) return section(t("dash_assignments"), el("p", {text: t("dash_no_assignments")}));
  return section(t("dash_assignments"), el("ul", {class: "cstrain-dash-assignments"}, person.assignments.map((a) => {
    const title = a.target_kind === "tag" ? t("team_tag_target", {tag: a.target}) : a.title;
    return el("li", {class: "cstrain-dash-assignment"},
      el("span", {class: "cstrain-dash-assignment-title", text: title}),
      assignmentBadge(a.state),
      el("span", {class: "cstrain-dash-muted", text: a.modules_done + "/" + a.modules_total + " \u00b7 " +
        t("team_due_on") + " " + dueText(a.due_on, board.progress.today) + " \u00b7 " + t("dash_assigned_by") + " " +
        (person.names[a.assigned_by] || a.assigned_by)}),
      person.can_act ? withdrawButton(board, person, a) : null);
  })));
}

/** start, and in its place once pressed, a small form: what ask() gives (a question, a note to
 *  type), a confirm and a cancel button; confirming runs action(that) (a promise). */
function confirmInPlace(holder, start, confirmText, ask, action) {
  const message = liveMessage();
  start.addEventListener("click", () => {
    const first = ask();
    const yes = el("button", {type: "submit", class: "md-button md-button--primary cstrain-dash-small", text: confirmText});
    const no = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t("dash_cancel")});
    const form = el("form", {class: "cstrain-dash-confirm"}, first, yes, no);
    no.addEventListener("click", () => {
      form.replaceWith(start);
      start.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      yes.disabled = no.disabled = true;
      action(first).catch((err) => {
        yes.disabled = no.disabled = false;
        say(message, t("dash_failed", {message: problem(err)}), true);
      });
    });
    start.replaceWith(form);
    (first.tagName === "INPUT" ? first : yes).focus();
  });
  holder.append(start, message);
}

/** A link-like button that asks "sure?" in place. */
function confirmInline(holder, label, question, action) {
  confirmInPlace(holder, el("button", {type: "button", class: "cstrain-dash-link", text: label}), label,
                 () => el("span", {text: question}), action);
}

function withdrawButton(board, person, assignment) {
  const holder = el("span", {class: "cstrain-dash-act"});
  confirmInline(holder, t("dash_withdraw"), t("dash_withdraw_confirm"), () =>
    request("DELETE", "assignments/" + assignment.id).then(dataOf)
      .then(() => board.loadProgress()).then(() => showLearner(board, person.id)));
  return holder;
}

function moduleTable(board, person) {
  const byCourse = {};
  person.modules.forEach((m) => {
    const course = m.module.split("/")[0];
    (byCourse[course] = byCourse[course] || []).push(m);
  });
  const blocks = board.catalog.courses.filter((c) => byCourse[c.id]).map((course) => {
    const modules = byCourse[course.id];
    const done = modules.filter((m) => m.done_at || m.signoff).length;
    const complete = done === modules.length;
    return el("details", {class: "cstrain-dash-course " + (complete ? "success" : "note"), open: !complete},
      el("summary", {}, course.title, el("span", {class: "cstrain-dash-muted", text: " " + done + "/" + modules.length})),
      el("ul", {class: "cstrain-dash-modules"}, modules.map((m) => moduleRow(board, person, m))));
  });
  return section(t("dash_modules"), blocks.length ? blocks : el("p", {text: t("dash_no_attempts")}));
}

function moduleRow(board, person, m) {
  const facts = [];
  if (m.attempts) facts.push(t("attempts") + " " + m.attempts);
  if (m.best_percent !== null) facts.push(t("best_score") + " " + formatNumber(m.best_percent, 1) + "%");
  const holder = el("span", {class: "cstrain-dash-act"});
  if (m.signoff) {
    holder.append(el("span", {class: "cstrain-dash-signed", text: "\u2714 " + t("dash_signed_off", {
      name: m.signoff.signed_by_name || m.signoff.signed_by, date: formatDay(m.signoff.signed_at)}) +
      (m.signoff.note ? "\uff1a" + m.signoff.note : "")}));
    if (person.can_act) {
      confirmInline(holder, t("dash_signoff_undo"), "", () =>
        request("DELETE", "learners/" + encodeURIComponent(person.id) + "/signoffs/" + m.module).then(dataOf)
          .then(() => showLearner(board, person.id)));
    }
  } else if (person.can_act && person.active) {
    signoffButton(board, holder, person, m);
  }
  return el("li", {class: "cstrain-dash-module"},
    el("span", {class: "cstrain-dash-module-title", text: m.title}),
    badge(m.state),
    facts.length ? el("span", {class: "cstrain-dash-muted", text: facts.join(" \u00b7 ")}) : null,
    holder);
}

function signoffButton(board, holder, person, m) {
  const start = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t("dash_signoff"),
                              "aria-label": t("dash_signoff") + " " + m.title});
  const note = () => el("input", {type: "text", maxlength: "500", placeholder: t("dash_signoff_note"),
                                  "aria-label": t("dash_signoff_note")});
  confirmInPlace(holder, start, t("dash_signoff_confirm"), note, (input) =>
    request("POST", "signoffs", {learner_id: person.id, module: m.module, note: input.value}).then(dataOf)
      .then(() => board.loadProgress()).then(() => showLearner(board, person.id)));
}

/* ---------------------------------------------------------------- attempts */

/** A response or a key as text, for a question of this type; parts the server put in words
 *  (choices, items, pairs) are joined as the type lists them. */
function inWords(typeName, value, parts) {
  const type = typeOf({type: typeName}) || {};
  if (parts) return parts.join(type.JOINER || "\uff1b");
  if (type.words) return type.words(value);
  if (typeof value === "number") return formatNumber(value, 4);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function responseText(answer) {
  if (answer.response === null || answer.response === undefined) return t("dash_unanswered");
  return inWords(answer.type, answer.response, answer.response_text);
}

/** The right answer, for a question not fully right: what the mentor coaches towards. */
function keyText(answer) {
  if (!answer.key_text && (answer.key === null || answer.key === undefined)) return null;
  return inWords(answer.type, answer.key, answer.key_text);
}

const VERDICT_KEYS = {passed: "correct", failed: "wrong", in_progress: "partly_correct"};

function answerItem(answer) {
  const right = answer.mark >= answer.max_mark;
  const kind = right ? "passed" : answer.mark <= 0 ? "failed" : "in_progress";
  const key = right ? null : keyText(answer);
  return el("li", {class: "cstrain-dash-answer cstrain-dash-answer--" + kind},
    el("p", {class: "cstrain-dash-prompt", text: answer.prompt || (answer.question + " " + t("dash_question_removed"))}),
    el("p", {}, el("span", {class: "cstrain-dash-muted", text: t("dash_response") + "\uff1a"}), responseText(answer)),
    key === null ? null : el("p", {class: "cstrain-dash-key"},
      el("span", {class: "cstrain-dash-muted", text: t("dash_key") + "\uff1a"}), key),
    el("p", {}, badge(kind, t(VERDICT_KEYS[kind]) + " \u00b7 " +
      t("dash_mark", {mark: formatNumber(answer.mark, 2), max: formatNumber(answer.max_mark, 2)}))));
}

function attemptList(attempts) {
  if (!attempts.length) return section(t("attempts"), el("p", {text: t("dash_no_attempts")}));
  return section(t("attempts"), attempts.map((a, index) => el("details",
    {class: "cstrain-dash-attempt " + (a.passed ? "success" : "failure"), open: index === 0},
    el("summary", {},
      el("span", {class: "cstrain-dash-attempt-title", text: a.module_title}),
      badge(a.passed ? "passed" : "failed"),
      el("span", {class: "cstrain-dash-muted", text: t("dash_attempt_score", {
        score: formatNumber(a.score, 2), max: formatNumber(a.max_score, 2), percent: formatNumber(a.percent, 1)}) +
        " \u00b7 " + formatTime(a.submitted_at)})),
    a.current_version ? null : el("p", {class: "cstrain-dash-hint", text: t("dash_quiz_changed")}),
    el("ol", {class: "cstrain-dash-answers"}, a.answers.map(answerItem)))), "cstrain-dash-attempts");
}

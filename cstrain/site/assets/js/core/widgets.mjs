/* Pieces of the learner's and the mentor's pages alike: status badges and progress tables. */
import {el} from "./dom.mjs";
import {t} from "./text.mjs";

/** The key of each module status and of each assignment state, as in tracking/status.py. */
const STATUS_KEYS = {
  not_started: "status_not_started", in_progress: "status_in_progress", completed: "status_completed",
  passed: "status_passed", failed: "status_failed",
};
const ASSIGNMENT_KEYS = {
  open: "team_assignment_open", done_on_time: "team_assignment_done_on_time",
  done_late: "team_assignment_done_late", overdue: "team_assignment_overdue",
};

/** A coloured badge: a module status (its name in words by default) or another kind of state
 *  drawn in a status's colour. */
export function badge(kind, text) {
  return el("span", {class: "cstrain-badge cstrain-badge--" + kind, text: text === undefined ? t(STATUS_KEYS[kind]) : text});
}

// an assignment's state drawn in a module status's colours ("late": done, after the due day)
const ASSIGNMENT_COLOURS = {open: "in_progress", done_on_time: "passed", done_late: "late", overdue: "failed"};

/** An assignment's state (tracking/assignments.py) as a badge, on 我的学习 and the dashboard alike. */
export function assignmentBadge(state) {
  return badge(ASSIGNMENT_COLOURS[state], t(ASSIGNMENT_KEYS[state]));
}

/** A table that scrolls sideways on its own on a narrow screen: column heads, then rows. */
export function progressTable(heads, rows, className) {
  return el("div", {class: "cstrain-table-wrap"},
    el("table", {class: "cstrain-progress-table" + (className ? " " + className : "")},
      el("thead", {}, el("tr", {}, heads.map((head) => el("th", {scope: "col"}, head)))),
      el("tbody", {}, rows)));
}

/* A mentee's drill transcripts (接待模拟) on the dashboard: each attempt with its score against
 * the pass mark (the mentor's re-score where there is one, the scorer's beside it), and, opened,
 * every turn: the buyer's messages, the reply with red-line hits marked in the agent's own words,
 * the time against the time allowed, checkpoints hit and missed, the model reply, and a 人工复核
 * form that re-scores the turn (POST /api/drill-attempts/{id}/rescores).
 * Learner text is only ever set as text (el's text, text nodes), never as HTML. */
import {dataOf, request} from "../../core/api.mjs";
import {el, nextId} from "../../core/dom.mjs";
import {formatNumber, formatPercent, formatTime} from "../../core/format.mjs";
import {colon, t} from "../../core/text.mjs";
import {badge} from "../../core/widgets.mjs";
import {markedReply} from "../../drills/view.mjs";
import {liveMessage, say, section} from "./parts.mjs";

const PARTS = ["content", "speed", "compliance"];
const PART_KEYS = {content: "dash_drill_content", speed: "dash_drill_speed", compliance: "dash_drill_compliance"};

/** What a failed drill request means to a mentor, in the page's language. */
export function drillProblem(result) {
  const status = result && result.status;
  if (status === 0) return t("team_error_network");
  if (status === 401) return t("team_session_expired");
  if (status === 403) return t("dash_drill_error_403");
  if (status === 404) return t("dash_drill_error_404");
  if (status === 409) return t("dash_drill_error_409");
  if (status === 422) return t("dash_drill_error_422");
  if (typeof status === "number") return t("team_error_server", {status: status});
  return String(result && result.message ? result.message : result);
}

/** The section of a learner's page; filled once the transcripts arrive. */
export function drillSection(person) {
  const body = el("div", {class: "cstrain-dash-drills-body"},
    el("p", {class: "cstrain-dash-loading", text: t("dash_loading")}));
  request("GET", "learners/" + encodeURIComponent(person.id) + "/drill-attempts").then(dataOf).then((attempts) => {
    body.replaceChildren(attempts.length
      ? el("ul", {class: "cstrain-dash-drill-list"}, attempts.map((attempt) => el("li", {}, attemptView(attempt, false))))
      : el("p", {text: t("dash_drill_none")}));
  }).catch((err) => {
    body.replaceChildren(el("div", {class: "admonition failure"}, el("p", {text: drillProblem(err)})));
  });
  return section(t("dash_drill_heading"), body, "cstrain-dash-drills");
}

function percent(value) {
  return formatPercent(value);
}

function scoreLine(attempt) {
  const line = t("dash_drill_score", {percent: percent(attempt.percent), mark: percent(attempt.pass_mark)});
  const rescored = attempt.turns.some((turn) => turn.rescored);
  return rescored ? line + t("dash_drill_scorer_score", {percent: percent(attempt.scorer_percent)}) : line;
}

/** One attempt: a disclosure whose summary is the drill, when, the score and passed or not. */
function attemptView(attempt, open) {
  const rescored = attempt.turns.some((turn) => turn.rescored);
  const details = el("details", {class: "cstrain-dash-drill " + (attempt.passed ? "success" : "failure"),
                                 "data-attempt": String(attempt.attempt_id), open: open},
    el("summary", {},
      el("span", {class: "cstrain-dash-drill-title", text: attempt.title}),
      attempt.mode === "exam" ? el("span", {class: "cstrain-dash-muted", text: " " + t("dash_drill_exam")}) : null,
      " ", badge(attempt.passed ? "passed" : "failed"),
      rescored ? badge("in_progress", t("dash_drill_rescored")) : null,
      el("span", {class: "cstrain-dash-muted cstrain-dash-drill-score", text: scoreLine(attempt) + " \u00b7 " +
        formatTime(attempt.submitted_at)})));
  let filled = false;
  const fill = () => {
    if (filled || !details.open) return;
    filled = true;
    details.append(transcript(attempt, details));
  };
  details.addEventListener("toggle", fill);
  fill();
  return details;
}

function transcript(attempt, details) {
  return el("div", {class: "cstrain-dash-drill-body"},
    attempt.current_version ? null : el("p", {class: "cstrain-dash-hint", text: t("dash_drill_changed")}),
    el("ol", {class: "cstrain-dash-drill-turns"}, attempt.turns.map((turn) => turnView(attempt, turn, details))));
}

function seconds(value) {
  return t("drill_seconds_short", {n: formatNumber(value, 1)});
}

/** The reply's spans as drills/view.mjs marks them: red lines and avoid phrases first. */
function spansOf(turn) {
  const spans = [];
  turn.redlines.forEach((hit) => spans.push({start: hit.start, end: hit.end, kind: hit.severity, label: hit.explanation}));
  turn.avoid.forEach((item) => (item.spans || []).forEach((span) =>
    spans.push({start: span[0], end: span[1], kind: item.severity, label: item.why})));
  const labels = {};
  turn.checkpoints.forEach((cp) => { labels[cp.id] = cp.label; });
  Object.keys(turn.spans || {}).forEach((id) => turn.spans[id].forEach((span) =>
    spans.push({start: span[0], end: span[1], kind: "hit", label: t("drill_mark_hit", {label: labels[id] || id})})));
  return spans;
}

function labelled(label, ...children) {
  return el("p", {}, el("strong", {text: label + colon()}), children);
}

function checkList(turn) {
  const labels = {};
  turn.checkpoints.forEach((cp) => { labels[cp.id] = cp.label; });
  const items = turn.hit.map((id) => el("li", {class: "cstrain-drill-check--hit"},
    el("span", {class: "cstrain-drill-check-icon", text: "\u2714 " + t("drill_hit")}), " " + (labels[id] || id)))
    .concat(turn.missed.map((id) => el("li", {class: "cstrain-drill-check--missed"},
      el("span", {class: "cstrain-drill-check-icon", text: "\u2718 " + t("drill_missed")}), " " + (labels[id] || id))));
  return items.length ? el("ul", {class: "cstrain-drill-checks", "aria-label": t("dash_drill_checkpoints")}, items) : null;
}

function problemList(turn) {
  const items = turn.redlines.map((hit) => el("li", {class: "cstrain-drill-problem--" + hit.severity, "data-rule": hit.rule},
    el("strong", {text: (hit.severity === "error" ? t("redlines_error") : t("redlines_warning")) + colon()}),
    "\u201c" + hit.matched + "\u201d " + hit.explanation))
    .concat(turn.avoid.map((item) => el("li", {class: "cstrain-drill-problem--" + item.severity},
      el("strong", {text: (item.severity === "error" ? t("redlines_error") : t("redlines_warning")) + colon()}), item.why)));
  return items.length ? el("ul", {class: "cstrain-drill-problems"}, items) : null;
}

function partsText(parts) {
  return t("drill_turn_parts", {content: formatNumber(parts.content), speed: formatNumber(parts.speed),
                                compliance: formatNumber(parts.compliance)});
}

function turnView(attempt, turn, details) {
  const number = turn.position + 1;
  const timing = turn.answered
    ? t("drill_turn_time", {taken: seconds(turn.seconds), allowed: seconds(turn.allowed)}) +
      (turn.timed_out ? t("drill_turn_timed_out") : "")
    : t("drill_turn_unanswered");
  const scoreText = t("drill_turn_score", {score: formatNumber(turn.score), max: formatNumber(turn.max_score)}) +
    (turn.failed ? " \u00b7 " + t("drill_turn_failed") : "");
  return el("li", {class: "cstrain-dash-drill-turn" + (turn.failed ? " cstrain-drill-turn--failed" : ""),
                   "data-position": String(turn.position)},
    el("h4", {tabindex: "-1"}, t("drill_turn_n", {n: number}), " ",
      el("span", {class: "cstrain-dash-muted", text: scoreText})),
    turn.buyer ? labelled(t("drill_buyer_said"), el("span", {class: "cstrain-dash-drill-buyer", text: turn.buyer.join(" / ")})) : null,
    turn.answered
      ? labelled(t("drill_you_said"), el("span", {class: "cstrain-drill-reply-text cstrain-dash-drill-reply"},
          markedReply(turn.text, spansOf(turn))))
      : null,
    el("p", {class: "cstrain-drill-timing" + (turn.timed_out || !turn.answered ? " cstrain-drill-timing--late" : ""), text: timing}),
    checkList(turn),
    problemList(turn),
    el("p", {class: "cstrain-drill-parts"}, turn.rescored
      ? t("dash_drill_parts_both", {mentor: partsText(turn), scorer: partsText(turn.scorer)})
      : partsText(turn)),
    turn.model ? labelled(t("drill_model"), el("span", {class: "cstrain-drill-model", text: turn.model})) : null,
    rescoreHistory(turn),
    turn.answered ? rescoreForm(attempt, turn, details) : null);
}

function rescoreHistory(turn) {
  if (!turn.rescores.length) return null;
  return el("ul", {class: "cstrain-dash-drill-rescores", "aria-label": t("dash_drill_history")},
    turn.rescores.map((r) => el("li", {},
      t("dash_drill_history_item", {by: r.rescored_by, time: formatTime(r.rescored_at), parts: partsText(r)}) +
        (r.failed ? " \u00b7 " + t("drill_turn_failed") : "") + colon(),
      el("span", {class: "cstrain-dash-drill-comment", text: r.comment}))));
}

function numberField(name, value, most) {
  const id = nextId("drill-" + name);
  const input = el("input", {type: "number", id: id, name: name, min: "0", max: String(most), step: "any",
                             inputmode: "decimal", required: true, value: String(value)});
  return el("p", {class: "cstrain-dash-drill-field"},
    el("label", {for: id, text: t(PART_KEYS[name]) + t("dash_drill_out_of", {max: formatNumber(most)})}), input);
}

/** The 人工复核 form of one turn; on success the attempt is drawn again, open, with this turn's
 *  message said and its heading focused. */
function rescoreForm(attempt, turn, details) {
  const commentId = nextId("drill-comment");
  const failedId = nextId("drill-failed");
  const message = liveMessage();
  const save = el("button", {type: "submit", class: "md-button md-button--primary cstrain-dash-small",
                             text: t("dash_drill_rescore_save")});
  const comment = el("textarea", {id: commentId, name: "comment", rows: "2", maxlength: "1000", required: true});
  const failed = el("input", {type: "checkbox", id: failedId, name: "failed", checked: turn.failed});
  const form = el("form", {class: "cstrain-dash-drill-rescore", novalidate: true,
                           "aria-label": t("dash_drill_rescore_for", {n: turn.position + 1})},
    el("h5", {text: t("dash_drill_rescore")}),
    el("div", {class: "cstrain-dash-drill-fields"}, PARTS.map((name) => numberField(name, turn[name], attempt.weights[name]))),
    el("p", {class: "cstrain-dash-drill-field"}, failed, el("label", {for: failedId, text: " " + t("dash_drill_failed")})),
    el("p", {class: "cstrain-dash-drill-field cstrain-dash-drill-comment-field"},
      el("label", {for: commentId, text: t("dash_drill_comment")}), comment),
    save, message);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {position: turn.position, comment: comment.value.trim(), failed: failed.checked};
    if (!body.comment) {
      say(message, t("dash_drill_comment_needed"), true);
      comment.setAttribute("aria-invalid", "true");
      comment.focus();
      return;
    }
    comment.removeAttribute("aria-invalid");
    for (const name of PARTS) {
      const input = form.elements[name];
      const value = Number(input.value);
      if (input.value === "" || !Number.isFinite(value) || value < 0 || value > attempt.weights[name]) {
        say(message, t("dash_drill_part_range", {part: t(PART_KEYS[name]), max: formatNumber(attempt.weights[name])}), true);
        input.focus();
        return;
      }
      body[name] = value;
    }
    save.disabled = true;
    say(message, t("dash_drill_saving"));
    request("POST", "drill-attempts/" + attempt.attempt_id + "/rescores", body).then(dataOf).then((updated) => {
      const fresh = attemptView(updated, true);
      details.replaceWith(fresh);
      const item = fresh.querySelector(".cstrain-dash-drill-turn[data-position='" + turn.position + "']");
      const note = item && item.querySelector(".cstrain-dash-message");
      if (note) say(note, t("dash_drill_saved", {percent: percent(updated.percent)}));
      if (item) item.querySelector("h4").focus();
    }).catch((err) => {
      save.disabled = false;
      say(message, t("dash_failed", {message: drillProblem(err)}), true);
    });
  });
  return form;
}

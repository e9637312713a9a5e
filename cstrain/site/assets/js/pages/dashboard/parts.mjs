/* Pieces of the mentor dashboard's views: sections, messages, due dates, the API's errors. */
import {el} from "../../core/dom.mjs";
import {t} from "../../core/text.mjs";

export const LEARNER_HASH = "#learner/";

/** The dashboard's own address of one learner's page. */
export function learnerHref(id) {
  return LEARNER_HASH + encodeURIComponent(id);
}

export function section(title, children, extraClass) {
  return el("section", {class: "cstrain-dash-section" + (extraClass ? " " + extraClass : "")},
    el("h2", {text: title}), children);
}

/** A line that tells a screen reader what just happened (saved, failed). */
export function liveMessage() {
  return el("p", {class: "cstrain-dash-message", role: "status", "aria-live": "polite"});
}

export function say(node, text, bad) {
  node.textContent = text || "";
  node.classList.toggle("cstrain-dash-message--bad", Boolean(bad));
}

/** What a failed request (a request() result, thrown by dataOf) means to a mentor. */
export function problem(result) {
  if (result && result.status === 0) return t("team_error_network");
  if (result && result.status === 403) return t("dash_forbidden");
  if (result && result.status === 404) return t("dash_not_found");
  if (result && typeof result.status === "number") {
    const detail = result.data && result.data.detail;
    return typeof detail === "string" && detail ? detail : "HTTP " + result.status;
  }
  return String(result && result.message ? result.message : result);
}

/** ?team=...&cohort=... for the filters that are set. */
export function query(filters) {
  const parts = Object.keys(filters).filter((key) => filters[key])
    .map((key) => key + "=" + encodeURIComponent(filters[key]));
  return parts.length ? "?" + parts.join("&") : "";
}

const DAY = 86400000;

/** Days from one YYYY-MM-DD day to another. */
function daysBetween(from, to) {
  return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / DAY);
}

export function addDays(day, n) {
  return new Date(Date.parse(day + "T00:00:00Z") + n * DAY).toISOString().slice(0, 10);
}

/** A due day with how far it is from today, the team's today (the server's). */
export function dueText(day, today) {
  if (!day) return "\u2014";
  const left = daysBetween(today, day);
  const note = left > 0 ? t("team_days_left", {n: left}) : left === 0 ? t("team_due_today")
    : t("team_days_over", {n: -left});
  return day + "\uff08" + note + "\uff09";
}

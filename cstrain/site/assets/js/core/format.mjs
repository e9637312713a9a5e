/* Numbers and times as a person reads them, with the one rounding rule the grader uses. */

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
export const DASH = "\u2014";

/** expr.round_half_up: marks, scores and percents are rounded this way in Python too. */
export function roundHalfUp(value, digits) {
  return Math.floor(value * POW10[digits] + 0.5) / POW10[digits];
}

/** A figure as a person writes it: 3.5, not 3.5000 or 3.4999999999999996; a dash for none. */
export function formatNumber(value, decimals = 6) {
  if (value === null || value === undefined) return DASH;
  if (typeof value !== "number" || !Number.isFinite(value * POW10[decimals])) return String(value);
  return String(roundHalfUp(value, decimals));
}

/** Decimals shown for scores (0.67 / 7) and percents (9.5%), everywhere a person reads them:
 *  quiz results, exams, 我的学习, the dashboard. Stored and exported figures keep theirs. */
export const SCORE_DECIMALS = 2;
export const PERCENT_DECIMALS = 1;

/** A score as shown: 0.67, 3.5, 4. */
export function formatScore(value) {
  return formatNumber(value, SCORE_DECIMALS);
}

/** A percent as shown, without its sign: 9.5, 20.8, 100. */
export function formatPercent(value) {
  return formatNumber(value, PERCENT_DECIMALS);
}

/** 7 -> "07". */
export function twoDigits(n) {
  return String(n).padStart(2, "0");
}

/** An ISO time as YYYY-MM-DD HH:MM on this device's clock; a dash for none. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (!iso || isNaN(date.getTime())) return DASH;
  return date.getFullYear() + "-" + twoDigits(date.getMonth() + 1) + "-" + twoDigits(date.getDate()) + " " +
    twoDigits(date.getHours()) + ":" + twoDigits(date.getMinutes());
}

/** An ISO time's day, YYYY-MM-DD, on this device's clock. */
export function formatDay(iso) {
  return formatTime(iso).slice(0, 10);
}

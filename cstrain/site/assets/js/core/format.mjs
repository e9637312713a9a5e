/* Numbers and times as a person reads them, with the one rounding rule the grader uses. */

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
export const DASH = "\u2014";

/** One more on a string of decimal digits: "129" -> "130", "99" -> "100". */
function increment(digits) {
  const list = digits.split("");
  let i = list.length - 1;
  while (i >= 0 && list[i] === "9") list[i--] = "0";
  if (i < 0) return "1" + list.join("");
  list[i] = String(Number(list[i]) + 1);
  return list.join("");
}

/** The digits of a positive number's shortest decimal string (String(x): "62.75", "1e-7",
 *  "1.5e+300") without leading zeros, and how many of them are decimals (negative: zeros follow). */
function figureOf(value) {
  const text = String(value);
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const point = mantissa.indexOf(".");
  const digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  return {digits: digits.replace(/^0+/, ""), decimals: (point < 0 ? 0 : mantissa.length - point - 1) - exponent};
}

/** A figure cut to `keep` decimals, half up. */
function cut(figure, keep) {
  if (figure.decimals <= keep) return figure;
  const count = figure.digits.length - (figure.decimals - keep);  // digits kept
  if (count < 0) return {digits: "0", decimals: keep};  // below half a unit
  let head = figure.digits.slice(0, count) || "0";
  if (figure.digits[count] >= "5") head = increment(head);
  return {digits: head, decimals: keep};
}

/** The significant digits a double holds reliably (expr.SIGNIFICANT). */
const SIGNIFICANT = 15;

/** expr.round_half_up: value rounded to digits decimals as a person rounds the figure they
 *  worked out (四舍五入): exactly in decimal, halves away from zero. The figure is the shortest
 *  decimal string that reads back as the number, cut to 15 significant digits as a spreadsheet
 *  does, so the noise of binary arithmetic is no digit: 251 / 400 * 100 is 62.74999999999999 in
 *  binary and 62.75 as a figure. 62.75 -> 62.8, 1.005 -> 1.01, -2.5 -> -3, where
 *  Math.floor(x * 10 ** d + 0.5) gives 62.7 and 1. Marks, scores and percents are rounded this way
 *  in Python too; the result is the double nearest the same decimal in both. A value that is not
 *  finite, or a whole number, comes back as it is. */
export function roundHalfUp(value, digits) {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;  // nothing to round
  const negative = value < 0;
  let figure = figureOf(negative ? -value : value);
  if (figure.digits.length > SIGNIFICANT) {  // never into the whole part
    figure = cut(figure, Math.max(figure.decimals - (figure.digits.length - SIGNIFICANT), 0));
  }
  figure = cut(figure, digits);
  const rounded = Number(figure.digits + "e" + (-figure.decimals));
  return negative ? -rounded : rounded;
}

/** A figure as a person writes it: 3.5, not 3.5000 or 3.4999999999999996; a dash for none. */
export function formatNumber(value, decimals = 6) {
  if (value === null || value === undefined) return DASH;
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value);
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

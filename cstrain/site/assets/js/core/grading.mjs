/* The building blocks of marking, as cstrain/grading/grade.py has them: numbers read the way
 * Python reads them, whole-number indexes, figures against their key (text compared as Python
 * does: ./fold.mjs). Each question type (../questions/) marks its own responses with these;
 * tests/vectors/grading.json keeps the two graders equal. */
import {roundHalfUp} from "./format.mjs";

export const EPSILON = 1e-9;

// Python's str.isspace() set: what re's \s and str.strip() use (JS's \s differs: \ufeff, \x1c-\x1f).
export const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
export const EDGE_SPACE = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");

// The zero of every run of Unicode decimal digits (category Nd): Python's re \d and float()
// accept all of them, e.g. Arabic-Indic digits; NFKC already turns full-width ones into ASCII.
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
  0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
  0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
  0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0,
  0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0,
  0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];
const DIGIT = "[" + DIGIT_ZEROS.map((zero) => "\\u{" + zero.toString(16) + "}-\\u{" +
                                               (zero + 9).toString(16) + "}").join("") + "]";
const DIGITS = new RegExp(DIGIT, "gu");
// grade.py's _NUMBER; Python's $ also matches before one final newline.
const NUMBER = new RegExp("^[+-]?(?:" + DIGIT + "+(?:\\." + DIGIT + "*)?|\\." + DIGIT + "+)" +
                          "(?:[eE][+-]?" + DIGIT + "+)?\\n?$", "u");

/** grade._index: a whole number below size (1 and 1.0 alike; true is not a number), or null. */
export function asIndex(value, size) {
  return typeof value === "number" && value >= 0 && value < size && Number.isInteger(value) ? value : null;
}

/** A list of indexes below size, or null if any item is not one. */
export function indexList(value, size) {
  if (!Array.isArray(value)) return null;
  const indexes = value.map((item) => asIndex(item, size));
  return indexes.indexOf(null) >= 0 ? null : indexes;
}

function digitValue(ch) {
  const cp = ch.codePointAt(0);
  let zero = 0x30;
  for (const candidate of DIGIT_ZEROS) if (candidate <= cp) zero = candidate;
  return String(cp - zero);
}

/** grade.parse_number: "1,234.5", "\uff13\uff12.5", "32.5%" and 32.5 parse; anything else is null. */
export function parseNumber(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  let text = value.normalize("NFKC").replace(EDGE_SPACE, "").split(",").join("").split(" ").join("");
  if (text.endsWith("%")) text = text.slice(0, -1);
  if (!NUMBER.test(text)) return null;
  const number = Number(text.replace(DIGITS, digitValue));
  return Number.isFinite(number) ? number : null;
}

/** figures.key_figure: the figure a learner should give, the exact answer rounded to the
 *  question's decimals when it asks for them. */
export function keyFigure(exact, decimals) {
  return typeof decimals === "number" ? roundHalfUp(exact, decimals) : exact;
}

/** figures.is_right: a typed number (null: not a number) against the key. With decimals, right
 *  when it rounds to the key (62.75 and 62.8 for 62.8, never 62.7); right within the tolerance too. */
export function isRightFigure(given, key, question) {
  if (given === null) return false;
  if (typeof question.decimals === "number" && roundHalfUp(given, question.decimals) === key) return true;
  return Math.abs(given - key) <= (question.tolerance || 0) + EPSILON;
}

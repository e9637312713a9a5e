/* The building blocks of marking, as cstrain/grading/grade.py has them: text and numbers read
 * the way Python reads them, whole-number indexes. Each question type (../questions/) marks its
 * own responses with these; tests/vectors/grading.json keeps the two graders equal. */

export const EPSILON = 1e-9;

// Python's str.isspace() set: what re's \s and str.strip() use (JS's \s differs: \ufeff, \x1c-\x1f).
const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUNS = new RegExp("[" + WS + "]+", "g");
const EDGE_SPACE = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");

// Where Python's str.casefold() differs from str.lower(), code point by code point (Unicode 14;
// Cherokee is handled by rule in foldCase). Generated from CPython, checked by the browser tests.
const FOLD = Object.assign(Object.create(null), {
  "\u00b5":"\u03bc","\u00df":"ss","\u0149":"\u02bcn","\u017f":"s","\u01f0":"j\u030c",
  "\u0345":"\u03b9","\u0390":"\u03b9\u0308\u0301","\u03b0":"\u03c5\u0308\u0301","\u03c2":"\u03c3",
  "\u03d0":"\u03b2","\u03d1":"\u03b8","\u03d5":"\u03c6","\u03d6":"\u03c0","\u03f0":"\u03ba",
  "\u03f1":"\u03c1","\u03f5":"\u03b5","\u0587":"\u0565\u0582","\u1c80":"\u0432","\u1c81":"\u0434",
  "\u1c82":"\u043e","\u1c83":"\u0441","\u1c84":"\u0442","\u1c85":"\u0442","\u1c86":"\u044a",
  "\u1c87":"\u0463","\u1c88":"\ua64b","\u1e96":"h\u0331","\u1e97":"t\u0308","\u1e98":"w\u030a",
  "\u1e99":"y\u030a","\u1e9a":"a\u02be","\u1e9b":"\u1e61","\u1e9e":"ss","\u1f50":"\u03c5\u0313",
  "\u1f52":"\u03c5\u0313\u0300","\u1f54":"\u03c5\u0313\u0301","\u1f56":"\u03c5\u0313\u0342",
  "\u1f80":"\u1f00\u03b9","\u1f81":"\u1f01\u03b9","\u1f82":"\u1f02\u03b9","\u1f83":"\u1f03\u03b9",
  "\u1f84":"\u1f04\u03b9","\u1f85":"\u1f05\u03b9","\u1f86":"\u1f06\u03b9","\u1f87":"\u1f07\u03b9",
  "\u1f88":"\u1f00\u03b9","\u1f89":"\u1f01\u03b9","\u1f8a":"\u1f02\u03b9","\u1f8b":"\u1f03\u03b9",
  "\u1f8c":"\u1f04\u03b9","\u1f8d":"\u1f05\u03b9","\u1f8e":"\u1f06\u03b9","\u1f8f":"\u1f07\u03b9",
  "\u1f90":"\u1f20\u03b9","\u1f91":"\u1f21\u03b9","\u1f92":"\u1f22\u03b9","\u1f93":"\u1f23\u03b9",
  "\u1f94":"\u1f24\u03b9","\u1f95":"\u1f25\u03b9","\u1f96":"\u1f26\u03b9","\u1f97":"\u1f27\u03b9",
  "\u1f98":"\u1f20\u03b9","\u1f99":"\u1f21\u03b9","\u1f9a":"\u1f22\u03b9","\u1f9b":"\u1f23\u03b9",
  "\u1f9c":"\u1f24\u03b9","\u1f9d":"\u1f25\u03b9","\u1f9e":"\u1f26\u03b9","\u1f9f":"\u1f27\u03b9",
  "\u1fa0":"\u1f60\u03b9","\u1fa1":"\u1f61\u03b9","\u1fa2":"\u1f62\u03b9","\u1fa3":"\u1f63\u03b9",
  "\u1fa4":"\u1f64\u03b9","\u1fa5":"\u1f65\u03b9","\u1fa6":"\u1f66\u03b9","\u1fa7":"\u1f67\u03b9",
  "\u1fa8":"\u1f60\u03b9","\u1fa9":"\u1f61\u03b9","\u1faa":"\u1f62\u03b9","\u1fab":"\u1f63\u03b9",
  "\u1fac":"\u1f64\u03b9","\u1fad":"\u1f65\u03b9","\u1fae":"\u1f66\u03b9","\u1faf":"\u1f67\u03b9",
  "\u1fb2":"\u1f70\u03b9","\u1fb3":"\u03b1\u03b9","\u1fb4":"\u03ac\u03b9","\u1fb6":"\u03b1\u0342",
  "\u1fb7":"\u03b1\u0342\u03b9","\u1fbc":"\u03b1\u03b9","\u1fbe":"\u03b9","\u1fc2":"\u1f74\u03b9",
  "\u1fc3":"\u03b7\u03b9","\u1fc4":"\u03ae\u03b9","\u1fc6":"\u03b7\u0342",
  "\u1fc7":"\u03b7\u0342\u03b9","\u1fcc":"\u03b7\u03b9","\u1fd2":"\u03b9\u0308\u0300",
  "\u1fd3":"\u03b9\u0308\u0301","\u1fd6":"\u03b9\u0342","\u1fd7":"\u03b9\u0308\u0342",
  "\u1fe2":"\u03c5\u0308\u0300","\u1fe3":"\u03c5\u0308\u0301","\u1fe4":"\u03c1\u0313",
  "\u1fe6":"\u03c5\u0342","\u1fe7":"\u03c5\u0308\u0342","\u1ff2":"\u1f7c\u03b9",
  "\u1ff3":"\u03c9\u03b9","\u1ff4":"\u03ce\u03b9","\u1ff6":"\u03c9\u0342",
  "\u1ff7":"\u03c9\u0342\u03b9","\u1ffc":"\u03c9\u03b9","\ufb00":"ff","\ufb01":"fi","\ufb02":"fl",
  "\ufb03":"ffi","\ufb04":"ffl","\ufb05":"st","\ufb06":"st","\ufb13":"\u0574\u0576",
  "\ufb14":"\u0574\u0565","\ufb15":"\u0574\u056b","\ufb16":"\u057e\u0576","\ufb17":"\u0574\u056d"
});

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

function foldCase(text) {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (cp >= 0x13a0 && cp <= 0x13f5) out += ch;
    else if (cp >= 0x13f8 && cp <= 0x13fd) out += String.fromCodePoint(cp - 8);
    else if (cp >= 0xab70 && cp <= 0xabbf) out += String.fromCodePoint(cp - 0xab70 + 0x13a0);
    else out += ch in FOLD ? FOLD[ch] : ch.toLowerCase();
  }
  return out;
}

/** grade.normalise_text: NFKC, whitespace runs folded to one space, trimmed, case folded. */
export function normaliseText(value, caseSensitive) {
  const text = String(value).normalize("NFKC").replace(SPACE_RUNS, " ").replace(EDGE_SPACE, "");
  return caseSensitive ? text : foldCase(text);
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

/** Within tolerance of the expected figure, as grade.py compares numbers. */
export function near(given, expected, tolerance) {
  return given !== null && Math.abs(given - expected) <= (tolerance || 0) + EPSILON;
}

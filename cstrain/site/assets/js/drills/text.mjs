/* How a reply is matched against a drill's phrases: cstrain/drills/text.py, rule for rule (that
 * module's docstring states the rules; Python is authoritative). The phrases arrive already
 * normalised in the drill's page data (CompiledDrill.client); only replies are normalised here.
 *
 * Offsets count code points, as Python indexes strings: a normalised text keeps, for each of
 * its characters, the code-point offset in the reply it came from (origin) and where its clause
 * starts (clause). Both scorers are held together by tests/vectors/drills.json and a browser test
 * that compares this module with text.py character by character. */

// text.py's NEGATIONS and HELPERS, in the same order (the browser test compares them)
export const NEGATIONS = ["\u6ca1\u6709", "\u4e0d", "\u6ca1", "\u65e0", "\u522b", "\u672a", "\u975e", "\u83ab",
  "\u52ff"];
export const HELPERS = ["\u53ef\u4ee5", "\u4e00\u5b9a", "\u9700\u8981", "\u652f\u6301", "\u63d0\u4f9b", "\u5305\u62ec",
  "\u5305\u542b", "\u529e\u6cd5", "\u5141\u8bb8", "\u5efa\u8bae", "\u6253\u7b97", "\u51c6\u5907", "\u5e94\u8be5",
  "\u79c1\u4e0b", "\u80fd", "\u4f1a", "\u53ef", "\u7528", "\u7ed9", "\u8981", "\u662f", "\u592a", "\u518d", "\u5fc5",
  "\u9700", "\u6cd5", "\u6562", "\u60f3"];
const NEGATED = new RegExp("(?:" + NEGATIONS.join("|") + ")(?:" + HELPERS.join("|") + "){0,2}$", "u");
// the longest text NEGATED can match, in characters
const WINDOW = Math.max(...NEGATIONS.map((w) => w.length)) + 2 * Math.max(...HELPERS.map((w) => w.length));
// Python's unicodedata categories P, S, Z, C (Cn and Cs included), Mn, Me
const DROPPED = /^[\p{P}\p{S}\p{Z}\p{C}\p{Mn}\p{Me}]$/u;
const BREAK = /^\p{P}$/u;
const NOT_TYPED = /^[\p{Z}\p{C}\p{Mn}\p{Me}]$/u;

/** text.normalise: {chars, origin, clause} (one entry per character kept) and text, their join. */
export function normalise(value) {
  const chars = [];
  const origin = [];
  const clause = [];
  let start = 0;
  let broken = false;
  let offset = 0;
  for (const char of value) {
    for (const out of char.normalize("NFKC").toLowerCase()) {
      if (DROPPED.test(out)) {
        if (BREAK.test(out) || out === "\n") broken = true;
        continue;
      }
      if (broken) {
        start = chars.length;
        broken = false;
      }
      chars.push(out);
      origin.push(offset);
      clause.push(start);
    }
    offset += 1;
  }
  const text = chars.join("");
  // the code-point index of each UTF-16 unit of text, for String.prototype.indexOf
  const pointAt = [];
  chars.forEach((char, index) => {
    for (let unit = 0; unit < char.length; unit += 1) pointAt.push(index);
  });
  return {text, chars, origin, clause, pointAt};
}

/** text.find: [start, end] code-point offsets into the reply of the first occurrence of key
 *  that is not negated, or null. */
export function find(normal, key) {
  if (!key) return null;
  const length = Array.from(key).length;
  let unit = normal.text.indexOf(key);
  while (unit >= 0) {
    const at = normal.pointAt[unit];
    const before = normal.chars.slice(Math.max(normal.clause[at], at - WINDOW), at).join("");
    if (!NEGATED.test(before)) return [normal.origin[at], normal.origin[at + length - 1] + 1];
    unit = normal.text.indexOf(key, unit + 1);
  }
  return null;
}

/** text.find_alternative: every member found (any of its synonym keys will do), each member's
 *  span; or null when one is missing. */
export function findAlternative(normal, members) {
  const spans = [];
  for (const member of members) {
    let span = null;
    for (const key of member) {
      span = find(normal, key);
      if (span) break;
    }
    if (!span) return null;
    spans.push(span);
  }
  return spans;
}

/** text.count_chars: characters typed, for typing speed (not spaces, control or format
 *  characters, combining marks). */
export function countChars(value) {
  let count = 0;
  for (const char of value) if (!NOT_TYPED.test(char)) count += 1;
  return count;
}

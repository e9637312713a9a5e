/* The order people say things in, as cstrain/tracking/order.py's natural_key: numbers read as
 * numbers, Chinese numerals too (售前一组 < 售前二组 < 售前十二组, 2组 < 10组, KF2 < KF10),
 * text by code point. tests/vectors/natural-order.json keeps the two in the same order. */

const NUMBER = /([0-9\uff10-\uff19]+|[\u96f6\u4e00\u4e8c\u4e24\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u3007]+)/u;
const DIGITS = {"\u96f6": 0n, "\u4e00": 1n, "\u4e8c": 2n, "\u4e09": 3n, "\u56db": 4n, "\u4e94": 5n, "\u516d": 6n,
                "\u4e03": 7n, "\u516b": 8n, "\u4e5d": 9n, "\u4e24": 2n, "\u3007": 0n};
const TEN = "\u5341";
const HUNDRED = "\u767e";

/** Compares two strings by code point, as Python compares str (JavaScript's < compares UTF-16
 *  units, which puts characters beyond U+FFFF before U+E000-U+FFFF). */
export function compareText(a, b) {
  if (a === b) return 0;
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i += 1) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0) ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** 一 -> 1, 十二 -> 12, 二十 -> 20, 一百零五 -> 105; digit by digit for 二〇二六. */
function chineseNumber(text) {
  const chars = Array.from(text);
  if (chars.indexOf(TEN) < 0 && chars.indexOf(HUNDRED) < 0) {
    return chars.reduce((value, ch) => value * 10n + DIGITS[ch], 0n);
  }
  let total = 0n;
  let current = 0n;
  chars.forEach((ch) => {
    if (ch === HUNDRED) {
      total += (current || 1n) * 100n;
      current = 0n;
    } else if (ch === TEN) {
      total += (current || 1n) * 10n;
      current = 0n;
    } else {
      current = DIGITS[ch];
    }
  });
  return total + current;
}

function numberOf(part) {
  if (/^[0-9\uff10-\uff19]+$/.test(part)) {
    return BigInt(part.replace(/[\uff10-\uff19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
  }
  return chineseNumber(part);
}

/** The sort key of text (null sorts as ""): [kind, text, number] parts as natural_key's. */
export function naturalKey(text) {
  const value = text === null || text === undefined ? "" : String(text);
  const key = value.split(NUMBER).map((part, index) => (index % 2 === 0 ? [0, part, 0n] : [1, "", numberOf(part)]));
  key.push([-1, value, 0n]);  // the tie-break: before any further part, so "a" < "a1"
  return key;
}

/** Compares two keys of naturalKey() as Python compares the tuples. */
export function compareKeys(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a[i];
    const y = b[i];
    if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
    const text = compareText(x[1], y[1]);
    if (text) return text;
    if (x[2] !== y[2]) return x[2] < y[2] ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const keys = new Map();  // text -> its key: a roster's teams and ids are sorted again and again

function cachedKey(text) {
  const value = text === null || text === undefined ? "" : String(text);
  let key = keys.get(value);
  if (!key) {
    if (keys.size > 20000) keys.clear();
    key = naturalKey(value);
    keys.set(value, key);
  }
  return key;
}

/** Compares two texts in natural order (for Array.prototype.sort). */
export function naturalCompare(a, b) {
  return compareKeys(cachedKey(a), cachedKey(b));
}

/** A sorted copy of texts in natural order. */
export function naturalSorted(texts) {
  return texts.slice().sort(naturalCompare);
}

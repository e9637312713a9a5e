// The red-line engine of the browser: the same rules and the same hits as cstrain.redlines
// (Python, authoritative). Pure: no DOM, no requests, nothing imported. It takes the rules
// compiled by Checker.client_rules() and is held to the Python engine by the shared vectors
// (tests/vectors/redlines.json) run in Chromium.
//
// Offsets: a hit's start and end count code points of the reply, as Python indexes strings
// (an emoji is one); codePointSpanToUtf16() converts them for String.prototype.slice.

const KEEP = /^[\p{L}\p{N}\p{Mc}\p{Sc}]$/u;

function asciiLower(text) {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function makeFolder(rules) {
  const hearts = new Set(Array.from(rules.hearts));
  const kept = new Set(Array.from(rules.clause + rules.kept));
  const cache = new Map();
  return function foldChar(ch) {
    let out = cache.get(ch);
    if (out !== undefined) return out;
    if (ch === "\r") {
      out = "\n";
    } else {
      out = "";
      for (const c of asciiLower(ch.normalize("NFKC"))) {
        if (hearts.has(c)) out += rules.heart;
        else if (kept.has(c) || KEEP.test(c)) out += c;
      }
    }
    cache.set(ch, out);
    return out;
  };
}

/** Normalise a reply. Returns {text, starts, ends}: for each UTF-16 unit of text, the code-point
 *  span of the original it came from. */
export function normalise(original, normaliseRules, foldChar = makeFolder(normaliseRules)) {
  // 1. fold each code point
  let folded = "";
  const fStarts = [];
  const fEnds = [];
  let at = 0;
  for (const ch of original) {
    const out = foldChar(ch);
    for (let k = 0; k < out.length; k += 1) {
      fStarts.push(at);
      fEnds.push(at + 1);
    }
    folded += out;
    at += 1;
  }
  // 2. homophones
  let text = folded;
  let starts = fStarts;
  let ends = fEnds;
  const homophones = normaliseRules.homophones;
  if (homophones.pairs.length) {
    const usual = new Map(homophones.pairs);
    const regex = new RegExp(homophones.source, "gu");
    let out = "";
    const oStarts = [];
    const oEnds = [];
    let done = 0;
    let match;
    while ((match = regex.exec(folded)) !== null) {
      const low = match.index;
      const high = low + match[0].length;
      for (let k = done; k < low; k += 1) {
        oStarts.push(fStarts[k]);
        oEnds.push(fEnds[k]);
      }
      out += folded.slice(done, low);
      const replacement = usual.get(match[0]);
      for (let k = 0; k < replacement.length; k += 1) {
        oStarts.push(fStarts[low]);
        oEnds.push(fEnds[high - 1]);
      }
      out += replacement;
      done = high;
    }
    if (done > 0) {
      for (let k = done; k < folded.length; k += 1) {
        oStarts.push(fStarts[k]);
        oEnds.push(fEnds[k]);
      }
      out += folded.slice(done);
      text = out;
      starts = oStarts;
      ends = oEnds;
    }
  }
  // 3. Chinese numerals inside long runs of digits (same length: the map is unchanged)
  const digits = normaliseRules.digits;
  text = text.replace(new RegExp(normaliseRules.numeralRun, "gu"),
    (run) => Array.from(run, (c) => digits[c] ?? c).join(""));
  return { text, starts, ends };
}

function lastBoundary(text, position, boundaries) {
  let low = -1;
  for (const b of boundaries) low = Math.max(low, text.lastIndexOf(b, position - 1));
  return low + 1;
}

function nextBoundary(text, position, boundaries) {
  let high = text.length;
  for (const b of boundaries) {
    const at = text.indexOf(b, position);
    if (at >= 0 && at + 1 < high) high = at + 1; // the boundary belongs to its clause
  }
  return high;
}

function compileContext(context) {
  const { scope, source } = context;
  if (scope === "before") return { scope, regex: new RegExp(`(?:${source})$`, "u") };
  if (scope === "after") return { scope, regex: new RegExp(`^(?:${source})`, "u") };
  return { scope, regex: new RegExp(source, "u") };
}

function found(context, text, start, end, bounds) {
  const { scope, regex } = context;
  if (scope === "text") return regex.test(text);
  if (scope === "sentence") {
    const low = lastBoundary(text, start, bounds.sentence);
    const high = nextBoundary(text, end, bounds.sentence);
    return regex.test(text.slice(low, high));
  }
  const low = lastBoundary(text, start, bounds.clause);
  const high = nextBoundary(text, end, bounds.clause);
  if (scope === "before") return regex.test(text.slice(low, start));
  if (scope === "after") return regex.test(text.slice(end, high));
  return regex.test(text.slice(low, high));
}

/** Convert a code-point offset of ``text`` (as hits give them) to a UTF-16 index. */
export function codePointToUtf16(text, offset) {
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (points === offset) break;
    units += ch.length;
    points += 1;
  }
  return units;
}

/** A checker over rules compiled by Checker.client_rules(): check(text) → hits, as Python's. */
export function createChecker(compiled) {
  const normaliseRules = compiled.normalise;
  const foldChar = makeFolder(normaliseRules);
  const bounds = { clause: Array.from(normaliseRules.clause), sentence: Array.from(normaliseRules.sentence) };
  const allow = compiled.allow.length ? new RegExp(compiled.allow.join("|"), "gu") : null;
  const rules = compiled.rules.map((rule) => ({
    rule,
    patterns: rule.patterns.map((source) => new RegExp(source, "gu")),
    requires: rule.requires.map(compileContext),
    unless: rule.unless.map(compileContext),
  }));

  function keep(entry, normal, found_) {
    const text = normal.text;
    const allowed = [];
    if (allow) {
      allow.lastIndex = 0;
      let m;
      while ((m = allow.exec(text)) !== null) {
        if (m[0].length === 0) { allow.lastIndex += 1; continue; }
        allowed.push([m.index, m.index + m[0].length]);
      }
    }
    found_.sort((a, b) => a[0] - b[0] || b[1] - a[1] || a[2] - b[2]);
    const kept = [];
    for (const [start, end] of found_) {
      if (kept.some(([ks, ke]) => start < ke && ks < end)) continue;
      if (allowed.some(([as, ae]) => start < ae && as < end)) continue;
      if (!entry.requires.every((c) => found(c, text, start, end, bounds))) continue;
      if (entry.unless.some((c) => found(c, text, start, end, bounds))) continue;
      kept.push([start, end]);
    }
    return kept;
  }

  function check(original) {
    const normal = normalise(original, normaliseRules, foldChar);
    const points = Array.from(original);
    const hits = [];
    for (const entry of rules) {
      const candidates = [];
      entry.patterns.forEach((regex, number) => {
        regex.lastIndex = 0;
        let m;
        while ((m = regex.exec(normal.text)) !== null) {
          if (m[0].length === 0) {
            regex.lastIndex += normal.text.codePointAt(regex.lastIndex) > 0xffff ? 2 : 1;
            continue;
          }
          candidates.push([m.index, m.index + m[0].length, number]);
        }
      });
      if (!candidates.length) continue;
      for (const [start, end] of keep(entry, normal, candidates)) {
        const low = normal.starts[start];
        const high = normal.ends[end - 1];
        const { rule } = entry;
        hits.push({
          rule: rule.id, category: rule.category, severity: rule.severity, start: low, end: high,
          matched: points.slice(low, high).join(""), explanation: rule.explanation, source: rule.source,
        });
      }
    }
    hits.sort((a, b) => a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    return hits;
  }

  return { check, categories: compiled.categories, language: compiled.language };
}

/* cstrain quiz runtime.
 *
 * Grades practice quizzes in the browser with the rules of cstrain/grading (grade.py, expr.py),
 * keeps the learner's progress in localStorage under one key ("cstrain:v1"), fills the status
 * badges and course progress of the generated pages and builds the 我的学习 page.
 * No framework, no network: the site must work on an intranet and under Material's instant
 * navigation (document$). UI text comes only from window.cstrainStrings (cstrain/site/i18n.py).
 * Literals are ASCII (\u escapes), so the code means the same whatever charset a host announces.
 */
(function () {
  "use strict";

  /* ================================================================ grading (mirrors Python) */

  const EPSILON = 1e-9;

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
  const DIGIT = "[" + DIGIT_ZEROS.map(function (zero) {
    return "\\u{" + zero.toString(16) + "}-\\u{" + (zero + 9).toString(16) + "}";
  }).join("") + "]";
  const DIGITS = new RegExp(DIGIT, "gu");
  // grade.py's _NUMBER; Python's $ also matches before one final newline.
  const NUMBER = new RegExp("^[+-]?(?:" + DIGIT + "+(?:\\." + DIGIT + "*)?|\\." + DIGIT + "+)" +
                            "(?:[eE][+-]?" + DIGIT + "+)?\\n?$", "u");
  const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

  class ExpressionError extends Error {}

  /** grade._index: a whole number below size (1 and 1.0 alike; true is not a number), or null. */
  function asIndex(value, size) {
    return typeof value === "number" && value >= 0 && value < size && Number.isInteger(value) ? value : null;
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
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
  function normaliseText(value, caseSensitive) {
    const text = String(value).normalize("NFKC").replace(SPACE_RUNS, " ").replace(EDGE_SPACE, "");
    return caseSensitive ? text : foldCase(text);
  }

  function digitValue(ch) {
    const cp = ch.codePointAt(0);
    let zero = 0x30;
    for (const candidate of DIGIT_ZEROS) if (candidate <= cp) zero = candidate;
    return String(cp - zero);
  }

  /** grade.parse_number: "1,234.5", "３２.５", "32.5%" and 32.5 parse; anything else is null. */
  function parseNumber(value) {
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value !== "string") return null;
    let text = value.normalize("NFKC").replace(EDGE_SPACE, "").split(",").join("").split(" ").join("");
    if (text.endsWith("%")) text = text.slice(0, -1);
    if (!NUMBER.test(text)) return null;
    const number = Number(text.replace(DIGITS, digitValue));
    return Number.isFinite(number) ? number : null;
  }

  /** expr.round_half_up, used for marks, scores and percents too. */
  function roundHalfUp(value, digits) {
    return Math.floor(value * POW10[digits] + 0.5) / POW10[digits];
  }

  /** round() inside an answer: Python's math.floor fails on an infinite or NaN value, so do we. */
  function roundInExpression(value, digits) {
    if (!Number.isFinite(value * POW10[digits] + 0.5)) throw new ExpressionError("cannot round a value that is not finite");
    return roundHalfUp(value, digits);
  }

  function floorOf(value) {
    if (!Number.isFinite(value)) throw new ExpressionError("cannot floor a value that is not finite");
    return Math.floor(value);
  }

  function evaluateNode(tree, values) {
    const kind = tree[0];
    if (kind === "num") return Number(tree[1]);
    if (kind === "var") {
      if (!isPlainObject(values) || !Object.prototype.hasOwnProperty.call(values, tree[1])) {
        throw new ExpressionError("variable '" + tree[1] + "' has no value");
      }
      return Number(values[tree[1]]);
    }
    if (kind === "neg") return -evaluateNode(tree[1], values);
    if (kind === "call") {
      const args = tree[2].map(function (arg) { return evaluateNode(arg, values); });
      const name = tree[1];
      if (name === "round") {
        const digits = args.length > 1 ? args[1] : 0;
        if (!(Number.isInteger(digits) && digits >= 0 && digits <= 10)) {
          throw new ExpressionError("round() keeps 0 to 10 decimals");
        }
        return roundInExpression(args[0], digits);
      }
      if (name === "abs") return Math.abs(args[0]);
      if (name === "min" || name === "max") {
        let best = args[0];
        for (const arg of args.slice(1)) if (name === "min" ? arg < best : arg > best) best = arg;
        return best;
      }
      throw new ExpressionError("unknown function '" + name + "'");
    }
    if (["+", "-", "*", "/", "//", "%", "**"].indexOf(kind) < 0) {
      throw new ExpressionError("unknown node '" + kind + "'");
    }
    const left = evaluateNode(tree[1], values);
    const right = evaluateNode(tree[2], values);
    if (!(Number.isFinite(left) && Number.isFinite(right))) throw new ExpressionError("a value is not a finite number");
    if ((kind === "/" || kind === "//" || kind === "%") && right === 0) throw new ExpressionError("division by zero");
    if (kind === "**" && (Math.abs(right) > 64 || Math.abs(left) > 1e6)) throw new ExpressionError("power too large");
    if (kind === "**" && left < 0 && right !== Math.trunc(right)) {
      throw new ExpressionError("a negative number to a fractional power");
    }
    switch (kind) {
      case "+": return left + right;
      case "-": return left - right;
      case "*": return left * right;
      case "/": return left / right;
      case "//": return floorOf(left / right);
      case "%": return left - right * floorOf(left / right);
      default: {
        const power = Math.pow(left, right);
        // Python raises for 0 ** -1 and for overflow where JavaScript gives Infinity.
        if (!Number.isFinite(power)) throw new ExpressionError("power too large");
        return power;
      }
    }
  }

  /** expr.evaluate: the value of an answer tree, or an ExpressionError. */
  function evaluate(tree, values) {
    let result;
    try {
      result = evaluateNode(tree, values);
    } catch (error) {
      if (error instanceof ExpressionError) throw error;
      throw new ExpressionError("cannot compute: " + error.message);
    }
    if (typeof result !== "number" || !Number.isFinite(result)) {
      throw new ExpressionError("the result is not a finite number");
    }
    return result;
  }

  function indexList(value, size) {
    if (!Array.isArray(value)) return null;
    const indexes = value.map(function (item) { return asIndex(item, size); });
    return indexes.indexOf(null) >= 0 ? null : indexes;
  }

  function valuesOk(question, values) {
    if (!isPlainObject(values)) return false;
    const names = Object.keys(question.variables);
    const given = Object.keys(values);
    if (given.length !== names.length || !names.every(function (name) { return given.indexOf(name) >= 0; })) {
      return false;
    }
    return names.every(function (name) {
      const value = values[name];
      const spec = question.variables[name];
      return typeof value === "number" && spec.min - EPSILON <= value && value <= spec.max + EPSILON;
    });
  }

  function calculatedAnswer(question, values) {
    return evaluate(question.expr, values);
  }

  /** grade.fraction: the share of the question's points a response earns, 0 to 1. */
  function gradeFraction(question, response) {
    switch (question.type) {
      case "single": {
        const pick = asIndex(response, question.options.length);
        return pick !== null && question.options[pick].correct ? 1 : 0;
      }
      case "multiple": {
        const picks = indexList(response, question.options.length);
        if (picks === null || new Set(picks).size !== picks.length) return 0;
        const correct = question.options.filter(function (option) { return option.correct; }).length;
        const right = picks.filter(function (i) { return question.options[i].correct; }).length;
        return Math.max(0, right - (picks.length - right)) / correct;
      }
      case "true_false":
        return typeof response === "boolean" && response === question.answer ? 1 : 0;
      case "fill": {
        if (typeof response !== "string") return 0;
        const sensitive = Boolean(question.case_sensitive);
        const given = normaliseText(response, sensitive);
        return question.answers.some(function (answer) { return given === normaliseText(answer, sensitive); }) ? 1 : 0;
      }
      case "numeric": {
        const given = parseNumber(response);
        return given !== null && Math.abs(given - question.answer) <= (question.tolerance || 0) + EPSILON ? 1 : 0;
      }
      case "calculated": {
        if (!isPlainObject(response) || !valuesOk(question, response.values)) return 0;
        const given = parseNumber(response.answer);
        let expected;
        try {
          expected = calculatedAnswer(question, response.values);
        } catch (error) {
          if (error instanceof ExpressionError) return 0;
          throw error;
        }
        return given !== null && Math.abs(given - expected) <= (question.tolerance || 0) + EPSILON ? 1 : 0;
      }
      case "ordering": {
        const size = question.items.length;
        const order = indexList(response, size);
        if (order === null || order.length !== size || new Set(order).size !== size) return 0;
        return order.filter(function (item, position) { return item === position; }).length / size;
      }
      case "matching": {
        const size = question.left.length;
        if (!Array.isArray(response) || response.length !== size) return 0;
        return response.filter(function (choice, left) { return asIndex(choice, size) === left; }).length / size;
      }
      default:
        return 0;
    }
  }

  /** grade.mark: points earned, rounded half up to 4 decimals. */
  function grade(question, response) {
    return roundHalfUp(question.points * gradeFraction(question, response), 4);
  }

  /** grade.grade_attempt: marks, score, max_score, percent and passed for the questions shown. */
  function gradeAttempt(quiz, questionIds, responses, passMark) {
    const byId = {};
    quiz.questions.forEach(function (question) { byId[question.id] = question; });
    const unknown = questionIds.filter(function (id) { return !(id in byId); });
    if (unknown.length) throw new Error("unknown question id(s): " + unknown.join(", "));
    if (new Set(questionIds).size !== questionIds.length) throw new Error("a question id is listed twice");
    const marks = {};
    let total = 0;
    let maxScore = 0;
    questionIds.forEach(function (id) {
      const response = Object.prototype.hasOwnProperty.call(responses, id) ? responses[id] : null;
      marks[id] = grade(byId[id], response);
      total += marks[id];
      maxScore += byId[id].points;
    });
    const score = roundHalfUp(total, 4);
    const percent = maxScore ? roundHalfUp(100 * score / maxScore, 2) : 0;
    return {marks: marks, score: score, max_score: maxScore, percent: percent,
            passed: percent + EPSILON >= passMark};
  }

  /* ================================================================ progress (localStorage) */

  const STORE_KEY = "cstrain:v1";
  const STATUSES = ["not_started", "in_progress", "completed", "passed", "failed"];
  let memory = null;  // the last state read or written: keeps the page working when storage fails
  let unsaved = false;  // the last write failed, so storage holds less than memory does

  function emptyState() {
    return {learner: {id: "", name: ""}, modules: {}, attempts: []};
  }

  function cleanState(data) {
    const state = emptyState();
    if (!isPlainObject(data)) return state;
    if (isPlainObject(data.learner)) {
      state.learner.id = typeof data.learner.id === "string" ? data.learner.id : "";
      state.learner.name = typeof data.learner.name === "string" ? data.learner.name : "";
    }
    if (isPlainObject(data.modules)) {
      Object.keys(data.modules).forEach(function (id) {
        if (isPlainObject(data.modules[id])) state.modules[id] = data.modules[id];
      });
    }
    if (Array.isArray(data.attempts)) state.attempts = data.attempts.filter(isPlainObject);
    return state;
  }

  function loadState() {
    if (unsaved && memory) return memory;
    try {
      const raw = window.localStorage.getItem(STORE_KEY);
      memory = cleanState(raw ? JSON.parse(raw) : null);
    } catch (error) {  // private mode, storage disabled, or a damaged value
      memory = memory || emptyState();
    }
    return memory;
  }

  function saveState(state) {
    memory = state;
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
      unsaved = false;
    } catch (error) {  // full quota or no storage: progress lives until the page is left
      unsaved = true;
    }
    return !unsaved;
  }

  function clearState() {
    memory = emptyState();
    unsaved = false;
    try {
      window.localStorage.removeItem(STORE_KEY);
    } catch (error) { /* nothing stored, nothing to clear */ }
  }

  function now() {
    return new Date().toISOString();
  }

  function moduleRecord(state, moduleId) {
    if (!isPlainObject(state.modules[moduleId])) {
      state.modules[moduleId] = {status: "not_started", visited_at: null, completed_at: null, best_percent: null};
    }
    const record = state.modules[moduleId];
    if (STATUSES.indexOf(record.status) < 0) record.status = "not_started";
    return record;
  }

  function statusOf(state, moduleId) {
    const record = state.modules[moduleId];
    return record && STATUSES.indexOf(record.status) >= 0 ? record.status : "not_started";
  }

  function updateModule(moduleId, change) {
    const state = loadState();
    change(moduleRecord(state, moduleId), state);
    saveState(state);
    refreshProgress();
  }

  /** Tells team.js (team mode) what was just recorded: cstrain:visit, cstrain:done, cstrain:attempt. */
  function announce(kind, detail) {
    document.dispatchEvent(new CustomEvent("cstrain:" + kind, {detail: detail}));
  }

  function markVisited(moduleId) {
    const state = loadState();
    const record = state.modules[moduleId];
    if (record && record.status !== "not_started") return;
    updateModule(moduleId, function (module) {
      module.status = "in_progress";
      module.visited_at = module.visited_at || now();
    });
    announce("visit", {module: moduleId, visited_at: loadState().modules[moduleId].visited_at});
  }

  function markDone(moduleId) {
    updateModule(moduleId, function (module) {
      // A quiz result says more than "read it": passed and failed stay as they are.
      if (module.status === "not_started" || module.status === "in_progress") module.status = "completed";
      module.visited_at = module.visited_at || now();
      module.completed_at = module.completed_at || now();
    });
    const record = loadState().modules[moduleId];
    announce("done", {module: moduleId, visited_at: record.visited_at, completed_at: record.completed_at});
  }

  function recordAttempt(attempt) {
    updateModule(attempt.module, function (module, state) {
      state.attempts.push(attempt);
      module.visited_at = module.visited_at || attempt.started_at;
      if (attempt.passed) module.status = "passed";
      else if (module.status !== "passed") module.status = "failed";
      if (typeof module.best_percent !== "number" || attempt.percent > module.best_percent) {
        module.best_percent = attempt.percent;
      }
    });
    announce("attempt", attempt);
  }

  const RANK = {not_started: 0, in_progress: 1, completed: 2, failed: 3, passed: 4};

  /** Team mode: take in the server's view of the signed-in learner's modules (GET
   *  /api/me/modules, plus last_attempt_at). Progress another named learner left on this device
   *  is dropped first; a status never goes back, so a result still on its way to the server stays. */
  function adoptProgress(learner, modules) {
    let state = loadState();
    if (state.learner.id && state.learner.id !== learner.id) state = emptyState();
    state.learner = {id: learner.id, name: learner.name};
    modules.forEach(function (server) {
      if (!(server.state in RANK)) return;
      const record = moduleRecord(state, server.module);
      if (RANK[server.state] > RANK[record.status]) record.status = server.state;
      if (typeof server.best_percent === "number" &&
          !(typeof record.best_percent === "number" && record.best_percent >= server.best_percent)) {
        record.best_percent = server.best_percent;
      }
      record.visited_at = record.visited_at || server.visited_at || null;
      record.completed_at = record.completed_at || server.completed_at || null;
      record.done_at = record.done_at || server.done_at || null;
      if (server.last_attempt_at && !(String(record.last_attempt_at || "") >= server.last_attempt_at)) {
        record.last_attempt_at = server.last_attempt_at;
      }
    });
    saveState(state);
    refreshProgress();
  }

  function randomId() {
    const crypto = window.crypto;
    if (crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function randomInt(low, high) {  // inclusive
    const span = high - low + 1;
    const crypto = window.crypto;
    if (crypto && crypto.getRandomValues && span <= 0x100000000) {
      const limit = Math.floor(0x100000000 / span) * span;
      const word = new Uint32Array(1);
      do crypto.getRandomValues(word); while (word[0] >= limit);
      return low + (word[0] % span);
    }
    return low + Math.floor(Math.random() * span);
  }

  function shuffled(list) {
    const copy = list.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = randomInt(0, i);
      const swap = copy[i];
      copy[i] = copy[j];
      copy[j] = swap;
    }
    return copy;
  }

  /* ================================================================ page helpers */

  function t(key, params) {
    const strings = window.cstrainStrings || {};
    let text = typeof strings[key] === "string" ? strings[key] : key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }

  /** The colon after a label: full width in a Chinese page. */
  function colon() {
    return /^zh/i.test(document.documentElement.lang || "zh") ? "\uff1a" : ": ";
  }

  /** The node in quotation marks, so an option that ends in ？ or 。 still reads well before
   *  the colon that follows it: “有哪一款呢？”：… */
  function quoted(node) {
    return el("span", {}, "\u201c", node, "\u201d");
  }

  /** el("p", {class: "x", text: "..."}, child, ...): a small DOM builder; html: trusted build output. */
  function el(tag, attrs) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "html") node.innerHTML = value;
      else if (name === "on") Object.keys(value).forEach(function (type) { node.addEventListener(type, value[type]); });
      else node.setAttribute(name, value === true ? "" : value);
    });
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child);
    }
    return node;
  }

  function textOf(html) {
    const box = document.createElement("div");
    box.innerHTML = html;
    return box.textContent.trim();
  }

  /** A figure as a person writes it: 3.5, not 3.5000 or 3.4999999999999996. */
  function formatNumber(value) {
    if (typeof value !== "number" || !Number.isFinite(value)) return String(value);
    return String(Number(value.toFixed(6)));
  }

  function formatTime(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date.getTime())) return "\u2014";
    const pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " +
      pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  let uid = 0;
  function nextId(prefix) {
    uid += 1;
    return "cstrain-" + prefix + "-" + uid;
  }

  function badge(status) {
    return el("span", {class: "cstrain-badge cstrain-badge--" + status, text: t("status_" + status)});
  }

  /** The JSON the build embedded: a <script type="application/json"> kept inert inside a
   *  <template> (Material's instant navigation would run it as JavaScript), or a bare one. */
  function embeddedJson(root, selector) {
    let script = root.querySelector(selector);
    root.querySelectorAll("template").forEach(function (template) {
      script = script || template.content.querySelector(selector);
    });
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (error) {
      return null;
    }
  }

  /* ================================================================ quiz: one attempt */

  function drawValues(question) {
    // Values are drawn on the 10^-decimals grid inside [min, max], so the grader accepts them.
    for (let tries = 0; tries < 50; tries++) {
      const values = {};
      Object.keys(question.variables).forEach(function (name) {
        const spec = question.variables[name];
        const scale = POW10[spec.decimals || 0];
        let low = Math.ceil(spec.min * scale - 1e-6);
        let high = Math.floor(spec.max * scale + 1e-6);
        if (low / scale < spec.min - EPSILON) low += 1;
        if (high / scale > spec.max + EPSILON) high -= 1;
        values[name] = low <= high ? randomInt(low, high) / scale : spec.min;
      });
      try {
        calculatedAnswer(question, values);
        return values;
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
      }
    }
    return null;
  }

  function formatValue(value, spec) {
    return value.toFixed(spec.decimals || 0);
  }

  function startAttempt(quiz) {
    let pool = quiz.questions.slice();
    if (quiz.draw && quiz.draw < pool.length) {
      pool = shuffled(pool).slice(0, quiz.draw);
      if (!quiz.shuffle) pool.sort(function (a, b) { return quiz.questions.indexOf(a) - quiz.questions.indexOf(b); });
    } else if (quiz.shuffle) {
      pool = shuffled(pool);
    }
    const questions = pool.map(function (question) {
      const state = {question: question, prompt: question.prompt};
      if (question.type === "single" || question.type === "multiple") {
        const order = question.options.map(function (_, i) { return i; });
        state.order = question.shuffle === false ? order : shuffled(order);
      } else if (question.type === "calculated") {
        state.values = drawValues(question) || {};
        Object.keys(state.values).forEach(function (name) {
          state.prompt = state.prompt.split("{" + name + "}").join(formatValue(state.values[name], question.variables[name]));
        });
      } else if (question.type === "ordering") {
        const identity = question.items.map(function (_, i) { return i; });
        let order = shuffled(identity);
        for (let tries = 0; tries < 20 && order.every(function (item, i) { return item === i; }); tries++) {
          order = shuffled(identity);
        }
        if (order.every(function (item, i) { return item === i; })) order.push(order.shift());
        state.order = order;
      } else if (question.type === "matching") {
        state.order = shuffled(question.right.map(function (_, i) { return i; }));
      }
      return state;
    });
    return {id: randomId(), started_at: now(), questions: questions};
  }

  /* ---------------------------------------------------------------- rendering the questions */

  function choiceRow(type, name, value, html, inputId) {
    return el("div", {class: "cstrain-choice", "data-value": String(value)},
      el("input", {type: type, name: name, id: inputId, value: String(value)}),
      el("label", {for: inputId, html: html}));
  }

  function renderAnswerInput(state, ids) {
    const question = state.question;
    const box = el("div", {class: "cstrain-answer"});
    box.append(el("label", {class: "cstrain-answer-label", for: ids.input, text: t("your_answer")}));
    const input = el("input", {type: "text", id: ids.input, class: "cstrain-input", autocomplete: "off",
                               spellcheck: "false", "aria-describedby": ids.prompt});
    if (question.type !== "fill") {
      input.setAttribute("inputmode", "decimal");
      input.classList.add("cstrain-input--number");
    }
    const row = el("div", {class: "cstrain-input-row"}, input);
    if (question.unit) row.append(el("span", {class: "cstrain-unit", text: question.unit}));
    box.append(row);
    return box;
  }

  function renderOrdering(state, ids) {
    const list = el("ol", {class: "cstrain-order", "aria-describedby": ids.prompt});
    state.order.forEach(function (itemIndex) {
      const text = textOf(state.question.items[itemIndex]);
      list.append(el("li", {class: "cstrain-order-item", "data-item": String(itemIndex)},
        el("span", {class: "cstrain-order-text", html: state.question.items[itemIndex]}),
        el("span", {class: "cstrain-order-buttons"},
          el("button", {type: "button", class: "cstrain-move", "data-move": "-1",
                        "aria-label": t("move_up") + colon() + text},
            el("span", {"aria-hidden": "true", text: "\u2191 "}), t("move_up")),
          el("button", {type: "button", class: "cstrain-move", "data-move": "1",
                        "aria-label": t("move_down") + colon() + text},
            el("span", {"aria-hidden": "true", text: "\u2193 "}), t("move_down")))));
    });
    const live = el("p", {class: "cstrain-sr-only", "aria-live": "polite"});
    updateMoveButtons(list);
    list.addEventListener("click", function (event) {
      const button = event.target.closest(".cstrain-move");
      if (!button || button.disabled) return;
      const item = button.closest(".cstrain-order-item");
      const step = Number(button.getAttribute("data-move"));
      const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling || !sibling.classList.contains("cstrain-order-item")) return;
      if (step < 0) list.insertBefore(item, sibling);
      else list.insertBefore(sibling, item);
      updateMoveButtons(list);
      const items = Array.from(list.querySelectorAll(".cstrain-order-item"));
      live.textContent =
        textOf(item.querySelector(".cstrain-order-text").innerHTML) + " " + t("moved_to", {n: items.indexOf(item) + 1});
      // Keep the keyboard where it was; at either end the other button takes over.
      const same = item.querySelector('.cstrain-move[data-move="' + step + '"]');
      (same.disabled ? item.querySelector('.cstrain-move[data-move="' + (-step) + '"]') : same).focus();
    });
    return el("div", {class: "cstrain-ordering"}, list, live);
  }

  function updateMoveButtons(list) {
    const items = Array.from(list.querySelectorAll(".cstrain-order-item"));
    items.forEach(function (item, position) {
      item.querySelector('[data-move="-1"]').disabled = position === 0;
      item.querySelector('[data-move="1"]').disabled = position === items.length - 1;
    });
  }

  function renderMatching(state, ids) {
    const box = el("div", {class: "cstrain-matching"});
    state.question.left.forEach(function (leftHtml, left) {
      const selectId = ids.input + "-" + left;
      const select = el("select", {id: selectId, class: "cstrain-select", "data-left": String(left)},
        el("option", {value: "", text: t("choose")}));
      state.order.forEach(function (right) {
        select.append(el("option", {value: String(right), text: textOf(state.question.right[right])}));
      });
      box.append(el("div", {class: "cstrain-match-row"},
        el("label", {for: selectId, class: "cstrain-match-left", html: leftHtml}), select));
    });
    return box;
  }

  function renderQuestion(state, position, attemptKey) {
    const question = state.question;
    const ids = {prompt: nextId("prompt"), input: nextId("input"), legend: nextId("legend")};
    const fieldset = el("fieldset", {class: "cstrain-fieldset", "aria-describedby": ids.prompt},
      el("legend", {id: ids.legend},
        el("span", {class: "cstrain-qnum", text: t("question_n", {n: position + 1})}),
        el("span", {class: "cstrain-points", text: t("points", {n: formatNumber(question.points)})})),
      el("div", {class: "cstrain-prompt", id: ids.prompt, html: state.prompt}));
    const name = attemptKey + "-" + position;
    if (question.type === "single" || question.type === "multiple") {
      const choices = el("div", {class: "cstrain-choices"});
      state.order.forEach(function (optionIndex) {
        choices.append(choiceRow(question.type === "single" ? "radio" : "checkbox", name, optionIndex,
                                 question.options[optionIndex].html, ids.input + "-" + optionIndex));
      });
      fieldset.append(choices);
    } else if (question.type === "true_false") {
      fieldset.append(el("div", {class: "cstrain-choices cstrain-choices--inline"},
        choiceRow("radio", name, "true", t("true"), ids.input + "-t"),
        choiceRow("radio", name, "false", t("false"), ids.input + "-f")));
    } else if (question.type === "ordering") {
      fieldset.append(renderOrdering(state, ids));
    } else if (question.type === "matching") {
      fieldset.append(renderMatching(state, ids));
    } else {
      fieldset.append(renderAnswerInput(state, ids));
    }
    return el("li", {class: "cstrain-question cstrain-question--" + question.type, "data-qid": question.id},
      fieldset, el("div", {class: "cstrain-feedback", hidden: true}));
  }

  /* ---------------------------------------------------------------- reading the answers */

  function readResponse(state, node) {
    const question = state.question;
    switch (question.type) {
      case "single": {
        const checked = node.querySelector("input:checked");
        return checked ? Number(checked.value) : null;
      }
      case "multiple": {
        const picks = Array.from(node.querySelectorAll("input:checked"), function (input) { return Number(input.value); });
        return picks.length ? picks.sort(function (a, b) { return a - b; }) : null;
      }
      case "true_false": {
        const checked = node.querySelector("input:checked");
        return checked ? checked.value === "true" : null;
      }
      case "fill":
      case "numeric": {
        const value = node.querySelector(".cstrain-input").value;
        return value.trim() ? value : null;
      }
      case "calculated": {
        const value = node.querySelector(".cstrain-input").value;
        return value.trim() ? {values: state.values, answer: value} : null;
      }
      case "ordering":
        return Array.from(node.querySelectorAll(".cstrain-order-item"), function (item) {
          return Number(item.getAttribute("data-item"));
        });
      case "matching": {
        const choices = Array.from(node.querySelectorAll(".cstrain-select"), function (select) {
          return select.value === "" ? null : Number(select.value);
        });
        return choices.some(function (choice) { return choice !== null; }) ? choices : null;
      }
      default:
        return null;
    }
  }

  function isComplete(question, response) {
    if (response === null) return false;
    if (question.type === "matching") return response.every(function (choice) { return choice !== null; });
    return true;
  }

  /* ---------------------------------------------------------------- showing the result */

  const VERDICT_ICON = {correct: "\u2714", partly: "\u25d0", wrong: "\u2718"};

  const TAG_ICON = {right: "\u2714 ", wrong: "\u2718 ", chosen: ""};

  function tag(kind, text) {
    return el("span", {class: "cstrain-tag-" + kind}, el("span", {"aria-hidden": "true", text: TAG_ICON[kind]}), text);
  }

  /** Marks a choice row after grading: the right answer, and the learner's own pick. */
  function markChoice(row, isCorrect, isChosen) {
    const label = row.querySelector("label");
    if (isCorrect) {
      row.classList.add("cstrain-choice--correct");
      label.append(" ", tag("right", t("correct_answer")));
    }
    if (isChosen) {
      row.classList.add("cstrain-choice--chosen");
      if (!isCorrect) row.classList.add("cstrain-choice--wrong");
      label.append(" ", tag(isCorrect ? "chosen" : "wrong", t("your_answer")));
    }
  }

  function correctAnswer(state) {
    const question = state.question;
    switch (question.type) {
      case "single":
      case "multiple": {
        const list = el("ul", {class: "cstrain-answer-list"});
        question.options.forEach(function (option) { if (option.correct) list.append(el("li", {html: option.html})); });
        return list;
      }
      case "true_false":
        return el("span", {text: t(question.answer ? "true" : "false")});
      case "fill":
        return el("span", {text: question.answers.join(" / ")});
      case "numeric":
      case "calculated": {
        let value = question.answer;
        if (question.type === "calculated") {
          try {
            value = calculatedAnswer(question, state.values);
          } catch (error) {
            value = NaN;
          }
        }
        let text = formatNumber(value) + (question.unit ? " " + question.unit : "");
        if (question.tolerance) text += " \u00b1" + formatNumber(question.tolerance);
        return el("span", {text: text});
      }
      case "ordering": {
        const list = el("ol", {class: "cstrain-answer-list"});
        question.items.forEach(function (item) { list.append(el("li", {html: item})); });
        return list;
      }
      case "matching": {
        const list = el("ul", {class: "cstrain-answer-list"});
        question.left.forEach(function (left, i) {
          list.append(el("li", {html: left + " \u2192 " + question.right[i]}));
        });
        return list;
      }
      default:
        return null;
    }
  }

  function markControls(state, node, response) {
    const question = state.question;
    if (question.type === "single" || question.type === "multiple") {
      const picked = question.type === "single" ? [response] : (response || []);
      node.querySelectorAll(".cstrain-choice").forEach(function (row) {
        const index = Number(row.getAttribute("data-value"));
        markChoice(row, question.options[index].correct, picked.indexOf(index) >= 0);
      });
    } else if (question.type === "true_false") {
      node.querySelectorAll(".cstrain-choice").forEach(function (row) {
        const value = row.getAttribute("data-value") === "true";
        markChoice(row, value === question.answer, response === value);
      });
    } else if (question.type === "ordering") {
      node.querySelectorAll(".cstrain-order-item").forEach(function (item, position) {
        const right = Number(item.getAttribute("data-item")) === position;
        item.classList.add(right ? "cstrain-order-item--correct" : "cstrain-order-item--wrong");
        item.querySelector(".cstrain-order-text").append(" ", tag(right ? "right" : "wrong", t(right ? "correct" : "wrong")));
      });
    } else if (question.type === "matching") {
      node.querySelectorAll(".cstrain-match-row").forEach(function (row) {
        const select = row.querySelector("select");
        const right = select.value !== "" && Number(select.value) === Number(select.getAttribute("data-left"));
        row.classList.add(right ? "cstrain-match-row--correct" : "cstrain-match-row--wrong");
        row.append(tag(right ? "right" : "wrong", t(right ? "correct" : "wrong")));
      });
    }
  }

  function renderFeedback(state, node, response, mark) {
    const question = state.question;
    const verdict = mark >= question.points - EPSILON ? "correct" : mark > 0 ? "partly" : "wrong";
    node.classList.add("cstrain-question--" + verdict);
    const box = node.querySelector(".cstrain-feedback");
    box.className = "cstrain-feedback cstrain-feedback--" + verdict;
    box.append(el("p", {class: "cstrain-verdict"},
      el("span", {class: "cstrain-verdict-icon", "aria-hidden": "true", text: VERDICT_ICON[verdict]}),
      el("strong", {text: t(verdict === "partly" ? "partly_correct" : verdict)}),
      el("span", {class: "cstrain-verdict-points",
                  text: t("points", {n: formatNumber(mark) + " / " + formatNumber(question.points)})})));
    if (question.type === "single" || question.type === "multiple") {
      const picked = question.type === "single" ? (response === null ? [] : [response]) : (response || []);
      picked.forEach(function (index) {
        const option = question.options[index];
        if (option && option.feedback) {
          box.append(el("p", {class: "cstrain-option-feedback"},
            quoted(el("span", {class: "cstrain-option-name", html: option.html})), colon(),
            el("span", {html: option.feedback})));
        }
      });
    }
    if (verdict !== "correct") {
      const answer = correctAnswer(state);
      if (answer) box.append(el("div", {class: "cstrain-correct-answer"}, el("strong", {text: t("correct_answer") + colon()}), answer));
    }
    if (question.explanation) {
      box.append(el("div", {class: "cstrain-explanation"},
        el("strong", {text: t("explanation") + colon()}), el("div", {html: question.explanation})));
    }
    box.hidden = false;
    markControls(state, node, response);
  }

  /* ---------------------------------------------------------------- the quiz block */

  function setupQuiz(section) {
    const quiz = embeddedJson(section, "script.cstrain-quiz-data");
    if (!quiz) return;  // exam mode: the static site carries no key
    const moduleId = section.getAttribute("data-module") || quiz.module;
    const result = el("div", {class: "cstrain-result", tabindex: "-1", hidden: true});
    const body = el("div", {class: "cstrain-quiz-body"});
    section.append(result, body);

    function begin(focus) {
      const attempt = startAttempt(quiz);
      const attemptKey = nextId("attempt");
      result.hidden = true;
      result.replaceChildren();
      const list = el("ol", {class: "cstrain-questions"});
      attempt.questions.forEach(function (state, position) {
        list.append(renderQuestion(state, position, attemptKey));
      });
      const submit = el("button", {type: "submit", class: "md-button md-button--primary cstrain-submit", text: t("submit")});
      const form = el("form", {class: "cstrain-form", novalidate: true},
        el("p", {class: "cstrain-quiz-intro"},
          el("span", {text: t("of_n", {n: attempt.questions.length})}), " \u00b7 ",
          el("span", {text: t("pass_mark", {n: formatNumber(quiz.pass_mark)})})),
        list, el("p", {class: "cstrain-actions"}, submit));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        finish(attempt, form);
      });
      body.replaceChildren(form);
      if (focus) {
        const first = form.querySelector("input, select, button");
        if (first) first.focus();
      }
    }

    function finish(attempt, form) {
      if (form.getAttribute("data-submitted")) return;
      const nodes = Array.from(form.querySelectorAll(".cstrain-question"));
      const responses = {};
      let unanswered = 0;
      let firstUnanswered = null;
      attempt.questions.forEach(function (state, i) {
        const response = readResponse(state, nodes[i]);
        responses[state.question.id] = response;
        if (!isComplete(state.question, response)) {
          unanswered += 1;
          firstUnanswered = firstUnanswered || nodes[i];
        }
      });
      if (unanswered && !window.confirm(t("unanswered", {n: unanswered}))) {
        const control = firstUnanswered.querySelector("input, select, button");
        if (control) control.focus();
        return;
      }
      form.setAttribute("data-submitted", "1");
      const ids = attempt.questions.map(function (state) { return state.question.id; });
      const graded = gradeAttempt(quiz, ids, responses, quiz.pass_mark);
      attempt.questions.forEach(function (state, i) {
        nodes[i].querySelector("fieldset").disabled = true;
        renderFeedback(state, nodes[i], responses[state.question.id], graded.marks[state.question.id]);
      });
      recordAttempt({
        id: attempt.id, quiz: quiz.ref, version: quiz.version, module: moduleId,
        started_at: attempt.started_at, submitted_at: now(), questions: ids, responses: responses,
        marks: graded.marks, score: graded.score, max_score: graded.max_score, percent: graded.percent,
        passed: graded.passed,
      });
      const retry = function (className) {
        return el("button", {type: "button", class: "md-button " + className, text: t("retry"),
                             on: {click: function () { begin(true); }}});
      };
      result.className = "cstrain-result cstrain-result--" + (graded.passed ? "passed" : "failed");
      result.replaceChildren(
        el("p", {class: "cstrain-result-verdict"},
          el("span", {class: "cstrain-verdict-icon", "aria-hidden": "true", text: graded.passed ? "\u2714" : "\u2718"}),
          el("strong", {text: graded.passed ? t("passed") : t("failed", {pass_mark: formatNumber(quiz.pass_mark)})})),
        el("p", {class: "cstrain-score", text: t("score", {score: formatNumber(graded.score),
                                                           max: formatNumber(graded.max_score),
                                                           percent: formatNumber(graded.percent)})}),
        el("p", {class: "cstrain-actions"}, retry("md-button--primary cstrain-retry")));
      result.hidden = false;
      form.querySelector(".cstrain-actions").replaceChildren(retry("cstrain-retry cstrain-retry--bottom"));
      result.focus();
    }

    begin(false);
  }

  /* ================================================================ status, progress, done */

  function refreshProgress() {
    const state = memory || loadState();
    document.querySelectorAll(".cstrain-status[data-module]").forEach(function (node) {
      const status = statusOf(state, node.getAttribute("data-module"));
      if (node.getAttribute("data-status") === status && node.firstElementChild) return;
      node.setAttribute("data-status", status);
      node.replaceChildren(badge(status));
    });
    document.querySelectorAll(".cstrain-course-progress[data-modules]").forEach(function (node) {
      const modules = Array.from(idSet(node.getAttribute("data-modules")));
      const quizzed = idSet(node.getAttribute("data-quizzed"));
      node.textContent = t("progress_summary", {done: doneCount(state, modules, quizzed), total: modules.length});
    });
    document.querySelectorAll(".cstrain-done[data-module]").forEach(renderDone);
    document.querySelectorAll("#cstrain-my-learning[data-cstrain-ready]").forEach(renderCourses);
  }

  /** Modules done, as the store counts them (tracking/status.py): passed; read, when there is
   *  no quiz to pass; or done by the server's word (team mode: a mentor's sign-off). */
  function doneCount(state, modules, quizzed) {
    return modules.filter(function (id) {
      const status = statusOf(state, id);
      const record = state.modules[id] || {};
      return status === "passed" || Boolean(record.done_at) ||
        (status === "completed" && !quizzed.has(id));
    }).length;
  }

  function idSet(text) {
    return new Set((text || "").split(/\s+/).filter(Boolean));
  }

  function renderDone(node) {
    const moduleId = node.getAttribute("data-module");
    const record = (memory || loadState()).modules[moduleId];
    const done = Boolean(record && record.completed_at);
    if (node.getAttribute("data-done") === String(done) && node.firstElementChild) return;
    node.setAttribute("data-done", String(done));
    if (done) {
      node.replaceChildren(el("p", {class: "cstrain-marked-done", role: "status"},
        el("span", {"aria-hidden": "true", text: "\u2714 "}), t("marked_done")));
      return;
    }
    node.replaceChildren(el("button", {type: "button", class: "md-button cstrain-mark-done", text: t("mark_done"),
      on: {click: function () {
        markDone(moduleId);
        const message = node.querySelector(".cstrain-marked-done");
        if (message) {
          message.setAttribute("tabindex", "-1");
          message.focus();
        }
      }}}));
  }

  /* ================================================================ 我的学习 */

  function resultsFile(state) {
    const parts = document.title.split(" - ");
    const site = parts.length > 1 ? parts[parts.length - 1] : (location.pathname.split("/")[1] || "/");
    return {format: "cstrain-results", version: 1, site: site, exported_at: now(),
            learner: {id: state.learner.id, name: state.learner.name},
            modules: state.modules, attempts: state.attempts};
  }

  function download(state) {
    const who = (state.learner.id || state.learner.name || "learner").replace(/[\\/:*?"<>|\s]+/g, "-");
    const date = formatTime(now()).slice(0, 10);
    const blob = new Blob([JSON.stringify(resultsFile(state), null, 2)], {type: "application/json"});
    const url = URL.createObjectURL(blob);
    const link = el("a", {href: url, download: "cstrain-results-" + who + "-" + date + ".json", hidden: true});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function setupMyLearning(root) {
    root.cstrainCatalog = embeddedJson(root, "#cstrain-catalog") || {courses: []};
    const idInput = el("input", {type: "text", id: "cstrain-learner-id", autocomplete: "off", spellcheck: "false"});
    const nameInput = el("input", {type: "text", id: "cstrain-learner-name", autocomplete: "name"});
    const saved = el("span", {class: "cstrain-saved", role: "status"});
    const form = el("form", {class: "cstrain-learner"},
      el("div", {class: "cstrain-field"}, el("label", {for: "cstrain-learner-id", text: t("learner_id")}), idInput),
      el("div", {class: "cstrain-field"}, el("label", {for: "cstrain-learner-name", text: t("learner_name")}), nameInput),
      el("div", {class: "cstrain-field cstrain-field--button"},
        el("button", {type: "submit", class: "md-button md-button--primary", text: t("save")}), saved));
    const learner = loadState().learner;
    idInput.value = learner.id;
    nameInput.value = learner.name;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const state = loadState();
      // a 工号 typed in full width (ＫＦ０１０１) is the roster's KF0101: NFKC, as tracking/ids.py does
      state.learner = {id: idInput.value.normalize("NFKC").trim(), name: nameInput.value.trim()};
      idInput.value = state.learner.id;
      saveState(state);
      saved.textContent = t("saved");
    });
    const tools = el("div", {class: "cstrain-tools"},
      el("p", {class: "cstrain-hint", text: t("download_hint")}),
      el("p", {class: "cstrain-actions"},
        el("button", {type: "button", class: "md-button md-button--primary cstrain-download", text: t("download_results"),
                      on: {click: function () { download(loadState()); }}}),
        el("button", {type: "button", class: "md-button cstrain-clear", text: t("clear_progress"),
                      on: {click: function () {
                        if (!window.confirm(t("confirm_clear"))) return;
                        clearState();
                        idInput.value = "";
                        nameInput.value = "";
                        saved.textContent = "";
                        refreshProgress();
                      }}})));
    root.append(form, tools, el("div", {class: "cstrain-courses-progress"}));
    root.setAttribute("data-cstrain-ready", "1");
    renderCourses(root);
  }

  function renderCourses(root) {
    const state = memory || loadState();
    const box = root.querySelector(".cstrain-courses-progress");
    if (!box) return;
    box.replaceChildren();
    (root.cstrainCatalog || {courses: []}).courses.forEach(function (course) {
      const ids = course.modules.map(function (module) { return module.id; });
      const quizzed = new Set(course.modules.filter(function (module) { return module.quiz; })
        .map(function (module) { return module.id; }));
      const rows = course.modules.map(function (module) {
        const record = state.modules[module.id] || {};
        const attempts = state.attempts.filter(function (attempt) { return attempt.module === module.id; });
        const last = attempts.reduce(function (latest, attempt) {
          return !latest || String(attempt.submitted_at) > latest ? String(attempt.submitted_at) : latest;
        }, record.last_attempt_at ? String(record.last_attempt_at) : "");
        return el("tr", {"data-module": module.id},
          el("td", {}, el("a", {href: module.url, text: module.title})),
          el("td", {class: "cstrain-status-cell"}, badge(statusOf(state, module.id))),
          el("td", {class: "cstrain-best", text: typeof record.best_percent === "number" ? formatNumber(record.best_percent) + "%" : "\u2014"}),
          el("td", {class: "cstrain-last", text: last ? formatTime(last) : "\u2014"}));
      });
      box.append(el("section", {class: "cstrain-course", "data-course": course.id},
        el("h2", {}, el("a", {href: course.url, text: course.title})),
        el("p", {class: "cstrain-course-summary", text: t("progress_summary", {done: doneCount(state, ids, quizzed), total: ids.length})}),
        el("div", {class: "cstrain-table-wrap"},
          el("table", {class: "cstrain-progress-table"},
            el("thead", {}, el("tr", {},
              el("th", {scope: "col", text: t("module")}), el("th", {scope: "col", text: t("status")}),
              el("th", {scope: "col", text: t("best_score")}), el("th", {scope: "col", text: t("last_attempt")}))),
            el("tbody", {}, ...rows)))));
    });
  }

  /* ================================================================ start-up */

  function once(node, setup) {
    if (node.hasAttribute("data-cstrain-init")) return;
    node.setAttribute("data-cstrain-init", "1");
    setup(node);
  }

  function init() {
    loadState();
    document.querySelectorAll(".cstrain-module-head[data-module]").forEach(function (node) {
      once(node, function () { markVisited(node.getAttribute("data-module")); });
    });
    document.querySelectorAll("section.cstrain-quiz").forEach(function (node) { once(node, setupQuiz); });
    document.querySelectorAll("#cstrain-my-learning").forEach(function (node) { once(node, setupMyLearning); });
    refreshProgress();
  }

  window.cstrain = {
    grade: grade, gradeFraction: gradeFraction, gradeAttempt: gradeAttempt, evaluate: evaluate,
    normaliseText: normaliseText, parseNumber: parseNumber, roundHalfUp: roundHalfUp,
    ExpressionError: ExpressionError, storageKey: STORE_KEY, init: init,
    // for team.js: the same renderers and page helpers, and the server's progress
    ui: {el: el, t: t, colon: colon, formatNumber: formatNumber, formatTime: formatTime, badge: badge,
         nextId: nextId, renderQuestion: renderQuestion, readResponse: readResponse,
         isComplete: isComplete, renderFeedback: renderFeedback},
    adoptProgress: adoptProgress,
  };

  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY || event.key === null) {
      loadState();
      refreshProgress();
    }
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

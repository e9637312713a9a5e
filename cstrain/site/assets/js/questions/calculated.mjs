/* calculated: values drawn per attempt into the prompt, in the order the page gives (a bound may
 * be arithmetic over the variables drawn before it); the answer is worked out from them by an
 * expression tree (../core/expr.mjs) and marked as a figure (../core/grading.mjs). The same rules
 * as cstrain/grading/variables.py and questions/calculated.py. */
import {EPSILON, isRightFigure, keyFigure, parseNumber} from "../core/grading.mjs";
import {ExpressionError, evaluate} from "../core/expr.mjs";
import {POW10, formatNumber} from "../core/format.mjs";
import {randomInt} from "../core/random.mjs";
import {isPlainObject} from "../core/storage.mjs";
import {answerBox, figure, retype, typed} from "./parts.mjs";
import {register} from "./registry.mjs";

/** A bound for the values drawn so far: a number, or a tree of arithmetic over them
 *  (an ExpressionError when it cannot be worked out). */
function bound(value, values) {
  return typeof value === "number" ? value : evaluate(value, values);
}

/** variables.grid: the first and last whole number n with n / 10^decimals inside [low, high]. */
function grid(low, high, decimals) {
  const scale = POW10[decimals || 0];
  let first = Math.ceil(low * scale - 1e-6);
  let last = Math.floor(high * scale + 1e-6);
  if (first / scale < low - EPSILON) first += 1;
  if (last / scale > high + EPSILON) last -= 1;
  return [first, last];
}

/** The names in the order they are drawn (each after those its bounds use). */
function drawOrder(question) {
  return Array.isArray(question.order) ? question.order : Object.keys(question.variables);
}

/** variables.draw: values in order, each on its grid inside its bounds; null when a range is
 *  empty for the values drawn before it. */
function drawOnce(question) {
  const values = {};
  for (const name of drawOrder(question)) {
    const spec = question.variables[name];
    let range;
    try {
      range = grid(bound(spec.min, values), bound(spec.max, values), spec.decimals);
    } catch (error) {
      if (error instanceof ExpressionError) return null;
      throw error;
    }
    if (range[0] > range[1]) return null;
    values[name] = randomInt(range[0], range[1]) / POW10[spec.decimals || 0];
  }
  return values;
}

/** Values the grader accepts for which the answer can be worked out; null after 50 tries. */
function drawValues(question) {
  for (let tries = 0; tries < 50; tries++) {
    const values = drawOnce(question);
    if (values === null) continue;
    try {
      evaluate(question.expr, values);
      return values;
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
    }
  }
  return null;
}

/** A practice attempt draws the values and writes them into the prompt; an exam's come from
 *  the server, already in its prompt. */
export function begin(question, fresh) {
  if (!fresh) return {values: {}};
  const values = drawValues(question) || {};
  let prompt = question.prompt;
  Object.keys(values).forEach((name) => {
    prompt = prompt.split("{" + name + "}").join(values[name].toFixed(question.variables[name].decimals || 0));
  });
  return {values: values, prompt: prompt};
}

export function render(state, ids) {
  return answerBox(state, ids, true);
}

export function read(state, node) {
  const answer = typed(node);
  return answer === null ? null : {values: state.values, answer: answer};
}

/** variables.fits: every variable's value, a number inside the bounds the others give it. */
function valuesOk(question, values) {
  if (!isPlainObject(values)) return false;
  const names = Object.keys(question.variables);
  const given = Object.keys(values);
  if (given.length !== names.length || !names.every((name) => given.indexOf(name) >= 0)) return false;
  if (!names.every((name) => typeof values[name] === "number" && Number.isFinite(values[name]))) return false;
  return names.every((name) => {
    const spec = question.variables[name];
    let low;
    let high;
    try {
      low = bound(spec.min, values);
      high = bound(spec.max, values);
    } catch (error) {
      if (error instanceof ExpressionError) return false;
      throw error;
    }
    return low - EPSILON <= values[name] && values[name] <= high + EPSILON;
  });
}

/** The exact answer for the values a response carries, or null. */
function expected(question, response) {
  if (!isPlainObject(response) || !valuesOk(question, response.values)) return null;
  try {
    return evaluate(question.expr, response.values);
  } catch (error) {
    if (error instanceof ExpressionError) return null;
    throw error;
  }
}

export function fraction(question, response) {
  const exact = expected(question, response);
  if (exact === null) return 0;
  return isRightFigure(parseNumber(response.answer), keyFigure(exact, question.decimals), question) ? 1 : 0;
}

export function key(state) {
  let value;
  try {
    value = keyFigure(evaluate(state.question.expr, state.values), state.question.decimals);
  } catch (error) {
    value = NaN;
  }
  return figure(value, state.question);
}

export function restore(state, node, response) {
  retype(node, isPlainObject(response) ? response.answer : response);
}

/** A response in words, for the mentor's view of an attempt: the figure given. */
export function words(value) {
  return isPlainObject(value) ? String(value.answer) : formatNumber(value, 4);
}

register("calculated", {begin, render, read, fraction, key, restore, words});

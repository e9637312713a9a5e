/* calculated: values drawn per attempt into the prompt; the answer is worked out from them by an
 * expression tree (../core/expr.mjs) and compared within the tolerance. */
import {EPSILON, near, parseNumber} from "../core/grading.mjs";
import {ExpressionError, evaluate} from "../core/expr.mjs";
import {POW10, formatNumber} from "../core/format.mjs";
import {randomInt} from "../core/random.mjs";
import {isPlainObject} from "../core/storage.mjs";
import {answerBox, figure, retype, typed} from "./parts.mjs";
import {register} from "./registry.mjs";

/** Values on the 10^-decimals grid inside [min, max], so the grader accepts them, for which the
 *  answer can be worked out; null after 50 tries. */
function drawValues(question) {
  for (let tries = 0; tries < 50; tries++) {
    const values = {};
    Object.keys(question.variables).forEach((name) => {
      const spec = question.variables[name];
      const scale = POW10[spec.decimals || 0];
      let low = Math.ceil(spec.min * scale - 1e-6);
      let high = Math.floor(spec.max * scale + 1e-6);
      if (low / scale < spec.min - EPSILON) low += 1;
      if (high / scale > spec.max + EPSILON) high -= 1;
      values[name] = low <= high ? randomInt(low, high) / scale : spec.min;
    });
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

/** The values a response says it was given: every variable, each inside its range. */
function valuesOk(question, values) {
  if (!isPlainObject(values)) return false;
  const names = Object.keys(question.variables);
  const given = Object.keys(values);
  if (given.length !== names.length || !names.every((name) => given.indexOf(name) >= 0)) return false;
  return names.every((name) => {
    const value = values[name];
    const spec = question.variables[name];
    return typeof value === "number" && spec.min - EPSILON <= value && value <= spec.max + EPSILON;
  });
}

export function fraction(question, response) {
  if (!isPlainObject(response) || !valuesOk(question, response.values)) return 0;
  let expected;
  try {
    expected = evaluate(question.expr, response.values);
  } catch (error) {
    if (error instanceof ExpressionError) return 0;
    throw error;
  }
  return near(parseNumber(response.answer), expected, question.tolerance) ? 1 : 0;
}

export function key(state) {
  let value;
  try {
    value = evaluate(state.question.expr, state.values);
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

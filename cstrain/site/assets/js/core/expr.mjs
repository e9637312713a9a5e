/* The answer expressions of calculated questions, as cstrain/grading/expr.py evaluates them:
 * a tree the build parsed (never source text), the same errors, the same doubles. */
import {roundHalfUp} from "./format.mjs";
import {isPlainObject} from "./storage.mjs";

export class ExpressionError extends Error {}

const OPERATORS = ["+", "-", "*", "/", "//", "%", "**"];

/** round() inside an answer: Python's round_half_up fails on an infinite or NaN value, so do we. */
function roundInExpression(value, digits) {
  if (!Number.isFinite(value)) throw new ExpressionError("cannot round a value that is not finite");
  return roundHalfUp(value, digits);
}

function floorOf(value) {
  if (!Number.isFinite(value)) throw new ExpressionError("cannot floor a value that is not finite");
  return Math.floor(value);
}

function call(name, args) {
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

function operate(kind, left, right) {
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
  if (kind === "call") return call(tree[1], tree[2].map((arg) => evaluateNode(arg, values)));
  if (OPERATORS.indexOf(kind) < 0) throw new ExpressionError("unknown node '" + kind + "'");
  return operate(kind, evaluateNode(tree[1], values), evaluateNode(tree[2], values));
}

/** expr.evaluate: the value of an answer tree, or an ExpressionError. */
export function evaluate(tree, values) {
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

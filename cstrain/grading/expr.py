"""Arithmetic for calculated questions, parsed and never evaluated by Python's eval.

An answer such as ``buyers / inquiries * 100`` is parsed with :mod:`ast` into a small JSON tree
(numbers, variables, + - * / // % **, unary minus, and round/abs/min/max). The same tree is
evaluated here and by the quiz JavaScript, so the browser and the server agree: ``round`` keeps 0
to 10 decimals, exactly in decimal, halves away from zero (:func:`round_half_up`), ``//`` and ``%``
floor, and division by zero, a power with an exponent
over 64 or a base over 1e6, a negative base with a fractional exponent, an operand that is not a
finite number, or a result that is not one, all make the expression fail (the question scores 0).
"""
from __future__ import annotations

import ast
import decimal
import math
import sys

from cstrain.i18n import msg

MAX_LENGTH = 500
FUNCTIONS = {"round": (1, 2), "abs": (1, 1), "min": (2, 8), "max": (2, 8)}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**"}


class ExpressionError(ValueError):
    """The text is not an arithmetic expression cstrain accepts."""


def parse(text: str) -> list:
    """Parse ``text`` into a tree: ``["num", 2]``, ``["var", "x"]``, ``["+", a, b]``,
    ``["neg", a]``, ``["call", "round", [args]]``."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(msg("val_expr_long", limit=MAX_LENGTH))
    try:
        return _convert(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, ExpressionError):
            raise
        raise ExpressionError(msg("val_expr_not", text=text)) from None


def _convert(node: ast.AST) -> list:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if not abs(node.value) <= sys.float_info.max:
            raise ExpressionError(msg("val_expr_big"))
        return ["num", node.value]
    if isinstance(node, ast.Name):
        return ["var", node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return [_BINARY[type(node.op)], _convert(node.left), _convert(node.right)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _convert(node.operand)
        return ["neg", inner] if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(msg("val_expr_function", name=name, functions=", ".join(FUNCTIONS)))
        low, high = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            raise ExpressionError(msg("val_expr_arguments", name=name, low=low, high=high))
        return ["call", name, [_convert(arg) for arg in node.args]]
    raise ExpressionError(msg("val_expr_only"))


def variables(tree: list) -> set[str]:
    """The variable names a tree uses."""
    kind = tree[0]
    if kind == "var":
        return {tree[1]}
    if kind == "num":
        return set()
    if kind == "call":
        return set().union(*(variables(arg) for arg in tree[2]))
    return set().union(*(variables(arg) for arg in tree[1:]))


SIGNIFICANT = 15
"""The significant digits a double holds reliably: what arithmetic leaves beyond them is noise."""
# Enough digits for any double (1.8e308 has 309 before the point) with 10 decimals after it.
_EXACT = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_UP)


def round_half_up(value: float, digits: int = 0) -> float:
    """``value`` rounded to ``digits`` decimals as a person rounds the figure they worked out
    (四舍五入): exactly in decimal, halves away from zero. The figure is the shortest decimal that
    reads back as the float (``repr``), cut to 15 significant digits as a spreadsheet does, so
    that the noise of binary arithmetic is not taken for a digit: 251 / 400 * 100 is
    62.74999999999999 in binary and 62.75 as a figure. 62.75 → 62.8 and 1.005 → 1.01 at one and
    two digits, -2.5 → -3.

    ``floor(value * 10 ** digits + 0.5)`` gives 62.7 and 1.0 there; Python's round() is
    banker's rounding on the binary value. The browser rounds the same decimal digits the same
    way (``core/format.mjs``), so both give the same double. ValueError for a value that is not
    finite.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(msg("cli_grade_round_infinite"))
    if value == math.floor(value):
        return value  # a whole number (every double from 2^52 on is one) has nothing to round
    figure = decimal.Decimal(repr(value))
    if len(figure.as_tuple().digits) > SIGNIFICANT:  # never into the whole part
        figure = figure.quantize(decimal.Decimal(1).scaleb(min(figure.adjusted() - SIGNIFICANT + 1, 0)),
                                 context=_EXACT)
    if figure.as_tuple().exponent < -digits:
        figure = figure.quantize(decimal.Decimal(1).scaleb(-digits), context=_EXACT)
    return float(figure)


def evaluate(tree: list, values: dict[str, float]) -> float:
    """Evaluate a tree. Raises ExpressionError for division by zero, huge powers and any other
    result that is not a finite real number."""
    try:
        result = _evaluate(tree, values)
    except ExpressionError:
        raise
    except (ArithmeticError, ValueError, RecursionError) as exc:  # 0 ** -1, 1e6 ** 64, round(inf)
        raise ExpressionError(msg("cli_grade_cannot_compute", detail=_why(exc))) from None
    if not isinstance(result, float) or not math.isfinite(result):
        raise ExpressionError(msg("cli_grade_result_infinite"))
    return result


def _why(exc: Exception):
    """Python's arithmetic error said as one of ours (its own text is English)."""
    if isinstance(exc, ZeroDivisionError):  # 0 ** -1
        return msg("cli_grade_division_by_zero")
    if isinstance(exc, OverflowError):
        return msg("cli_grade_too_large")
    if isinstance(exc, RecursionError):
        return msg("cli_grade_too_deep")
    return exc.args[0] if exc.args else str(exc)  # round_half_up's msg()


def _evaluate(tree: list, values: dict[str, float]) -> float:
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "var":
        if tree[1] not in values:
            raise ExpressionError(msg("cli_grade_no_value", name=tree[1]))
        return float(values[tree[1]])
    if kind == "neg":
        return -_evaluate(tree[1], values)
    if kind == "call":
        args = [_evaluate(arg, values) for arg in tree[2]]
        name = tree[1]
        if name == "round":
            digits = args[1] if len(args) > 1 else 0
            if digits not in range(11):
                raise ExpressionError(msg("cli_grade_round_digits"))
            return round_half_up(args[0], int(digits))
        if name == "abs":
            return abs(args[0])
        return min(args) if name == "min" else max(args)
    left, right = _evaluate(tree[1], values), _evaluate(tree[2], values)
    if not (math.isfinite(left) and math.isfinite(right)):
        raise ExpressionError(msg("cli_grade_value_infinite"))
    if kind in ("/", "//", "%") and right == 0:
        raise ExpressionError(msg("cli_grade_division_by_zero"))
    if kind == "**" and (abs(right) > 64 or abs(left) > 1e6):
        raise ExpressionError(msg("cli_grade_power"))
    if kind == "**" and left < 0 and right != int(right):
        raise ExpressionError(msg("cli_grade_negative_power"))
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if kind == "/":
        return left / right
    if kind == "//":
        return float(math.floor(left / right))
    if kind == "%":
        return left - right * math.floor(left / right)
    return left ** right

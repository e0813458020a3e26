"""The arithmetic interpreter behind ``safe_math_evaluator``, run in its worker process.

The expression is parsed with ``ast`` and interpreted here, node by node: numbers,
``+ - * / // % **`` (``^`` means power), unary signs, ``pi``, ``e`` and a few functions. Any
other syntax (names, attributes, subscripts, other calls) is refused; nothing is ever passed to
``eval``, including sympy's parser, which uses it. Size is bounded (characters, syntax nodes,
the bits a power may produce); time is bounded by the process that runs this (see
``safe_math``). With sympy installed the numbers are sympy's (exact fractions and roots);
otherwise Python's ``math``.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
MAX_POWER_BITS = 100_000

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


@dataclass(frozen=True, slots=True)
class Backend:
    """The number system expressions are evaluated in."""

    number: Callable[[int | float], Any]
    constants: dict[str, Any]
    functions: dict[str, Callable[..., Any]]


def evaluate(expression: str, backend: Backend | None = None) -> dict[str, Any]:
    """The reply for ``expression``: ``{"content", "payload"}``, or ``{"error", "status"}``."""
    try:
        content, payload = _evaluate_to_text(_parse(expression), backend or _backend())
    except (SyntaxError, ValueError, ArithmeticError, TypeError, RecursionError) as exc:
        return {"error": f"Invalid math expression: {exc}", "status": "invalid_expression"}
    return {"content": content, "payload": payload}


def check(expression: str) -> None:
    """Raise ``ValueError`` / ``SyntaxError`` for what is refused before evaluating anything."""
    _parse(expression)


def preload() -> None:
    """Import the number system now, so the first expression does not pay for it."""
    _backend()


def _parse(expression: str) -> ast.Expression:
    if not isinstance(expression, str) or not expression.strip():
        raise ValueError("the expression is empty")
    if len(expression) > MAX_LENGTH:
        raise ValueError(f"the expression is longer than {MAX_LENGTH} characters")
    tree = ast.parse(expression.replace("^", "**").strip(), mode="eval")
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ValueError(f"the expression has more than {MAX_NODES} parts")
    return tree


def _evaluate_to_text(tree: ast.Expression, backend: Backend) -> tuple[str, Any]:
    """The value as text (for the model) and as a float when it is real (for the caller)."""
    value = _evaluate(tree.body, backend)
    if getattr(value, "is_finite", True) is not True:  # sympy's zoo, oo and nan
        raise ValueError(f"the result ({value}) is not a finite number")
    try:
        payload: Any = float(value)
    except (TypeError, ValueError, OverflowError):
        payload = str(value)
    return str(value), payload


def _evaluate(node: ast.expr, backend: Backend) -> Any:
    number = _literal(node)
    if number is not None:
        return backend.number(number)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand, backend))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return _power(_evaluate(node.left, backend), _evaluate(node.right, backend))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left, backend), _evaluate(node.right, backend)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Name) and node.id in backend.constants:
        return backend.constants[node.id]
    if _is_allowed_call(node, backend):
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        arguments = [_evaluate(argument, backend) for argument in node.args]
        return backend.functions[node.func.id](*arguments)
    raise ValueError(f"'{ast.unparse(node)}' is not allowed")


def _literal(node: ast.expr) -> int | float | None:
    """The number ``node`` is, if it is a numeric literal (``True`` is not a number here)."""
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _is_allowed_call(node: ast.expr, backend: Backend) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in backend.functions
        and not node.keywords
    )


def _power(base: Any, exponent: Any) -> Any:
    """``base ** exponent``, refused when the result would exceed ``MAX_POWER_BITS``."""
    try:
        bits = math.log2(max(abs(float(base)), 2.0)) * abs(float(exponent))
    except OverflowError:
        bits = math.inf
    except TypeError:  # complex operands: small by the checks on their parts
        bits = 0.0
    if bits > MAX_POWER_BITS:
        raise ValueError("the result would be too large")
    return base**exponent


@functools.cache
def _backend() -> Backend:
    try:
        import sympy
    except ImportError:
        return _PYTHON

    def number(value: int | float) -> Any:
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(repr(value))

    return Backend(
        number=number,
        constants={"pi": sympy.pi, "e": sympy.E},
        functions={
            "sqrt": sympy.sqrt,
            "exp": sympy.exp,
            "log": sympy.log,
            "sin": sympy.sin,
            "cos": sympy.cos,
            "tan": sympy.tan,
            "abs": sympy.Abs,
            "floor": sympy.floor,
            "ceil": sympy.ceiling,
        },
    )


_PYTHON = Backend(
    number=lambda value: value,
    constants={"pi": math.pi, "e": math.e},
    functions={
        "sqrt": math.sqrt,
        "exp": math.exp,
        "log": math.log,
        "sin": math.sin,
        "cos": math.cos,
        "tan": math.tan,
        "abs": abs,
        "floor": math.floor,
        "ceil": math.ceil,
    },
)

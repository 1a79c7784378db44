"""The callback boundary: every input a browser sends is checked against the declared type of
the callback's parameter before the callback runs (one place, for every callback).

The type is read from the callback function's type hints (``typing.get_type_hints``):
``str | None``, ``int | None``, ``list[str]``, ``dict[str, Any]``, ``Literal[...]`` ... A value
that does not fit is a forged request (the renderer never sends one): the callback does not
run, the refusal is audited (``access_denied`` on the object type ``callback``) and the user
sees the usual "Please check your input." message through ``handle_callback_error``.

Rules: ``None`` fits every parameter (it is Dash's "no value yet"), but inside a list or dict
only where the type allows it (``list[int | None]``); an ``int`` is an integer
(an integral float too, never a bool) that fits a signed 64-bit column; a ``float`` is a
finite number; ``str``, ``bool``, ``list``/``tuple`` and ``dict`` are what JSON gives for them,
items and values checked against their own types; ``Any``, ``object``, a parameter without a
hint and a type JSON cannot express (``Callable``, a progress setter) are accepted as they are.
A function whose hints cannot be read keeps today's behaviour (no check).
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dashboard.errors import ValidationError

log = logging.getLogger(__name__)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_UNION_TYPES = (typing.Union, types.UnionType)


def fits(value: Any, hint: Any, *, top: bool = True) -> bool:
    """True when the JSON ``value`` is acceptable for a parameter declared as ``hint``
    (``None`` fits any parameter, but an item or value inside a list or dict only when its
    type allows ``None``)."""
    if hint is Any or hint is object or hint is inspect.Parameter.empty:
        return True
    if value is None:
        return top or hint is type(None) or (
            typing.get_origin(hint) in _UNION_TYPES and type(None) in typing.get_args(hint))
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in _UNION_TYPES:
        return any(fits(value, arm, top=top) for arm in args)
    if origin is typing.Literal:
        return any(value == choice and type(value) is type(choice) for choice in args)
    if origin is typing.Annotated:
        return fits(value, args[0], top=top)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return _is_int(value)
    if hint is float:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value))
    if hint is str:
        return isinstance(value, str)
    container = origin or hint
    if isinstance(container, type) and issubclass(container, (str, bytes)):
        return isinstance(value, container)
    if container in (list, tuple, set, frozenset, Sequence) or (
            isinstance(container, type) and container is not dict
            and issubclass(container, (list, tuple))):
        return _fits_sequence(value, container, args)
    if container in (dict, Mapping) or typing.is_typeddict(hint) or (
            isinstance(container, type) and issubclass(container, dict)):
        if not isinstance(value, dict):
            return False
        if len(args) == 2:
            key, item = args
            return all(fits(k, key, top=False) and fits(v, item, top=False)
                       for k, v in value.items())
        return True
    if isinstance(hint, type) and origin is None:
        if hint.__module__ in ("builtins", "datetime", "decimal"):
            return isinstance(value, hint)
    return True  # a type JSON cannot express (a callable, a class of the product): as today


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return False
        value = int(value)
    return isinstance(value, int) and INT_MIN <= value <= INT_MAX


def _fits_sequence(value: Any, container: Any, args: tuple[Any, ...]) -> bool:
    if not isinstance(value, list):  # JSON has arrays only
        return False
    if container is tuple and args and args[-1] is not Ellipsis:
        return len(value) == len(args) and all(
            fits(v, a, top=False) for v, a in zip(value, args, strict=True))
    item = args[0] if args else Any
    return all(fits(v, item, top=False) for v in value)


def parameter_types(fn: Callable[..., Any]) -> dict[str, Any] | None:
    """The declared types of ``fn``'s parameters (None when the hints cannot be read)."""
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception:  # noqa: BLE001 - a hint naming something not importable: no check
        log.warning("callback %s: type hints not readable, inputs not checked",
                    getattr(fn, "__qualname__", fn))
        return None
    hints.pop("return", None)
    return hints


def first_misfit(signature: inspect.Signature, hints: Mapping[str, Any], args: tuple,
                 kwargs: dict[str, Any]) -> tuple[str, Any, Any] | None:
    """(parameter, hint, value) of the first argument that does not fit its declared type;
    None when all fit."""
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return ("*", "signature", f"{len(args)} positional, {sorted(kwargs)}")
    for name, value in bound.arguments.items():
        parameter = signature.parameters[name]
        hint = hints.get(name, Any)
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            values = [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            values = [(f"{name}.{k}", v) for k, v in value.items()]
        else:
            values = [(name, value)]
        for label, item in values:
            if not fits(item, hint):
                return label, hint, item
    return None


def checked(fn: Callable[..., Any],
            refuse: Callable[[Callable[..., Any], str, Any, Any], None]) -> Callable[..., Any]:
    """``fn`` behind the input check: a value that does not fit calls ``refuse(fn, parameter,
    hint, value)`` (which audits) and raises :class:`ValidationError` instead of running
    ``fn``. Without readable hints ``fn`` is returned as it is."""
    hints = parameter_types(fn)
    if not hints:
        return fn
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        misfit = first_misfit(signature, hints, args, kwargs)
        if misfit is not None:
            parameter, hint, value = misfit
            refuse(fn, parameter, hint, value)
            raise ValidationError(f"callback {fn.__qualname__}: {parameter} does not fit "
                                  f"{_name(hint)}")
        return fn(*args, **kwargs)

    return guarded


def describe(value: Any, limit: int = 80) -> str:
    """A short, safe description of a refused value for the audit log."""
    text = repr(value)
    return f"{type(value).__name__}: {text[:limit]}" + ("..." if len(text) > limit else "")


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


__all__ = ["INT_MAX", "INT_MIN", "checked", "describe", "first_misfit", "fits",
           "parameter_types"]

"""One cache idiom (DESIGN.md rule 7): the shared figure cache for data shared by workers, one
per-process memo type (``dashboard.cache.Memo``) held in typed fields of the ``Runtime``, and
nothing else: no untyped ``extras``, no memo dicts of a module's own, no rendered components
kept between calls."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

from dashboard.cache import FigureCache, Memo
from dashboard.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("dashboard", "callbacks", "layouts")
# Hand-made memory structures: the figure cache's own memory, and the session factories of
# an engine (built once per engine, not data).
HAND_MADE = {"OrderedDict": {"dashboard/cache.py"}, "WeakKeyDictionary": {"dashboard/db.py"},
             "WeakValueDictionary": set(), "ref": set()}
# Pure functions of constants computed once: translation catalogs, locales, number patterns,
# categorical dtypes, the words accepted for customer types, the common-password list, the
# dummy hash, the hash of the package's sources (the code version in every cache key) and the
# vendored plotly.js bundle's bytes.
MEMOISED = {"dashboard/i18n.py", "dashboard/passwords.py", "dashboard/analytics/abc.py",
            "dashboard/ingest/values.py", "dashboard/ingest/reasons.py", "dashboard/cache.py",
            "dashboard/web/plotly_bundle.py"}


def _sources() -> list[tuple[str, ast.AST]]:
    found = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel:
                found.append((rel, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _names(tree: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return names | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def test_the_runtime_holds_typed_fields_only() -> None:
    fields = {f.name: f for f in dataclasses.fields(Runtime)}
    assert "extras" not in fields
    hints = typing.get_type_hints(Runtime)
    assert all(hints[name] is not typing.Any or name == "celery" for name in fields)
    memos = {name for name, hint in hints.items() if hint is Memo}
    assert memos == {"days", "lookups", "lists", "saved_views"}
    assert typing.get_type_hints(Runtime.cache.func)["return"] is FigureCache


def test_no_runtime_extras_anywhere() -> None:
    used = [rel for rel, tree in _sources() for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == "extras"
            and isinstance(n.value, ast.Name) and n.value.id == "runtime"]
    assert used == []


def test_no_hand_made_caches_outside_the_two_idioms() -> None:
    offenders = [f"{rel}: {name}" for rel, tree in _sources()
                 for name, allowed in HAND_MADE.items()
                 if name in _names(tree) and rel not in allowed]
    assert offenders == []


def test_memoised_functions_only_over_constants() -> None:
    offenders = [rel for rel, tree in _sources()
                 if {"cache", "lru_cache"} & {n.attr if isinstance(n, ast.Attribute) else
                                             getattr(n, "id", "")
                                             for node in ast.walk(tree)
                                             if isinstance(node, ast.FunctionDef)
                                             for n in node.decorator_list
                                             for n in [n.func if isinstance(n, ast.Call)
                                                       else n]}
                 and rel not in MEMOISED]
    assert offenders == []


# Registrations, not caches: the callbacks declared at import, and the runtime of a job
# worker started on its own (no ``create_app`` there).
REGISTRIES = {"callbacks/__init__.py: _REGISTRY.append", "callbacks/_runtime.py: _PROCESS"}


def test_callbacks_and_layouts_keep_no_module_state() -> None:
    """No module of ``callbacks/`` or ``layouts/`` writes to a module-level dict or list
    from a function (the way rendered components were once kept)."""
    offenders = []
    for rel, tree in _sources():
        if not rel.startswith(("callbacks/", "layouts/")):
            continue
        module_names = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
                        for t in (node.targets if isinstance(node, ast.Assign) else
                                  [node.target]) if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    targets = (inner.targets if isinstance(inner, ast.Assign) else
                               [inner.target] if isinstance(inner, ast.AugAssign) else [])
                    for target in targets:
                        if (isinstance(target, ast.Subscript)
                                and isinstance(target.value, ast.Name)
                                and target.value.id in module_names):
                            offenders.append(f"{rel}: {target.value.id}")
                    if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                            and isinstance(inner.func.value, ast.Name)
                            and inner.func.value.id in module_names
                            and inner.func.attr in {"append", "setdefault", "update", "add"}):
                        offenders.append(f"{rel}: {inner.func.value.id}.{inner.func.attr}")
    assert sorted(set(offenders) - REGISTRIES) == []

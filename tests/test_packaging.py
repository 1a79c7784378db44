"""The plain install (what ``./scripts/run`` installs, without the test extras) has everything the
app needs at start-up, and nothing it never uses."""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib import metadata
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_background_callbacks_work_without_the_test_extras() -> None:
    # Dash's DiskcacheManager needs dash's `diskcache` extra (multiprocess, psutil); the test
    # extra pulls those in by chance, so only this check notices a plain install missing them.
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    dash = next(d for d in dependencies if d.startswith("dash[") or d.startswith("dash>"))
    assert "diskcache" in dash.split("]")[0], dash


# Runtime dependencies used as programs or plugins rather than imported, each with where.
NOT_IMPORTED = {
    "gunicorn": "the WSGI server `cockpit run` starts as `python -m gunicorn` (dashboard/cli.py)",
}
PRODUCT = ("app.py", "dashboard", "layouts", "callbacks")
LOCAL = {"app", "dashboard", "layouts", "callbacks"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str) -> tuple[str, set[str], str]:
    """Name, extras and marker of a requirement string such as ``dash[diskcache]>=4``."""
    spec, _, marker = text.partition(";")
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", spec)
    assert match, text
    extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
    return _normalise(match.group(1)), extras, marker


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _declared() -> dict[str, set[str]]:
    return dict(_requirement(text)[:2] for text in _project()["dependencies"])


@functools.cache
def _product_imports() -> frozenset[str]:
    """Top-level names of every absolute import in the product code (also the ones inside
    functions, which load optional parts on demand)."""
    files = [ROOT / "app.py"] + [path for folder in PRODUCT[1:]
                                 for path in (ROOT / folder).rglob("*.py")]
    names: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return frozenset(names - LOCAL - set(sys.stdlib_module_names))


@functools.cache
def _installed() -> dict[str, list[str]]:
    return packages_distributions()


def _distributions_of(modules: frozenset[str]) -> dict[str, set[str]]:
    """Module name -> the (normalised) distributions that install it (a module of an extra
    that is not installed here, e.g. celery, by its own name)."""
    return {module: {_normalise(d) for d in _installed().get(module, [module])}
            for module in modules}


def test_every_runtime_dependency_is_imported_by_the_product() -> None:
    declared = _declared()
    imported = set().union(*_distributions_of(_product_imports()).values())
    unused = set(declared) - imported
    assert unused == set(NOT_IMPORTED), (
        f"declared in pyproject.toml but never imported by {PRODUCT}: "
        f"{sorted(unused - set(NOT_IMPORTED))}; listed as programs but imported or no longer "
        f"declared: {sorted(set(NOT_IMPORTED) - unused)}")
    assert '"-m", "gunicorn"' in (ROOT / "dashboard" / "cli.py").read_text()


def test_the_check_notices_a_declared_dependency_nobody_imports() -> None:
    # duckdb is installed for the benchmarks (the ``bench`` extra) and imported only there
    assert "duckdb" not in _declared()
    assert "duckdb" in _project()["optional-dependencies"]["bench"][0]
    imported = set().union(*_distributions_of(_product_imports()).values())
    assert "duckdb" not in imported and "flask-login" in imported


def _closure(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` install: themselves, their requested extras and
    everything those require (installed ones only)."""
    seen: set[str] = set()
    todo = [_requirement(text) for text in requirements]
    while todo:
        name, extras, marker = todo.pop()
        if "extra" in marker or name in seen:
            continue
        seen.add(name)
        try:
            required = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in required:
            sub, sub_extras, sub_marker = _requirement(text)
            wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", sub_marker)
            if not wanted:
                todo.append((sub, sub_extras, sub_marker))
            elif set(map(_normalise, wanted)) & set(map(_normalise, extras)):
                todo.append((sub, sub_extras, ""))
    return seen


def test_every_product_import_comes_with_the_install() -> None:
    project = _project()
    plain = _closure(project["dependencies"])
    optional = _closure([t for name, texts in project["optional-dependencies"].items()
                         if name not in ("test", "load", "bench") for t in texts])
    missing = {module: sorted(dists)
               for module, dists in _distributions_of(_product_imports()).items()
               if not dists & plain}
    # only the optional parts may need an extra (Celery: the ``redis`` extra)
    assert {m: d for m, d in missing.items() if not set(d) & optional} == {}
    assert set(missing) <= {"celery"}

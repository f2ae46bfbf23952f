"""The contract of a dataset module (ARCHITECTURE.md, "sources/<dataset>.py"): every module of
``sources.REGISTRY`` has a schema in :data:`sources.schemas.SCHEMAS`, a ``read`` and a ``write``
(the official format and its exact inverse), and no demo synthesis: the demo values are drawn in
``portraits/demo/<dataset>.py``, so that editing a demo generator never changes the code hashed
into an official portrait's render key.

Each rule is a function of ``{key: module}``, so that the tests below can show it failing on tiny
in-memory modules; the last tests hold it on the registry.
"""
from __future__ import annotations

import ast
import inspect
import types

import pytest

from sources import REGISTRY
from sources.schemas import SCHEMAS

# Modules whose demo synthesis has not yet moved to portraits/demo/ (issue 19, done by another
# branch at the same time): they are let off the write and demo rules until it lands. The lead
# empties this set after merging both branches (test_not_yet_split_is_not_stale says when).
NOT_YET_SPLIT: set[str] = set()


def _name(module: types.ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def defined_names(module: types.ModuleType) -> list[str]:
    """The names a module defines at its top level (functions, classes, constants), from its source."""
    tree = ast.parse(inspect.getsource(module))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


# ----- The rules: each returns its violations, as "module: message" ----------------------------

def without_schema(registry: dict, schemas: dict) -> list[str]:
    return [f"{_name(m)}: aucun schéma pour {key!r}" for key, m in registry.items() if key not in schemas]


def without_read_or_write(registry: dict, pending: set[str]) -> list[str]:
    return [f"{_name(m)}: pas de {f}" for m in registry.values() if _name(m) not in pending
            for f in ("read", "write") if not callable(getattr(m, f, None))]


def with_demo_code(registry: dict, pending: set[str]) -> list[str]:
    return [f"{_name(m)}: {n}" for m in registry.values() if _name(m) not in pending
            for n in defined_names(m) if "demo" in n.lower()]


def stale_pending(registry: dict, pending: set[str]) -> list[str]:
    """Modules of ``pending`` that are not registered, or already split (they must leave the set)."""
    modules = {_name(m): m for m in registry.values()}
    unknown = sorted(pending - set(modules))
    split = sorted(n for n in pending & set(modules)
                   if not without_read_or_write({n: modules[n]}, set()) and not with_demo_code({n: modules[n]}, set()))
    return [f"{n}: inconnu du registre" for n in unknown] + [f"{n}: déjà séparé de sa démo" for n in split]


# ----- Each rule can fail: tiny in-memory modules ----------------------------------------------

def _module(name: str, source: str) -> types.ModuleType:
    """A module ``sources.<name>`` made of ``source`` (kept so that inspect.getsource finds it)."""
    module = types.ModuleType(f"sources.{name}")
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    module.__dict__["__source__"] = source
    return module


@pytest.fixture
def fake_sources(monkeypatch):
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda m: m.__dict__.get("__source__") or real(m))
    return {
        "good": _module("good", "def read(paths):\n    pass\n\ndef write(path, frame):\n    pass\n"),
        "no_write": _module("no_write", "def read(paths):\n    pass\n"),
        "demo": _module("demo", "DEMO_NAMES = []\n\ndef read(paths):\n    pass\n\ndef write(path, frame):\n    pass\n\n"
                                "def write_demo(path, rng):\n    pass\n"),
    }


def test_a_module_without_a_schema_is_caught(fake_sources):
    assert without_schema(fake_sources, {"good": object(), "demo": object()}) == ["no_write: aucun schéma pour 'no_write'"]


def test_a_module_without_write_is_caught_unless_pending(fake_sources):
    assert without_read_or_write(fake_sources, set()) == ["no_write: pas de write"]
    assert without_read_or_write(fake_sources, {"no_write"}) == []


def test_demo_code_in_a_loader_is_caught_unless_pending(fake_sources):
    assert with_demo_code(fake_sources, set()) == ["demo: DEMO_NAMES", "demo: write_demo"]
    assert with_demo_code(fake_sources, {"demo"}) == []


def test_a_stale_pending_set_is_caught(fake_sources):
    assert stale_pending(fake_sources, {"good", "demo", "gone"}) == ["gone: inconnu du registre",
                                                                     "good: déjà séparé de sa démo"]


# ----- The rules on the registry ---------------------------------------------------------------

def test_every_registered_source_has_a_schema():
    assert without_schema(REGISTRY, SCHEMAS) == []


def test_every_split_source_has_read_and_write():
    assert without_read_or_write(REGISTRY, NOT_YET_SPLIT) == []


def test_no_split_source_keeps_demo_code():
    assert with_demo_code(REGISTRY, NOT_YET_SPLIT) == []


def test_not_yet_split_is_not_stale():
    assert stale_pending(REGISTRY, NOT_YET_SPLIT) == []

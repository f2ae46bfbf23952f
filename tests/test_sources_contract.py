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
import importlib
import inspect
import pickle
import pkgutil
import types

import pytest

from sources import REGISTRY
from sources.common import NoRegionalRows, SourceError
from sources.schemas import SCHEMAS

def _name(module: types.ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def parts(module: types.ModuleType) -> list[types.ModuleType]:
    """The module, and for a dataset package (``sources/<dataset>/``) each of its modules."""
    return [module] + [importlib.import_module(f"{module.__name__}.{info.name}")
                       for info in pkgutil.iter_modules(getattr(module, "__path__", []))]


def defined_names(module: types.ModuleType) -> list[str]:
    """The names a module (or each module of a dataset package) defines at its top level
    (functions, classes, constants), from its source."""
    names = []
    for node in (n for part in parts(module) for n in ast.parse(inspect.getsource(part)).body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


# ----- The rules: each returns its violations, as "module: message" ----------------------------

def without_schema(registry: dict, schemas: dict) -> list[str]:
    return [f"{_name(m)}: aucun schéma pour {key!r}" for key, m in registry.items() if key not in schemas]


def without_read_or_write(registry: dict) -> list[str]:
    return [f"{_name(m)}: pas de {f}" for m in registry.values()
            for f in ("read", "write") if not callable(getattr(m, f, None))]


def with_demo_code(registry: dict) -> list[str]:
    return [f"{_name(m)}: {n}" for m in registry.values() for n in defined_names(m) if "demo" in n.lower()]


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


def test_a_module_without_write_is_caught(fake_sources):
    assert without_read_or_write(fake_sources) == ["no_write: pas de write"]


def test_demo_code_in_a_loader_is_caught(fake_sources):
    assert with_demo_code(fake_sources) == ["demo: DEMO_NAMES", "demo: write_demo"]


def test_demo_code_in_a_module_of_a_dataset_package_is_caught():
    # sources.census is a package: a demo writer left in one of its modules counts.
    import sources.census as census
    assert len(parts(census)) > 1 and "_base" in {p.__name__.rsplit(".", 1)[-1] for p in parts(census)}


# ----- The rules on the registry ---------------------------------------------------------------

def test_every_registered_source_has_a_schema():
    assert without_schema(REGISTRY, SCHEMAS) == []


def test_every_source_has_read_and_write():
    assert without_read_or_write(REGISTRY) == []


def test_no_source_keeps_demo_code():
    assert with_demo_code(REGISTRY) == []


def test_a_source_error_comes_back_whole_from_another_process():
    # Pickled as a worker process sends it back: rebuilt from its parts, not from its text.
    for err in (SourceError("dir/defm-communes-mensuel.csv", "valeur non numérique", line=12),
                NoRegionalRows("bmo.xlsx", "aucune ligne pour la région 52")):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert (str(back), back.path, back.line, back.message) == (str(err), err.path, err.line, err.message)

"""The import rules of the house (README, "Architecture"), held over the
``ast`` of the project's modules (no import-linter: no new dependency).

- ``sources/`` never imports ``portraits`` or ``flows``;
- a dataset module (``sources/<dataset>.py``, or a module of a dataset package
  ``sources/<dataset>/``) imports, of the project, only ``sources.common`` and
  ``sources.datafrance``, and the modules of its own package: never a sibling dataset;
- ``sources.common`` imports only the standard library, pandas, numpy and the file-format libraries
  it reads with (:data:`LEAF_LIBRARIES`); ``sources.datafrance`` the same and ``sources.common``;
- no import cycle among the modules of ``sources``, ``portraits`` and ``flows``;
- no import inside a function in ``sources/``, except of a heavy optional library
  (:data:`HEAVY_OPTIONAL`); in ``portraits/`` and ``flows/``, no import of the project's own
  modules inside a function (:data:`LAZY_INTERNAL` names the one exception);
- only the flows and the command line import the demo synthesis (``portraits.demo``; benchmarks
  and tests too, which are not scanned here);
- ``flows/`` imports no pandas, duckdb or geopandas (flows only wire the functions that use them);
- sizes a newcomer can read: modules of at most 500 lines, functions of at most 60, templates
  (``templates/**/*.j2``) of at most 200;

Each rule is a function of ``{module name: Module}``, so that the unit tests below can show it
failing on tiny in-memory modules; the last tests hold it on the real tree.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sources", "portraits", "flows")

# Modules of sources/ that are not datasets. ``__init__`` holds the registry and ``schemas`` the
# checks of every dataset's frame: both name the datasets. ``download`` fetches the files of the
# registry.
NOT_DATASETS = {"sources", "sources.schemas", "sources.download"}
LEAF = ("sources.common", "sources.datafrance")
# What the leaf may import besides the standard library: pandas and numpy, and the libraries that
# read the file formats (openpyxl for xlsx workbooks, pyarrow for Parquet schemas).
LEAF_LIBRARIES = {"pandas", "numpy", "openpyxl", "pyarrow"}
# Libraries a function of sources/ may import where it needs them (slow to import, needed by
# one reader or one demo writer only): pyarrow (Parquet files and schemas: sources.common.text
# header_of, establishments, mobility, schemas), geopandas (mobility's demo flows).
HEAVY_OPTIONAL = {"pyarrow", "geopandas"}
# Function-level imports of the project's modules allowed in portraits/ and flows/, by importing
# module: the command line imports the flows (and with them Prefect) only once it has set Prefect's
# environment (PREFECT_HOME, logging level), which Prefect reads when it is imported; so does
# the module that starts Prefect's local server (it reads Prefect's settings). The command's entry
# point imports the command line once it has started that server (portraits.launch).
LAZY_INTERNAL = {"portraits.cli": ("flows", "portraits.prefect_api"), "portraits.launch": ("portraits.cli",)}
# The demo synthesis, and who may import it besides itself.
DEMO = "portraits.demo"
DEMO_IMPORTERS = ("flows", "portraits.cli")
# What the flows never import: they wire the functions that read, compute and draw.
FLOWS_FORBIDDEN = {"pandas", "duckdb", "geopandas"}


@dataclass(frozen=True)
class Import:
    target: str           # absolute dotted name of what is imported (a module, or a module's attribute's module)
    names: tuple[str, ...]  # for ``from X import a, b``: a, b (they may be submodules of X)
    line: int
    in_function: bool


@dataclass(frozen=True)
class Module:
    name: str
    source: str
    is_package: bool = False

    def imports(self) -> list[Import]:
        tree = ast.parse(self.source)
        out: list[Import] = []

        def visit(node: ast.AST, in_function: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Import):
                    out.extend(Import(a.name, (), child.lineno, in_function) for a in child.names)
                elif isinstance(child, ast.ImportFrom):
                    out.append(Import(self._absolute(child), tuple(a.name for a in child.names),
                                      child.lineno, in_function))
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

        visit(tree, False)
        return out

    def _absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))


def project_modules(root: Path = ROOT) -> dict[str, Module]:
    mods = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join(parts)
            mods[name] = Module(name, path.read_text(encoding="utf-8"), is_package)
    return mods


def _internal(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def targets(imp: Import, modules: dict[str, Module]) -> list[str]:
    """The project modules an import names: ``from sources import bcn`` names ``sources.bcn``
    (a submodule), ``from sources import REGISTRY`` names ``sources``."""
    if not _internal(imp.target):
        return []
    subs = [f"{imp.target}.{n}" for n in imp.names if f"{imp.target}.{n}" in modules]
    if subs and len(subs) == len(imp.names):
        return subs
    return [*subs, imp.target]


def _in(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def is_dataset(name: str) -> bool:
    return name.startswith("sources.") and name not in NOT_DATASETS and not _in(name, LEAF)


# ----- The rules: each returns its violations, as "module:line message" ------------------------

def sources_importing_the_app(modules: dict[str, Module]) -> list[str]:
    return [f"{m.name}:{i.line} imports {i.target}" for m in modules.values() if _in(m.name, ("sources",))
            for i in m.imports() if _in(i.target, ("portraits", "flows"))]


def own_dataset(name: str) -> str:
    """The dataset a module of sources/ belongs to: ``sources.training_offer._lheo`` and
    ``sources.training_offer`` → ``sources.training_offer``."""
    return ".".join(name.split(".")[:2])


def dataset_imports_outside_the_leaf(modules: dict[str, Module]) -> list[str]:
    return [f"{m.name}:{i.line} imports {t}" for m in modules.values() if is_dataset(m.name)
            for i in m.imports() for t in targets(i, modules) if not _in(t, (*LEAF, own_dataset(m.name)))]


def leaf_imports(modules: dict[str, Module]) -> list[str]:
    out = []
    for m in modules.values():
        if not _in(m.name, LEAF):
            continue
        for i in m.imports():
            if _internal(i.target):
                if not all(_in(t, ("sources.common",)) for t in targets(i, modules)):
                    out.append(f"{m.name}:{i.line} imports {i.target}")
            elif i.target and i.target.split(".")[0] not in sys.stdlib_module_names | LEAF_LIBRARIES | {"__future__"}:
                out.append(f"{m.name}:{i.line} imports {i.target}")
    return out


def function_level_imports(modules: dict[str, Module]) -> list[str]:
    """In ``sources/``, any import inside a function but of a heavy optional library; in
    ``portraits/`` and ``flows/``, any import of the project's modules inside a function (but
    :data:`LAZY_INTERNAL`)."""
    def allowed(m: Module, i: Import) -> bool:
        if _in(m.name, ("sources",)):
            return i.target.split(".")[0] in HEAVY_OPTIONAL
        return not _internal(i.target) or _in(i.target, LAZY_INTERNAL.get(m.name, ()))
    return [f"{m.name}:{i.line} imports {i.target} inside a function" for m in modules.values()
            for i in m.imports() if i.in_function and not allowed(m, i)]


def demo_importers(modules: dict[str, Module]) -> list[str]:
    return [f"{m.name}:{i.line} imports {t}" for m in modules.values() if not _in(m.name, (DEMO, *DEMO_IMPORTERS))
            for i in m.imports() for t in targets(i, modules) if _in(t, (DEMO,))]


def flows_importing_data_libraries(modules: dict[str, Module]) -> list[str]:
    return [f"{m.name}:{i.line} imports {i.target}" for m in modules.values() if _in(m.name, ("flows",))
            for i in m.imports() if i.target.split(".")[0] in FLOWS_FORBIDDEN]


def import_cycles(modules: dict[str, Module]) -> list[list[str]]:
    """The import cycles among the project's modules (every import counts, module-level or inside
    a function: a cycle through a function is one the next refactor turns into a crash). One
    cycle per strongly connected component, as a path."""
    graph = {name: sorted({t for i in m.imports() for t in targets(i, modules) if t in modules and t != name})
             for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def strong(v: str) -> None:     # Tarjan, iterative enough for a few hundred modules
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return components


# ----- Each rule can fail: tiny in-memory modules ----------------------------------------------

def _mods(**sources: str) -> dict[str, Module]:
    """``sources__bcn="..."`` → module ``sources.bcn``; a name ending in ``__init`` is a package."""
    out = {}
    for key, text in sources.items():
        parts = key.split("__")
        is_package = parts[-1] == "init"
        name = ".".join(parts[:-1] if is_package else parts)
        out[name] = Module(name, text, is_package)
    return out


def test_a_source_importing_portraits_is_caught():
    mods = _mods(sources__init="", sources__bcn="import pandas\n\ndef f():\n    from portraits.geography import region_info\n",
                 sources__fap="from flows import refresh\n", portraits__init="from sources import bcn\n")
    assert sources_importing_the_app(mods) == ["sources.bcn:4 imports portraits.geography", "sources.fap:1 imports flows"]


def test_a_dataset_importing_a_sibling_is_caught():
    mods = _mods(sources__init="from . import bcn, fap\n", sources__common__init="", sources__datafrance="",
                 sources__bcn="from .common import SourceError\nfrom .datafrance import region_info\n",
                 # relative, absolute, and "from package import submodule" forms
                 sources__fap="from .bcn import demo_catalogue\nimport sources.bcn\nfrom . import bcn\n")
    assert dataset_imports_outside_the_leaf(mods) == ["sources.fap:1 imports sources.bcn", "sources.fap:2 imports sources.bcn",
                                                      "sources.fap:3 imports sources.bcn"]


def test_a_dataset_package_may_import_its_own_modules_but_not_a_sibling_dataset():
    mods = _mods(sources__init="from . import mobility, training_offer\n", sources__common__init="",
                 sources__mobility__init="", sources__mobility___files="",
                 # the package and its modules: relative, absolute, and "from package import submodule"
                 sources__training_offer__init="from ._read import read\nfrom sources.training_offer import _write\n",
                 sources__training_offer___write="from ..common import write_csv\n",
                 sources__training_offer___read="from ._write import write\nfrom . import _write\n"
                                                "from .. import mobility\nfrom sources.mobility._files import header\n")
    assert dataset_imports_outside_the_leaf(mods) == ["sources.training_offer._read:3 imports sources.mobility",
                                                      "sources.training_offer._read:4 imports sources.mobility._files"]


def test_the_leaf_importing_a_dataset_or_a_library_is_caught():
    mods = _mods(sources__init="", sources__common__init="from .text import read_text\nimport csv, pandas, openpyxl\n",
                 sources__common__text="from ..datafrance import region_info\nimport geopandas\n",
                 sources__datafrance="from .common import read_text\nfrom .bcn import x\n", sources__bcn="")
    assert leaf_imports(mods) == ["sources.common.text:1 imports sources.datafrance", "sources.common.text:2 imports geopandas",
                                  "sources.datafrance:2 imports sources.bcn"]


def test_a_function_level_import_is_caught():
    mods = _mods(sources__init="", sources__bcn="def f():\n    import pyarrow.parquet as pq\n    import csv\n"
                                               "    from .common import uai_key\n")
    assert function_level_imports(mods) == ["sources.bcn:3 imports csv inside a function",
                                            "sources.bcn:4 imports sources.common inside a function"]


def test_a_function_level_import_of_a_project_module_is_caught_in_portraits_and_flows():
    mods = _mods(portraits__init="", portraits__demo__init="", portraits__warehouse="",
                 # a library may be imported where it is needed; the project's modules may not
                 portraits__pipeline="def f():\n    import csv\n    from .demo import ensure_demo\n"
                                     "    from sources import cog\n",
                 # the command line's Prefect import (LAZY_INTERNAL), but nothing else of the project
                 portraits__cli="def build():\n    from flows.refresh import refresh\n    from . import warehouse\n",
                 flows__init="", flows__refresh="def f():\n    from prefect_dask import DaskTaskRunner\n"
                                                "    from sources.download import fetch_all\n")
    assert function_level_imports(mods) == ["portraits.pipeline:3 imports portraits.demo inside a function",
                                            "portraits.pipeline:4 imports sources inside a function",
                                            "portraits.cli:3 imports portraits inside a function",
                                            "flows.refresh:3 imports sources.download inside a function"]


def test_importing_the_demo_outside_the_flows_and_the_command_line_is_caught():
    mods = _mods(portraits__init="", portraits__geography="",
                 portraits__demo__init="from ..geography import load_communes\nfrom . import census\n",
                 portraits__demo__census="from portraits.demo import _rng\n",        # the package itself: allowed
                 portraits__pipeline="from .demo import ensure_demo\n",
                 portraits__settings="from portraits import demo\n",                 # a submodule named in a from-import
                 portraits__report="def f():\n    from portraits.demo.census import x\n",
                 portraits__cli="from .demo import generate\n", flows__init="",
                 flows__warehouse="from portraits.demo import ensure_demo\n")
    assert demo_importers(mods) == ["portraits.pipeline:1 imports portraits.demo",
                                    "portraits.settings:1 imports portraits.demo",
                                    "portraits.report:2 imports portraits.demo.census"]


def test_flows_importing_pandas_duckdb_or_geopandas_is_caught():
    mods = _mods(flows__init="", flows__render="import pandas as pd\nfrom duckdb import connect\nimport prefect\n"
                                               "\ndef f():\n    import geopandas.io\n",
                 portraits__init="", portraits__pipeline="import pandas\n")     # the steps may
    assert flows_importing_data_libraries(mods) == ["flows.render:1 imports pandas", "flows.render:2 imports duckdb",
                                                    "flows.render:6 imports geopandas.io"]



def test_an_import_cycle_is_caught_even_through_a_function():
    mods = _mods(sources__init="from . import base\n", sources__base="def f():\n    from portraits.geography import g\n",
                 portraits__init="", portraits__geography="from sources.base import departement_of\n",
                 portraits__fmt="import math\n")
    assert import_cycles(mods) == [["portraits.geography", "sources.base"]]
    mods["sources.base"] = Module("sources.base", "import pandas\n")
    assert import_cycles(mods) == []


# ----- The rules on the real tree --------------------------------------------------------------

@pytest.fixture(scope="module")
def modules():
    return project_modules()


def test_sources_never_import_portraits_or_flows(modules):
    assert sources_importing_the_app(modules) == []


def test_dataset_modules_import_only_the_leaf(modules):
    assert dataset_imports_outside_the_leaf(modules) == []


def test_the_leaf_imports_only_the_standard_library_and_its_readers(modules):
    assert leaf_imports(modules) == []


def test_no_function_level_import_of_a_project_module(modules):
    assert function_level_imports(modules) == []


def test_only_the_flows_and_the_command_line_import_the_demo(modules):
    assert demo_importers(modules) == []


def test_flows_import_no_pandas_duckdb_or_geopandas(modules):
    assert flows_importing_data_libraries(modules) == []



def test_no_import_cycle(modules):
    assert import_cycles(modules) == []

# ----- Size limits (ARCHITECTURE.md): a module a newcomer can read, a function that fits a screen ----

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_TEMPLATE_LINES = 200


def oversized_modules(modules: dict[str, Module], limit: int = MAX_MODULE_LINES) -> list[str]:
    return [f"{m.name}: {n} lignes (plus de {limit})" for m in modules.values()
            if (n := len(m.source.splitlines())) > limit]


def oversized_functions(modules: dict[str, Module], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    out = []
    for m in modules.values():
        for node in ast.walk(ast.parse(m.source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    out.append(f"{m.name}:{node.lineno} {node.name}: {n} lignes (plus de {limit})")
    return out


def oversized_templates(folder: Path, limit: int = MAX_TEMPLATE_LINES) -> list[str]:
    return [f"{p.relative_to(folder)}: {n} lignes (plus de {limit})" for p in sorted(folder.rglob("*.j2"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit]


def test_a_long_module_or_function_or_template_is_caught(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(60))     # 60 lines of body + the def line: 61
    mods = _mods(sources__init="", sources__bcn=f"def read():\n{body}\n", sources__fap="def read():\n    return 1\n")
    assert oversized_functions(mods) == ["sources.bcn:1 read: 61 lignes (plus de 60)"]
    assert oversized_modules(mods, limit=60) == ["sources.bcn: 61 lignes (plus de 60)"]
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "long.html.j2").write_text("<p></p>\n" * 201, encoding="utf-8")
    (tmp_path / "short.html.j2").write_text("<p></p>\n" * 200, encoding="utf-8")   # at the limit: allowed
    assert oversized_templates(tmp_path) == ["sections/long.html.j2: 201 lignes (plus de 200)"]


def test_modules_are_at_most_500_lines(modules):
    assert oversized_modules(modules) == []


def test_functions_are_at_most_60_lines(modules):
    assert oversized_functions(modules) == []


def test_templates_are_at_most_200_lines():
    assert oversized_templates(ROOT / "templates") == []

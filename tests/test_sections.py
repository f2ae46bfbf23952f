"""A section is the unit: the registry of the portrait's sections (``portraits/report/sections``),
their partials (``templates/sections``) and the images they declare hold together.

- the registry is counted and ordered like the page;
- every section has its partial, every partial its section;
- every image a section declares appears in its partial (``section.images.<key>``), every image
  a partial shows is declared, and no template writes an image's file name;
- ``portraits.report`` imports no duckdb, jinja2, matplotlib or weasyprint, nor the modules that
  draw or render (plain data in, plain dicts out);
- the modules of ``portraits/report`` and the portrait's templates keep to the size limits.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portraits import charts, render
from portraits.report import COVER_IMAGES, layout, portrait_images
from portraits.report.sections import SECTIONS, population

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "portraits" / "report"
PARTIALS = ROOT / "templates" / "sections"
PORTRAIT = ROOT / "templates" / "portrait.html.j2"
FORBIDDEN = {"duckdb", "jinja2", "matplotlib", "weasyprint"}
# Project modules that import those (drawing, rendering, the pipeline): report never needs them.
FORBIDDEN_MODULES = {"portraits.charts", "portraits.render", "portraits.pdf_tags", "portraits.pipeline", "portraits.explore"}
IMAGE_REFERENCE = re.compile(r"section\.images\.(\w+)")
IMAGE_FILE = re.compile(r"[\w-]+\.(?:png|svg)\b")


def test_the_registry_has_ten_sections_in_the_order_of_the_page():
    assert [s.NAME for s in SECTIONS] == ["population", "economy", "employment", "recruitment", "metiers", "mobility",
                                          "training", "offer", "trajectories", "access"]


def test_each_section_module_declares_the_whole_contract():
    for s in SECTIONS:
        assert s.NAME == s.__name__.rsplit(".", 1)[1], s.__name__
        assert isinstance(s.HEADING, str) and s.HEADING
        assert callable(s.contexts) and callable(s.titles)
        assert s.NAME in s.SOURCES or not s.SOURCES, s.NAME     # its own entry names its sources
        assert all(isinstance(ids, tuple) for ids in s.SOURCES.values())


def test_every_section_has_its_partial_and_every_partial_its_section():
    partials = {p.name.removesuffix(".html.j2") for p in PARTIALS.glob("*.html.j2")}
    assert partials == {s.NAME for s in SECTIONS}


def test_each_partial_holds_its_section_heading_anchor():
    # The table of contents links h-<name> (portrait.html.j2 builds it from the registry).
    for s in SECTIONS:
        assert f'id="h-{s.NAME}"' in (PARTIALS / f"{s.NAME}.html.j2").read_text(encoding="utf-8"), s.NAME


def images_shown(template: str) -> set[str]:
    return set(IMAGE_REFERENCE.findall(template))


def test_images_shown_are_read_from_the_references():
    # The check below can fail: a reference by key is found, a file name written out is caught.
    text = '<img src="{{ section.images.ages }}">{{ commune_map(section.images.change_map, x) }}<img src="flux.png">'
    assert images_shown(text) == {"ages", "change_map"}
    assert IMAGE_FILE.findall(text) == ["flux.png"]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.NAME)
def test_every_image_declared_appears_in_its_partial_and_back(section):
    text = (PARTIALS / f"{section.NAME}.html.j2").read_text(encoding="utf-8")
    assert images_shown(text) == {i.key for i in section.IMAGES}
    assert IMAGE_FILE.findall(text) == []     # a file name is written once: in the section's module


def test_the_cover_shows_its_declared_images_by_key():
    text = PORTRAIT.read_text(encoding="utf-8")
    assert set(re.findall(r"cover_images\.(\w+)", text)) == {i.key for i in COVER_IMAGES}
    assert IMAGE_FILE.findall(text) == [] and not IMAGE_REFERENCE.findall(text)


def test_every_image_file_is_declared_once_and_drawn_by_a_known_function():
    images = [*COVER_IMAGES, *(i for s in SECTIONS for i in s.IMAGES)]
    files = [i.file for i in images]
    assert len(files) == len(set(files)) == 16
    for s in SECTIONS:
        assert len({i.key for i in s.IMAGES}) == len(s.IMAGES), s.NAME
    for i in images:
        assert i.kind in ("chart", "map"), i.file
        assert callable(getattr(charts if i.kind == "chart" else render, i.drawing)), i.file


def test_the_layout_gives_the_template_each_section_and_its_files():
    first = layout()[0]
    assert first == {"name": "population", "heading": "Population et activité",
                     "images": {"ages": "ages.svg", "unemployment_map": "chomage-communes.png",
                                "employment_map": "emploi-communes.png", "change_map": "population-communes.png"}}


def _bare_context(**sections) -> dict:
    ctx = {"code": "T1", "name": "Angers", "region_name": "Pays de la Loire", "map_points": [], "offer_points": [],
           "towns": [{"name": "Angers"}]}
    ctx.update({s: {} for s in ("population", "economy", "employment", "training", "offer", "needs", "mobility",
                                "trajectories", "access")})
    ctx.update(sections)
    return ctx


def test_a_portrait_draws_only_the_images_of_what_it_shows():
    # Nothing available: the cover map only.
    assert [i.file for i, _ in portrait_images(_bare_context())] == ["carte.png"]
    # An age structure (two bands) and one commune map: their images, with the drawing's data.
    ages = [{"label": "0-14 ans", "share": 20.0, "region_share": 18.0},
            {"label": "15-29 ans", "share": None, "region_share": 17.5}]    # a secret share stays None
    change = {"legend": ["-1 à 0", "0 à 1"], "rows": [{"code": "49007", "class": 1}, {"code": "49099", "class": None}]}
    drawn = dict((i.file, args) for i, args in
                 portrait_images(_bare_context(population={"ages": ages, "communes_change": change})))
    assert list(drawn) == ["carte.png", "ages.svg", "population-communes.png"]
    assert drawn["ages.svg"] == {"categories": ["0-14 ans", "15-29 ans"],
                                 "series": {"Angers": [20.0, None], "Pays de la Loire": [18.0, 17.5]}}
    assert drawn["population-communes.png"] == {
        "classes": {"49007": 1, "49099": None}, "legend": ["-1 à 0", "0 à 1"], "towns": ["Angers"],
        "title": "Évolution annuelle moyenne de la population (recensement)", "palette": "greens",
        "size": population.COMMUNE_MAP_SIZE}


def forbidden_imports(sources: dict[str, str]) -> list[str]:
    """``{module name: source}`` → the imports of a forbidden library or module, as "module:line name"."""
    out = []
    for name, text in sources.items():
        package = name if name.endswith("__init__") else name.rsplit(".", 1)[0]
        package = package.removesuffix(".__init__")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                if t.split(".")[0] in FORBIDDEN or any(t == m or t.startswith(m + ".") for m in FORBIDDEN_MODULES):
                    out.append(f"{name}:{node.lineno} {t}")
                    break
    return out


def test_a_forbidden_import_is_caught():
    caught = forbidden_imports({
        "portraits.report.sections.x": "import duckdb\nfrom ... import charts\nfrom ... import fmt\n",
        "portraits.report.figures": "def f():\n    from matplotlib.figure import Figure\n",
        "portraits.report.__init__": "from ..render import render_html\nfrom .figures import figure\n"})
    assert caught == ["portraits.report.sections.x:1 duckdb", "portraits.report.sections.x:2 portraits.charts",
                      "portraits.report.figures:2 matplotlib.figure", "portraits.report.__init__:1 portraits.render"]


def _report_sources() -> dict[str, str]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts): p.read_text(encoding="utf-8")
            for p in sorted(REPORT.rglob("*.py"))}


def test_report_imports_no_database_template_or_drawing_library():
    sources = _report_sources()
    assert len(sources) == 20       # __init__, figures, summary, site_pages, editions, comparables, comparisons, synthesis, communes_map, sections/ (1 + 10)
    assert forbidden_imports(sources) == []


def test_report_modules_and_portrait_templates_keep_to_the_size_limits():
    for name, text in _report_sources().items():
        assert len(text.splitlines()) <= 500, name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno + 1 <= 60, f"{name}.{node.name}"
    for p in [PORTRAIT, *PARTIALS.glob("*.html.j2")]:
        assert len(p.read_text(encoding="utf-8").splitlines()) <= 200, p.name


def test_the_files_of_a_portrait_keep_the_order_of_the_manifest():
    # Every image shown (each section with the least its images need): the list of files, as the
    # build manifest of earlier editions lists them, whatever the order of the page.
    from portraits.pipeline import portrait_files
    classes = {"legend": ["a"], "rows": []}
    ctx = _bare_context(
        slug="t1-angers", pdf=False,
        population={"ages": [{"label": "0-14 ans", "share": 1.0, "region_share": 1.0}], "communes": classes,
                    "communes_employment": classes, "communes_change": classes},
        economy={"sectors": [{"label": "Industrie", "share": 1.0, "region_share": 1.0}],
                 "salaried_series": {"rows": [{"year": 2020, "territory": 1.0, "region": 1.0}]}},
        employment={"available": True, "rows": [], "unemployment": {"quarterly": True, "periods": [], "series": {}}},
        training={"available": True, "types": [], "statuses": [], "table": []},
        offer={"available": True, "colours": {}}, needs={"available": True, "chart": []},
        mobility={"available": True, "work_out": [{"name": "Cholet", "flow": 3.0}], "flows": [{"flow": 3.0}]},
        trajectories={"available": True, "rows": [{"name": "Lycée", "employment_6m": 50.0}], "region_median": 60.0},
        access={"available": True, "points": [], "networks": []})
    assert portrait_files(ctx) == [
        "index.html", "synthese.html", "carte.png", "donnees-t1-angers.csv", "donnees-t1-angers.json", "ages.svg",
        "chomage-communes.png", "emploi-communes.png", "population-communes.png", "secteurs.svg", "salaries.svg",
        "demandeurs.svg", "chomage-trimestriel.svg", "etablissements.svg", "insertion.svg", "formation.png",
        "formations-metiers.svg", "navettes.svg", "flux.png", "accueil.png"]

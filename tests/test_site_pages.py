"""The site around the portraits: sitemap.xml, the "Méthodes et sources" page, the commune maps of
other indicators and the yearly series of salaried employment.

Unit tests on tiny inline data first (each row says which case it is for), then checks of the demo
site built once by the session fixture ``demo_build``."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from portraits import sitemap

NS = {"s": sitemap.NS}
DAY1, DAY2 = dt.date(2026, 1, 15), dt.date(2026, 3, 2)


# ----- sitemap.xml --------------------------------------------------------------------------------

def _site(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def _lastmods(folder: Path) -> dict[str, str]:
    root = ET.parse(folder / sitemap.NAME).getroot()
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in root.findall("s:url", NS)}


def test_sitemap_keeps_the_date_of_unchanged_files(tmp_path):
    base = "https://exemple.fr/portraits"          # no trailing slash: one is added
    old = _site(tmp_path / "old", {"index.html": "a", "t1-x/index.html": "b", "t1-x/p.pdf": "c"})
    sitemap.write(old, ["index.html", "t1-x/index.html", "t1-x/p.pdf"], base, None, today=DAY1)
    new = _site(tmp_path / "new", {
        "index.html": "a",               # unchanged: keeps the first build's date
        "t1-x/index.html": "B",          # changed: today's date
        "t1-x/p.pdf": "c",               # unchanged
        "t2-y/index.html": "d",          # new page: today's date
    })
    sitemap.write(new, ["index.html", "t1-x/index.html", "t1-x/p.pdf", "t2-y/index.html"], base, old, today=DAY2)
    assert _lastmods(new) == {"https://exemple.fr/portraits/index.html": "2026-01-15",
                              "https://exemple.fr/portraits/t1-x/index.html": "2026-03-02",
                              "https://exemple.fr/portraits/t1-x/p.pdf": "2026-01-15",
                              "https://exemple.fr/portraits/t2-y/index.html": "2026-03-02"}
    assert sitemap.problems(new, base) == []
    # Written again from an unchanged edition: the same bytes (a refresh with nothing new publishes nothing).
    before = (new / sitemap.NAME).read_bytes()
    again = _site(tmp_path / "again", {"index.html": "a", "t1-x/index.html": "B", "t1-x/p.pdf": "c",
                                       "t2-y/index.html": "d"})
    sitemap.write(again, ["index.html", "t1-x/index.html", "t1-x/p.pdf", "t2-y/index.html"], base, new,
                  today=dt.date(2026, 4, 1))
    assert (again / sitemap.NAME).read_bytes() == before


def test_sitemap_problems_and_refusals(tmp_path):
    site = _site(tmp_path / "s", {"index.html": "a", "t1-x/index.html": "b"})
    sitemap.write(site, ["index.html", "t1-x/index.html"], "https://exemple.fr/", None, today=DAY1)
    assert sitemap.problems(site, "https://exemple.fr/") == []
    (site / "t1-x/index.html").unlink()                                  # a listed page vanished
    assert sitemap.problems(site, "https://exemple.fr/") == [
        "sitemap.xml : adresse sans fichier dans le site https://exemple.fr/t1-x/index.html"]
    sitemap.write(site, ["index.html", "t1-x/p.pdf"], "https://exemple.fr/", None, today=DAY1)   # listed, not there
    assert sitemap.problems(site, "https://exemple.fr/") == [
        "sitemap.xml : adresse sans fichier dans le site https://exemple.fr/t1-x/p.pdf"]
    assert any("hors du site" in p for p in sitemap.problems(site, "https://autre.fr/"))   # another base URL
    (site / sitemap.NAME).write_text("<urlset>", encoding="utf-8")           # truncated file
    assert sitemap.problems(site, "https://exemple.fr/")[0].startswith("sitemap.xml illisible")
    for bad in ("exemple.fr/portraits", "ftp://exemple.fr/", "https://exemple.fr/?x=1", "/portraits/"):
        with pytest.raises(sitemap.SitemapError, match="adresse publique du site invalide"):
            sitemap.normalise_base_url(bad)


def test_publishing_refuses_a_sitemap_address_without_file(tmp_path):
    from portraits.pipeline import Site
    from portraits.publish import SITE_PAGES, PublishError, check_site
    from portraits.settings import Settings
    site = _site(tmp_path / "s", {p: "x" for p in SITE_PAGES})
    settings = Settings(output=tmp_path / "published", base_url="https://exemple.fr/")
    sitemap.write(site, ["index.html"], settings.base_url, None, today=DAY1)
    check_site(site, Site(contexts=[], index={}), settings)                  # complete: accepted
    sitemap.write(site, ["index.html", "t1-x/index.html"], settings.base_url, None, today=DAY1)
    with pytest.raises(PublishError, match="adresse sans fichier dans le site https://exemple.fr/t1-x/index.html"):
        check_site(site, Site(contexts=[], index={}), settings)


def test_cli_base_url_option():
    from portraits.cli import _settings, parser
    args = parser().parse_args(["build", "--base-url", "https://exemple.fr/portraits"])
    assert _settings(args).base_url == "https://exemple.fr/portraits/"
    assert _settings(parser().parse_args(["build"])).base_url == "http://localhost:8000/"   # documented default
    with pytest.raises(SystemExit):
        parser().parse_args(["build", "--base-url", "exemple.fr"])


# ----- Méthodes et sources: generated from the registries ----------------------------------------------

def test_source_geography_and_treatments_follow_the_declared_columns():
    from portraits.report.site_pages import source_geography, source_treatments
    count = ("Float64", True)      # a count that may be secret
    code = ("string[pyarrow]", False)
    kw = dict(cog_vintage="COG 2025", point_datasets={"places"}, access_datasets={"offices"}, reach_km=15.0)
    by_commune = {"commune_code": code, "value": count}
    by_bassin = {"bassin_code": code, "projects": count}
    points = {"uai": code, "commune_code": code, "lat": count, "lon": count}
    nomenclature = {"code": code, "duration": count}
    assert source_geography(by_commune) == "communes"
    assert source_geography(by_bassin) == "bassins d'emploi de l'enquête BMO"
    assert source_geography(points).startswith("lieux géolocalisés")
    assert source_geography(nomenclature).startswith("nomenclature")
    t = " ".join(source_treatments("census", by_commune, **kw))
    assert "Cases secrètes" in t and "COG 2025" in t and "additionnées par territoire" in t
    t = " ".join(source_treatments("bmo", by_bassin, **kw))
    assert "au prorata de la part de sa population" in t and "ancienne commune" not in t
    t = " ".join(source_treatments("places", points, **kw))          # coordinates are not secret cells
    assert "contour contient ses coordonnées" in t and "Cases secrètes" not in t and "vol d'oiseau" not in t
    t = " ".join(source_treatments("offices", points, **kw))
    assert "vol d'oiseau" in t and "15 km" in t
    assert source_treatments("bcn", nomenclature, **kw) == []       # a nomenclature has no secret cell


# ----- Commune maps of other indicators, yearly series ----------------------------------------------

def test_commune_classes_of_a_change_are_signed():
    from portraits.report.sections.population import commune_classes
    table = pd.DataFrame({"territory_code": ["A", "A", "B", "B", "B", "B"],
                          "code": ["1", "2", "3", "4", "5", "6"], "name": list("uvwxyz"),
                          "change": [-1.0, 0.0, 1.0, 2.0, 3.0, None]})   # a commune without value: no class
    c = commune_classes(table, "A", "change", unit="percent_change")
    # Quintiles of -1, 0, 1, 2, 3: limits -1, -0.2, 0.6, 1.4, 2.2, 3.
    assert c["legend"][0] == "−1,0\u00a0% à −0,2\u00a0%" and c["legend"][-1] == "+2,2\u00a0% à +3,0\u00a0%"
    assert [(r["class"], r["text"]) for r in c["rows"]] == [(0, "−1,0\u00a0%"), (1, "0,0\u00a0%")]
    assert commune_classes(table, "B", "change", unit="percent_change")["rows"][-1]["text"] == "non disponible"


def test_salaried_series_index_100():
    from portraits.report.sections.economy import salaried_series
    s = pd.DataFrame({"unit": ["T"] * 3 + ["_REGION"] * 3, "year": [2020, 2021, 2022] * 2,
                      "employees": [200.0, 210.0, 190.0, 1000.0, 1100.0, 1200.0]})
    out = salaried_series(s, "T")
    assert [(r["year"], r["territory_index"], r["region_index"]) for r in out["rows"]] == [
        (2020, 100.0, 100.0), (2021, 105.0, 110.0), (2022, 95.0, 120.0)]
    assert out["territory_change_text"] == "−5,0\u00a0%" and out["region_change_text"] == "+20,0\u00a0%"
    assert salaried_series(s[s.year > 2020], "T") is None          # two years: no series worth a chart
    assert salaried_series(s, "other") is None                     # a territory absent from the file


# ----- The demo site ------------------------------------------------------------------------------------

class _Outline(HTMLParser):
    """Headings in order, the page's language, and the tables without a header cell."""

    def __init__(self):
        super().__init__()
        self.levels, self.lang, self.tables, self._th = [], None, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
            self._th.append(False)
        elif tag == "th" and self._th:
            self._th[-1] = True

    def headless_tables(self) -> int:
        return self._th.count(False)


@pytest.mark.flow
def test_sitemap_of_the_demo_site(demo_build):
    settings, _ = demo_build
    site = Path(settings.output)
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{{{sitemap.NS}}}urlset"
    locs = [u.findtext("s:loc", namespaces=NS) for u in root.findall("s:url", NS)]
    base = settings.base_url
    rel = [loc[len(base):] for loc in locs if loc.startswith(base)]
    assert len(rel) == len(locs) == len(set(locs))
    assert {"index.html", "comparaison.html", "glossaire.html", "methodes.html"} <= set(rel)
    # Each territory: its page and PDF, its synthesis's page and PDF.
    assert sum(r.endswith("/index.html") for r in rel) == 17 and sum(r.endswith("/synthese.html") for r in rel) == 17
    assert sum("/portrait-" in r and r.endswith(".pdf") for r in rel) == 17
    assert sum("/synthese-" in r and r.endswith(".pdf") for r in rel) == 17 and sum(r.endswith(".pdf") for r in rel) == 34
    assert all((site / r).is_file() for r in rel)
    for u in root.findall("s:url", NS):
        dt.date.fromisoformat(u.findtext("s:lastmod", namespaces=NS))
    assert sitemap.problems(site, base) == []


@pytest.mark.flow
def test_methods_page(demo_build):
    """methodes.html: every dataset of the registry with its vintage as read in this build, every
    indicator of the catalogue, the territory set; linked from the index, each portrait and the
    glossary; lang, heading order and table headers as on the other pages."""
    import sources
    from portraits.indicators import catalogue
    settings, _ = demo_build
    site = Path(settings.output)
    raw = (site / "methodes.html").read_text(encoding="utf-8")
    page = html.unescape(raw)
    vintages = {r["source"]: r["vintage"] for r in json.loads((site / "donnees-territoires.json").read_text("utf-8"))
                if r["source"]}
    for key, module in sources.REGISTRY.items():
        s = module.SOURCE
        assert f'id="src-{key}"' in raw and s.title in page and s.producer in page and s.licence in page, key
        if f"{s.producer}, {s.title}" in vintages:
            assert vintages[f"{s.producer}, {s.title}"] in page, key
    assert "au prorata de la part de sa population" in page and "contour contient ses coordonnées" in page
    for key, ind in catalogue().items():
        assert f'href="glossaire.html#{key}"' in raw and ind.text("label") in page, key
    spro = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    for name in spro.territory_name.unique():
        assert html.unescape(name) in page, name
    outline = _Outline()
    outline.feed(raw)
    assert outline.lang == "fr" and outline.levels[0] == 1 and outline.levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.levels, outline.levels[1:])), outline.levels
    assert outline.tables > 20 and outline.headless_tables() == 0
    assert 'href="methodes.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert 'href="methodes.html"' in (site / "glossaire.html").read_text(encoding="utf-8")
    for p in site.glob("t*/index.html"):
        text = p.read_text(encoding="utf-8")
        assert 'href="../methodes.html"' in text.split('id="h-sources"', 1)[1], p


@pytest.mark.flow
def test_commune_maps_and_salaried_series(demo_build):
    """Each portrait maps the employment rate and the population change of its communes (every
    commune in each map's table), and charts private salaried employment by year as index 100,
    with the values of the demo file."""
    settings, _ = demo_build
    site = Path(settings.output)
    spro = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    sizes = spro.groupby("territory_code").size()
    for code, n in sizes.items():
        folder = next(site.glob(f"{code.lower()}-*"))
        page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
        for image in ("emploi-communes.png", "population-communes.png"):
            assert (folder / image).stat().st_size > 10_000, (code, image)
            after = page[page.index(f'src="{image}"'):]
            table = after[after.index("<details"):after.index("</details>")]
            assert table.count('<tr><th scope="row">') == n, (code, image)
        assert (folder / "salaries.svg").stat().st_size > 5_000
    # Nantes, by hand from the demo file: salaried headcount of its communes each year.
    u = pd.read_csv(ROOT / "data/demo/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv",
                    sep=";", dtype={"Code commune": str}, encoding="utf-8-sig")
    nantes = u[u["Code commune"].isin(spro[spro.territory_code == "T01"].commune_code)]
    years = sorted(int(c[-4:]) for c in u.columns if c.startswith("Effectifs salariés"))
    page = html.unescape(next(site.glob("t01-*")).joinpath("index.html").read_text(encoding="utf-8"))
    table = page[page.index('src="salaries.svg"'):]
    table = table[table.index("<details"):table.index("</details>")]
    from portraits import fmt
    for y in years:
        total = nantes[f"Effectifs salariés {y}"].sum()
        assert f'<th scope="row">{y}</th><td>{fmt.number(total)}</td>' in table, y

"""The map to explore (portraits/explore.py, portraits/report/communes_map.py,
templates/_explore_map.html.j2, templates/assets/explore.js): its data, its SVG, and what the
published pages carry (the script file on the pages, none in the PDF; the size of the index).
What the map does in a browser is tested in tests/test_browser.py."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from portraits import explore
from portraits.report.communes_map import NO_VALUE, explore_data


def _population_part(rows: list[tuple[str, str, float | None, int | None]]) -> dict:
    """The ``population`` part of a portrait context with the three census layers, each from
    ``rows`` (code, name, value, class)."""
    def layer(legend):
        return {"legend": legend, "rows": [{"code": c, "name": n, "value": v, "class": k,
                                            "text": NO_VALUE if v is None else f"{v} %"} for c, n, v, k in rows]}
    return {"available": True, "source": "Source : Insee, Recensement (2020).",
            "communes": layer([f"{i} à {i + 1} %" for i in range(5)]),
            "communes_employment": layer([f"{60 + i} à {61 + i} %" for i in range(5)]),
            "communes_change": layer([f"+{i} à +{i + 1} %" for i in range(5)])}


COMMUNES = pd.DataFrame({
    "code": ["44109", "44143", "49007", "85191", "53130"],
    "name": ["Nantes", "Rezé", "Angers", "La Roche-sur-Yon", "Laval"],
    "population": [309346, 39000, 150000, 54000, None],   # Laval: no population (no value, class qn)
})


def test_data_has_population_then_census_layers_with_their_sources():
    part = _population_part([("44109", "Nantes", 9.5, 4),
                             ("44143", "Rezé", None, None)])    # a secret cell: no value, no class
    data = explore_data(COMMUNES, [part])
    assert [x["id"] for x in data["layers"]] == ["population", "communes", "communes_employment", "communes_change"]
    assert data["default"] == 1                                  # the unemployment rate is coloured first
    assert data["layers"][0]["source"].startswith("Source : Insee, populations légales")
    assert data["layers"][1]["source"] == "Source : Insee, Recensement (2020)."
    assert data["communes"]["44109"]["texts"][1:] == ["9.5 %"] * 3 and data["communes"]["44109"]["classes"][1:] == [4] * 3
    assert data["communes"]["44143"]["texts"][1] == NO_VALUE and data["communes"]["44143"]["classes"][1] is None
    # Angers is in no portrait context given (another territory's): no census value, but its population.
    assert data["communes"]["49007"]["texts"][1] == NO_VALUE and data["communes"]["49007"]["texts"][0] == "150\u202f000 hab."
    # Population classes: regional quintiles, the largest commune in the last class, no value: None.
    assert data["communes"]["44109"]["classes"][0] == 4 and data["communes"]["53130"]["classes"][0] is None
    assert data["communes"]["53130"]["texts"][0] == NO_VALUE


def test_data_without_census_shows_the_population_only():
    data = explore_data(COMMUNES, [{"available": False, "reason": "Le fichier source n'a pas été fourni"}])
    assert [x["id"] for x in data["layers"]] == ["population"] and data["default"] == 0
    assert all(len(r["texts"]) == 1 for r in data["communes"].values())


def _squares():
    """Two territories side by side, each of two communes: T01 (a short code) and 200041788 (an
    EPCI's 9-digit SIREN code)."""
    boxes = [shapely.box(x, 0, x + 10_000, 10_000) for x in range(0, 40_000, 10_000)]
    communes = gpd.GeoDataFrame({"code": ["44109", "44143", "49007", "85191"],
                                 "name": ["Nantes", "Rezé", "Angers", "L'Île-d'Yeu <b>"]},   # a name to escape
                                geometry=boxes, crs="EPSG:2154")
    territories = gpd.GeoDataFrame({"territory_code": ["T01", "200041788"],
                                    "territory_name": ["Nantes Métropole", "CA Nord & Sud"]},
                                   geometry=[shapely.box(0, 0, 20_000, 10_000), shapely.box(20_000, 0, 40_000, 10_000)],
                                   crs="EPSG:2154")
    membership = {"44109": "T01", "44143": "T01", "49007": "200041788", "85191": "200041788"}
    return communes, territories, membership


def test_index_map_writes_short_codes_not_epci_codes_and_keeps_the_names():
    communes, territories, membership = _squares()
    data = explore_data(communes.assign(population=[300_000, 40_000, 150_000, 5_000]), [])
    svg = str(explore.explore_svg(communes, data, territories, membership,
                                  {"T01": "t01/index.html", "200041788": "ca-nord/index.html"}))
    assert ">T01</text>" in svg                                  # a short code is written on its territory
    assert "200041788</text>" not in svg and svg.count("<text") == 1   # a 9-digit code is not
    # The territories' names are kept (the links' names), escaped; and the communes' names too.
    assert 'aria-label="Nantes Métropole"' in svg and 'aria-label="CA Nord &amp; Sud"' in svg
    assert "<title>Nantes</title>" in svg and "<title>L&#x27;Île-d&#x27;Yeu &lt;b&gt;</title>" in svg
    # Each territory's communes are inside its link: a click anywhere on it opens its portrait.
    link = re.search(r'<a href="ca-nord/index.html"[^>]*>(.*?)</a>', svg).group(1)
    assert link.count("<path ") == 2 and "<title>Angers</title>" in link


def test_portrait_map_has_no_links_and_classes_for_the_script():
    communes, territories, _ = _squares()
    part = _population_part([("44109", "Nantes", 9.5, 4), ("44143", "Rezé", None, None)])
    data = explore_data(communes.assign(population=[300_000, 40_000, 150_000, 5_000]), [part])
    svg = str(explore.explore_svg(communes.iloc[:2], data, territories.iloc[:1]))
    assert "<a " not in svg and "<text" not in svg
    nantes = re.search(r'<path [^>]*><title>Nantes</title>', svg).group(0)
    rezé = re.search(r'<path [^>]*><title>Rezé</title>', svg).group(0)
    assert 'class="q4"' in nantes and 'data-q="4 4 4 4"' in nantes              # coloured by unemployment
    assert 'data-v="300\u202f000 hab.|9.5 %|9.5 %|9.5 %"' in nantes
    # No census value: its own class; its population (40 000) is in the 2nd class of the four
    # communes' quintiles (5 000, 26 000, 47 000, 108 000, 210 000, 300 000).
    assert 'class="qn"' in rezé and 'data-q="1 n n n"' in rezé


def test_paths_are_integer_relative_and_neighbours_share_their_border():
    """Two neighbours simplified together (their border wobbles by less than a unit of the drawing):
    the border they share is drawn by the same points (no gap, no overlap), in integer units,
    relative after the first point."""
    wobbly = shapely.LineString([(0, 0)] + [(i * 100, 5_000 + (37 if i % 2 else -41)) for i in range(1, 100)]
                                + [(10_000, 5_000)])
    below = shapely.Polygon([(0, 0), (10_000, 0), (10_000, 5_000), *reversed(wobbly.coords[1:-1]), (0, 5_000)])
    above = shapely.Polygon([(0, 5_000), *wobbly.coords[1:-1], (10_000, 5_000), (10_000, 10_000), (0, 10_000)])
    d = explore.path_data([below, above], (0, 0, 10_000, 10_000), width=100)
    assert all(re.fullmatch(r"(M\d+ \d+l[-\d ]+z)+", x) for x in d), d

    def points(path):
        x, y = map(int, re.match(r"M(\d+) (\d+)", path).groups())
        out = {(x, y)}
        for dx, dy in zip(*[iter(map(int, re.findall(r"-?\d+", path.split("l", 1)[1])))] * 2):
            x, y = x + dx, y + dy
            out.add((x, y))
        return out
    shared = points(d[0]) & points(d[1])
    assert {(0, 50), (100, 50)} <= shared and len(shared) >= 2
    assert len(d[0]) < 200            # 100 points simplified to a few, at one unit of a 100-unit drawing


# ---------------------------------------------------------------------------------------------
# The published demo site

@pytest.mark.flow
def test_pages_load_the_script_file_and_the_pdf_has_no_map_to_explore(demo_build):
    from portraits import pipeline
    settings, _ = demo_build
    site = Path(settings.output)
    index = (site / "index.html").read_text(encoding="utf-8")
    portrait = (site / "t01-nantes" / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/explore.js" defer></script>' in index and (site / "assets" / "explore.js").is_file()
    assert '<script src="../assets/explore.js" defer></script>' in portrait
    for page in (index, portrait):
        assert "Content-Security-Policy" in page and "script-src 'self'" in page
    # Only the site's own script files: the map's, and on a portrait the reference chooser and its data.
    assert re.findall(r'<script src="([^"]+)"', index) == ["assets/explore.js"]
    assert sorted(re.findall(r'<script src="([^"]+)"', portrait)) == ["../assets/explore.js", "../assets/reference.js",
                                                                      "../chiffres-cles.js"]
    assert portrait.count("<script") == 3
    assert portrait.count('class="explore-svg"') == 1 and index.count('class="explore-svg index-map"') == 1
    # The region's communes on the index: every commune a path, the page and its map small.
    assert index.count("<path d=") >= 1_200
    assert len(index.encode()) < 500_000, len(index.encode())
    ctx = next(c for c in pipeline.compute_site(settings).contexts if c["slug"] == "t01-nantes")
    pdf_html = pipeline.pdf_page(settings, ctx)
    assert "<script" not in pdf_html and "explore-svg" not in pdf_html and "explore.js" not in pdf_html
    assert "chomage-communes.png" in pdf_html                    # the static maps stay

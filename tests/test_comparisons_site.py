"""Comparisons beyond the region (issue 21) at the level users see, on the demo site built once
by the refresh flow: every portrait compares its key figures with its département(s), the region
and 3 territoires comparables; the data of the "Référence choisie" column is at the site's root;
the methods page explains it; and the département units change no value of the territories or
of the region."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest

from portraits import indicators
from portraits.report.summary import KEY_FIGURES
from portraits.settings import warehouse_path
from portraits.warehouse import DEPARTEMENT_PREFIX, connect

pytestmark = pytest.mark.flow


class _Table(HTMLParser):
    """The table "Chiffres clés comparés" of a page: caption, header cells and their scope, rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = self.in_caption = False
        self.caption, self.heads, self.rows, self.cell = "", [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "comparisons-table":
            self.inside = True
        elif self.inside and tag == "caption":
            self.in_caption = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = [tag, a.get("scope"), ""]

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag == "caption":
            self.in_caption = False
        elif self.inside and tag in ("th", "td") and self.cell:
            self.rows[-1].append((self.cell[0], self.cell[1], re.sub(r"[ \t\n]+", " ", self.cell[2]).strip()))
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell:
            self.cell[2] += data


def comparison_table(html_text: str) -> _Table:
    t = _Table()
    t.feed(html_text)
    return t


def test_every_portrait_compares_its_key_figures(demo_build):
    settings, _ = demo_build
    site = settings.output
    pages = sorted(site.glob("t*/index.html"))
    assert len(pages) == 17
    for page in pages:
        text = page.read_text(encoding="utf-8")
        t = comparison_table(text)
        assert "comparés à" in t.caption and "3 territoires comparables" in t.caption, page
        head, *body = t.rows
        assert [c[2] for c in head][2:] in (["Département", "Région", "Territoires comparables (moyenne)"],
                                            ["Départements", "Région", "Territoires comparables (moyenne)"]), page
        assert all(c[:2] == ("th", "col") for c in head)
        assert len(body) == 8 and all(r[0][:2] == ("th", "row") and len(r) == 5 for r in body), page
        # The département's and the comparables' cells are values (the demo has every key figure's
        # data), never empty.
        assert all(r[2][2] and r[2][2] != "non calculé" and r[4][2] for r in body), (page, body)
        note = re.search(r"Département(?:s)? : ([^<(]+)", text)
        assert note and note.group(1).strip(), page
        # The 3 comparables are named and linked to their portraits, which exist.
        box = text[text.index('id="comparaisons"'):]
        links = re.findall(r'<a href="\.\./(t[^"]+/index\.html)">', box[:box.index("Méthode :")])
        assert len(links) == 3 and page.parent.name + "/index.html" not in links, page
        assert all((site / link).is_file() for link in links)
        # The script files are same-site files; no inline script.
        assert '<script src="../chiffres-cles.js" defer></script>' in text
        assert '<script src="../assets/reference.js" defer></script>' in text
    assert (site / "assets" / "reference.js").is_file()


def test_a_territory_over_two_departements_names_them_and_their_weights(demo_build):
    # T04 Ancenis lies in Maine-et-Loire and Loire-Atlantique (the demo's real communes).
    settings, _ = demo_build
    text = (settings.output / "t04-ancenis" / "index.html").read_text(encoding="utf-8")
    m = re.search(r"Départements : ([^(<]+)\(part de la population", text)
    assert m, "note des départements"
    weights = [int(w) for w in re.findall(r"(\d+)\u00a0%", m.group(1))]
    assert len(weights) == 2 and 99 <= sum(weights) <= 101          # rounded shares of 100 %
    assert "Maine-et-Loire" in m.group(1) and "Loire-Atlantique" in m.group(1)


def test_the_reference_data_has_every_territory(demo_build):
    settings, _ = demo_build
    text = (settings.output / "chiffres-cles.js").read_text(encoding="utf-8")
    prefix = "window.PORTRAITS_CHIFFRES_CLES = "
    assert text.startswith(prefix) and text.rstrip().endswith(";")
    data = json.loads(text[len(prefix):].rstrip().rstrip(";"))
    assert len(data["territories"]) == 17
    nantes = next(t for t in data["territories"] if t["code"] == "T01")
    page = (settings.output / nantes["slug"] / "index.html").read_text(encoding="utf-8")
    # Each value is the text of that territory's own column.
    own = {r[0][2]: r[1][2] for r in comparison_table(page).rows[1:]}
    assert len(nantes["values"]) == 8 and sorted(own.values()) == sorted(nantes["values"].values())


def test_the_pdf_has_the_static_table(demo_build):
    settings, _ = demo_build
    pdf = next(settings.output.glob("t01-*/portrait-*.pdf"))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Chiffres clés comparés" in text and "Territoires comparables" in text
    assert "Comparer avec un autre territoire" not in text


def test_the_methods_page_explains_the_comparisons(demo_build):
    settings, _ = demo_build
    text = (settings.output / "methodes.html").read_text(encoding="utf-8")
    section = text[text.index('<section id="comparaisons"'):]
    section = html.unescape(section[:section.index("</section>")])
    for words in ("pondérée par la part de la population", "centré et réduit", "distance euclidienne",
                  "plus petit code", "Un indicateur\n  inconnu pour l'un des deux", "Taux d'emploi des 15-64 ans"):
        assert " ".join(words.split()) in " ".join(section.split()), words
    rows = re.findall(r'<tr><th scope="row">.*?</tr>', section, flags=re.S)
    assert len(rows) == 17 and all(len(re.findall(r"<a href=", r)) == 4 for r in rows)   # itself + 3


def test_departement_units_change_no_value_of_the_territories_or_the_region(demo_build, tmp_path):
    """The benchmarks added to geo_units (and the SQL branches that use them) leave every value of
    the territories and of the region as it was, to the last bit: compare with the same warehouse
    whose département units are deleted."""
    settings, _ = demo_build
    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse_path(settings), copy)
    con = connect(copy)
    con.execute("SET threads = 1")
    try:
        with_deps = indicators.compute(con)
        assert with_deps.unit.str.startswith(DEPARTEMENT_PREFIX).any()
        con.execute("DELETE FROM geo_units WHERE starts_with(unit, ?)", [DEPARTEMENT_PREFIX])
        without = indicators.compute(con)
    finally:
        con.close()
    kept = with_deps[~with_deps.unit.str.startswith(DEPARTEMENT_PREFIX)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, without.reset_index(drop=True), check_exact=True)
    assert len(kept) == len(without) > 1000


def test_key_figures_of_every_departement_are_computed(demo_build):
    settings, _ = demo_build
    con = connect(warehouse_path(settings), read_only=True)
    try:
        v = indicators.compute(con)
    finally:
        con.close()
    ids = ["population", "population_legal", *KEY_FIGURES[1:]]       # either headline population
    deps = v[v.unit.str.startswith(DEPARTEMENT_PREFIX) & v.indicator.isin(ids)]
    assert sorted(set(deps.unit)) == ["_DEP44", "_DEP49", "_DEP53", "_DEP72", "_DEP85"]
    assert deps.groupby("unit").value.count().eq(len(ids)).all(), deps

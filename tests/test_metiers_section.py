"""Section "Métiers et tensions": every portrait of the demo build shows its main métiers with
their tension class, checked against the demo workbook read here with openpyxl (not the project's
loader or SQL), and the source and vintage of the tension data; without the tension file, or with
a FAP-2009 one, the section says why the tension column is empty and still lists the métiers."""
from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pandas as pd

from conftest import ROOT
from portraits.render import environment
from portraits.report.figures import Provenance, TerritoryData
from portraits.report.sections import metiers
from test_flow import pdf_text

LABELS = {1: "très faible", 2: "faible", 3: "moyenne", 4: "forte", 5: "très forte"}
WORKBOOK = ROOT / "data" / "demo" / "dares_donnees_tensions_2023.xlsx"


def _published_classes() -> dict[tuple[str, str], int]:
    """(département, FAP-228 name) → its published tension class, from the demo workbook."""
    ws = openpyxl.load_workbook(WORKBOOK, read_only=True)["FAP 228 x Dep"]
    rows = ws.iter_rows(values_only=True)
    head = list(next(rows))
    name, dep, klass = head.index("Libellé FAP 228"), head.index("Code département"), head.index("Tension - discret")
    return {(r[dep], r[name]): r[klass] for r in rows if r[klass] != "n.d."}


def _section(page: str) -> str:
    return page.split('<section class="family" aria-labelledby="h-metiers">', 1)[1].split("</section>", 1)[0]


def test_every_portrait_shows_metiers_with_tension_class_source_and_vintage(demo_build):
    settings, _ = demo_build
    published = _published_classes()
    pages = sorted(Path(settings.output).glob("t*/index.html"))
    assert len(pages) == 17
    checked = 0
    for p in pages:
        s = html.unescape(_section(p.read_text(encoding="utf-8")))
        assert "<caption>Les 15 métiers aux projets de recrutement les plus nombreux" in s, p.parent.name
        assert "Source : Dares et France Travail, Indicateurs de tension par métier (FAP), par département et " \
               "région (2023, FAP-2021)." in s
        assert "pour 2023" in s                                  # the vintage in the note on the method
        dep = re.search(r"de la population du territoire, [^(]+\((\d\d)\), pour le métier", s).group(1)
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td>'
                          r'<td class="tension[^"]*">([^<]+?)( <span class="basis">\(([^)]+)\)</span>)?</td></tr>', s)
        assert len(rows) == 15
        assert all(text in LABELS.values() or text == "non publiée" for _, text, _, _ in rows)
        for label, text, _, basis in rows:
            if not basis:                  # the métier's own class in the main département: as published
                assert text == LABELS[published[(dep, label)]], (p.parent.name, label)
                checked += 1
            else:                          # a fallback: not published for the métier in that département
                assert (dep, label) not in published, (p.parent.name, label, basis)
        assert '<table class="compact metiers-factors">' in s and "Intensité d'embauches" in s
    assert checked >= 17 * 10


def test_the_pdf_shows_the_section_and_its_source(demo_build):
    settings, _ = demo_build
    pdf = next(Path(settings.output).glob("t01-*/portrait-*.pdf"))
    text = pdf_text(pdf)
    assert "Métiers et tensions" in text and "Dares et France Travail" in text and "(2023, FAP-2021)" in text


def _data(prov: dict) -> TerritoryData:
    bmo = pd.DataFrame({"unit": ["T1", "T1"], "fap_code": ["A0X40", "S1X40"], "fap_name": ["Agriculteurs", "Cuisiniers"],
                        "projects": [120.0, 30.0], "difficult_share": [50.0, None], "seasonal_share": [80.0, 10.0]})
    return TerritoryData("T1", "Un", "Région", {"bmo_metiers": bmo}, Provenance(prov), {})


def _prov(**tension) -> dict:
    base = {"producer": "France Travail", "title": "BMO", "vintage": "enquête 2024", "files": ["b.xlsx"], "missing": []}
    prov = {"bmo": base, "bmo_bassins": dict(base, title="Bassins")}
    if tension:
        prov["tension"] = dict(base, producer="Dares et France Travail", title="Tensions", **tension)
    return prov


def _render(ctx: dict) -> str:
    section = {"name": "metiers", "heading": metiers.HEADING, "images": {}}
    out = environment().get_template("sections/metiers.html.j2").render(section=section, titles={}, **ctx)
    return re.sub(r"[\u202f\xa0]", " ", html.unescape(out))


def test_without_the_tension_file_the_section_says_why_and_lists_the_metiers():
    ctx = metiers.contexts(_data(_prov()))
    page = _render(ctx)
    assert "Indicateurs de tension par métier (Dares) : le fichier source n'a pas été fourni pour cette édition ; " \
           "la colonne « Tension » est vide." in page
    assert '<th scope="row">Agriculteurs</th><td>120</td><td>50 %</td><td>80 %</td>' in page
    assert '<th scope="row">Cuisiniers</th><td>30</td><td>secret</td>' in page   # difficult share secret
    assert "non publiée" in page and "metiers-factors" not in page and "Source : France Travail, BMO" in page


def test_a_fap2009_file_is_named_and_not_joined():
    ctx = metiers.contexts(_data(_prov(vintage="2019, FAP-2009", files=["dares_donnees_tensions_2019.xlsx"])))
    page = _render(ctx)
    assert "Le fichier des tensions fourni (dares_donnees_tensions_2019.xlsx) est en nomenclature FAP-2009" in page
    assert "Source : Dares et France Travail, Tensions (2019, FAP-2009)." in page
    assert all(r["tension_text"] == "non publiée" for r in ctx["metiers"]["rows"])

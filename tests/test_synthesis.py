"""The synthesis of a portrait (issue 21): at most four A4 pages per territory, beside the full
portrait, from the portrait's own context (``portraits/report/synthesis.py``,
``templates/synthesis.html.j2``).

Unit tests of what the synthesis selects (tiny inline contexts, a comment on the case each row
is for), then the demo site as a user meets it: 17 synthesis PDFs of at most four pages, the
index linking each, the synthesis linking back to the portrait, its data and the index, showing
only images the portrait has drawn, and saying in French why a block is empty."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from markupsafe import escape
from pypdf import PdfReader

from portraits import fingerprints, pipeline, render
from portraits.report import synthesis
from portraits.settings import Settings

CODES = [f"t{i:02d}" for i in range(1, 18)]


def _figure(label, text, region_text=None, *, share=None, rank=None, comparison="neutral", source="Source : X (2024)."):
    value = None if text is None else 1.0
    return {"label": label, "text": text, "value": value, "region_text": region_text, "share_of_region": share,
            "rank_text": rank, "comparison": comparison, "source": source,
            "missing_reason": None if text is not None else "données indisponibles (fichier absent)"}


# ----- What the synthesis selects -----------------------------------------------------------------

def test_key_figures_give_a_count_as_its_share_of_the_region_and_say_why_a_value_is_missing():
    ctx = {"key_figures": ["population", "unemployment", "bmo"], "figures": {
        # a count: its share of the region's total, not the region's total
        "population": _figure("Population", "408 210", "3 900 000", share="10,5 %", rank="2e sur 17"),
        # a rate better than the region's, same source line as the population's (listed once)
        "unemployment": _figure("Taux de chômage", "8,0 %", "8,4 %", rank="14e sur 17", comparison="better"),
        # a file not given: the reason in the territory's column, nothing in the others
        "bmo": _figure("Projets de recrutement", None, "50,3", source=None)},
        # the département's values (report.comparisons): none for the BMO figure, whose cell says "–"
        "comparisons": {"rows": [{"id": "population", "departement_text": "1 429 272"},
                                 {"id": "unemployment", "departement_text": "7,9 %"}]}}
    rows = synthesis.key_figures(ctx)
    assert [r["cells"] for r in rows] == [
        {"territory": "408 210", "departement": "1 429 272", "region": "10,5 % du total", "rank": "2e sur 17", "verdict": "–"},
        {"territory": "8,0 %", "departement": "7,9 %", "region": "8,4 %", "rank": "14e sur 17", "verdict": "plus favorable"},
        {"territory": "données indisponibles (fichier absent)", "departement": "–", "region": "–", "rank": "–", "verdict": "–"}]
    assert synthesis.figure_sources(rows) == ["Source : X (2024)."]
    # Every column the template draws has its cell in every row (a column added is one entry).
    assert all(set(r["cells"]) == {k for k, _ in synthesis.FIGURE_COLUMNS} for r in rows)


def _metier(label, fap_code, projects):
    return {"label": label, "fap_code": fap_code, "projects_text": projects, "difficult_text": "40 %",
            "seasonal_text": "5 %"}


def _domain(code, label, actions):
    return {"code": code, "label": label, "projects_share_text": "10,0 %", "actions_text": actions,
            "actions_share_text": "5,0 %", "gap_text": "−5,0 points"}


def test_metiers_take_the_training_of_their_domain_once_each_in_the_order_of_the_metiers():
    top = [_metier("Aides-soignants", "V5Z61", "2 560"),
           _metier("Cuisiniers", "S0Z40", "1 475"),
           _metier("Infirmiers", "V1Z80", "900"),                 # same domain V as the first: listed once
           _metier("Métier sans domaine connu", "Z9Z99", "400"),  # no row of its domain: "–", no training row
           _metier("Libellé seul", None, "300")]                  # no FAP code at all (older contexts)
    top += [_metier(f"Agriculteur {i}", "A1Z40", "10") for i in range(10)]  # beyond METIERS_SHOWN: left out
    needs = {"available": True, "rows": [_domain("A", "Agriculture", "33"), _domain("S", "Hôtellerie", "35"),
                                         _domain("V", "Santé", "21")], "source": "Source : BMO, offre."}
    # The tension classes of the section "Métiers et tensions", by FAP code: a métier it does not list gets "–".
    metiers = {"rows": [{"fap_code": "V5Z61", "tension_text": "très forte"}, {"fap_code": "S0Z40", "tension_text": "non publiée"}],
               "with_tension": True, "departement": "Maine-et-Loire (49)", "tension_year": "2023"}
    sources = [{"id": "bmo", "producer": "France Travail", "title": "BMO", "vintage": "2024"},
               {"id": "tension", "producer": "Dares", "title": "Tensions", "vintage": "2023, FAP-2021"}]
    m = synthesis.metiers({"recruitment": {"available": True, "top": top, "source": "Source : BMO."}, "needs": needs,
                           "metiers": metiers, "sources": sources})
    assert [r["label"] for r in m["rows"]] == [t["label"] for t in top[:synthesis.METIERS_SHOWN]]
    assert [r["cells"]["tension"] for r in m["rows"]] == ["très forte", "non publiée", "–", "–", "–"][:synthesis.METIERS_SHOWN]
    assert m["tension_source"] == "Source : Dares, Tensions (2023, FAP-2021)." and m["tension_departement"] == "Maine-et-Loire (49)"
    shown = synthesis.METIERS_SHOWN
    assert [r["cells"]["domain"] for r in m["rows"]] == (["Santé", "Hôtellerie", "Santé", "–", "–"]
                                                         + ["Agriculture"] * (shown - 5))[:shown]
    assert [d["label"] for d in m["training"]] == (["Santé", "Hôtellerie"] + ["Agriculture"] * (shown > 5))[:shown]
    assert m["training_reason"] is None and m["training_source"] == "Source : BMO, offre."


def test_metiers_say_why_when_the_survey_or_the_comparison_is_missing():
    gone = {"available": False, "reason": "Le fichier source n'a pas été fourni pour cette édition : cette partie "
                                          "n'a pas pu être produite."}
    assert synthesis.metiers({"recruitment": gone, "needs": gone}) == {"available": False, "reason": gone["reason"]}
    # The survey is there, no training offer: the métiers without domain, the reason of the comparison.
    no_offer = {"available": False, "reason": "Aucune offre de formation n'a été fournie pour cette édition."}
    m = synthesis.metiers({"recruitment": {"available": True, "top": [_metier("Cuisiniers", "S0Z40", "1 475")],
                                           "source": "Source : BMO."}, "needs": no_offer})
    assert m["rows"][0]["cells"]["domain"] == "–" and m["training"] == [] and m["training_reason"] == no_offer["reason"]


def _place(name, network, town, address="1 rue X"):
    return {"name": name, "network": network, "town": town, "postcode": "49000", "address": address, "phone": None}


def test_places_take_one_of_each_network_first_main_towns_first_then_more():
    rows = [_place("CIO de Segré", "CIO", "Segré"),                   # a CIO outside the main towns …
            _place("CIO d'Angers", "CIO", "Angers"),                  # … comes after the one in Angers
            _place("Mission locale (sans adresse)", "Mission locale", "Angers", address=None),
            _place("Mission locale d'Angers", "Mission locale", "Angers"),   # with an address: before it
            _place("France Travail Angers", "France Travail", "Angers"),
            _place("France Travail Trélazé", "France Travail", "Trélazé")]
    acc = {"available": True, "rows": rows, "source": "Source : annuaires.",
           "networks": [{"label": "CIO", "count": 2}, {"label": "Mission locale", "count": 2},
                        {"label": "Cap emploi", "count": 0}]}      # a network with no place: not named
    p = synthesis.places({"access": acc, "towns": [{"name": "Angers"}]})
    assert [r["name"] for r in p["rows"]] == ["CIO d'Angers", "Mission locale d'Angers", "France Travail Angers",
                                               "Mission locale (sans adresse)", "CIO de Segré"]
    assert p["total"] == 6 and [n["label"] for n in p["networks"]] == ["CIO", "Mission locale"]
    reason = "Le fichier source n'a pas été fourni pour cette édition : cette partie n'a pas pu être produite."
    assert synthesis.places({"access": {"available": False, "reason": reason}, "towns": []})["reason"] == reason


def test_charts_are_the_first_ones_the_portrait_has_drawn_in_the_order_of_preference():
    base = {"name": "Angers", "region_name": "Pays de la Loire", "towns": [], "map_points": [], "offer_points": []}
    base.update({k: {} for k in ("population", "economy", "employment", "training", "offer", "needs", "mobility",
                                 "trajectories", "access")})
    sectors = [{"label": "Industrie", "share": 16.4, "region_share": 15.7}]
    ctx = {**base, "economy": {"sectors": sectors, "census_source": "Source : Insee (2020).",
                               "salaried_series": {"rows": [{"year": 2020, "territory": 1.0, "region": 1.0}]},
                               "urssaf_source": "Source : Urssaf (2024)."},
           # drawn (one row of a trajectory), but after the three preferred ones
           "trajectories": {"available": True, "rows": [{"name": "Lycée", "employment_6m": 50.0}],
                            "region_median": 60.0, "source": "Source : InserJeunes (2023)."}}
    # No jobseekers, no comparison of training and needs: the sectors, then the salaried series, then insertion.
    charts = synthesis.charts(ctx)
    assert [c["file"] for c in charts] == ["secteurs.svg", "salaries.svg", "insertion.svg"]
    assert charts[0]["source"] == "Source : Insee (2020)."
    assert "section « Emplois et activités économiques » du portrait complet" in charts[0]["alt"]
    ctx["employment"] = {"available": True, "rows": [], "source": "Source : France Travail (2024)."}
    assert [c["file"] for c in synthesis.charts(ctx)] == ["demandeurs.svg", "secteurs.svg", "salaries.svg"]


def test_a_changed_synthesis_template_changes_the_render_key(tmp_path, monkeypatch):
    """The render cache: a territory whose context is the same is rendered again when a template
    of the synthesis (a partial included) changed."""
    copy = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, copy)
    monkeypatch.setattr(render, "TEMPLATES", copy)
    ctx = {"code": "T1", "slug": "t1-angers"}
    before = fingerprints.render_key(ctx)
    partial = copy / "synthesis" / "advice.html.j2"
    partial.write_text(partial.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprints.render_key(ctx) != before


def test_the_synthesis_files_follow_the_portrait_pdf_in_the_manifest():
    ctx = {"slug": "t05-angers", "population": {}, "economy": {}, "employment": {}, "training": {},
           "trajectories": {}, "offer": {}, "needs": {}, "mobility": {}, "access": {}, "map_points": [], "towns": []}
    assert pipeline.portrait_files({**ctx, "pdf": True})[:5] == [
        "index.html", "portrait-t05-angers.pdf", "synthese.html", "synthese-t05-angers.pdf", "carte.png"]
    assert pipeline.portrait_files({**ctx, "pdf": False})[:3] == ["index.html", "synthese.html", "carte.png"]


# ----- The demo site ------------------------------------------------------------------------------

class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img":
            self.images.append(a["src"])


def refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_demo_synthesis_pdf_has_at_most_four_pages_and_its_title(demo_build):
    settings, _ = demo_build
    site = Path(settings.output)
    pages = {}
    for code in CODES:
        folder, = site.glob(f"{code}-*")
        reader = PdfReader(folder / f"synthese-{folder.name}.pdf")
        pages[code] = len(reader.pages)
        text = "".join(p.extract_text() for p in reader.pages)
        assert reader.metadata.title.startswith("Synthèse du territoire "), reader.metadata.title
        # its parts, and the address of its full portrait written out (a PDF is read away from the site)
        for part in ("En résumé", "Chiffres clés", "Les métiers qui recrutent", "Où s'informer",
                     "Ce qui a changé", f"{settings.base_url}{folder.name}/index.html"):
            assert part in text.replace("\n", " ") or part in text.replace("\n", ""), (code, part)
    assert all(2 <= n <= 4 for n in pages.values()), pages


def test_the_index_links_each_synthesis_and_the_synthesis_links_back(demo_build):
    settings, _ = demo_build
    site = Path(settings.output)
    index = refs(site / "index.html").links
    for code in CODES:
        folder, = site.glob(f"{code}-*")
        slug = folder.name
        assert f"{slug}/synthese-{slug}.pdf" in index and (folder / f"synthese-{slug}.pdf").is_file()
        page = folder / "synthese.html"
        links = refs(page).links
        # back to the full portrait (page and PDF), its open data and the index; every relative link resolves
        for target in ("index.html", f"portrait-{slug}.pdf", f"donnees-{slug}.csv", f"donnees-{slug}.json",
                       "../index.html", "../methodes.html", f"synthese-{slug}.pdf"):
            assert target in links, (slug, target)
        for href in links:
            if not re.match(r"[a-z]+:", href):
                assert (folder / href.split("#")[0]).resolve().is_file(), (slug, href)
        # the portrait's header links its synthesis
        assert "synthese.html" in refs(folder / "index.html").links


def test_the_synthesis_shows_only_images_the_portrait_has_drawn(demo_build):
    settings, _ = demo_build
    for code in CODES:
        folder, = Path(settings.output).glob(f"{code}-*")
        shown = refs(folder / "synthese.html").images
        assert 2 <= len(shown) <= 3, (code, shown)
        assert set(shown) <= set(refs(folder / "index.html").images), (code, shown)
        assert all((folder / s).is_file() for s in shown)


def test_a_synthesis_says_in_french_why_a_block_is_empty(demo_build, tmp_path):
    """Angers without the BMO survey, the directories and any chart: the synthesis still renders,
    each empty block saying why, and its PDF keeps to four pages."""
    settings, _ = demo_build
    ctx = next(c for c in pipeline.compute_site(settings).contexts if c["code"] == "T05")
    reason = "Le fichier source n'a pas été fourni pour cette édition : cette partie n'a pas pu être produite."
    ctx = {**ctx, "recruitment": {"available": False, "reason": reason},
           "access": {"available": False, "reason": reason},
           "employment": {"available": False, "reason": reason}, "economy": {"available": False, "reason": reason},
           "needs": {"available": False, "reason": reason}, "trajectories": {"available": False, "reason": reason}}
    ctx["synthesis"] = synthesis.context(ctx)
    html = pipeline.synthesis_page(Settings(), ctx)
    assert html.count(str(escape(reason))) == 2 and "En graphiques" not in html and "<img" not in html
    folder = Path(settings.output) / ctx["slug"]
    target = tmp_path / "synthese.pdf"
    render.write_pdf(pipeline.synthesis_page(Settings(), ctx, for_pdf=True), folder, target, title="")
    assert len(PdfReader(target).pages) <= 4

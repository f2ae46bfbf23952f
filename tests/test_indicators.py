"""Catalogue consistency and French formatting."""
from __future__ import annotations

import re

from conftest import ROOT
from portraits import fmt
from portraits.indicators import SQL_DIR, catalogue
from portraits.report.summary import KEY_FIGURES
from sources import REGISTRY
from portraits.networks import NETWORKS
from sources.service_public import NETWORK_PIVOTS


def test_every_declared_indicator_is_computed_sourced_and_shown():
    cat = catalogue()
    sql = {p.name: p.read_text(encoding="utf-8") for p in SQL_DIR.glob("*.sql")}
    # The portrait and the partials of its sections (templates/sections).
    template = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "templates" / "portrait.html.j2",
                                                               *sorted((ROOT / "templates" / "sections").glob("*.j2"))])
    # f.<id>.… in expressions, and '<id>' in lists the template loops over (f[k])
    used_in_template = set(re.findall(r"\bf\.([a-z0-9_]+)\.", template)) | set(KEY_FIGURES)
    used_in_template |= {k for k in re.findall(r"'([a-z0-9_]+)'", template) if k in cat}
    # The reach table loops over the SPRO networks, each declaring its indicator (report.sections.access).
    assert "access.networks" in template
    used_in_template |= {n["indicator"] for n in NETWORKS.values()}
    for key, ind in cat.items():
        assert f"'{key}'" in sql[ind.sql], f"{key} not computed by {ind.sql}"
        assert ind.source in REGISTRY or ind.source == "geography", key
        assert ind.definition and ind.label
    assert used_in_template <= set(cat), used_in_template - set(cat)
    assert set(cat) <= used_in_template, set(cat) - used_in_template


def test_network_colours_match_the_stylesheet():
    """Map symbols (networks.NETWORK_COLOURS) and the table marks (style.css) use the same colours."""
    from portraits.networks import NETWORK_COLOURS
    css = (ROOT / "templates" / "assets" / "style.css").read_text(encoding="utf-8")
    assert set(NETWORK_COLOURS) == set(NETWORKS) == set(NETWORK_PIVOTS)   # the portraits' networks are the sources'
    for code, colour in NETWORK_COLOURS.items():
        assert re.search(rf"\.net-{code} \{{ background: {colour};", css), code


def test_french_number_formats():
    assert fmt.number(12345) == "12\u202f345"
    assert fmt.number(1234567.89, 1) == "1\u202f234\u202f567,9"
    assert fmt.percent(12.5) == "12,5\u00a0%"
    assert fmt.signed_percent(3.21) == "+3,2\u00a0%"
    assert fmt.signed_percent(-0.04) == "0,0\u00a0%"
    assert fmt.number(-2.5, 1) == "−2,5"
    assert fmt.number(None) == "–"
    assert fmt.ordinal(1) == "1er" and fmt.ordinal(3) == "3e"
    assert fmt.value(12.345, "km") == "12,3\u00a0km"


def test_readme_lists_every_dataset():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key, module in REGISTRY.items():
        path = module.__name__.replace(".", "/")
        # A dataset package (sources/census/) is named by its folder, a module by its file.
        assert (f"`{path}/`" if hasattr(module, "__path__") else f"`{path}.py`") in readme, key


def test_summary_follows_the_data():
    """The first-page sentences and the finding titles are chosen from the figures."""
    from portraits.report import section_titles
    from portraits.report.summary import summary_sentences

    def fig(value, region, comparison="neutral", text=None, region_text=None):
        return {"value": value, "region": region, "comparison": comparison, "text": text or str(value),
                "region_text": region_text or str(region), "share_of_region": "10 %", "rank_text": "2e sur 17"}
    missing = fig(None, None)
    figs = {k: missing for k in ("population", "population_legal", "census_population_change", "jobseekers_change_1y",
                                 "bmo_projects", "bmo_difficult_share", "training_actions_per_10k", "ij_employment_6m",
                                 "work_in_territory")}
    figs["population_legal"] = fig(1000, 10000, text="1 000")
    figs["unemployment_rate_census"] = fig(12.0, 9.0, "worse", "12,0 %", "9,0 %")   # higher than the region: worse
    figs["jobseekers_change_1y"] = fig(-3.0, 1.0, "better", "−3,0 %", "+1,0 %")
    sentences = summary_sentences(figs, "Testville", "Région")
    assert sentences[0].startswith("Testville compte 1 000 habitants")
    assert "plus élevé que celui de la région : 12,0 % contre 9,0 %" in sentences[1]
    assert "a diminué de 3,0 %" in sentences[2]
    assert len(sentences) == 3      # nothing is said about missing figures
    titles = section_titles(figs)
    assert titles["activity"] == "Un chômage supérieur à la moyenne régionale"
    assert titles["employment"].startswith("Des demandeurs d'emploi en baisse")
    assert "population" not in titles

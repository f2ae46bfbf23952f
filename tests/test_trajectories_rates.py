"""Trajectory block: the rule on small numbers of leavers, the regional rates recomputed from the
counts of the region × formation file, the medians by route of the establishment files, and the
flows drawn on the mobility map, on tiny inline data whose expected values are computed by hand."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from portraits import charts
from portraits.indicators import run
from portraits.report.sections.mobility import _main_flows
from portraits.report.sections.trajectories import _region_routes, leaver_rate


# ----- The rule: fewer than 20 leavers → "non calculable", never a number ----------------------
@pytest.mark.parametrize("count, base, value, text", [
    (15, 20, 75.0, "75\u00a0%"),                                   # exactly 20: computed
    (15, 19, None, "non calculable (moins de 20 sortants)"),       # exactly 19: not shown
    (0, 0, None, "non calculable (moins de 20 sortants)"),         # no leaver at all: no 0 % either
    (None, 40, None, "non publié"),                                # numerator secret
    (12, None, None, "non publié"),                                # base secret
    (1, 3, None, "non calculable (moins de 20 sortants)"),         # 33 % would be printed otherwise
])
def test_leaver_rate_threshold(count, base, value, text):
    r = leaver_rate(count, base)
    assert r["value"] == value and r["text"] == text
    assert "%" not in r["text"] or value is not None


def test_leaver_rate_names_its_base():
    assert leaver_rate(3, 12, "inscrits en dernière année")["text"] == \
        "non calculable (moins de 20 inscrits en dernière année)"
    assert leaver_rate(30, 40)["base_text"] == "40 sortants"


# ----- Regional rates from the counts (ij_region_routes.sql + _region_routes) ----------------
FORMATIONS = """CREATE TABLE inserjeunes_formations AS SELECT * FROM (VALUES
    -- millésime, route, final_year, leavers, further, employed 6, 12, 18, 24
    ('2022-2023', 'scolaire', 30, 12, 18, 6, 8, NULL, NULL),       -- small formation: its counts still add up
    ('2022-2023', 'scolaire', 50, 30, 20, 15, 20, NULL, NULL),
    ('2022-2023', 'scolaire', 10, NULL, 4, NULL, NULL, NULL, NULL),  -- leavers secret: out of employment sums
    ('2020-2021', 'scolaire', 60, 40, 20, 20, 24, 26, 28),          -- 18/24 months: only this older millésime
    ('2022-2023', 'apprentissage', 12, 10, 2, 7, 8, NULL, NULL)     -- 10 apprentices in all: below 20
) AS t(millesime, route, final_year, leavers, further_study, employed_6m, employed_12m, employed_18m, employed_24m)"""


def test_region_rates_from_counts_computed_by_hand():
    con = duckdb.connect()
    con.execute(FORMATIONS)
    table = run(con, "ij_region_routes.sql")
    got = _region_routes(table)
    school, app = got["school"], got["apprentices"]
    # 6 months, 2022-2023: (6 + 15) / (12 + 30) = 50 %, on 42 leavers.
    assert school["employment_6m"]["value"] == pytest.approx(50.0) and school["employment_6m"]["base"] == 42
    assert school["employment_6m"]["millesime_text"] == "2022 et 2023"
    # 12 months: (8 + 20) / 42 = 66.7 % → "67 %".
    assert school["employment_12m"]["text"] == "67\u00a0%"
    # 18 and 24 months come from 2020-2021, the latest millésime publishing them: 26/40, 28/40.
    assert school["employment_18m"]["value"] == pytest.approx(65.0)
    assert school["employment_24m"]["value"] == pytest.approx(70.0)
    assert school["employment_24m"]["millesime_text"] == "2020 et 2021"
    # Further study on final-year pupils, every line of 2022-2023: (18 + 20 + 4) / (30 + 50 + 10) = 46.7 %.
    assert school["further_study"]["base"] == 90 and school["further_study"]["text"] == "47\u00a0%"
    # Apprenticeship: 10 leavers → not a number; no 18/24 months line at all → absent.
    assert app["employment_6m"]["text"] == "non calculable (moins de 20 sortants)"
    assert app["employment_6m"]["base_text"] == "10 sortants"
    assert "employment_18m" not in app
    assert _region_routes(None) is None


# ----- Medians by route from the establishment files (trajectories_routes.sql) ------------------
ESTABLISHMENTS = """
CREATE TABLE geo_units AS SELECT * FROM (VALUES ('c1', 'T1'), ('c2', 'T2'), ('c1', '_REGION'), ('c2', '_REGION'))
    AS t(commune_code, unit);
CREATE TABLE establishment_territory AS SELECT * FROM (VALUES ('L1', 'T1'), ('L2', 'T1'), ('C1', 'T1'), ('L3', 'T2'))
    AS t(uai, territory_code);
CREATE TABLE inserjeunes AS SELECT * FROM (VALUES
    -- uai, route, population, millésime, 6 months, 12 months, further study
    ('L1', 'pro', 'scolaires', '2022-2023', 50.0, NULL, 40.0),
    ('L2', 'pro', 'scolaires', '2022-2023', 60.0, NULL, 30.0),
    ('L2', 'pro', 'apprentis', '2022-2023', 80.0, NULL, 10.0),     -- apprentices of a lycée
    ('L2', 'pro', 'ensemble', '2022-2023', 58.0, NULL, 28.0),      -- "ensemble": in neither route
    ('C1', 'apprentissage', 'ensemble', '2022-2023', 70.0, 75.0, 20.0),
    ('C1', 'apprentissage', 'ensemble', '2023-2024', 99.0, 99.0, 99.0),   -- newer CFA vintage: not mixed in
    ('L3', 'pro', 'scolaires', '2022-2023', NULL, NULL, NULL),     -- "nd": no rate, not counted
    ('L9', 'pro', 'scolaires', '2022-2023', 10.0, NULL, 10.0)      -- not placed in a territory
) AS t(uai, route, population, millesime, employment_rate_6m, employment_rate_12m, further_study_rate);
"""


def test_route_medians_and_establishment_counts():
    con = duckdb.connect()
    con.execute(ESTABLISHMENTS)
    df = run(con, "trajectories_routes.sql")
    v = {(r.unit, r.indicator): r.value for r in df.itertuples()}
    assert v[("T1", "ij_employment_6m_school")] == 55.0 and v[("T1", "ij_establishments_employment_6m_school")] == 2
    assert v[("T1", "ij_employment_6m_apprentices")] == 75.0          # median of 80 (L2) and 70 (C1)
    assert v[("T1", "ij_employment_12m_apprentices")] == 75.0
    assert v[("T1", "ij_establishments_employment_12m_apprentices")] == 1
    assert v[("T1", "ij_further_study_apprentices")] == 15.0
    assert pd.isna(v[("T2", "ij_employment_6m_school")]) and v[("T2", "ij_establishments_employment_6m_school")] == 0
    assert v[("_REGION", "ij_employment_6m_school")] == 55.0           # L3 is "nd", L9 is not placed
    assert len(df) == 3 * 10                                           # every unit has every indicator


# ----- The flow map of the mobility block -------------------------------------------------------
def test_main_flows_keep_departures_and_arrivals():
    mine = pd.DataFrame([
        # direction, kind, other, other_name, flow
        ("in", "travail", f"T{i}", f"Territoire {i}", 1000.0 - i) for i in range(2, 8)] + [
        ("out", "travail", "T2", "Territoire 2", 50.0),
        ("out", "travail", "_OUT", "Hors région", 5000.0),             # outside the set: not on the map
        ("out", "etudes", "T3", "Territoire 3", 900.0),                # study flows: not on this map
    ], columns=["direction", "kind", "other", "other_name", "flow"])
    flows = _main_flows("T1", mine)
    assert [(f["origin"], f["destination"]) for f in flows] == [("T2", "T1"), ("T3", "T1"), ("T4", "T1"),
                                                                 ("T5", "T1"), ("T1", "T2")]
    assert flows[-1]["outbound"] and flows[-1]["flow_text"] == "50"


def test_flow_map_draws_a_png():
    import geopandas as gpd
    from shapely.geometry import box
    t = gpd.GeoDataFrame({"territory_code": ["T1", "T2"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)],
                         crs="EPSG:2154")
    png = charts.flow_map(t, "T1", [{"origin": "T2", "destination": "T1", "flow": 10.0, "outbound": False},
                                    {"origin": "T1", "destination": "T2", "flow": 2.0, "outbound": True}])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# ----- In the demo portraits (the session's demo build, shared) ---------------------------------
def test_demo_portraits_show_rates_by_route_with_their_base_and_the_flow_map(demo_build):
    import re
    from pathlib import Path
    settings, _ = demo_build
    pages = sorted(Path(settings.output).glob("t*/index.html"))
    assert len(pages) == 17
    for page in pages:
        html = page.read_text(encoding="utf-8")
        section = html[html.index('id="h-trajectories"'):html.index('id="h-access"')]
        assert "Voie scolaire (élèves de lycée professionnel)" in section and "Apprentissage (CFA" in section
        # Regional rates name the number of leavers behind them; the territory's is said unavailable.
        assert re.search(r"\d+\u00a0% sur [\d\u202f]+ sortants \(2022 et 2023\)", section)
        assert "Nombre de sortants du territoire : non disponible" in section
        assert "Comment lire ces chiffres" in section
        assert (page.parent / "flux.png").is_file() and 'src="flux.png" alt="Carte des principaux flux' in html
        assert "Données de la carte" in html[html.index('src="flux.png"'):]

"""Comparisons beyond the region (issue 21), on tiny inline data: the territoires comparables
(report/comparables.py), the départemental benchmark and its weights (report/comparisons.py), and
the département units of geo_units through the indicators' SQL (given rows, values by hand)."""
from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from portraits import fmt, indicators
from portraits.indicators import ranks
from portraits.report.comparables import comparables, distance, features, zscores
from portraits.report.comparisons import comparison, departement_value, departement_weights, sources_text
from portraits.warehouse import DEPARTEMENT_PREFIX, REGION_UNIT, derive_table, is_benchmark

# ----- Territoires comparables --------------------------------------------------------------


def test_the_closest_come_first_on_one_dimension():
    # One dimension with spread: the order is that of |difference|; the others have no value.
    vals = {"A": {"share_1529": 10.0}, "B": {"share_1529": 11.0}, "C": {"share_1529": 13.0},
            "D": {"share_1529": 20.0}, "E": {"share_1529": 30.0}}
    near = comparables(vals, 3)
    assert [c for c, _ in near["A"]] == ["B", "C", "D"]          # E, the farthest, is left out
    # From 20: C 7, B 9, then A and E both 10: A, the smaller code.
    assert [c for c, _ in near["D"]] == ["C", "B", "A"]
    assert all(a <= b for (_, a), (_, b) in zip(near["A"], near["A"][1:]))


def test_ties_are_broken_by_code():
    # B and C are both 1 away from A: B (smaller code) first, whatever the input order.
    vals = {"C": {"employment_rate": 61.0}, "A": {"employment_rate": 60.0}, "B": {"employment_rate": 59.0}}
    assert [c for c, _ in comparables(vals, 2)["A"]] == ["B", "C"]
    assert comparables(vals, 2)["A"][0][1] == pytest.approx(comparables(vals, 2)["A"][1][1])


def test_a_small_set_gives_fewer_comparables():
    two = {"A": {"share_60p": 20.0}, "B": {"share_60p": 30.0}}
    assert comparables(two, 3) == {"A": [("B", pytest.approx(2.0))], "B": [("A", pytest.approx(2.0))]}
    assert comparables({"A": {"share_60p": 20.0}}, 3) == {"A": []}      # alone in its set: none


def test_standardisation_puts_dimensions_on_one_scale():
    # Population (log) spreads over ×100 and the share of 60+ over 10 points: after z-scores each
    # dimension has mean 0 and standard deviation 1 across the set.
    rows = features({"A": {"population": 1e3, "share_60p": 20.0}, "B": {"population": 1e4, "share_60p": 25.0},
                     "C": {"population": 1e5, "share_60p": 30.0}})
    assert rows["B"]["population"] == pytest.approx(math.log(1e4))
    z = zscores(rows)
    for d in ("population", "share_60p"):
        xs = [z[c][d] for c in z]
        assert sum(xs) == pytest.approx(0.0, abs=1e-12)
        assert math.sqrt(sum(x * x for x in xs) / 3) == pytest.approx(1.0)


def test_a_dimension_without_spread_is_dropped():
    # Every territory at 50 %: the dimension separates no one and is not in the z-scores.
    z = zscores({"A": {"employment_rate": 50.0, "share_1529": 10.0}, "B": {"employment_rate": 50.0, "share_1529": 20.0}})
    assert z == {"A": {"share_1529": -1.0}, "B": {"share_1529": 1.0}}


def test_a_missing_value_skips_the_dimension_for_the_pair_only():
    # B lacks the second dimension: its distance to A uses the first, scaled up to both
    # dimensions (sqrt(2 × 1²)), so the gap does not bring it closer than its first gap says.
    a, b = {"x": 0.0, "y": 0.0}, {"x": 1.0}
    assert distance(a, b, used=2) == pytest.approx(math.sqrt(2))
    assert distance({"x": 0.0}, {"y": 1.0}, used=2) is None       # nothing shared: not comparable
    # Through the whole function: D has no value of any dimension → nobody's comparable, none itself.
    vals = {"A": {"share_1529": 10.0, "share_60p": 30.0}, "B": {"share_1529": 12.0},
            "C": {"share_1529": 20.0, "share_60p": 20.0}, "D": {}}
    near = comparables(vals, 3)
    assert near["D"] == [] and all("D" not in [c for c, _ in v] for v in near.values())


def test_logarithms_leave_out_non_positive_values():
    # A population of 0 (or a missing density) cannot enter by its logarithm: that dimension is absent.
    assert features({"A": {"population": 0.0, "density": None, "share_60p": 21.0}}) == {"A": {"share_60p": 21.0}}
    assert features({"A": {"population": float("nan")}}) == {"A": {}}


# ----- The départemental benchmark ------------------------------------------------------------

WEIGHTS = pd.DataFrame({
    "unit": ["T1", "T1", "T2"], "dep_unit": ["_DEP44", "_DEP49", "_DEP44"], "dep_code": ["44", "49", "44"],
    "dep_name": ["Loire-Atlantique", "Maine-et-Loire", "Loire-Atlantique"],
    "population": [820.0, 180.0, 500.0], "weight": [0.82, 0.18, 1.0]})


def test_departement_weights_are_named_and_written_in_percent():
    w = departement_weights(WEIGHTS, "T1")
    assert [(d["name"], d["weight_text"]) for d in w] == [("Loire-Atlantique", "82\u00a0%"), ("Maine-et-Loire", "18\u00a0%")]
    assert departement_weights(WEIGHTS, "T9") == [] and departement_weights(None, "T1") == []


def test_departement_value_is_the_population_weighted_mean():
    w = departement_weights(WEIGHTS, "T1")
    values = {("rate", "_DEP44"): 10.0, ("rate", "_DEP49"): 20.0, ("total", "_DEP44"): 1000.0,
              ("total", "_DEP49"): 300.0, ("gap", "_DEP44"): 5.0}       # gap: no value in 49
    assert departement_value(w, values, "rate", additive=False) == pytest.approx(0.82 * 10 + 0.18 * 20)
    assert departement_value(w, values, "total", additive=True) == 1300.0  # a total: the sum of the totals
    assert departement_value(w, values, "gap", additive=False) is None     # never a mean over a part
    assert departement_value([], values, "rate", additive=False) is None


def _ctx(code, name, pop, communes, rate):
    figs = {"population": {"value": pop, "text": fmt.number(pop), "region": 1000.0, "region_text": "1000", "label": "Population", "source": None},
            "communes": {"value": communes, "text": str(communes), "region": 9.0, "region_text": "9", "label": "Communes", "source": None},
            "employment_rate": {"value": rate, "text": fmt.percent(rate) if rate is not None else None, "region": 60.0, "region_text": "60 %",
                                "label": "Taux d'emploi", "source": "Source : Insee, RP (2020)."}}
    return {"code": code, "name": name, "slug": code.lower(), "figures": figs,
            "key_figures": ["population", "employment_rate"]}


def test_a_departement_compared_with_itself_says_so():
    # The "départements" set: territory 44 is the département _DEP44 (same communes, same values).
    ctx = _ctx("44", "Loire-Atlantique", 500.0, 3, 70.0)
    w = departement_weights(WEIGHTS, "T2")
    values = {("population", "_DEP44"): 500.0, ("communes", "_DEP44"): 3.0, ("employment_rate", "_DEP44"): 70.0}
    other = _ctx("49", "Maine-et-Loire", 300.0, 2, None)          # a comparable without a value
    c = comparison(ctx, w, [("49", 1.0)], {"44": ctx, "49": other}, values)
    assert c["is_departement"] and not c["several"] and c["departements_text"] == "Loire-Atlantique"
    rows = {r["id"]: r for r in c["rows"]}
    assert rows["employment_rate"]["departement_text"] == rows["employment_rate"]["territory_text"] == "70,0\u00a0%"
    assert rows["employment_rate"]["departement"] == 70.0 and rows["employment_rate"]["comparables"] is None
    assert rows["employment_rate"]["comparables_text"] == "non calculé"
    assert rows["population"]["comparables_text"] == "300"
    # A territory smaller than its département is not it, even inside one département.
    small = comparison(_ctx("T2", "Petit", 200.0, 1, 70.0), w, [], {}, values)
    assert not small["is_departement"] and small["comparables"] == []


def test_sources_are_listed_once():
    assert sources_text(["Source : Insee, RP (2020).", None, "Source : Insee, RP (2020).", "Source : DEPP (2024)."]) \
        == "Sources : Insee, RP (2020) ; DEPP (2024)."
    assert sources_text([None]) is None


# ----- The département units through the SQL (given rows) --------------------------------------

GEO = """
CREATE TABLE communes AS SELECT * FROM (VALUES
    -- code, name, département, population
    ('44001', 'Aval', '44', 1000), ('44002', 'Bourg', '44', 3000),
    ('49001', 'Cimes', '49', 2000),          -- T1 straddles 44 and 49
    ('49002', 'Dune', '49', 4000)            -- 49 reaches beyond T1: T2
) t(code, name, dep, population);
CREATE TABLE departements AS SELECT * FROM (VALUES ('44', 'Loire-Atlantique'), ('49', 'Maine-et-Loire')) t(code, name);
CREATE TABLE territory_communes AS SELECT * FROM (VALUES
    ('44001', 'T1', 'Un'), ('44002', 'T1', 'Un'), ('49001', 'T1', 'Un'), ('49002', 'T2', 'Deux')
) t(commune_code, territory_code, territory_name);
"""
PARAMS = {"region_unit": REGION_UNIT, "region_name": "Région", "departement_prefix": DEPARTEMENT_PREFIX}


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute(GEO)
    derive_table(c, "geo_units", set(), PARAMS)
    yield c
    c.close()


def test_geo_units_put_every_commune_in_its_departement(con):
    rows = con.execute("SELECT unit, unit_name, count(*) FROM geo_units GROUP BY ALL ORDER BY unit").fetchall()
    assert rows == [("T1", "Un", 3), ("T2", "Deux", 1), ("_DEP44", "Loire-Atlantique", 2),
                    ("_DEP49", "Maine-et-Loire", 2), ("_REGION", "Région", 4)]
    df = indicators.run(con, "context.sql")
    v = {(r.unit, r.indicator): r.value for r in df.itertuples()}
    assert v[("_DEP44", "population")] == 4000 and v[("_DEP49", "population")] == 6000
    assert v[("_REGION", "population")] == 10000 and v[("T1", "population")] == 6000


def test_territory_departements_weights(con):
    df = indicators.run(con, "territory_departements.sql")
    assert list(df[["unit", "dep_unit", "dep_name", "weight"]].itertuples(index=False, name=None)) == [
        ("T1", "_DEP44", "Loire-Atlantique", pytest.approx(4000 / 6000)),   # 1,000 + 3,000 of 6,000
        ("T1", "_DEP49", "Maine-et-Loire", pytest.approx(2000 / 6000)),
        ("T2", "_DEP49", "Maine-et-Loire", 1.0)]


def test_bmo_by_departement_shares_bassins_by_population(con):
    con.execute("""
    CREATE TABLE bmo_bassins AS SELECT * FROM (VALUES
        ('44001', 'B1', 'Amont'), ('44002', 'B1', 'Amont'),   -- B1 all in 44
        ('49001', 'B2', 'Cimes'), ('49002', 'B2', 'Cimes')    -- B2 all in 49, over T1 and T2
    ) t(commune_code, bassin_code, bassin_name);
    CREATE TABLE bmo AS SELECT * FROM (VALUES
        -- bassin, métier, projects, difficult, seasonal
        ('B1', 'm1', 100.0, 50.0, 10.0), ('B1', 'm2', 100.0, NULL, 0.0),  -- difficult secret on m2
        ('B2', 'm1', 600.0, 300.0, 60.0)
    ) t(bassin_code, fap, projects, difficult, seasonal);
    """)
    derive_table(con, "bassin_territory", set(), PARAMS)
    v = {(r.unit, r.indicator): r.value for r in indicators.run(con, "bmo.sql").itertuples()}
    assert v[("_DEP44", "bmo_projects")] == pytest.approx(200.0) and v[("_DEP49", "bmo_projects")] == pytest.approx(600.0)
    assert v[("_DEP44", "bmo_difficult_share")] == pytest.approx(50.0)      # 50 / 100: m2 left out
    assert v[("_DEP49", "bmo_projects_per_1000")] == pytest.approx(100.0)   # 600 per 6,000 inhabitants
    # The départements add up to the region, as the territories do.
    assert v[("_DEP44", "bmo_projects")] + v[("_DEP49", "bmo_projects")] == v[("_REGION", "bmo_projects")]
    assert v[("T1", "bmo_projects")] == pytest.approx(200 + 600 * 2000 / 6000)


def test_lycees_and_inserjeunes_by_departement_follow_the_commune_code(con):
    con.execute("""
    CREATE TABLE establishments AS SELECT * FROM (VALUES
        -- uai, type, vocational, commune
        ('L1', 'Lycée', true, '44001'), ('L2', 'Lycée', true, '49001'),
        ('L3', 'Lycée', true, '49002'), ('C1', 'Collège', false, '44002')   -- a collège: no lycée
    ) t(uai, type, vocational, commune_code);
    CREATE TABLE establishment_territory AS SELECT * FROM (VALUES
        ('L1', 'T1', 'coordonnées'), ('L2', 'T1', 'coordonnées'), ('L3', 'T2', 'commune'), ('C1', 'T1', 'commune')
    ) t(uai, territory_code, placed_by);
    CREATE TABLE inserjeunes AS SELECT * FROM (VALUES
        ('L1', 'pro', 'ensemble', '2023', 40.0, 10.0), ('L2', 'pro', 'ensemble', '2023', 60.0, 20.0),
        ('L3', 'pro', 'ensemble', '2023', 80.0, 30.0)
    ) t(uai, route, population, millesime, employment_rate_6m, further_study_rate);
    """)
    v = {(r.unit, r.indicator): r.value for r in indicators.run(con, "training.sql").itertuples()}
    assert v[("_DEP44", "lycees")] == 1 and v[("_DEP49", "lycees")] == 2 and v[("_REGION", "lycees")] == 3
    assert v[("_DEP49", "lycees_per_10k")] == pytest.approx(10000 * 2 / 6000)
    t = {(r.unit, r.indicator): r.value for r in indicators.run(con, "trajectories.sql").itertuples()}
    assert t[("_DEP44", "ij_employment_6m")] == 40.0
    assert t[("_DEP49", "ij_employment_6m")] == 70.0      # median of L2 (60) and L3 (80)
    assert t[("_REGION", "ij_employment_6m")] == 60.0


def test_ranks_leave_the_benchmarks_out():
    values = pd.DataFrame({"unit": ["T1", "T2", "_REGION", "_DEP44"], "indicator": ["x"] * 4,
                           "value": [1.0, 2.0, 3.0, 9.0]})      # the département would be 1st
    r = ranks(values)
    assert sorted(zip(r.unit, r["rank"], r.ranked)) == [("T1", 2, 2), ("T2", 1, 2)]
    assert is_benchmark("_DEP44") and is_benchmark("_REGION") and not is_benchmark("T1")

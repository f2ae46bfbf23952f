"""The registries of tables: ``portraits/warehouse/tables.toml`` (every table of the warehouse,
each derived one made by ``sql/<table>.sql``) and ``portraits/indicators/tables.toml`` (the
portraits' auxiliary tables, each computed by ``sql/<table>.sql``). Every entry has its SQL file
and every file its entry, the tables a file reads are declared, a built warehouse holds exactly
the declared tables; and two unit tests, given tiny rows → expected rows, in the manner of dbt's.
"""
from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from portraits import indicators, warehouse
from portraits.warehouse import build, connect, derive_table, registry
from sources import REGISTRY, bmo_bassins
from sources.common import Loaded

IND_SQL = indicators.SQL_DIR
WH_SQL = warehouse.SQL_DIR


def _read_tables(text: str) -> set[str]:
    """The names after FROM or JOIN in ``text``, comments left out (CTE names included: the
    callers keep the warehouse's tables only)."""
    text = re.sub(r"--[^\n]*", "", text)
    return set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", text, flags=re.IGNORECASE))


# ----- The warehouse's registry ------------------------------------------------------------------

def test_the_warehouse_registry_is_counted():
    reg = registry()
    assert (len(reg.staged), len(reg.loaded), len(reg.derived)) == (21, 9, 11)
    assert sum(len(t.parts) for t in reg.derived.values()) == 5
    assert not set(reg.staged) & set(reg.loaded) and not (set(reg.staged) | set(reg.loaded)) & set(reg.derived)


def test_every_derived_table_has_its_sql_files_and_back():
    files = [f for t in registry().derived.values() for f in t.files]
    assert sorted(files) == sorted(p.name for p in WH_SQL.glob("*.sql"))
    for t in registry().derived.values():      # each file creates (or fills) the table it is named after
        text = (WH_SQL / t.files[0]).read_text(encoding="utf-8")
        assert re.search(rf"^CREATE (?:TABLE|VIEW) {t.name}\b", text, flags=re.MULTILINE), t.name
        for f in t.files[1:]:
            assert re.search(rf"^INSERT INTO {t.name}\b", (WH_SQL / f).read_text(encoding="utf-8"), re.MULTILINE), f


def test_staged_tables_are_the_sources_registry():
    assert registry().staged == {k: m.__name__.replace(".", "/") + ".py" for k, m in REGISTRY.items()}


def test_derived_tables_read_declared_tables_made_before_them():
    reg = registry()
    made = set(reg.staged) | set(reg.loaded)
    for t in reg.derived.values():
        read = set().union(*(_read_tables((WH_SQL / f).read_text(encoding="utf-8")) for f in t.files))
        assert read & reg.tables == set(t.reads), t.name
        assert set(t.reads) <= made, (t.name, set(t.reads) - made)
        made.add(t.name)
        for part in t.parts:
            assert part.needs <= set(reg.staged) and part.dataset in part.needs, (t.name, part.name)
        assert t.needs <= set(reg.staged), t.name


def test_the_placement_tables_run_one_query():
    """The three placement tables (and their views) differ only by their points and keys."""
    shapes = set()
    for t in registry().derived.values():
        if not t.places:
            continue
        for file, own in ((t.files[0], t.name), (f"{t.places}_placed.sql", f"{t.places}_placed")):
            text = re.sub(r"--[^\n]*\n", "", (WH_SQL / file).read_text(encoding="utf-8"))
            for word, mark in ((own, "OWN"), (t.name, "TARGET"), (t.places, "POINTS"),
                               (", ".join("p." + k for k in t.keys), "PKEYS"), (", ".join(t.keys), "KEYS")):
                text = re.sub(rf"(?<![\w.]){re.escape(word)}\b", mark, text)
            shapes.add((file.endswith("_placed.sql"), text))
    assert len(shapes) == 2, shapes       # one shape of placement table, one of view


def test_point_tables_and_access_parts_for_the_pipeline():
    assert warehouse.POINT_TABLES == {"establishments": "establishment_territory",
                                      "training_offer": "training_place_territory",
                                      "access_points": "access_point_territory"}
    assert set(warehouse.ACCESS_POINT_PARTS) == {"establishments", "service_public"}


# ----- The indicators' auxiliary tables --------------------------------------------------------

def test_the_auxiliary_tables_are_counted_and_named_like_their_file():
    tables = indicators.table_registry()
    assert len(tables) == 30
    # One exception, declared: the jobseekers' bassins are the BMO bassin shares under other needs.
    assert {n: t.sql for n, t in tables.items() if t.sql != f"{n}.sql"} == {"profile_bassins": "bassin_shares.sql"}


def test_every_sql_file_of_the_indicators_has_its_entry_and_back():
    used = {t.sql for t in indicators.table_registry().values()} | {i.sql for i in indicators.catalogue().values()}
    assert used == {p.name for p in IND_SQL.glob("*.sql")}
    # An auxiliary table's file is not an indicator's (it returns a table, not unit, indicator, value).
    assert not {t.sql for t in indicators.table_registry().values()} & {i.sql for i in indicators.catalogue().values()}


def test_auxiliary_tables_read_declared_warehouse_tables():
    reg = registry()
    for name, t in indicators.table_registry().items():
        read = _read_tables((IND_SQL / t.sql).read_text(encoding="utf-8"))
        assert read & reg.tables == set(t.reads), name
        assert t.needs <= set(reg.staged), name


# ----- A built warehouse: exactly the declared tables; tables absent with their datasets -----------

@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory):
    """Three communes in two territories; one dataset, the BMO bassins (bassin 0001 over both)."""
    communes = gpd.GeoDataFrame(
        {"code": ["00001", "00002", "00003"], "name": ["Aval", "Bourg", "Cimes"], "dep": ["00"] * 3,
         "population": [1000, 3000, 6000]},
        geometry=[box(0, lat, 0.01, lat + 0.01) for lat in (47.0, 47.1, 47.3)], crs="EPSG:4326")
    membership = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "territory_code": ["T1", "T1", "T2"],
                               "territory_name": ["Un", "Un", "Deux"]})
    territories = gpd.GeoDataFrame(
        {"territory_code": ["T1", "T2"], "territory_name": ["Un", "Deux"], "population": [4000, 6000],
         "communes": [2, 1]},
        geometry=[communes.geometry[0].union(communes.geometry[1]), communes.geometry[2]], crs="EPSG:4326")
    bassins = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "bassin_code": ["0001"] * 3,
                            "bassin_name": ["Bassin"] * 3})
    datasets = {"bmo_bassins": Loaded(bmo_bassins.SOURCE, bassins, vintage="test", files=["test.csv"])}
    return build(tmp_path_factory.mktemp("tables") / "w.duckdb", communes=communes, membership=membership,
                 territories=territories, region_name="Région", datasets=datasets)


def test_a_built_warehouse_holds_exactly_the_declared_tables(tiny_warehouse):
    reg = registry()
    con = connect(tiny_warehouse, read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                           "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    finally:
        con.close()
    made = {t.name for t in reg.derived.values() if t.needs <= {"bmo_bassins"}}
    assert names == {"bmo_bassins"} | set(reg.loaded) | made
    assert "bassin_territory" in made and "establishment_territory" not in made


def test_auxiliary_tables_whose_datasets_are_absent_are_left_out(tiny_warehouse):
    con = connect(tiny_warehouse, read_only=True)
    try:
        got = indicators.tables(con)
    finally:
        con.close()
    # bassin_shares needs the BMO too, profile_bassins the jobseekers by profile: both absent.
    # The départements and areas of the territories need no dataset.
    assert set(got) == {"training_routes", "access_points", "access_far_communes", "territory_departements",
                        "territory_areas"}


# ----- Unit tests: given rows → expected rows -----------------------------------------------------

def test_bassin_territory_given_rows():
    """Derived table ``bassin_territory`` (warehouse/sql/bassin_territory.sql)."""
    con = connect()
    con.execute("""CREATE TABLE communes AS SELECT * FROM (VALUES
        ('00001', 1000),   -- in T1, bassin 0001
        ('00002', 3000),   -- in T2, bassin 0001: the bassin straddles T1 and T2 (1/4, 3/4)
        ('00003', 500),    -- in T2, bassin 0002 alone: weight 1
        ('00004', 0),      -- in T1, bassin 0003 with no inhabitant: no weight (no division by zero)
        ('00005', 800)     -- bassin 0002 but in no territory of the set: not counted
        ) t(code, population)""")
    con.execute("""CREATE TABLE territory_communes AS SELECT * FROM (VALUES
        ('00001', 'T1'), ('00002', 'T2'), ('00003', 'T2'), ('00004', 'T1')) t(commune_code, territory_code)""")
    con.execute("""CREATE TABLE bmo_bassins AS SELECT * FROM (VALUES
        ('00001', '0001'), ('00002', '0001'), ('00003', '0002'), ('00004', '0003'), ('00005', '0002')
        ) t(commune_code, bassin_code)""")
    derive_table(con, "bassin_territory")
    assert con.execute("SELECT * FROM bassin_territory").fetchall() == [
        ("0001", "T1", 1000, 0.25),
        ("0001", "T2", 3000, 0.75),
        ("0002", "T2", 500, 1.0),
    ]


def test_bassin_shares_given_rows():
    """Auxiliary table ``bassin_shares`` (indicators/sql/bassin_shares.sql)."""
    con = connect()
    con.execute("""CREATE TABLE bassin_territory AS SELECT * FROM (VALUES
        ('0001', 'T1', 0.25),   -- T1 takes a quarter of 0001…
        ('0002', 'T1', 1.0),    -- … and the whole of 0002: listed first (the larger share)
        ('0001', 'T2', 0.75),   -- T2: after T1 (ordered by territory)
        ('0003', 'T2', 0.75)    -- same share as 0001 in T2: then by bassin code
        ) t(bassin_code, territory_code, weight)""")
    con.execute("""CREATE TABLE bmo_bassins AS SELECT * FROM (VALUES
        ('00001', '0001', 'Amont'), ('00002', '0001', 'Amont'),   -- two communes: one row, not two
        ('00003', '0002', 'Bocage'), ('00004', '0003', 'Côte')
        ) t(commune_code, bassin_code, bassin_name)""")
    df = indicators.run(con, indicators.table_registry()["bassin_shares"].sql)
    assert list(df.itertuples(index=False, name=None)) == [
        ("T1", "0002", "Bocage", 1.0),
        ("T1", "0001", "Amont", 0.25),
        ("T2", "0001", "Amont", 0.75),
        ("T2", "0003", "Côte", 0.75),
    ]


def test_training_actions_takes_the_first_part_whose_datasets_are_loaded():
    """Derived table ``training_actions``: without the Idéo referential of formations, the part
    without level and domain is used, once (not both parts of onisep_actions)."""
    con = connect()
    con.execute("""CREATE TABLE onisep_actions AS SELECT * FROM (VALUES
        ('A1', '0000001A', 'F1'),   -- placed in T1 by its establishment
        ('A2', '0000009Z', 'F1')    -- an establishment the annuaire does not list: no territory
        ) t(action_id, uai, onisep_id)""")
    con.execute("CREATE TABLE establishment_territory AS SELECT '0000001A' AS uai, 'T1' AS territory_code")
    derive_table(con, "training_actions", loaded={"onisep_actions", "establishments"})
    assert con.execute("SELECT * FROM training_actions ORDER BY id").fetchall() == [
        ("voie scolaire", "onisep_actions", "A1", "0000001A", "T1", None, None, None),
        ("voie scolaire", "onisep_actions", "A2", "0000009Z", None, None, None, None),
    ]

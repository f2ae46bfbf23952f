"""Indicators: a catalogue declared as data (``catalogue.toml``) and SQL files over the warehouse.

Each indicator's SQL file of ``sql/`` returns rows ``(unit, indicator, value)`` where ``unit`` is a
territory code, ``_REGION`` or a département (``_DEP44``); the benchmarks come from the same query as
the territories.
The auxiliary tables of the portraits (series, lists, points) are declared in ``tables.toml``, each
computed by ``sql/<table>.sql``, with the datasets it needs.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from .. import fmt

HERE = Path(__file__).parent
SQL_DIR = HERE / "sql"
UNITS = {"count", "percent", "percent_change", "per100", "per1000", "per10k", "rate", "index", "km"}
# Settings the SQL may use as named parameters ($name), with their defaults.
DEFAULT_PARAMS = {"reach_km": 15.0}
POLARITIES = {"higher_is_better", "higher_is_worse", "neutral"}


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    polarity: str
    source: str
    additive: bool
    sql: str
    definition: str
    requires: tuple[str, ...] = ()   # other datasets the SQL needs (e.g. the bassin table for BMO)

    @property
    def needs(self) -> set[str]:
        return {self.source, *self.requires}

    def text(self, field: str, params: dict | None = None) -> str:
        """``label`` or ``definition`` with the settings it names filled in ("{reach_km} km")."""
        values = {k: fmt.setting(v) for k, v in {**DEFAULT_PARAMS, **(params or {})}.items()}
        return getattr(self, field).format(**values)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Indicator]:
    with open(HERE / "catalogue.toml", "rb") as f:
        raw = tomllib.load(f)
    out = {}
    for key, v in raw.items():
        ind = Indicator(id=key, **{**v, "requires": tuple(v.get("requires", ()))})
        if ind.unit not in UNITS or ind.polarity not in POLARITIES:
            raise ValueError(f"indicateur {key} : unité ou polarité inconnue ({ind.unit}, {ind.polarity})")
        if not (SQL_DIR / ind.sql).is_file():
            raise ValueError(f"indicateur {key} : fichier SQL absent {ind.sql}")
        out[key] = ind
    return out


def sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def available_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT id FROM datasets WHERE unusable IS NULL").fetchall()} | {"geography"}


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run ``sql/<name>`` with the settings it uses bound as named parameters (never formatted in)."""
    text = sql(name)
    values = {**DEFAULT_PARAMS, **(params or {})}
    used = {k: v for k, v in values.items() if f"${k}" in text}
    return con.execute(text, used).df() if used else con.execute(text).df()


def compute(con: duckdb.DuckDBPyConnection, params: dict | None = None) -> pd.DataFrame:
    """Values of every indicator whose source is in the warehouse: columns unit, indicator, value.
    An indicator whose datasets are missing has no rows (the portrait says it is unavailable),
    even when its SQL file runs for another indicator."""
    have = available_sources(con)
    cat = catalogue()
    files = sorted({i.sql for i in cat.values() if i.needs <= have})
    frames = []
    for f in files:
        df = run(con, f, params)
        if list(df.columns) != ["unit", "indicator", "value"]:
            raise ValueError(f"{f} : colonnes {list(df.columns)} au lieu de unit, indicator, value")
        frames.append(df)
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unit", "indicator", "value"])
    undeclared = set(values.indicator) - set(cat)
    if undeclared:
        raise ValueError(f"indicateurs calculés mais non déclarés au catalogue : {sorted(undeclared)}")
    values = values[[cat[i].needs <= have for i in values.indicator]]
    values["value"] = pd.to_numeric(values.value, errors="coerce").astype(float)
    return values.sort_values(["indicator", "unit"], ignore_index=True)


def ranks(values: pd.DataFrame, region_unit: str = "_REGION", departement_prefix: str = "_DEP") -> pd.DataFrame:
    """Rank of each territory for each indicator, 1 = highest value (ties share the best rank);
    with the number of territories ranked. The region and the départements are not ranked."""
    benchmark = (values.unit == region_unit) | values.unit.astype(str).str.startswith(departement_prefix)
    t = values[~benchmark & values.value.notna()].copy()
    t["rank"] = t.groupby("indicator").value.rank(method="min", ascending=False).astype(int)
    t["ranked"] = t.groupby("indicator").value.transform("count").astype(int)
    return t[["unit", "indicator", "rank", "ranked"]]


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """A named auxiliary query of ``sql/`` (series, tables) as a DataFrame."""
    return run(con, name, params)


@dataclass(frozen=True)
class Table:
    """An auxiliary table of ``tables.toml``: its SQL file, the datasets it needs, the warehouse
    tables it reads."""
    name: str
    sql: str
    needs: frozenset[str]
    reads: tuple[str, ...]


@lru_cache(maxsize=1)
def table_registry() -> dict[str, Table]:
    """The auxiliary tables of the portraits, read from ``tables.toml``, in its order."""
    with open(HERE / "tables.toml", "rb") as f:
        raw = tomllib.load(f)
    out = {}
    for name, v in raw.items():
        out[name] = Table(name, v.get("sql", f"{name}.sql"), frozenset(v["needs"]), tuple(v["reads"]))
        if not (SQL_DIR / out[name].sql).is_file():
            raise ValueError(f"table {name} : fichier SQL absent {out[name].sql}")
    return out


def tables(con: duckdb.DuckDBPyConnection, params: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every auxiliary table whose datasets are in the warehouse (absent ones are left out)."""
    have = available_sources(con)
    return {name: query(con, t.sql, params) for name, t in table_registry().items() if t.needs <= have}

"""The aggregation of the mobility flows in DuckDB: one pass over each file, large or national, the
region's pairs checked and brought to current communes (SQL text is constant; paths and values
are parameters)."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from ..common import departement_of, region_departements, SourceError
from ._source import KIND_LABELS, KIND_WORK
from ._files import _data_files, _Fail, _find_line, _Layout, _layout, _MISSING


# ---------------------------------------------------------------------------------------------
# Aggregation in DuckDB (SQL text is constant; paths and values are parameters).
#
# One pass over the file: the lines whose origin or destination is in a département of the region
# (``$scope``; every line when ``$all``) are checked (flow numeric and not negative, codes of 5
# characters) and aggregated by pair of raw codes. The other lines collapse into one group (codes
# NULL) and are not checked: a malformed line of another region never stops the build, and a
# national file costs a scan, not millions of groups. For each kind of error the smallest
# offending [origin, destination, flow] is kept, to find its line.

_PAIRS_SQL = r"""
CREATE OR REPLACE TEMP TABLE pairs AS
WITH src AS (
    SELECT CASE WHEN origin LIKE ' %' OR origin LIKE '% ' THEN trim(origin) ELSE origin END AS o,
           CASE WHEN destination LIKE ' %' OR destination LIKE '% ' THEN trim(destination) ELSE destination END AS d,
           flow AS f
    FROM read_csv($path, delim = $delim, header = true, auto_detect = false, columns = $columns,
                  quote = '"', escape = '"', encoding = $encoding)
), typed AS (
    SELECT o, d, f,
           CASE WHEN TRY_CAST(f AS DOUBLE) IS NOT NULL THEN TRY_CAST(f AS DOUBLE)
                ELSE TRY_CAST(replace(regexp_replace(f, '[\s\x{00A0}\x{202F}]', '', 'g'), ',', '.') AS DOUBLE)
           END AS v
    FROM src
), marked AS (
    SELECT o, d, f, v,
           v IS NULL AND (f IS NULL OR list_contains($missing, lower(trim(f)))) AS missing,
           $all OR list_contains($scope, dep(o)) OR list_contains($scope, dep(d))
               OR list_contains($extra, o) OR list_contains($extra, d) AS in_scope
    FROM typed
)
SELECT CASE WHEN in_scope THEN o END AS o,
       CASE WHEN in_scope THEN d END AS d,
       coalesce(in_scope, false) AS in_scope,
       count(*) AS n,
       count(*) FILTER (WHERE missing AND in_scope) AS n_missing,
       sum(v) FILTER (WHERE isfinite(v)) AS total,
       max(v) FILTER (WHERE isfinite(v)) AS largest,
       min(list_value(o, d, f)) FILTER (WHERE in_scope AND NOT missing AND (v IS NULL OR NOT isfinite(v))) AS bad_flow,
       min(list_value(o, d, f)) FILTER (WHERE in_scope AND v < 0) AS negative,
       min(list_value(o, d)) FILTER (WHERE in_scope AND (o IS NULL OR d IS NULL OR length(o) <> 5 OR length(d) <> 5))
           AS bad_code
FROM marked
GROUP BY ALL
"""

_MACROS = """
CREATE OR REPLACE TEMP MACRO plm(c) AS
    CASE WHEN c BETWEEN '75101' AND '75120' THEN '75056'
         WHEN c BETWEEN '69381' AND '69389' THEN '69123'
         WHEN c BETWEEN '13201' AND '13216' THEN '13055'
         ELSE c END;
CREATE OR REPLACE TEMP MACRO dep(c) AS CASE WHEN c LIKE '97%' THEN left(c, 3) ELSE left(c, 2) END;
"""

# Pairs of the scope brought to current communes (arrondissements re-aggregated, former communes
# mapped); oc / dc are NULL for codes outside the region.
_JOINED_SQL = """
CREATE OR REPLACE TEMP TABLE joined AS
SELECT p.o AS raw_o, p.d AS raw_d, plm(p.o) AS o, plm(p.d) AS d,
       ao.current AS oc, ad.current AS dc,
       CASE WHEN $detail THEN p.total ELSE p.largest END AS value
FROM pairs p
LEFT JOIN accepted ao ON ao.code = plm(p.o)
LEFT JOIN accepted ad ON ad.code = plm(p.d)
WHERE p.in_scope
"""

_INSERT_SQL = """
INSERT INTO flows
SELECT $kind, $year, coalesce(oc, o) AS origin, coalesce(dc, d) AS destination, sum(value), $rank, $detail
FROM joined
WHERE value IS NOT NULL AND ($all OR oc IS NOT NULL OR dc IS NOT NULL)
GROUP BY origin, destination
"""


def _connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    spill = workdir / ".duckdb-tmp"
    con = duckdb.connect(":memory:", config={"temp_directory": str(spill), "preserve_insertion_order": False,
                                             "autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    con.execute(_MACROS)
    con.execute("""CREATE TEMP TABLE flows (kind VARCHAR, year INTEGER, origin VARCHAR, destination VARCHAR,
                   flow DOUBLE, rank INTEGER, detail BOOLEAN)""")
    return con


def _accepted(con: duckdb.DuckDBPyConnection, communes) -> tuple[list[str], list[str]]:
    """Register the accepted codes (code → current); returns the départements of the region (those
    of the current communes) and the accepted codes outside them (a former commune of the region
    may lie in another département: 79224 → Cholet). Both make the scope of the first pass: a
    line of another commune of that other département is not the region's, and is not checked."""
    if communes is None:
        mapping: dict[str, str] = {}
    elif isinstance(communes, Mapping):
        mapping = {str(k): str(v) for k, v in communes.items()}
    else:
        mapping = {str(c): str(c) for c in communes}
    frame = pd.DataFrame({"code": list(mapping), "current": list(mapping.values())}, dtype=object)
    con.register("accepted_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE accepted AS SELECT code::VARCHAR AS code, current::VARCHAR AS current "
                "FROM accepted_df")
    con.unregister("accepted_df")

    deps = sorted(region_departements(mapping))
    return deps, sorted(c for c in mapping if departement_of(c) not in deps)


def _duckdb_failure(exc: duckdb.Error) -> _Fail:
    text = str(exc)
    m = re.search(r"CSV Error on Line: (\d+)", text)
    line = int(m.group(1)) if m else None
    if "Expected Number of Columns" in text:
        m2 = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = f" ({m2.group(2)} champs au lieu de {m2.group(1)})" if m2 else ""
        return _Fail(f"nombre de champs incorrect{detail} (fichier tronqué ou mal formé ?)", line)
    if "unicode" in text.lower():
        return _Fail("encodage illisible (ni UTF-8 ni Windows-1252)", line)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return _Fail(f"lecture CSV impossible : {first}", line)


def _read_csv(con: duckdb.DuckDBPyConnection, csv_path: Path, layout: _Layout, scope: list[str], extra: list[str],
              everything: bool) -> _Layout:
    """First pass (see above) into the ``pairs`` table; returns the layout actually used (the
    encoding falls back to latin-1 when a line after the first megabyte is not UTF-8)."""
    names = [f"c{i}" for i in range(layout.width)]
    names[layout.origin], names[layout.destination], names[layout.flow] = "origin", "destination", "flow"
    params = {"path": str(csv_path), "delim": layout.sep, "columns": {n: "VARCHAR" for n in names},
              "missing": _MISSING, "scope": scope, "extra": extra, "all": everything}
    for encoding in dict.fromkeys((layout.encoding, "latin-1")):
        try:
            con.execute(_PAIRS_SQL, {**params, "encoding": encoding})
            return layout if encoding == layout.encoding else dataclasses.replace(layout, encoding=encoding)
        except duckdb.Error as exc:
            failure = _duckdb_failure(exc)
            if "encodage" in failure.message and encoding != "latin-1":
                continue
            raise failure from None
    raise _Fail("encodage illisible")


def _check_pairs(con, csv_path: Path, layout: _Layout, warnings: list[str], label: str) -> None:
    """Errors of the file (no data, non-numeric or negative flows, malformed codes), each naming
    its line; duplicates of the base flux are reported (the largest copy is kept)."""
    total_rows, regional_rows, bad_flow, negative, bad_code, n_missing = con.execute(
        "SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE in_scope), 0), min(bad_flow), min(negative), "
        "min(bad_code), coalesce(sum(n_missing), 0) FROM pairs").fetchone()
    if not total_rows:
        raise _Fail("aucune ligne de données")
    if not regional_rows:
        warnings.append(f"{label} : aucun flux ne part des départements de la région ni n'y arrive ; fichier ignoré")
        return

    def where(o, d, f=None) -> int | None:
        want = {layout.origin: o, layout.destination: d}
        if f is not None:
            want[layout.flow] = f.strip()
        return _find_line(csv_path, layout, want)

    if bad_flow:
        raise _Fail(f"valeur non numérique {bad_flow[2]!r} dans la colonne {layout.flow_name}", where(*bad_flow))
    if negative:
        raise _Fail(f"valeur négative {negative[2]!r} dans la colonne {layout.flow_name}", where(*negative))
    origin_name = "COMMUNE" if layout.detail else "CODGEO"
    dest_name = "DCLT" if layout.kind == KIND_WORK else "DCETU"
    bad_o = con.execute("""SELECT o, d FROM pairs
                           WHERE in_scope AND (o IS NULL OR NOT regexp_full_match(o, '[0-9][0-9AB][0-9]{3}'))
                           ORDER BY o NULLS FIRST, d LIMIT 1""").fetchone()
    if bad_code and (bad_code[0] is None or len(bad_code[0]) != 5):
        bad_o = bad_o or tuple(bad_code)
    if bad_o:
        raise _Fail(f"code commune invalide {bad_o[0] or ''!r} dans la colonne {origin_name}", where(*bad_o))
    bad_d = con.execute("""SELECT o, d FROM pairs WHERE in_scope AND (d IS NULL OR NOT regexp_full_match(d, '[0-9A-Z]{5}'))
                           ORDER BY d NULLS FIRST, o LIMIT 1""").fetchone() or (tuple(bad_code) if bad_code else None)
    if bad_d:
        raise _Fail(f"code de destination invalide {bad_d[1] or ''!r} dans la colonne {dest_name}", where(*bad_d))
    if not layout.detail:
        dup = con.execute("SELECT count(*), sum(n - 1), min(o || ' → ' || d) FROM pairs WHERE in_scope AND n > 1"
                          ).fetchone()
        if dup[0]:
            warnings.append(f"{label} : {int(dup[1])} lignes en double pour {dup[0]} couples de communes "
                            f"(ex. {dup[2]}) ; valeur la plus grande retenue")
    if n_missing:
        warnings.append(f"{label} : {int(n_missing)} valeurs de flux manquantes ou secrètes ignorées")


def _map_and_insert(con, csv_path: Path, layout: _Layout, regional: bool, deps: list[str], rank: int,
                    warnings: list[str], label: str) -> None:
    con.execute(_JOINED_SQL, {"detail": layout.detail})
    if regional:
        unknown = con.execute("""
            SELECT code, raw, side FROM (
                SELECT o AS code, raw_o AS raw, 0 AS side FROM joined WHERE oc IS NULL AND list_contains($deps, dep(o))
                UNION ALL
                SELECT d, raw_d, 1 FROM joined WHERE dc IS NULL AND list_contains($deps, dep(d))
            ) ORDER BY code, side LIMIT 1""", {"deps": deps}).fetchone()
        if unknown:
            codes = [r[0] for r in con.execute("""
                SELECT DISTINCT code FROM (
                    SELECT o AS code FROM joined WHERE oc IS NULL AND list_contains($deps, dep(o))
                    UNION SELECT d FROM joined WHERE dc IS NULL AND list_contains($deps, dep(d)))
                ORDER BY code LIMIT 11""", {"deps": deps}).fetchall()]
            column = layout.origin if unknown[2] == 0 else layout.destination
            line = _find_line(csv_path, layout, {column: unknown[1]})
            raise _Fail(f"code commune inconnu {unknown[0]!r} (codes inconnus : {', '.join(codes[:10])}"
                        f"{' …' if len(codes) > 10 else ''})", line)
        former = [r[0] for r in con.execute("""
            SELECT DISTINCT code FROM (SELECT o AS code FROM joined WHERE oc IS NOT NULL AND oc <> o
                                       UNION SELECT d FROM joined WHERE dc IS NOT NULL AND dc <> d)
            ORDER BY code""").fetchall()]
        if former:
            warnings.append(f"{label} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                            f"{', '.join(former[:20])}{' …' if len(former) > 20 else ''}")
    (plm,) = con.execute("""SELECT count(*) FROM joined
                            WHERE (raw_o <> o OR raw_d <> d) AND ($all OR oc IS NOT NULL OR dc IS NOT NULL)""",
                         {"all": not regional}).fetchone()
    if plm:
        warnings.append(f"{label} : arrondissements de Paris, Lyon et Marseille regroupés en une commune "
                        f"({plm} couples)")
    con.execute(_INSERT_SQL, {"kind": layout.kind, "year": layout.year, "rank": rank, "detail": layout.detail,
                              "all": not regional})


def _insert_files(con, paths: list[Path], workdir: Path, deps: list[str], extra: list[str], regional: bool,
                  warnings: list[str], missing: list[dict]) -> None:
    """Read every data file of ``paths`` (a zip's members one by one) into the table ``flows``,
    each with its rank (the order read)."""
    rank = 0
    for path in paths:
        with _data_files(path, workdir) as files:
            for csv_path, member in files:
                label = f"{path.name} ({member})" if member else path.name
                try:
                    layout = _layout(csv_path, member or path.name, warnings, missing)
                    layout = _read_csv(con, csv_path, layout, deps, extra, not regional)
                    _check_pairs(con, csv_path, layout, warnings, label)
                    _map_and_insert(con, csv_path, layout, regional, deps, rank, warnings, label)
                except _Fail as fail:
                    raise SourceError(path, f"{member} : {fail.message}" if member else fail.message,
                                      line=fail.line) from None
                rank += 1


def _choose_sources(con, warnings: list[str]) -> None:
    """The table ``result``: one source per (kind, year), the base flux before the detail file,
    then the first read; flows summed by origin and destination."""
    con.execute("""CREATE TEMP TABLE chosen AS
                   SELECT kind, year, arg_min(rank, detail::INTEGER * 1000000 + rank) AS keep,
                          count(DISTINCT rank) AS files
                   FROM flows GROUP BY kind, year""")
    for kind, year, files in con.execute("SELECT kind, year, files FROM chosen WHERE files > 1 ORDER BY kind, year"
                                         ).fetchall():
        warnings.append(f"flux {KIND_LABELS[kind]} {year} présents dans {files} fichiers : "
                        "la base flux (ou le premier fichier lu) est retenue")
    con.execute("""
        CREATE TEMP TABLE result AS
        SELECT f.kind, f.year, f.origin, f.destination, sum(f.flow) AS flow
        FROM flows f JOIN chosen c ON c.kind = f.kind AND c.year = f.year AND c.keep = f.rank
        GROUP BY f.kind, f.year, f.origin, f.destination""")

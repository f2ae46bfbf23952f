"""Reading a census commune base (the legacy and comparateur CSV files): the region's rows, the
variables kept under their normalised names."""
from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import pandas as pd

from ..common import departement_of, normalise_name, open_binary, region_departements, SourceError, to_number
from ._variables import census_year, COMPONENTS, KEPT, official_names, _PREFIXED, _SPELLINGS


def parse_stream(path: Path, members: tuple[str, ...], parse):
    """Run ``parse(csv_reader, header, member)`` on the file streamed line by line (large national
    files are never held in memory whole): UTF-8 (BOM or not), else again in Windows-1252.
    The separator is sniffed on the header (``;`` in every official layout read here)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with open_binary(path, members) as (stream, member):
                text = io.TextIOWrapper(stream, encoding=encoding, errors="strict" if encoding != "cp1252" else "replace",
                                        newline="")
                first = text.readline()
                sep = ";" if first.count(";") >= first.count(",") else ","
                reader = csv.reader(itertools.chain([first], text), delimiter=sep)
                header = [h.strip().upper().replace("\ufeff", "") for h in next(reader)]
                return parse(reader, header, member)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, "encodage illisible")


# ---------------------------------------------------------------------------------------------
# Reading.

def _region_filter(communes) -> tuple[set[str] | None, set[str]]:
    """(départements of the region, accepted codes) from ``communes`` (a set or a mapping)."""
    if communes is None:
        return None, set()
    return region_departements(communes), set(communes)


_COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _keep_code(code: str, deps: set[str] | None, accepted: set[str]) -> bool:
    """A row is kept when its commune is in the region (or a known former code); a malformed
    code is kept too, to be reported by :func:`sources.common.check_commune_codes`."""
    return deps is None or code in accepted or not _COMMUNE_CODE.fullmatch(code) or departement_of(code) in deps


def _needs_header(header: list[str]) -> list[str]:
    """The header as the needs see it: each variable read under all its official spellings, and
    ``P<yy>_POP75P`` standing for the two bands it is made of in the commune base."""
    out = list(header)
    for h in header:
        m = _PREFIXED.match(h)
        if not m or (m.group(1), m.group(3)) not in _SPELLINGS:
            continue
        name, year = _SPELLINGS[(m.group(1), m.group(3))], census_year(m.group(2))
        if name in KEPT:
            out += official_names(name, year)
        for part in COMPONENTS.get(name, ()):
            out.append(f"{KEPT[name].exploitation}{year % 100:02d}_{part}")
    return out


def _sum_components(long: pd.DataFrame) -> pd.DataFrame:
    """Each kept variable of :data:`COMPONENTS` (``POP75P``) from its parts (``POP7589 + POP90P``),
    commune by commune, for the years where the file gives every part but not the total itself;
    missing when a part is. The parts are not kept (a year with one part only has no total: the
    needs check names the part missing)."""
    out = [long[~long.variable.isin([c for parts in COMPONENTS.values() for c in parts])]]
    for total, parts in COMPONENTS.items():
        comp = long[long.variable.isin(parts)]
        comp = comp[~comp.year.isin(set(out[0].year[out[0].variable == total]))]
        if comp.empty:
            continue
        work = comp.assign(_na=comp.value.isna())
        summed = work.groupby(["_line", "commune_code", "year"], as_index=False, sort=False).agg(
            value=("value", "sum"), _na=("_na", "any"), _parts=("variable", "nunique"))
        summed = summed[summed._parts == len(parts)]
        summed["value"] = summed.value.astype("Float64").mask(summed._na)
        out.append(summed.assign(variable=total)[["_line", "commune_code", "value", "year", "variable"]])
    return pd.concat(out, ignore_index=True)


def _read_base(path: Path, reader, header: list[str], deps, accepted) -> tuple[pd.DataFrame, int]:
    """Legacy bases and comparateur: ``CODGEO`` then one column per variable. Returns the long
    frame of the region's rows and the number of data rows of the file."""
    names = [normalise_name(h) for h in header]
    if "codgeo" not in names:
        raise SourceError(path, f"colonne CODGEO absente (en-tête lu : {', '.join(header[:10])})", line=1)
    code_at = names.index("codgeo")
    wanted: dict[int, tuple[str, int, str]] = {}     # column index → (official name, year, variable)
    for i, h in enumerate(header):
        m = _PREFIXED.match(h)
        if m and (m.group(1), m.group(3)) in _SPELLINGS:
            wanted[i] = (h, census_year(m.group(2)), _SPELLINGS[(m.group(1), m.group(3))])
    if not wanted:
        raise SourceError(path, "aucune variable du recensement retenue dans l'en-tête (attendu par exemple "
                                f"P20_POP1564, P20_EMPLT ; lu : {', '.join(header[:10])})", line=1)
    rows, total = [], 0
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        total += 1
        code = row[code_at].strip()
        if _keep_code(code, deps, accepted):
            rows.append([reader.line_num, code, *(row[i].strip() for i in wanted)])
    if not total:
        raise SourceError(path, "aucune ligne de données")
    cols = [h for h, _, _ in wanted.values()]
    wide = pd.DataFrame(rows, columns=["_line", "commune_code", *cols], dtype=object)
    dup = wide.commune_code.duplicated()
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"code commune en double {wide.at[i, 'commune_code']!r}", line=int(wide.at[i, "_line"]))
    for col in cols:
        wide[col] = to_number(path, wide, col, minimum=0) if len(wide) else pd.Series(dtype="Float64")
    long = wide.melt(id_vars=["_line", "commune_code"], value_vars=cols, var_name="column", value_name="value")
    spec = {h: (y, v) for h, y, v in wanted.values()}
    long["year"] = long.column.map(lambda c: spec[c][0]).astype("int64")
    long["variable"] = long.column.map(lambda c: spec[c][1]).astype(str)
    long["value"] = long["value"].astype("Float64")
    return _sum_components(long.drop(columns="column")), total

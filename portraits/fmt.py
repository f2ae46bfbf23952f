"""French number formatting: ``12 345``, ``12,5 %``, ``+3,2 %``, ``1er``.

Thousands are separated by a narrow no-break space (U+202F) and units by a no-break space
(U+00A0), as the French typographic rules (and INSEE) do.
"""
from __future__ import annotations

import math

# Months, ordinals and quarters in words are shared with the readers of the official files.
from sources.common.wording import MONTHS, NBSP, month, ordinal, quarter  # noqa: F401

NNBSP = "\u202f"


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

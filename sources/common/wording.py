"""French wording the files and the portraits share: months, ordinals, quarters, "de" + a town."""
from __future__ import annotations

NBSP = "\u00a0"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


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


def of_town(name: str) -> str:
    """``de`` + a town name with French elision and contraction: d'Angers, du Mans, des Herbiers."""
    for article, contracted in (("Le ", "du "), ("Les ", "des "), ("La ", "de la "), ("L'", "de l'")):
        if name.startswith(article):
            return contracted + name[len(article):]
    return ("d'" if name[:1] in "AEÉÈIOUYaeiouy" else "de ") + name

"""French labels of age bands, durations and sexes, read by value (never by position): ``15-24 ans``,
``moins de 25 ans``, ``50 ans et +``, ``De 3 mois à moins de 6 mois``, ``2 ans et +``, ``Femme``.
Any dataset labelling its groups so can use them (first: the France Travail API's characteristics,
sources/jobseekers_profile.py)."""
from __future__ import annotations

import re

from .text import normalise_name

_NUM = r"(\d+|un)"
_UNIT = r"(ans?|mois)"


def _n(text: str) -> int:
    return 1 if text == "un" else int(text)


def _months(n: str, unit: str | None) -> int:
    return _n(n) * (12 if unit and unit.startswith("an") else 1)


def interval(label: str) -> tuple[float, float] | None:
    """(low, high) bounds in the label's units written as ``N à M ans``, ``moins de N mois``,
    ``N ans ou plus``…; units: years → months ×12, months → months. None when not an interval."""
    text = normalise_name(label).replace("d'", "de ").replace("’", "'")
    text = re.sub(r"^(de |inscrits? depuis |depuis )", "", text).strip()
    m = re.fullmatch(rf"moins de {_NUM} ?{_UNIT}", text)
    if m:
        return 0, _months(m[1], m[2])
    m = re.fullmatch(rf"{_NUM} ?{_UNIT}? ?(?:-|a|à) ?(?:moins de )?{_NUM} ?{_UNIT}", text)
    if m:
        return _months(m[1], m[2] or m[4]), _months(m[3], m[4])
    m = (re.fullmatch(rf"{_NUM} ?{_UNIT} (?:ou|et) (?:plus|\+)", text) or re.fullmatch(rf"{_NUM} ?{_UNIT} ?\+", text)
         or re.fullmatch(rf"(?:plus de|au moins) {_NUM} ?{_UNIT}", text))
    if m:
        return _months(m[1], m[2]), float("inf")
    return None


def age_group(label: str) -> str | None:
    """``under25``, ``age25_49`` or ``age50plus`` for an age band; None when the label is not an
    age band, or straddles two groups (the caller names it)."""
    if not re.search(r"\bans?\b", normalise_name(label)):
        return None
    bounds = interval(label)
    if bounds is None:
        return None
    low, high = bounds[0] / 12, bounds[1] / 12          # interval() counts years as 12 months
    if any(0 < b < 15 for b in (low, high)):
        return None                                     # "1 à 3 ans": a duration, not an age band
    if "moins de" in normalise_name(label):
        high -= 1                                       # "moins de 25 ans": up to 24
    if high <= 24:
        return "under25"
    if low >= 25 and high <= 49:
        return "age25_49"
    if low >= 50:
        return "age50plus"
    return "straddle"


def seniority_group(label: str) -> str | None:
    """``short_term`` (registered less than a year) or ``long_term`` (one year or more); None
    when the label cannot be classified."""
    bounds = interval(label)
    if bounds is None:
        return None
    low, high = bounds
    if high <= 12:
        return "short_term"
    if low >= 12:
        return "long_term"
    return None


def sex_group(label: str) -> str | None:
    text = normalise_name(label)
    return "women" if re.fullmatch(r"femmes?", text) else "men" if re.fullmatch(r"hommes?", text) else None

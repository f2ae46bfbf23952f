"""The quarters and years of the unemployment rates: reading a period from a header, its text, the
latest of a set, the vintage of the table."""
from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ..common import cell_text, normalise_name, wording


_YEAR = r"(?:19|20)[0-9]{2}"
PERIODS = (re.compile(rf"(?P<y>{_YEAR})\s*-\s*T(?P<q>[1-4])", re.IGNORECASE),             # 2022-T2
           re.compile(rf"T(?P<q>[1-4])[\s_]+(?P<y>{_YEAR})", re.IGNORECASE),             # T3_2025, T1 2020
           re.compile(rf"(?P<q>[1-4]) ?(?:er|e|eme) trimestre (?P<y>{_YEAR})", re.IGNORECASE),  # 2e trimestre 2022
           re.compile(rf"(?:moyenne (?:annuelle )?|annee )?(?P<y>{_YEAR})", re.IGNORECASE))   # 2023


def period_of(header: object) -> str | None:
    """The period a column header names: ``"2025-T2"`` for a quarter (``2025-T2``, ``T2_2025``,
    ``T2 2025``, ``2e trimestre 2025``), ``"2025"`` for a year; None for any other column."""
    text = normalise_name(cell_text(header))
    for pattern in PERIODS:
        m = pattern.fullmatch(text)
        if m:
            return f"{m['y']}-T{m['q']}" if "q" in m.groupdict() else m["y"]
    return None


def period_text(period: str) -> str:
    """``"2025-T2"`` → « 2e trimestre 2025 »; ``"2023"`` → « moyenne annuelle 2023 »."""
    return wording.quarter(period) if "-T" in period else f"moyenne annuelle {period}"


def latest(periods: Iterable[str]) -> str | None:
    """The latest quarter of ``periods`` when it holds quarters, else the latest year; None if empty."""
    periods = set(periods)
    quarters = {p for p in periods if "-T" in p}
    return max(quarters or periods) if periods else None


def dataset_vintage(frame: pd.DataFrame) -> str:
    """The vintage of the dataset as read: that of the zones and that of the départements and
    région, both named when they differ."""
    zones = latest(frame.period[frame.area_type.isin(["ZE", "ZEP"])])
    series = latest(frame.period[frame.area_type.isin(["DEP", "REG"])])
    parts = [(w, period_text(p)) for w, p in (("zones d'emploi", zones), ("départements et région", series)) if p]
    if len(parts) == 2 and parts[0][1] != parts[1][1]:
        return " ; ".join(f"{w} : {t}" for w, t in parts)
    return parts[0][1] if parts else ""

"""Demo jobseekers (DEFM): synthetic monthly counts by commune, written by
:func:`sources.jobseekers.write` (the codgeo table the demo profile uses) or
:func:`sources.jobseekers.write_stmt` (the raw STMT export, for tests)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sources import jobseekers
from sources.datafrance import official_names


def _months(first: dt.date, months: int) -> list[dt.date]:
    out = []
    for m in range(months):
        y, mo = divmod(first.month - 1 + m, 12)
        out.append(dt.date(first.year + y, mo + 1, 1))
    return out


def write_demo(dest: Path, communes: pd.DataFrame, rng: np.random.Generator,
               first: dt.date = dt.date(2023, 1, 1), months: int = 24) -> Path:
    """Write ``dest``/``SOURCE.demo_file`` (returned): synthetic monthly jobseekers for every
    commune, about 7 % of the population, with a département effect, a commune effect, a trend and
    seasonality; rounded to 10 as published."""
    dep_effect = {d: rng.normal(1.0, 0.12) for d in sorted(communes.dep.unique())}
    rows = []
    for c in communes.itertuples():
        level = c.population * 0.07 * dep_effect[c.dep] * rng.lognormal(0, 0.25)
        trend = rng.normal(0.0, 0.004)
        for m, month in enumerate(_months(first, months)):
            season = 1 + 0.03 * np.cos(2 * np.pi * (month.month - 2) / 12)
            value = level * (1 + trend) ** m * season * rng.normal(1, 0.015)
            rows.append((c.code, month, int(round(value / 10) * 10)))
    path = Path(dest) / jobseekers.SOURCE.demo_file
    jobseekers.write(path, pd.DataFrame(rows, columns=["commune_code", "month", "jobseekers"]))
    return path


def write_stmt_demo(path: Path, communes: pd.DataFrame, rng: np.random.Generator,
                    first: dt.date = dt.date(2023, 1, 1), months: int = 24) -> None:
    """Synthetic monthly jobseekers in the raw STMT export layout (read by
    :func:`sources.jobseekers.read`; the demo profile keeps the codgeo table of :func:`write_demo`):
    3 title lines, the header ``Mois;janvier 2023;…`` on line 4, one row per commune of 5,000
    inhabitants or more labelled ``"<Nom commune avec article> <code postal>"``, values rounded to
    10 and right-aligned with spaces, 3 footer lines. ``communes``: frame of
    :func:`portraits.geography.load_communes`."""
    names = official_names()
    dates = _months(first, months)
    rows = []
    for c in communes[communes.population >= 5000].sort_values("code").itertuples():
        level = c.population * 0.07 * rng.lognormal(0, 0.25)
        trend = rng.normal(0.0, 0.004)
        values = []
        for m, d in enumerate(dates):
            season = 1 + 0.03 * np.cos(2 * np.pi * (d.month - 2) / 12)
            value = int(round(level * (1 + trend) ** m * season * rng.normal(1, 0.015) / 10) * 10)
            values.append(f"{value:>5}")
        rows.append([f"{names.get(c.code, c.name)} {c.postcode}", *values])
    last = dates[-1]
    frame = pd.DataFrame(rows, columns=["Mois", *(f"{jobseekers.MONTHS_FR[d.month - 1]} {d.year}" for d in dates)],
                         dtype=object)
    jobseekers.write_stmt(path, frame,
                          titles=["Demandeurs d'emploi inscrits à France Travail en fin de mois, catégories A, B, C",
                                  "Données brutes ; communes de plus de 5 000 habitants ou disposant d'une agence",
                                  "Données de démonstration (valeurs inventées)"],
                          footers=["Source : France Travail, Dares (STMT)", "Note : effectifs arrondis à la dizaine",
                                   f"Dernier mois : {jobseekers.MONTHS_FR[last.month - 1]} {last.year}"])

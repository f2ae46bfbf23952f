"""Jobseekers registered at France Travail (DEFM), by commune and month.

Format read here: the commune-code keyed table ``codgeo,YEAR,Demandeurs_Emploi`` (one row per
commune × month, months written ``janvier_2020`` … ``decembre_2024``), as produced from the
France Travail STMT export (the raw export is keyed by "name + postcode"; see FORMATS.md 1.4).
Values are rounded to 10 by the producer. Categories A, B, C.

Duplicate rows for one commune and month (a by-product of the name + postcode join upstream)
are reported and resolved by keeping the largest value: the duplicates are either identical or
0, a join artefact.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .base import Loaded, Source, SourceError, check_commune_codes, read_official_csv, to_number, write_csv

SOURCE = Source(
    id="jobseekers",
    family="employment",
    title="Demandeurs d'emploi inscrits à France Travail par commune (catégories A, B, C)",
    producer="France Travail, Dares (STMT)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://statistiques.francetravail.org/stmt/defmexp?lk=0&mm=0&pp=202001-&ss=1",
    page="https://statistiques.francetravail.org/stmt/defm",
    file_patterns=("defm-communes-mensuel*.csv", "emploi_demandeur*.csv"),
    demo_file="defm-communes-mensuel.csv",
    download_name="defm-communes-mensuel.csv",
    description="Demandeurs d'emploi en fin de mois, catégories A, B, C, par commune de résidence; "
                "valeurs arrondies à la dizaine par le producteur.",
)

MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
          "octobre", "novembre", "decembre"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
COLUMNS = {"codgeo": "commune_code", "YEAR": "month_label", "Demandeurs_Emploi": "jobseekers"}


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]}_{month.year}"


def parse_month(path: Path, label: str, line: int) -> dt.date:
    from .base import normalise_name
    name, _, year = normalise_name(label).partition("_")
    if name not in MONTHS or not year.isdigit():
        raise SourceError(path, f"mois illisible {label!r} (attendu : janvier_2020 … decembre_2024)", line=line)
    return dt.date(int(year), MONTHS.index(name) + 1, 1)


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read the newest file. ``communes``: the accepted commune codes (a mapping brings former
    codes to current ones, see :func:`sources.base.check_commune_codes`); others are errors."""
    path = paths[-1]
    df = read_official_csv(path, COLUMNS)
    df["file_code"] = df.commune_code
    former = check_commune_codes(path, df, "commune_code", communes)
    df["jobseekers"] = to_number(path, df, "jobseekers", integer=True, minimum=0)
    df["month"] = [parse_month(path, lab, int(line)) for lab, line in zip(df.month_label, df._line)]
    warnings = []
    dup = df.duplicated(["file_code", "month"], keep=False)
    if dup.any():
        codes = sorted(set(df.loc[dup, "file_code"]))
        warnings.append(f"{path.name} : {int(dup.sum())} lignes en double (commune × mois) pour "
                        f"{len(codes)} communes ({', '.join(codes)}); valeur maximale retenue")
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                        f"{', '.join(former)}")
    # Rule: duplicates of one code and month keep their maximum (copies, or 0 from the upstream
    # join); former communes are then added to their commune nouvelle.
    per_code = df.groupby(["file_code", "commune_code", "month"], as_index=False)["jobseekers"].max()
    out = (per_code.groupby(["commune_code", "month"], as_index=False)["jobseekers"].sum(min_count=1)
           .sort_values(["commune_code", "month"], ignore_index=True))
    last = out.month.max()
    return Loaded(SOURCE, out, vintage=f"{MONTHS_FR[last.month - 1]} {last.year}", files=[path.name],
                  warnings=warnings)


def write_demo(path: Path, communes: pd.DataFrame, rng: np.random.Generator,
               first: dt.date = dt.date(2023, 1, 1), months: int = 24) -> None:
    """Synthetic monthly jobseekers for every commune: about 7 % of the population, with a
    département effect, a commune effect, a trend and seasonality; rounded to 10 as published."""
    dep_effect = {d: rng.normal(1.0, 0.12) for d in sorted(communes.dep.unique())}
    rows = []
    for c in communes.itertuples():
        level = c.population * 0.07 * dep_effect[c.dep] * rng.lognormal(0, 0.25)
        trend = rng.normal(0.0, 0.004)
        for m in range(months):
            y, mo = divmod(first.month - 1 + m, 12)
            month = dt.date(first.year + y, mo + 1, 1)
            season = 1 + 0.03 * np.cos(2 * np.pi * (mo - 1) / 12)
            value = level * (1 + trend) ** m * season * rng.normal(1, 0.015)
            rows.append([c.code, month_label(month), int(round(value / 10) * 10)])
    write_csv(path, list(COLUMNS), rows, sep=",")

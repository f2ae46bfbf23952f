"""InserJeunes (DEPP, Dares): what becomes of vocational leavers, by establishment.

Two official layouts are read, recognised by their header:

1. the ``fr-en-inserjeunes-cfa`` export of data.education.gouv.fr (``Année;UAI;Libellé;Région;…``,
   one line per CFA and cumulative vintage ``cumul 2022-2023``, rates at 6, 12, 18, 24 months);
2. the DEPP files by establishment, one per millésime and route, converted to
``;`` CSV (``…-<AAAA_AAAA>-pro….csv`` for lycées, voie professionnelle scolaire, with up to
three lines per UAI: ``ensemble``, ``dont apprentis``, ``dont élèves en voie pro sco``;
``…-<AAAA_AAAA>-apprentissage….csv`` for CFA, without that column and with trailing spaces in
three header names). Headers are matched by name. ``nd`` and empty cells are "non diffusable",
never zero. Rates are percentages (0–100); the value added may be negative.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .base import Loaded, Source, SourceError, read_official_csv, read_text, normalise_name, to_number, uai_key, write_csv

SOURCE = Source(
    id="inserjeunes",
    family="trajectories",
    title="InserJeunes : insertion des sortants de la voie professionnelle, par établissement",
    producer="DEPP, Dares (InserJeunes)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://data.education.gouv.fr/api/explore/v2.1/catalog/datasets/fr-en-inserjeunes-cfa/exports/csv?delimiter=%3B&use_labels=true",
    page="https://data.education.gouv.fr/explore/dataset/fr-en-inserjeunes-cfa/",
    file_patterns=("fr-en-inserjeunes-cfa*.csv", "*inserjeunes-etablissements-*_*-pro*.csv",
                   "*inserjeunes-etablissements-*_*-apprentissage*.csv"),
    demo_file="depp-inserjeunes-etablissements-2022_2023-pro.csv",
    download_name="fr-en-inserjeunes-cfa.csv",
    description="Taux d'emploi salarié en France 6 mois après la sortie et taux de poursuite d'études, "
                "sur deux cohortes de sortants cumulées.",
)

COLUMNS = {
    "n°UAI de l'établissement": "uai",
    "Libellé de l'établissement": "name",
    "Région": "region",
    "Taux de poursuite d'études": "further_study_rate",
    "Taux": "employment_rate_6m",
    "Taux attendu": "expected_rate_6m",
    "Valeur ajoutée": "value_added_6m",
    "Part en poursuite d'études": "share_further_study",
    "Part en emploi 6 mois après la sortie": "share_employed_6m",
    "Part des autres situations": "share_other",
}
POPULATION = {"Dont apprentis en EPLE": "population"}
POPULATIONS = {"ensemble": "ensemble", "dont apprentis": "apprentis",
               "dont eleves en voie pro sco": "scolaires"}
RATES = ["further_study_rate", "employment_rate_6m", "expected_rate_6m", "share_further_study",
         "share_employed_6m", "share_other"]
_MILLESIME = re.compile(r"(\d{4})_(\d{4})")
CFA_COLUMNS = {
    "Année": "year_label",
    "UAI": "uai",
    "Libellé": "name",
    "Région": "region",
    "DEVENIR Part poursuite études": "share_further_study",
    "DEVENIR Part en emploi 6 mois": "share_employed_6m",
    "DEVENIR Part autre situation 6 mois": "share_other",
    "Taux poursuite études": "further_study_rate",
    "Taux emploi 6 mois": "employment_rate_6m",
    "Taux emploi 6 mois attendu": "expected_rate_6m",
    "VA emploi 6 mois": "value_added_6m",
    "Taux emploi 12 mois": "employment_rate_12m",
    "Taux emploi 18 mois": "employment_rate_18m",
    "Taux emploi 24 mois": "employment_rate_24m",
}
LATER_RATES = ["employment_rate_12m", "employment_rate_18m", "employment_rate_24m"]
_CUMUL = re.compile(r"(\d{4})\s*-\s*(\d{4})")


def _read_cfa(path: Path) -> pd.DataFrame:
    """The data.education.gouv.fr export by CFA: one line per CFA and cumulative vintage."""
    df = read_official_csv(path, CFA_COLUMNS)
    years = df.year_label.str.extract(_CUMUL)
    if years.isna().any().any():
        i = years.isna().any(axis=1).idxmax()
        raise SourceError(path, f"millésime illisible {df.at[i, 'year_label']!r} (attendu « cumul AAAA-AAAA »)",
                          line=int(df.at[i, "_line"]))
    df["millesime"] = years[0] + "-" + years[1]
    for col in RATES + LATER_RATES:
        df[col] = to_number(path, df, col, minimum=0, maximum=100)
    df["value_added_6m"] = to_number(path, df, "value_added_6m", minimum=-100, maximum=100)
    df["population"] = "ensemble"
    df["route"] = "apprentissage"
    return df


def read(paths: list[Path], communes: set[str] | None = None) -> Loaded:
    """Read every millésime and route found; each file's millésime comes from its name."""
    frames, names = [], []
    for path in paths:
        names.append(path.name)
        header = {normalise_name(h) for h in read_text(path).splitlines()[0].split(";")}
        if {"annee", "uai"} <= header:
            frames.append(_check_uai(path, _read_cfa(path)).drop(columns=["_line", "region", "year_label"]))
            continue
        m = _MILLESIME.search(path.name)
        if not m:
            raise SourceError(path, "millésime introuvable dans le nom du fichier (attendu …_AAAA_AAAA…)")
        route = "apprentissage" if "apprentissage" in path.name else "pro"
        has_pop = normalise_name("Dont apprentis en EPLE") in header
        df = read_official_csv(path, {**COLUMNS, **(POPULATION if has_pop else {})})
        if has_pop:
            key = df.population.map(normalise_name)
            unknown = ~key.isin(POPULATIONS)
            if unknown.any():
                i = unknown.idxmax()
                raise SourceError(path, f"population inconnue {df.at[i, 'population']!r}", line=int(df.at[i, "_line"]))
            df["population"] = key.map(POPULATIONS)
        else:
            df["population"] = "ensemble"
        _check_uai(path, df)
        for col in RATES:
            df[col] = to_number(path, df, col, minimum=0, maximum=100)
        df["value_added_6m"] = to_number(path, df, "value_added_6m", minimum=-100, maximum=100)
        dup = df.duplicated(["uai", "population"])
        if dup.any():
            i = dup.idxmax()
            raise SourceError(path, f"ligne en double pour l'UAI {df.at[i, 'uai']} ({df.at[i, 'population']})",
                              line=int(df.at[i, "_line"]))
        df["millesime"] = f"{m.group(1)}-{m.group(2)}"
        df["route"] = route
        for col in LATER_RATES:
            df[col] = pd.Series([pd.NA] * len(df), dtype="Float64")
        frames.append(df.drop(columns=["_line", "region"]))
    out = pd.concat(frames, ignore_index=True)
    warnings = []
    dup = out.duplicated(["uai", "route", "population", "millesime"])
    if dup.any():
        warnings.append(f"InserJeunes : {int(dup.sum())} lignes présentes dans deux fichiers du même millésime "
                        f"(UAI {', '.join(sorted(set(out.uai[dup]))[:5])}…) ; la première lue est retenue")
        out = out[~dup].reset_index(drop=True)
    # The portraits show the millésime of the latest lycée file (a CFA export may hold a newer one):
    # the vintage named is the one shown.
    pro = out.millesime[out.route == "pro"]
    latest = max(pro) if len(pro) else max(out.millesime)
    return Loaded(SOURCE, out, vintage=f"sortants {latest.replace('-', ' et ')}", files=names, warnings=warnings)


def _check_uai(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    bad = ~df.uai.str.fullmatch(r"[0-9]{7}[A-Z]")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"UAI invalide {df.at[i, 'uai']!r}", line=int(df.at[i, "_line"]))
    return df


def demo_rows(lycees: pd.DataFrame, rng: np.random.Generator) -> list[list[str]]:
    """Synthetic outcomes for the demo's vocational lycées (``lycees``: uai, name), with the three
    populations, ``nd`` for small groups, and one UAI unknown to the directory."""
    def fmt(x):
        return "nd" if x is None else str(int(round(x)))

    rows = []
    extra = pd.DataFrame([{"uai": "0859999" + uai_key("0859999"), "name": "Lycée professionnel fermé"}])
    for r in pd.concat([lycees, extra], ignore_index=True).itertuples():
        base = float(np.clip(rng.normal(55, 9), 25, 85))
        expected = float(np.clip(base + rng.normal(0, 4), 20, 90))
        further = float(np.clip(rng.normal(45, 10), 10, 80))
        for pop, shift, hidden in (("ensemble", 0, rng.random() < 0.06),
                                   ("dont apprentis", 12, rng.random() < 0.6),
                                   ("dont élèves en voie pro sco", -2, rng.random() < 0.1)):
            if hidden:
                rows.append([r.uai, r.name, "PAYS DE LA LOIRE", pop] + ["nd"] * 7)
                continue
            rate = float(np.clip(base + shift, 0, 100))
            emp_share = rate * (100 - further) / 100
            rows.append([r.uai, r.name, "PAYS DE LA LOIRE", pop, fmt(further), fmt(rate), fmt(expected),
                         fmt(rate - expected), fmt(further), fmt(emp_share), fmt(max(0.0, 100 - further - emp_share))])
    return rows


def write_demo(path: Path, lycees: pd.DataFrame, rng: np.random.Generator) -> None:
    header = [k for k in COLUMNS][:3] + list(POPULATION) + list(COLUMNS)[3:]
    write_csv(path, header, demo_rows(lycees, rng), sep=";", crlf=True)

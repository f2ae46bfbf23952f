"""InserJeunes (DEPP, Dares): what becomes of vocational leavers, by establishment.

Three official layouts are read, recognised by their header (names matched without regard to
accents, case and trailing spaces, never by position):

1. ``fr-en-inserjeunes-cfa``, the export by CFA of data.education.gouv.fr (national: 11,314 lines,
   one per CFA and cumulative vintage ``cumul 2018-2019`` … ``cumul 2023-2024``): UTF-8 with BOM,
   ``;``, CRLF, decimal point, empty cell = not published; :data:`CFA_HEADER` (16 columns), rates
   at 6, 12, 18 and 24 months.
2. The DEPP files by establishment, one per millésime and route (the millésime is read from the
   file name, ``…_AAAA_AAAA…``), converted to CSV by mission-apprentissage: UTF-8 without BOM, ``;``,
   CRLF, ``nd`` = not diffusable:

   - ``…-<AAAA_AAAA>-pro….csv`` (lycées, voie professionnelle scolaire; 5,605 lines nationally in
     2022_2023): :data:`PRO_HEADER`, up to three lines per UAI by ``Dont apprentis en EPLE``:
     ``ensemble``, ``dont apprentis``, ``dont élèves en voie pro sco`` (a file without that column,
     as the 2018_2019 one, has ``ensemble`` lines only);
   - ``…-<AAAA_AAAA>-apprentissage….csv`` (CFA; 2,527 lines nationally in 2022_2023):
     :data:`APPRENTISSAGE_HEADER`, the same without ``Dont apprentis en EPLE`` and with a trailing
     space in three names.

Evidence (réel): ../shared/data/real/fr-en-inserjeunes-cfa_pdl.csv and
depp-inserjeunes-etablissements-2022_2023-{pro,apprentissage}_pdl.csv (lines of the national
files kept byte for byte, PROVENANCE.md §1–2), and the national copies they come from:
HugoSRagain/AnalyseCFA-DonneesInserJeunes ``fr-en-inserjeunes-cfa.csv`` and
mission-apprentissage/trajectoires-pro ``server/data/depp-2022-etablissements-2022_2023-{pro,
apprentissage}.csv`` (commit 2b7a517b), which also gave the national counts above.

National files: the region's lines are kept first, then checked. A line is of the region when its
UAI (7 digits and a letter) is of one of the region's départements (its 3 first characters:
``044`` Loire-Atlantique…), or when its ``Région`` label is the region's name (upper case without
accents in every national file: ``PAYS DE LA LOIRE``, ``AUVERGNE-RHONE-ALPES``; the two rules give
the same lines on the national copies). A malformed UAI of another region therefore never stops
the build, one labelled with the region's name does. A file without a line of the region is left
aside with a warning; when no file has one the dataset is left out (``NoRegionalRows``). Without
``region`` nor ``communes`` (tests), every line is kept.

Needed columns (``SOURCE.needs``, per layout :data:`LAYOUT_NEEDS`): the UAI (and the ``Année`` of
the CFA export) are required; a rate column missing is a named warning, its rates are missing and
the indicators it feeds say why. ``nd`` and empty cells are not published, never zero. Rates are
percentages (0–100); the value added may be negative. The same UAI, route, population and
millésime in two files (the CFA export and the DEPP apprentissage file of the same millésime) is
reported and the first read is kept.

:func:`write` writes one layout from the frame of its own columns: the read is lossy (the region's
lines, rates converted, populations recoded), so the round-trip test states the tidy result it
expects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, csv_header, normalise_name,
                     read_official_csv, read_text, region_key, to_number, uai_prefix, union_needs)
from .common.writing import write_frame
from .datafrance import region_scope

# The official headers, as written (the apprentissage file's trailing spaces included).
CFA_HEADER = ["Année", "UAI", "Libellé", "Région", "DEVENIR Part poursuite études", "DEVENIR Part en emploi 6 mois",
              "DEVENIR Part autre situation 6 mois", "Part contrats apprentissage interrompus",
              "Taux poursuite études", "Taux emploi 6 mois", "Taux emploi 6 mois attendu", "VA emploi 6 mois", "Taux emploi 12 mois",
              "Taux emploi 18 mois", "Taux emploi 24 mois", "num_ligne"]
PRO_HEADER = ["n°UAI de l'établissement", "Libellé de l'établissement", "Région", "Dont apprentis en EPLE",
              "Taux de poursuite d'études", "Taux", "Taux attendu", "Valeur ajoutée", "Part en poursuite d'études",
              "Part en emploi 6 mois après la sortie", "Part des autres situations"]
APPRENTISSAGE_HEADER = ["n°UAI de l'établissement", "Libellé de l'établissement", "Région",
                        "Taux de poursuite d'études", "Taux", "Taux attendu", "Valeur ajoutée", "Part en poursuite d'études ",
                        "Part en emploi 6 mois après la sortie ", "Part des autres situations "]

# What each column feeds (indicators of portraits/indicators/catalogue.toml, blocks of report.BLOCKS).
_SCHOOL = ("ij_employment_6m_school", "ij_establishments_employment_6m_school", "ij_further_study_school",
           "ij_establishments_further_study_school")
_APP_6M = ("ij_employment_6m_apprentices", "ij_establishments_employment_6m_apprentices")
_APP_12M = ("ij_employment_12m_apprentices", "ij_establishments_employment_12m_apprentices")
_APP_FURTHER = ("ij_further_study_apprentices", "ij_establishments_further_study_apprentices")
_PRO_6M = ("ij_employment_6m", "ij_establishments", "ij_employment_6m_school", "ij_establishments_employment_6m_school",
           *_APP_6M, "trajectories_establishments")
_PRO_FURTHER = ("ij_further_study", "ij_further_study_school", "ij_establishments_further_study_school", *_APP_FURTHER,
                "trajectories_establishments")
LAYOUT_NEEDS = {
    "cfa": (Need("Année", (*_APP_6M, *_APP_12M, *_APP_FURTHER)),
            Need("UAI", (*_APP_6M, *_APP_12M, *_APP_FURTHER)),
            Need("Taux emploi 6 mois", _APP_6M, required=False),
            Need("Taux emploi 12 mois", _APP_12M, required=False),
            Need("Taux poursuite études", _APP_FURTHER, required=False)),
    "pro": (Need("n°UAI de l'établissement", tuple(dict.fromkeys(_PRO_6M + _PRO_FURTHER))),
            Need("Dont apprentis en EPLE", (*_SCHOOL, *_APP_6M, *_APP_FURTHER, "trajectories_establishments"),
                 required=False),
            Need("Libellé de l'établissement", ("trajectories_establishments",), required=False),
            Need("Taux", _PRO_6M, required=False),
            Need("Taux de poursuite d'études", _PRO_FURTHER, required=False),
            Need("Valeur ajoutée", ("trajectories_establishments",), required=False)),
    "apprentissage": (Need("n°UAI de l'établissement", (*_APP_6M, *_APP_FURTHER)),
                      Need("Taux", _APP_6M, required=False),
                      Need("Taux de poursuite d'études", _APP_FURTHER, required=False)),
}

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
    # Alternative layouts: no column is required of every file (the UAI is "UAI" in the CFA export,
    # "n°UAI de l'établissement" in the DEPP files); each file's layout is checked on its own needs.
    needs=union_needs(*LAYOUT_NEEDS.values()),
    known_columns=tuple(dict.fromkeys(c for c in CFA_HEADER + PRO_HEADER + APPRENTISSAGE_HEADER)),
    evidence="réel",
    evidence_where="../shared/data/real/fr-en-inserjeunes-cfa_pdl.csv, depp-inserjeunes-etablissements-2022_2023-"
                   "pro_pdl.csv et -apprentissage_pdl.csv (lignes des fichiers nationaux : HugoSRagain/AnalyseCFA-"
                   "DonneesInserJeunes, mission-apprentissage/trajectoires-pro server/data/)",
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
OUTPUT_COLUMNS = ["uai", "name", "population", "millesime", "route", *RATES, "value_added_6m", *LATER_RATES]
_CUMUL = re.compile(r"(\d{4})\s*-\s*(\d{4})")
_UAI = r"[0-9]{7}[A-Z]"


def layout_of(path: Path, header: list[str]) -> str:
    """``cfa`` (the data.education.gouv.fr export), ``pro`` or ``apprentissage`` (the DEPP files):
    by the header; a DEPP file without ``Dont apprentis en EPLE`` is an apprentissage file when its
    name says so, else a lycée file of a millésime without that breakdown."""
    keys = {normalise_name(h) for h in header}
    if {"annee", "uai"} & keys:
        return "cfa"
    if normalise_name("Dont apprentis en EPLE") in keys:
        return "pro"
    return "apprentissage" if "apprentissage" in Path(path).name.lower() else "pro"


def _present(columns: dict[str, str], header: list[str]) -> dict[str, str]:
    keys = {normalise_name(h) for h in header}
    return {k: v for k, v in columns.items() if normalise_name(k) in keys}


def _regional(df: pd.DataFrame, prefixes: set[str] | None, label: str | None) -> pd.DataFrame:
    """The lines of the region: UAI of one of its départements, or its name in ``Région``."""
    if prefixes is None:
        return df
    uai = df.uai.str.upper()
    keep = uai.str.fullmatch(_UAI) & uai.str[:3].isin(prefixes)
    if label is not None and "region" in df:
        keep |= df.region.map(region_key) == label
    return df[keep].reset_index(drop=True)


def _read_file(path: Path, layout: str, text: str, header: list[str], prefixes: set[str] | None,
               label: str | None) -> pd.DataFrame:
    """The region's lines of one file, checked, in :data:`OUTPUT_COLUMNS`."""
    if layout == "cfa":
        df = read_official_csv(path, _present(CFA_COLUMNS, header), text=text)
    else:
        m = _MILLESIME.search(path.name)
        if not m:
            raise SourceError(path, "millésime introuvable dans le nom du fichier (attendu …_AAAA_AAAA…)")
        df = read_official_csv(path, _present({**COLUMNS, **POPULATION}, header), text=text)
    df = _regional(df, prefixes, label)
    if df.empty:
        return df
    _check_uai(path, df)
    if layout == "cfa":
        years = df.year_label.str.extract(_CUMUL)
        if years.isna().any().any():
            i = years.isna().any(axis=1).idxmax()
            raise SourceError(path, f"millésime illisible {df.at[i, 'year_label']!r} (attendu « cumul AAAA-AAAA »)",
                              line=int(df.at[i, "_line"]))
        df["millesime"] = years[0] + "-" + years[1]
        df["population"] = "ensemble"
        df["route"] = "apprentissage"
    else:
        if "population" in df:
            key = df.population.map(normalise_name)
            unknown = ~key.isin(POPULATIONS)
            if unknown.any():
                i = unknown.idxmax()
                raise SourceError(path, f"population inconnue {df.at[i, 'population']!r}", line=int(df.at[i, "_line"]))
            df["population"] = key.map(POPULATIONS)
        else:
            df["population"] = "ensemble"
        dup = df.duplicated(["uai", "population"])
        if dup.any():
            i = dup.idxmax()
            raise SourceError(path, f"ligne en double pour l'UAI {df.at[i, 'uai']} ({df.at[i, 'population']})",
                              line=int(df.at[i, "_line"]))
        df["millesime"] = f"{m.group(1)}-{m.group(2)}"
        df["route"] = layout
    for col in RATES + LATER_RATES:
        df[col] = (to_number(path, df, col, minimum=0, maximum=100) if col in df
                   else pd.Series([pd.NA] * len(df), dtype="Float64"))
    df["value_added_6m"] = (to_number(path, df, "value_added_6m", minimum=-100, maximum=100) if "value_added_6m" in df
                            else pd.Series([pd.NA] * len(df), dtype="Float64"))
    if "name" not in df:
        df["name"] = None
    return df[OUTPUT_COLUMNS]


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None, region: str | None = None) -> Loaded:
    """Read every millésime and route found, keeping the lines of the region (``region``: INSEE
    code; else the départements of ``communes``; every line when both are None)."""
    deps, label = region_scope(region, communes)
    prefixes = None if deps is None else {uai_prefix(d) for d in deps}
    frames, names, warnings, missing = [], [], [], []
    for path in map(Path, paths):
        names.append(path.name)
        text = read_text(path)
        header = csv_header(path, text)
        layout = layout_of(path, header)
        check_needs(path, header, SOURCE, warnings, missing, needs=LAYOUT_NEEDS[layout])
        df = _read_file(path, layout, text, header, prefixes, label)
        if df.empty:
            warnings.append(f"{path.name} : aucun établissement de la région (départements "
                            f"{', '.join(sorted(deps))}) ; fichier non retenu")
            continue
        frames.append(df)
    if not frames:
        raise NoRegionalRows(Path(paths[-1]), f"aucun établissement des départements {', '.join(sorted(deps))} "
                                              f"dans {', '.join(names)}")
    out = pd.concat(frames, ignore_index=True)
    dup = out.duplicated(["uai", "route", "population", "millesime"])
    if dup.any():
        warnings.append(f"InserJeunes : {int(dup.sum())} lignes présentes dans deux fichiers du même millésime "
                        f"(UAI {', '.join(sorted(set(out.uai[dup]))[:5])}…) ; la première lue est retenue")
        out = out[~dup].reset_index(drop=True)
    # The portraits show the millésime of the latest lycée file (a CFA export may hold a newer one):
    # the vintage named is the one shown.
    pro = out.millesime[out.route == "pro"]
    latest = max(pro) if len(pro) else max(out.millesime)
    return Loaded(SOURCE, out, vintage=f"sortants {latest.replace('-', ' et ')}", files=names, warnings=warnings,
                  missing=missing)


def _check_uai(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    bad = ~df.uai.str.fullmatch(_UAI)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"UAI invalide {df.at[i, 'uai']!r}", line=int(df.at[i, "_line"]))
    return df


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of one official layout: :data:`CFA_HEADER`, :data:`PRO_HEADER`
    or :data:`APPRENTISSAGE_HEADER`; text cells, ``nd`` where not diffusable) in that layout:
    ``;``, CRLF, UTF-8 with BOM for the CFA export, without for the DEPP files. :func:`read` keeps
    the region's rows and derives its own columns: ``read(write(frame))`` is that tidy table."""
    write_frame(path, frame, sep=";", crlf=True, bom=layout_of(path, list(frame.columns)) == "cfa")

"""Private-sector employer establishments and salaried headcounts by commune × APE (Urssaf).

Format read here: the Opendatasoft CSV export *with labels* of the dataset
``etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last`` (``use_labels=true``): UTF-8
with BOM, ``;`` separator, CRLF, fields containing ``;`` quoted (``"MN Activités scientifiques et
techniques ; soutien…"``). Wide layout: label columns (``Région;…;Code commune;Code APE``), then two
columns per year, ``Nombre d'établissements <AAAA>;Effectifs salariés <AAAA>``, detected by name
(every year present is read; both columns of a year are required). Label columns carry their code
as a prefix (``FZ Construction``): NA17 and NA38 codes and labels are split from them. The export
without labels (snake_case machine names) is not read.

Evidence (``SOURCE.evidence`` "réel"): the real format sample
``../shared/data/real/urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv`` (PROVENANCE.md §9:
an export of the same dataset filtered to the zone d'emploi of Rouen, Seine-Maritime, region 28,
1,048 rows, years 2006–2022), from ``EduardoRodrigues10/ScaleModels_Simulations_FlowRouting``. No
copy of the region's rows exists: a build given that sample leaves the dataset out (no row of the
region) and says why.

What the figures are, as the dataset's page states it
(https://open.urssaf.fr/explore/dataset/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last/;
its description, read in the copy harvested by grandest-moissonnage.data4citizen.com, dataset
"Nombre d'établissements employeurs et effectifs salariés du secteur privé, par commune x APE
(2006-2022)"): « Nombre d'établissements employeurs et effectifs salariés en fin d'année, par commune
x APE » — headcounts at the end of the year (salaried employees on the payroll on the last day,
the Urssaf method), not annual averages; field « établissements employeurs du secteur privé,
régime général » (the agricultural scheme is outside it); apprentices counted since the June 2023
publication; the number of establishments is a number of contributor accounts (usually one per
SIRET) with a payroll declared for the last month of the year. Licence: the Open Database License
(ODbL), the licence of the open.urssaf.fr datasets (every Urssaf dataset harvested on data.gouv.fr
from that portal carries it; the page's "Informations" tab says so for this one).

Values: an empty cell means no establishment that year: missing, never 0 (a count of 1 with 0
employees exists). A row × year with both cells empty is left out of the long table; one with an
establishment count but an empty headcount keeps a missing headcount.

National file: the export covers France unless refined. The region's rows are kept first — by
``Code région`` when the file has it and the region is given, otherwise by ``Code département``
(the départements of the accepted communes) — and only those rows are checked (APE codes, sector
labels, commune codes, numbers, duplicates): a row of another region never stops the build. A
file with no row of the region raises :class:`sources.common.NoRegionalRows` (the dataset is left
out, and its parts say why). Commune codes of the region are checked against the accepted codes,
and former communes are added to their current commune (sums, missing if all parts are missing).
Duplicate rows (same commune code and APE in the file) are dropped with a warning when identical,
and are an error otherwise.

Writing: :func:`write` is the exact inverse of the file, not of :func:`read` (which splits codes
from labels, melts the years and sums former communes): it takes the frame of the file's own
columns (:data:`HEADER`, then :func:`year_header`); tests/test_write_urssaf.py states the long
table read back. The demo export is drawn in ``portraits/demo/urssaf.py``.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .common import (check_commune_codes, check_needs, csv_header, Loaded, Need, NoRegionalRows, normalise_name,
                     read_official_csv, read_text, region_departements, sniff_separator, Source, SourceError, to_number,
                     write_csv)
from .common.frames import frame_rows

PAGE = "https://open.urssaf.fr/explore/dataset/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last/"
_ALL = ("salaried_jobs", "salaried_jobs_change_1y", "employer_establishments", "salaried_series", "salaried_sectors")
SOURCE = Source(
    id="urssaf",
    family="employment",
    title="Nombre d'établissements employeurs et effectifs salariés du secteur privé, par commune x APE",
    producer="Urssaf (Acoss)",
    licence="Open Database License (ODbL)",
    url="https://open.urssaf.fr/api/explore/v2.1/catalog/datasets/etablissements-et-effectifs-salaries-au-niveau-"
        "commune-x-ape-last/exports/csv?delimiter=%3B&use_labels=true&refine=code_region%3A52",
    page=PAGE,
    file_patterns=("etablissements-et-effectifs-salaries-au-niveau-commune-x-ape*.csv",
                   "urssaf-etablissements-effectifs-commune-ape*.csv"),
    demo_file="etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv",
    download_name="etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv",
    description="Établissements employeurs et effectifs salariés en fin d'année du secteur privé (régime "
                "général), par commune et code APE, apprentis compris depuis la publication de juin 2023.",
    notes=("Effectifs salariés en fin d'année (salariés inscrits au dernier jour de l'année), et non "
           "moyennes annuelles ; établissements : comptes employeurs ayant déclaré une masse salariale au "
           f"dernier mois de l'année (page du jeu de données : {PAGE}).",
           "Licence ODbL : la réutilisation doit citer la source (Urssaf) et garder ouverte la base dérivée.",
           "Une cellule vide signifie aucun établissement cette année-là : valeur manquante, jamais 0."),
    needs=(Need("Code commune", _ALL), Need("Code APE", _ALL), Need("Code département", _ALL),
           Need("Secteur NA17", ("salaried_sectors",)), Need("Secteur NA38", ("salaried_sectors",)),
           Need("Nombre d'établissements {aaaa}", ("employer_establishments",)),
           Need("Effectifs salariés {aaaa}", ("salaried_jobs", "salaried_jobs_change_1y", "salaried_series",
                                              "salaried_sectors"))),
    known_columns=("Région", "Ancienne région", "Département", "Zone d'emploi", "EPCI", "Nom commune", "Commune",
                   "Grand secteur d'activité", "Secteur NA88", "APE", "Code région", "Code ancienne région",
                   "Code zone d'emploi", "Code EPCI"),
    evidence="réel",
    evidence_where="../shared/data/real/urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv (export réel du "
                   "même jeu, zone d'emploi de Rouen) ; définitions et licence : page open.urssaf.fr du jeu",
)

LABEL_COLUMNS = {"Code commune": "commune_code", "Code APE": "ape_code", "Code département": "dep",
                 "Secteur NA17": "na17", "Secteur NA38": "na38"}
OUTPUT = ["commune_code", "year", "ape_code", "na17_code", "na17_label", "na38_code", "na38_label",
          "establishments", "employees"]
_YEAR_COLUMNS = {"establishments": re.compile(r"^nombre d.?etablissements[ _](\d{4})$"),
                 "employees": re.compile(r"^effectifs salaries[ _](\d{4})$")}


def _year_columns(path: Path) -> dict[str, str]:
    """Official header of each year column → ``establishments_<AAAA>`` / ``employees_<AAAA>``."""
    header_line = next((line for line in read_text(path).splitlines() if line.strip()), "")
    header = next(csv.reader([header_line], delimiter=sniff_separator(header_line)))
    out: dict[str, str] = {}
    years: dict[str, set[str]] = {k: set() for k in _YEAR_COLUMNS}
    for h in header:
        for kind, pattern in _YEAR_COLUMNS.items():
            m = pattern.match(normalise_name(h))
            if m:
                out[h] = f"{kind}_{m[1]}"
                years[kind].add(m[1])
    if not out:
        raise SourceError(path, "aucune colonne annuelle « Nombre d'établissements AAAA » / « Effectifs "
                                "salariés AAAA » (export sans libellés ? utiliser use_labels=true)", line=1)
    lonely = years["establishments"] ^ years["employees"]
    if lonely:
        raise SourceError(path, f"années sans leur paire de colonnes (établissements et effectifs) : "
                                f"{', '.join(sorted(lonely))}", line=1)
    return out


def _split_code(path: Path, df: pd.DataFrame, column: str, pattern: str) -> tuple[pd.Series, pd.Series]:
    parts = df[column].str.extract(r"^(\S+)\s+(.*\S)\s*$")
    bad = ~parts[0].fillna("").str.fullmatch(pattern)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"libellé sans code en tête {df.at[i, column]!r} dans la colonne {column}",
                          line=int(df.at[i, "_line"]))
    return parts[0], parts[1]


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         departements: Iterable[str] | None = None, region: str | None = None) -> Loaded:
    """Read the newest file into a long table ``commune_code, year, ape_code, na17_code,
    na17_label, na38_code, na38_label, establishments, employees``.

    ``communes``: accepted commune codes (a mapping brings former codes to current ones, see
    :func:`sources.common.check_commune_codes`). ``region``: INSEE region code, matched with
    ``Code région`` when the file has it. ``departements``: otherwise, the départements kept
    (default: those of the current communes of ``communes``, a mapping's values; all when all three
    are None)."""
    path = paths[-1]
    warnings: list[str] = []
    missing: list[dict] = []
    years = _year_columns(path)          # first: its message names the export without labels
    header = csv_header(path)
    check_needs(path, header, SOURCE, warnings, missing)
    by_region = region is not None and any(normalise_name(h) == "code region" for h in header)
    df = read_official_csv(path, {**LABEL_COLUMNS, **years, **({"Code région": "reg"} if by_region else {})})
    # The region's rows first; everything below checks them only.
    df = _regional_rows(path, df, region if by_region else None, communes, departements)
    bad = ~df.ape_code.str.fullmatch(r"\d{4}[A-Z]")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code APE invalide {df.at[i, 'ape_code']!r}", line=int(df.at[i, "_line"]))
    df["na17_code"], df["na17_label"] = _split_code(path, df, "na17", r"[A-Z0-9]{2}")
    df["na38_code"], df["na38_label"] = _split_code(path, df, "na38", r"[A-Z0-9]{2}")
    df["file_code"] = df.commune_code
    former = check_commune_codes(path, df, "commune_code", communes)
    value_columns = list(years.values())
    df = _without_duplicates(path, df, value_columns, warnings)
    for column in value_columns:
        df[column] = to_number(path, df, column, minimum=0)
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                        f"{', '.join(former)}")
    out = _long_table(df, value_columns)
    if out.empty:
        raise SourceError(path, "aucune valeur d'établissements ni d'effectifs")
    first, last = int(out.year.min()), int(out.year.max())
    return Loaded(SOURCE, out, vintage=f"effectifs salariés de fin d'année {first}-{last}", files=[path.name],
                  warnings=warnings, missing=missing)


def _regional_rows(path: Path, df: pd.DataFrame, region: str | None, communes, departements) -> pd.DataFrame:
    """The rows of the region: by ``Code région`` when ``region`` is given (the file has the
    column), otherwise by ``Code département`` (``departements``, or those of ``communes``)."""
    if region is not None:
        region = str(region).zfill(2)
        df = df[df.reg.str.zfill(2) == region].reset_index(drop=True)
        if df.empty:
            raise NoRegionalRows(path, f"aucune ligne de la région {region} (colonne Code région)")
        return df
    if departements is None and communes is not None:
        departements = region_departements(communes)
    if departements is not None:
        wanted = {str(d).zfill(2) for d in departements}
        df = df[df.dep.str.zfill(2).isin(wanted)].reset_index(drop=True)
        if df.empty:
            raise NoRegionalRows(path, f"aucune ligne des départements {', '.join(sorted(wanted))}")
    return df


def _without_duplicates(path: Path, df: pd.DataFrame, value_columns: list[str], warnings: list[str]) -> pd.DataFrame:
    """One row per file commune code × APE: identical copies dropped (a warning), different ones an error."""
    dup = df.duplicated(["file_code", "ape_code"], keep=False)
    if not dup.any():
        return df
    same = df[dup].duplicated(["file_code", "ape_code", *value_columns], keep=False)
    if not same.all():
        i = same[~same].index[-1]
        raise SourceError(path, f"lignes en double aux valeurs différentes pour la commune "
                                f"{df.at[i, 'file_code']} et l'APE {df.at[i, 'ape_code']}",
                          line=int(df.at[i, "_line"]))
    keys = sorted(set(df.loc[dup, "file_code"] + " × " + df.loc[dup, "ape_code"]))
    warnings.append(f"{path.name} : {int(dup.sum())} lignes en double identiques (commune × APE : "
                    f"{', '.join(keys[:10])}{' …' if len(keys) > 10 else ''}) ; une seule gardée")
    return df.drop_duplicates(["file_code", "ape_code"]).reset_index(drop=True)


def _long_table(df: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    """The wide year columns as the long table :data:`OUTPUT`, summed over the file codes of one
    current commune (a year with no value stays missing; a row × year with both cells empty is
    left out)."""
    keys = ["commune_code", "ape_code", "na17_code", "na17_label", "na38_code", "na38_label"]
    long = df.melt(id_vars=keys, value_vars=value_columns, var_name="column", value_name="value")
    long = long[long.value.notna()]
    long[["kind", "year"]] = long.column.str.split("_", expand=True)
    out = (long.groupby([*keys, "year", "kind"], sort=False).value.sum(min_count=1)
           .unstack("kind").reindex(columns=["establishments", "employees"]).rename_axis(columns=None)
           .reset_index())
    out["year"] = out.year.astype(int).astype("Int64")
    for column in ("establishments", "employees"):
        out[column] = out[column].astype("Float64")
    return out[OUTPUT].sort_values(["commune_code", "ape_code", "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Writing: the official wide layout (the exact inverse of the file, not of read: read sums and melts).

# The label columns of the export with labels, in order; the year columns follow.
HEADER = ["Région", "Ancienne région", "Département", "Zone d'emploi", "EPCI", "Nom commune", "Commune",
          "Grand secteur d'activité", "Secteur NA17", "Secteur NA38", "Secteur NA88", "APE", "Code région",
          "Code ancienne région", "Code département", "Code zone d'emploi", "Code EPCI", "Code commune", "Code APE"]
YEAR_HEADERS = ("Nombre d'établissements", "Effectifs salariés")   # the pair of columns of each year


def year_header(years: Iterable[int]) -> list[str]:
    """The year columns of an export of ``years``: ``Nombre d'établissements AAAA;Effectifs salariés AAAA``."""
    return [f"{what} {y}" for y in years for what in YEAR_HEADERS]


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the file's own columns: :data:`HEADER` then :func:`year_header`, every cell
    as text, missing cells empty) as the Opendatasoft export with labels: UTF-8 with BOM, ``;``, CRLF,
    fields holding ``;`` quoted. :func:`read` of it gives the long table of those rows."""
    write_csv(path, list(frame.columns), frame_rows(frame), sep=";", bom=True, crlf=True)

"""Familles professionnelles FAP-2021 (Dares): the nomenclature that names the BMO métiers.

Format read here: the Dares code list with its four nested levels, one line per FAP-341 code:
``Code_FAP341;Intitulé_FAP341;Code_FAP228;Intitulé_FAP228;Code_FAP86;Intitulé_FAP86;Code_FAP22;
Intitulé_FAP22`` (UTF-8 with BOM, ``;``, CRLF; headers matched by name). Only the three upper
levels are kept: the BMO survey codes its métiers at the FAP-228 level (``Code métier BMO``,
e.g. ``A0X40``), so the table is reduced to one row per FAP-228 code with its FAP-86 and FAP-22
parents. Several FAP-341 lines share one FAP-228 code: they must agree on its label and parents,
otherwise the file is rejected (the error names the code and the line).

Codes: FAP-228 ``[A-Z][0-9A-Z]{2}[0-9]{2}`` (``A0X40``, ``QAX01`` for the public-service
families), FAP-86 its first three characters' shape ``[A-Z][0-9A-Z]{2}``, FAP-22 one letter.

Evidence (``SOURCE.evidence`` "réel"): ``../shared/data/real/dares-nomenclature-FAP2021.csv``, the
whole national code list (341 lines, PROVENANCE.md §6), from ``dataforgoodfr/13_odis``
``dbt_odis/seeds/Intitulés_FAP2021.csv``. A national referential: nothing to reduce to the region.
The six FAP-228/86/22 columns are required (``SOURCE.needs``: they name the BMO métiers and group
them into the domains compared with the training offer); the FAP-341 ones are known, not read.

:func:`write` writes the list from the frame of its own columns (:data:`HEADER`): the read is lossy
(reduced to FAP-228), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .common import Loaded, Need, Source, SourceError, check_needs, csv_header, read_official_csv
from .common.writing import write_frame

SOURCE = Source(
    id="fap",
    family="employment",
    title="Nomenclature des familles professionnelles (FAP-2021)",
    producer="Dares",
    licence="Licence Ouverte v2.0 (Etalab)",
    # No stable direct link to the code list was found: the official download is on this page.
    url="https://dares.travail-emploi.gouv.fr/publication/la-nomenclature-des-familles-professionnelles-fap-2021",
    page="https://dares.travail-emploi.gouv.fr/publication/la-nomenclature-des-familles-professionnelles-fap-2021",
    file_patterns=("*FAP2021*.csv", "*FAP-2021*.csv"),
    demo_file="dares-nomenclature-FAP2021.csv",
    download_name="dares-nomenclature-FAP2021.csv",
    description="Familles professionnelles FAP-2021 en 228, 86 et 22 postes : libellés des métiers de "
                "l'enquête BMO et leurs regroupements.",
    notes=("Le lien de téléchargement direct de la liste des codes n'est pas stable : la page officielle "
           "est indiquée comme adresse de téléchargement.",),
    needs=tuple(Need(c, ("bmo_metiers", "fap_domains", "training_needs"))
                for c in ("Code_FAP228", "Intitulé_FAP228", "Code_FAP86", "Intitulé_FAP86", "Code_FAP22",
                          "Intitulé_FAP22")),
    known_columns=("Code_FAP341", "Intitulé_FAP341"),
    evidence="réel",
    evidence_where="../shared/data/real/dares-nomenclature-FAP2021.csv (liste nationale complète, "
                   "dataforgoodfr/13_odis dbt_odis/seeds/Intitulés_FAP2021.csv)",
)

COLUMNS = {
    "Code_FAP228": "fap_code",
    "Intitulé_FAP228": "fap_name",
    "Code_FAP86": "fap86_code",
    "Intitulé_FAP86": "fap86_name",
    "Code_FAP22": "fap22_code",
    "Intitulé_FAP22": "fap22_name",
}
HEADER = ["Code_FAP341", "Intitulé_FAP341", *COLUMNS]
PATTERNS = {"fap_code": r"[A-Z][0-9A-Z]{2}[0-9]{2}", "fap86_code": r"[A-Z][0-9A-Z]{2}", "fap22_code": r"[A-Z]"}
OUTPUT = list(COLUMNS.values())
OFFICIAL = {v: k for k, v in COLUMNS.items()}
VINTAGE = "FAP-2021"


def read(paths: list[Path], communes: object = None) -> Loaded:
    """Read the newest file (``communes`` is accepted for the common interface and not used)."""
    path = paths[-1]
    warnings: list[str] = []
    missing: list[dict] = []
    check_needs(path, csv_header(path), SOURCE, warnings, missing)
    df = read_official_csv(path, COLUMNS)
    for col, pattern in PATTERNS.items():
        bad = ~df[col].str.fullmatch(pattern)
        if bad.any():
            i = bad.idxmax()
            raise SourceError(path, f"code invalide {df.at[i, col]!r} dans la colonne {OFFICIAL[col]}",
                              line=int(df.at[i, "_line"]))
    empty = (df[OUTPUT] == "").any(axis=1)
    if empty.any():
        i = empty.idxmax()
        raise SourceError(path, f"intitulé vide pour le code {df.at[i, 'fap_code']}", line=int(df.at[i, "_line"]))
    # Rule: the FAP-341 lines of one FAP-228 code must agree on its label and its parents; the
    # first line of each code is kept.
    first = df.drop_duplicates("fap_code")
    merged = df.merge(first[OUTPUT], on="fap_code", suffixes=("", "_first"))
    for col in OUTPUT[1:]:
        differ = merged[col] != merged[f"{col}_first"]
        if differ.any():
            i = differ.idxmax()
            raise SourceError(path, f"le code FAP-228 {merged.at[i, 'fap_code']} a deux valeurs de "
                                    f"{OFFICIAL[col]} : "
                                    f"{merged.at[i, f'{col}_first']!r} et {merged.at[i, col]!r}",
                              line=int(merged.at[i, "_line"]))
    for child, parent in (("fap86_code", "fap86_name"), ("fap22_code", "fap22_name")):
        names = first.groupby(child)[parent].nunique()
        if (names > 1).any():
            code = names[names > 1].index[0]
            i = first[first[child] == code].index[1]
            raise SourceError(path, f"le code {code} a plusieurs intitulés", line=int(first.at[i, "_line"]))
    out = first[OUTPUT].sort_values("fap_code", ignore_index=True)
    return Loaded(SOURCE, out, vintage=VINTAGE, files=[path.name], warnings=warnings, missing=missing)


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the Dares list, :data:`HEADER`, one FAP-341 code a row) in its
    official layout: UTF-8 with BOM, ``;``, CRLF. :func:`read` reduces it to one row per FAP-228
    code: ``read(write(frame))`` is that tidy table."""
    write_frame(path, frame, sep=";", bom=True, crlf=True)

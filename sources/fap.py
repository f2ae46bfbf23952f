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
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .common import Loaded, Need, Source, SourceError, check_needs, csv_header, read_official_csv, write_csv

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


# ---------------------------------------------------------------------------------------------
# Demo: a small FAP-2021-like list (codes shaped as the real ones; labels written for the demo).

DOMAINS = {
    "A": "Agriculture, marine, pêche",
    "B": "Bâtiment, travaux publics",
    "D": "Mécanique, travail des métaux",
    "E": "Industries de process",
    "G": "Maintenance",
    "J": "Transports, logistique et tourisme",
    "L": "Gestion et administration des entreprises",
    "M": "Informatique et télécommunications",
    "R": "Commerce",
    "S": "Hôtellerie, restauration, alimentation",
    "T": "Services aux particuliers et aux collectivités",
    "V": "Santé, action sociale, culturelle et sportive",
    "W": "Enseignement, formation",
}
GROUPS = {
    "A0X": "Agriculteurs, éleveurs, sylviculteurs, bûcherons",
    "A1X": "Maraîchers, jardiniers, viticulteurs",
    "B2X": "Ouvriers qualifiés du gros œuvre du bâtiment",
    "B4X": "Ouvriers qualifiés du second œuvre du bâtiment",
    "D2X": "Ouvriers qualifiés travaillant par formage de métal",
    "D4X": "Ouvriers qualifiés de la mécanique",
    "E0X": "Ouvriers non qualifiés des industries de process",
    "E1X": "Ouvriers qualifiés des industries de process",
    "G0B": "Ouvriers qualifiés de la réparation automobile",
    "J0X": "Ouvriers non qualifiés de la manutention",
    "J1X": "Ouvriers qualifiés de la manutention",
    "J3X": "Conducteurs de véhicules",
    "L0X": "Secrétaires et employés administratifs",
    "L5X": "Cadres des services administratifs, comptables et financiers",
    "M1X": "Techniciens de l'informatique",
    "M2X": "Ingénieurs de l'informatique",
    "R0X": "Caissiers, employés de libre-service",
    "R1X": "Vendeurs",
    "R2X": "Attachés commerciaux et représentants",
    "S0X": "Bouchers, charcutiers, boulangers",
    "S1X": "Cuisiniers",
    "S2X": "Employés et agents de maîtrise de l'hôtellerie et de la restauration",
    "T2X": "Aides à domicile et aides ménagères",
    "T4X": "Agents d'entretien",
    "V0X": "Aides-soignants",
    "V1X": "Infirmiers, sages-femmes",
    "V4X": "Professionnels de l'action sociale",
    "W1X": "Formateurs",
}
FAMILIES = [
    ("A0X40", "Agriculteurs"), ("A0X41", "Éleveurs"), ("A1X40", "Maraîchers, horticulteurs"),
    ("A1X41", "Jardiniers salariés"), ("A1X42", "Viticulteurs, arboriculteurs salariés"),
    ("B2X40", "Maçons"), ("B2X44", "Couvreurs"), ("B4X41", "Plombiers, chauffagistes"),
    ("B4X42", "Menuisiers et ouvriers de l'agencement et de l'isolation"), ("B4X43", "Électriciens du bâtiment"),
    ("B4X44", "Ouvriers qualifiés de la peinture et de la finition du bâtiment"),
    ("D2X40", "Chaudronniers, tôliers, serruriers-métalliers"), ("D2X42", "Soudeurs"),
    ("D4X40", "Monteurs, ajusteurs et autres ouvriers qualifiés de la mécanique"),
    ("E0X20", "Ouvriers non qualifiés des industries agroalimentaires"),
    ("E1X43", "Ouvriers qualifiés des industries agroalimentaires"),
    ("G0B40", "Carrossiers automobiles"), ("G0B41", "Mécaniciens et électroniciens de véhicules"),
    ("J0X20", "Ouvriers non qualifiés de l'emballage et manutentionnaires"),
    ("J1X40", "Ouvriers qualifiés du magasinage et de la manutention"),
    ("J3X42", "Conducteurs livreurs, coursiers"), ("J3X43", "Conducteurs routiers"),
    ("L0X60", "Secrétaires"), ("L0X61", "Agents administratifs divers"),
    ("L5X92", "Cadres des services administratifs, comptables et financiers"),
    ("M1X80", "Techniciens d'étude et de développement en informatique"),
    ("M2X90", "Ingénieurs et cadres d'étude, recherche et développement en informatique"),
    ("R0X60", "Employés de libre-service"), ("R0X61", "Caissiers"),
    ("R1X60", "Vendeurs en produits alimentaires"), ("R2X80", "Attachés commerciaux"),
    ("S0X42", "Boulangers, pâtissiers"), ("S1X40", "Cuisiniers"),
    ("S1X20", "Aides de cuisine et employés polyvalents de la restauration"),
    ("S2X61", "Serveurs de cafés, restaurants"),
    ("T2X60", "Aides à domicile et aides ménagères"), ("T4X60", "Agents d'entretien de locaux"),
    ("V0X60", "Aides-soignants"), ("V1X80", "Infirmiers"), ("V4X80", "Éducateurs spécialisés"),
    ("W1X80", "Formateurs"),
]


def demo_rows(rng: np.random.Generator) -> list[list[str]]:
    """One FAP-341 line per FAP-228 code, except a few codes split in two FAP-341 lines (``a``,
    ``b``) as in the real list, so that the reader's reduction to FAP-228 is exercised."""
    split = set(rng.choice(len(FAMILIES), size=6, replace=False).tolist())
    rows = []
    for i, (code, name) in enumerate(FAMILIES):
        parents = [code, name, code[:3], GROUPS[code[:3]], code[0], DOMAINS[code[0]]]
        if i in split:
            rows.append([f"{code}a", f"{name} (salariés)", *parents])
            rows.append([f"{code}b", f"{name} (indépendants)", *parents])
        else:
            rows.append([code, name, *parents])
    return rows


def write_demo(path: Path, rng: np.random.Generator) -> None:
    write_csv(path, HEADER, demo_rows(rng), sep=";", bom=True, crlf=True)


def demo_frame() -> pd.DataFrame:
    """The normalised frame of the demo list: what :func:`read` returns for a file written by
    :func:`write_demo` (whatever the rng, which only chooses the codes split in FAP-341)."""
    rows = [[code, name, code[:3], GROUPS[code[:3]], code[0], DOMAINS[code[0]]] for code, name in FAMILIES]
    return pd.DataFrame(rows, columns=OUTPUT, dtype=object).sort_values("fap_code", ignore_index=True)

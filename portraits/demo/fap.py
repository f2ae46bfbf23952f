"""Demo FAP-2021 list: a small list of families shaped as the real codes (labels written for the
demo), a few FAP-228 codes split in two FAP-341 lines; written by :func:`sources.fap.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.fap import HEADER, OUTPUT, SOURCE, write

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
    write(path, pd.DataFrame(demo_rows(rng), columns=HEADER))


def demo_frame() -> pd.DataFrame:
    """The normalised frame of the demo list: what :func:`sources.fap.read` returns for a file written by
    :func:`write_demo` (whatever the rng, which only chooses the codes split in FAP-341)."""
    rows = [[code, name, code[:3], GROUPS[code[:3]], code[0], DOMAINS[code[0]]] for code, name in FAMILIES]
    return pd.DataFrame(rows, columns=OUTPUT, dtype=object).sort_values("fap_code", ignore_index=True)

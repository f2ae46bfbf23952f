"""Demo ONISEP referential (Idéo, 2022 layout): about 60 formations on the certifications of the
training-offer demo, written by :func:`sources.onisep.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.onisep import HEADER_2022, OLD_LEVELS, SOURCE, write

LEVEL_LABELS_2022 = {3: "niveau 3 (niveau CAP)", 4: "niveau 4 (bac ou équivalent)", 5: "niveau 5 (bac + 2)",
                     6: "niveau 6 (bac + 3)", 7: "niveau 7 (bac + 5)", 8: "niveau 8 (doctorat)"}
NEW_TO_OLD = {v: k for k, v in OLD_LEVELS.items()}     # level 2019 → the 2022 column's numbering
_TUTELLES = {"CAP": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "Bac pro": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "BTS": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "BTSA": "Ministère de l'Agriculture et de l'Alimentation",
             "CAP agricole": "Ministère de l'Agriculture et de l'Alimentation",
             "BUT": "Ministère chargé de l'Enseignement supérieur de la Recherche et de l'Innovation",
             "TP": "Ministère du travail, de l'emploi et du dialogue social"}
_EXTRA = [  # formations without RNCP registration, as the real file has many
    ("31", "", "formation d'école spécialisée", "Développeur web (formation d'école)", "3 ans"),
    ("34", "", "formation d'école spécialisée", "Chargé de clientèle (formation d'école)", "1 an"),
    ("42", "FCIL", "formation complémentaire d'initiative locale", "FCIL Accueil en structure de santé", "1 an"),
    ("22", "MC", "mention complémentaire", "MC Plaquiste", "1 an"),
    ("35", "MC", "mention complémentaire", "MC Cuisinier en desserts de restaurant", "1 an"),
    ("23", "", "formation d'école spécialisée", "Technicien de maintenance industrielle (école)", "2 ans"),
]
_SUBDOMAINS = ["métiers", "techniques", "encadrement"]


def demo_rows(demo_domains: list[tuple], certs: pd.DataFrame, rng: np.random.Generator) -> list[list[str]]:
    """About 60 formations: the certifications of the training-offer demo (``demo_domains`` and
    ``certs``: its domains and certifications), some of them twice (another speciality),
    and formations not registered at the RNCP. Rows in the layout :data:`HEADER_2022`."""
    domains = {d[0]: d for d in demo_domains}
    ids = rng.permutation(np.arange(1000, 9999))[: len(certs) * 2 + len(_EXTRA)]
    rows, n = [], 0

    def domain_value(prefix: str) -> str:
        first = domains[prefix][2]
        parts = [f"{first}/{_SUBDOMAINS[int(rng.integers(len(_SUBDOMAINS)))]}"]
        if rng.random() < 0.35:       # several values, as in the real file
            other = domains[list(domains)[int(rng.integers(len(domains)))]][2]
            parts.append(f"{other}/{_SUBDOMAINS[int(rng.integers(len(_SUBDOMAINS)))]}")
        return "| ".join(dict.fromkeys(parts))

    for c in certs.itertuples():
        for variant in range(2 if rng.random() < 0.35 else 1):
            title = c.title if variant == 0 else f"{c.title} option B"
            rows.append([domains[c.domain][3], c.type_code if c.type_code != "TP" or rng.random() < 0.5 else "",
                         c.type_label, title, "", c.duration, c.rncp, NEW_TO_OLD[int(c.level)],
                         LEVEL_LABELS_2022[int(c.level)], _TUTELLES.get(c.type_code, "non renseigné"),
                         f"http://www.onisep.fr/http/redirection/formation/slug/FOR.{ids[n]}", domain_value(c.domain)])
            n += 1
    for prefix, type_code, type_label, title, duration in _EXTRA:
        rows.append(["", type_code, type_label, title, "", duration, "", "0", "non inscrit au RNCP", "non renseigné",
                     f"http://www.onisep.fr/http/redirection/formation/slug/FOR.{ids[n]}", domain_value(prefix)])
        n += 1
    # one formation whose level is not filled in (empty "niveau RNCP", label "non renseigné")
    rows[-1][7], rows[-1][8] = "", "non renseigné"
    return rows


def write_demo(path: Path, demo_domains: list[tuple], certs: pd.DataFrame, rng: np.random.Generator) -> None:
    """Write the demo referential in the 2022 layout (:func:`sources.onisep.write`: UTF-8 with BOM,
    ``;``, LF, text fields quoted as in the real file), about 60 formations on the demo domains
    ``demo_domains`` (see :func:`demo_rows`). Same inputs and ``rng`` state, same bytes."""
    write(path, pd.DataFrame(demo_rows(demo_domains, certs, rng), columns=HEADER_2022))

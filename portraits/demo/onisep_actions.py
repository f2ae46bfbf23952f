"""Demo ONISEP actions (formation × lycée): the lycées of the demo directory teach formations of
the demo referential; written by :func:`sources.onisep_actions.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.common import uai_key
from sources.onisep_actions import HEADER, SOURCE, write

_EXIT = {"3": "CAP ou équivalent", "4": "bac ou équivalent", "5": "bac + 2"}
# Formations a lycée teaches (levels 3–5 of the referential); a vocational lycée more of them.
_LYCEE_TYPES = ("CAP", "Bac pro", "BTS", "CAP agricole", "BTSA", "MC", "FCIL")
DEPARTEMENTS = {"44": "Loire-Atlantique", "49": "Maine-et-Loire", "53": "Mayenne", "72": "Sarthe", "85": "Vendée"}


def write_demo(path: Path, establishments: pd.DataFrame, formations: list[dict[str, str]],
               rng: np.random.Generator) -> None:
    """Demo actions: each lycée and EREA of the demo annuaire (``establishments``, its official
    columns) teaches a few formations of the demo referential (``formations``: the rows of
    :func:`portraits.demo.onisep.demo_rows`, as records keyed by its header), a vocational one
    more; plus one action in a lycée the annuaire does not list (the real file has such UAI).
    Written by :func:`sources.onisep_actions.write`. Same inputs and ``rng`` state, same bytes."""
    taught = [f for f in formations if f["sigle type formation"] in _LYCEE_TYPES
              and f["niveau RNCP"] in ("5", "4", "3", "")]
    schools = establishments[establishments.type_etablissement.isin(["Lycée", "EREA"])].sort_values(
        "identifiant_de_l_etablissement")
    extra = establishments.iloc[:1].copy()
    digits = "0449999"
    extra["identifiant_de_l_etablissement"] = digits + uai_key(digits)
    extra["nom_etablissement"] = "Lycée privé hors annuaire (démonstration)"
    schools = pd.concat([schools, extra], ignore_index=True)
    rows, n = [], 0
    for s in schools.itertuples():
        k = int(rng.integers(6, 14)) if s.voie_professionnelle == "1" else int(rng.integers(1, 5))
        picks = rng.choice(len(taught), size=min(k, len(taught)), replace=False)
        for j in sorted(picks):
            f = taught[int(j)]
            n += 1
            old = f["niveau RNCP"]
            level = {"5": "3", "4": "4", "3": "5"}.get(old, "")
            status = "public" if s.statut_public_prive == "Public" else "privé sous contrat"
            dep = s.code_departement
            rows.append([f["libellé formation principal"], f["lien site onisep.fr"],
                         f["domaine/sous-domaine"], f["libellé type formation"],
                         "diplôme national ou diplôme d'État" if f["code RNCP"] else "", "",
                         _EXIT.get(level, ""), s.nom_etablissement,
                         f"http://www.onisep.fr/http/redirection/etablissement/slug/ENS.{10000 + n % 9000}",
                         s.identifiant_de_l_etablissement, status, s.adresse_1, s.code_postal, s.nom_commune,
                         f"AF.{100000 + n}", DEPARTEMENTS.get(dep, dep), "Nantes", "Pays de la Loire",
                         s.latitude, s.longitude, "", "", "", "",
                         f["durée"], "temps plein, cours en présentiel", "", "", "", "",
                         f"{int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 10)):02d}/2025"])
    write(path, pd.DataFrame(rows, columns=HEADER))

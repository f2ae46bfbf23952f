"""Demo BMO survey: recruitment projects drawn for the demo bassins and the demo FAP-2021 list,
written by :func:`sources.bmo.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.bmo import SOURCE, data_header, write
from sources.datafrance import departement_names

FAMILY_NAMES = {
    "A": "Fonctions administratives",
    "C": "Fonctions d'encadrement",
    "I": "Ouvriers des secteurs de l'industrie",
    "O": "Ouvriers de la construction et du bâtiment",
    "S": "Fonctions sociales et médico-sociales",
    "T": "Autres techniciens et employés",
    "V": "Fonctions liées à la vente, au tourisme et aux services",
    "Z": "Autres métiers",
}
# BMO family of a FAP-2021 code for the demo: by FAP-22 domain, FAP-86 exceptions, cadres (x9x) → C.
_DOMAIN_FAMILY = {"A": "Z", "B": "O", "C": "I", "D": "I", "E": "I", "F": "I", "G": "I", "H": "C", "J": "T",
                  "K": "I", "L": "A", "M": "T", "N": "C", "P": "A", "Q": "A", "R": "V", "S": "V", "T": "V",
                  "U": "T", "V": "S", "W": "S", "X": "Z"}
_GROUP_FAMILY = {"J0X": "I", "J1X": "I", "T2X": "S", "T4X": "T"}
_SEASONAL = {"A": 0.6, "S": 0.35, "R": 0.12, "J": 0.1, "T": 0.08}


def family_of(fap_code: str) -> str:
    if fap_code[3] == "9":
        return "C"
    return _GROUP_FAMILY.get(fap_code[:3], _DOMAIN_FAMILY.get(fap_code[0], "T"))


def demo_rows(bassins: pd.DataFrame, fap: pd.DataFrame, rng: np.random.Generator, year: int = 2024,
              region: str = "52", region_name: str = "Pays de la Loire") -> list[list]:
    """Synthetic survey rows: 10–40 métiers per bassin (more in populous ones), projects about
    5 % of the population spread over them, ``*`` for small cells as published (fewer than 5
    projects: the three counts; fewer than 3 difficult or seasonal projects, or at random (8 %):
    that count alone)."""
    dep_names = departement_names()
    codes = fap.sort_values("fap_code").reset_index(drop=True)
    top = float(bassins.population.max())
    rows = []
    for b in bassins.sort_values("bassin_code").itertuples():
        n = int(np.clip(round(10 + 30 * np.sqrt(b.population / top)), 10, min(40, len(codes))))
        chosen = codes.iloc[np.sort(rng.choice(len(codes), size=n, replace=False))]
        total = b.population * 0.05 * rng.lognormal(0, 0.1)
        weights = rng.lognormal(0, 1.8, size=n)
        projects = np.rint(total * weights / weights.sum()).astype(int)
        for f, met in zip(chosen.itertuples(), projects):
            difficult = int(round(met * float(np.clip(rng.beta(4, 4), 0, 1))))
            seasonal = int(min(met, round(met * _SEASONAL.get(f.fap_code[0], 0.04) * rng.uniform(0.5, 1.5))))
            if met < 5:
                cells = ["*", "*", "*"]
            else:
                # Small sub-counts are secret, and some others (secondary secret).
                hide = rng.random(2) < 0.08
                cells = [str(met), "*" if difficult < 3 or hide[0] else str(difficult),
                         "*" if seasonal < 3 or hide[1] else str(seasonal)]
            family = family_of(f.fap_code)
            rows.append([year, f.fap_code, f.fap_name, family, FAMILY_NAMES[family], region, region_name, b.dep,
                         dep_names.get(b.dep, b.dep), int(b.bassin_code), b.bassin_name, *cells])
    rows.sort(key=lambda r: (r[1], r[9]))
    return rows


def write_demo(path: Path, bassins: pd.DataFrame, fap: pd.DataFrame, rng: np.random.Generator,
               year: int = 2024, region: str = "52", region_name: str = "Pays de la Loire") -> None:
    """Write a BMO workbook in the official layout for the demo (:func:`sources.bmo.write`).
    ``bassins``: bassin_code, bassin_name, dep, population (e.g. the demo bassins of
    :mod:`portraits.demo.bmo_bassins` summed by bassin); ``fap``: the demo FAP-2021 frame
    (fap_code, fap_name, …). Same rng state, same bytes."""
    write(path, pd.DataFrame(demo_rows(bassins, fap, rng, year, region, region_name), columns=data_header(year)),
          year)

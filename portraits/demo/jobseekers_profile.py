"""Demo answers of the France Travail API (``DE_1``, jobseekers by profile): in the layout of the
real answer (same keys in the same order, the real type codes, codes and labels of the
characteristics), with JSON numbers and booleans as the JSON API sends them, written by
:func:`sources.jobseekers_profile.write`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sources import jobseekers_profile
from sources.jobseekers_profile import BASSIN_TYPE, CUMUL, INDICATOR, request_body

LIB_INDICATEUR = "Nombre et % de DE par catégories x caractéristiques, % par activités (Rome, Compétence)"
SEXES = (("H", "Homme"), ("F", "Femme"))
AGE_BANDS = (("AGE1", "15-24 ans", 0.15), ("AGE2", "25-49 ans", 0.58), ("AGE3", "50 ans et +", 0.27))
SENIORITY = (("CHM1", "Moins de 3 mois", 0.22), ("CHM2", "De 3 mois à moins de 6 mois", 0.15),
             ("CHM3", "De 6 mois à moins de 12 mois", 0.18), ("CHM4", "De 1 an à moins de 2 ans", 0.20),
             ("CHM5", "2 ans et +", 0.25))
CATEGORY_LABELS = {"A": "Demandeurs d'Emploi de catégorie A", "ABC": "Demandeurs d'Emploi de catégories A,B ou C"}
CARACT_TYPES = {"GENRE": SEXES, "AGE": tuple(a[:2] for a in AGE_BANDS), "CHOMANC": tuple(s[:2] for s in SENIORITY)}


def api_period_label(q: dt.date) -> str:
    """The API's label of a quarter: ``1er trimestre 2022``, ``3ème trimestre 2022``."""
    n = (q.month - 1) // 3 + 1
    return f"{n}{'er' if n == 1 else 'ème'} trimestre {q.year}"


def _split(total: int, shares: list[float], rng: np.random.Generator) -> list[int]:
    w = np.array(shares) * rng.normal(1, 0.06, len(shares))
    parts = np.floor(total * w / w.sum()).astype(int)
    parts[-1] += total - parts.sum()
    return [int(x) for x in parts]


def _updated(q: dt.date) -> str:
    """The update stamp of a quarter's values: about four weeks after its end."""
    end = dt.date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
    return f"{end + dt.timedelta(days=27):%Y-%m-%d}T10:25:15+01:00"


def _value(area_type: str, code: str, name: str, cat: str, q: dt.date, cell: dict) -> dict:
    total = cell["total"]
    caract = []
    for ctype, classes in CARACT_TYPES.items():
        for (ccode, label), n in zip(classes, cell[ctype]):
            masked = n is None
            caract.append({"codeTypeCaract": ctype, "codeCaract": ccode, "libCaract": label,
                           "nombre": None if masked else n,
                           "pourcentage": None if masked else float(round(100 * n / total)) if total else 0.0,
                           "masque": masked})
    return {"datMaj": _updated(q), "codeTypeTerritoire": area_type, "codeTerritoire": code, "libTerritoire": name.upper(),
            "codeTypeActivite": CUMUL, "codeActivite": CUMUL, "libActivite": "Cumul (toutes activités)",
            "codeNomenclature": cat, "libNomenclature": CATEGORY_LABELS[cat],
            "codeTypePeriode": "TRIMESTRE", "codePeriode": f"{q.year}T{(q.month - 1) // 3 + 1}",
            "libPeriode": api_period_label(q), "valeurPrincipaleNombre": total,
            # As in the real answer: the category's share of all jobseekers (categories A to E).
            "valeurSecondairePourcentage": float(round(100 * total / cell["all"])) if cell["all"] else 0.0,
            "listeValeurParCaract": caract}


def write_demo(dest: Path, bassins: pd.DataFrame, region: str, region_name: str, dep_names: dict[str, str],
               rng: np.random.Generator, first: dt.date = dt.date(2023, 1, 1), quarters: int = 8) -> Path:
    """Write ``dest``/``SOURCE.demo_file`` (returned): synthetic API answers for the region, its départements and the demo bassins (``bassins``:
    bassin_code, bassin_name, dep, population, see :func:`sources.bmo_bassins.demo_bassin_table`),
    ``quarters`` quarters from ``first``, categories A and A, B, C; about 6.5 % of the population in
    A, B, C (near the commune demo file), 55 % of them in A, 85 % of all categories in A, B, C. A
    few small cells are masked. The départements and the region are the sums of their bassins
    (masked cells included). Same ``rng`` state, same bytes."""
    qs = [dt.date(first.year + (first.month - 1 + 3 * i) // 12, (first.month - 1 + 3 * i) % 12 + 1, 1)
          for i in range(quarters)]
    cells: dict[tuple, dict] = {}          # (area_type, code, name, cat, quarter) → total, all categories, parts
    sums: dict[tuple, dict] = {}
    for b in bassins.sort_values("bassin_code").itertuples():
        level = b.population * 0.064 * rng.lognormal(0, 0.12)
        trend = rng.normal(0.0, 0.005)
        women, young, long_term, share_a = (rng.normal(0.5, 0.03), rng.normal(1, 0.15), rng.normal(1, 0.12),
                                            rng.normal(0.55, 0.04))
        share_abc = rng.normal(0.85, 0.02)
        for i, q in enumerate(qs):
            abc = int(round(level * (1 + trend) ** i * rng.normal(1, 0.01)))
            every = int(round(abc / share_abc))
            for cat, total in (("ABC", abc), ("A", int(round(abc * share_a)))):
                ages = [a[2] * (young if k == 0 else 1) for k, a in enumerate(AGE_BANDS)]
                sen = [s[2] * (long_term if k >= 3 else 1) for k, s in enumerate(SENIORITY)]
                parts = {"GENRE": _split(total, [1 - women, women], rng), "AGE": _split(total, ages, rng),
                         "CHOMANC": _split(total, sen, rng)}
                for key in (("DEP", b.dep), ("REG", region)):
                    acc = sums.setdefault((*key, cat, q), {"total": 0, "all": 0,
                                                           **{t: [0] * len(v) for t, v in parts.items()}})
                    acc["total"] += total
                    acc["all"] += every
                    for t, v in parts.items():
                        acc[t] = [x + y for x, y in zip(acc[t], v)]
                # A few small cells are secret (masked) in the bassin's answer.
                for t in parts:
                    parts[t] = [None if n < 400 and rng.random() < 0.04 else n for n in parts[t]]
                cells[(BASSIN_TYPE, b.bassin_code, b.bassin_name, cat, q)] = {"total": total, "all": every, **parts}
    names = {"REG": {region: region_name}, "DEP": dep_names}
    for (area_type, code, cat, q), v in sums.items():
        cells[(area_type, code, names[area_type].get(code, code), cat, q)] = v
    answers = []
    order = {"REG": 0, "DEP": 1, BASSIN_TYPE: 2}
    stamp = _updated(qs[-1])
    for area_type, code in sorted({(k[0], k[1]) for k in cells}, key=lambda a: (order[a[0]], a[1])):
        values = [_value(area_type, code, name, cat, q, v) for (t, c, name, cat, q), v in cells.items()
                  if (t, c) == (area_type, code)]
        values.sort(key=lambda x: (x["codePeriode"], x["codeNomenclature"]))
        answers.append({"requete": request_body(area_type, code),
                        "reponse": {"datMaj": stamp, "codeIndicateur": INDICATOR, "codeFamille": "DEMANDEURS",
                                    "libIndicateur": LIB_INDICATEUR, "listeValeursParPeriode": values}})
    path = Path(dest) / jobseekers_profile.SOURCE.demo_file
    jobseekers_profile.write(path, answers)
    return path

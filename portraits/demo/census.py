"""Demo census: the two legacy commune bases of 2020 (emploi - population active, évolution et
structure de la population) for every commune of the region, with values drawn around the real
populations, written by :func:`sources.census.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources import census

AGE_SHARES = {"POP0014": 0.18, "POP1529": 0.17, "POP3044": 0.18, "POP4559": 0.20, "POP6074": 0.17, "POP75P": 0.10}
OLDEST_SHARE = 0.14          # the share of the 90 ans ou plus among the 75 ans ou plus
SECTOR_SHARES = {"AGRI": 0.05, "INDUS": 0.15, "CONST": 0.07, "CTS": 0.45, "APESAS": 0.28}
CSP_SHARES = (0.02, 0.06, 0.15, 0.26, 0.27, 0.24)
# The columns written, in the order of the real 2020 layouts: the emploi base in the order of its
# dictionary (meta_base-cc-emploi-pop-active-2020_v2, CODGEO first as in the data file), the
# evol-struct-pop base as its public readers list it (CODGEO, P20_POP, the bands, …, then P14_).
EMPLOI_HEADER = ["CODGEO", "P20_POP1564", "P20_ACT1564", "P20_ACT1524", "P20_ACT5564", "P20_ACTOCC1564",
                 "P20_CHOM1564", "P20_CHOM1524", "P20_CHOM55P", "P20_INACT1564", "C20_ACTOCC1564",
                 *(f"C20_ACTOCC1564_CS{i}" for i in range(1, 7)), "P20_EMPLT", "P20_ACTOCC", "P20_EMPLT_SAL",
                 "C20_EMPLT", *(f"C20_EMPLT_{s}" for s in SECTOR_SHARES),
                 "P14_POP1564", "P14_ACT1564", "P14_ACTOCC1564", "P14_CHOM1564", "P14_EMPLT", "P14_ACTOCC",
                 "P14_EMPLT_SAL"]
_BANDS = ["POP0014", "POP1529", "POP3044", "POP4559", "POP6074", "POP7589", "POP90P"]
STRUCT_HEADER = ["CODGEO", "P20_POP", *(f"P20_{b}" for b in _BANDS), "P14_POP", *(f"P14_{b}" for b in _BANDS)]


def _bands(total: float, ages: np.ndarray) -> list[float]:
    """The commune base's bands: the five first shares, then 75+ split into 75-89 and 90+."""
    shares = total * ages / ages.sum()
    return [*shares[:5], shares[5] * (1 - OLDEST_SHARE), shares[5] * OLDEST_SHARE]


def write_demo(dest_dir: Path, communes: pd.DataFrame, rng: np.random.Generator) -> list[Path]:
    """Write ``base-cc-emploi-pop-active-2020.CSV`` and ``base-cc-evol-struct-pop-2020.CSV`` in the
    legacy layout (official 2020 column names and order, quirks included: ``P20_ACTOCC``,
    ``P20_CHOM55P``; the commune base's ``P20_POP7589`` and ``P20_POP90P``, never ``POP75P``; see
    :data:`EMPLOI_HEADER`, :data:`STRUCT_HEADER`) for every commune of ``communes`` (code, dep,
    population…): population ≈ the 2017 population;
    age bands summing to it; 15-64 ≈ 62 %, of whom 74 % actifs; unemployment 6–12 % of actifs
    with a département effect; jobs concentrated in the larger communes (concentration index
    40–160 %), sectors summing to jobs, CSP summing to actifs occupés; 2014 values ≈ 2020 values
    divided by a growth factor. Same ``rng`` state, same bytes (:func:`sources.census.write`)."""
    dest_dir = Path(dest_dir)
    dep_rate = {d: float(rng.uniform(0.07, 0.10)) for d in sorted(communes.dep.unique())}
    emploi_rows, struct_rows = [], []
    for c in communes.sort_values("code").itertuples():
        pop = max(30.0, round(float(c.population) * rng.normal(1.0, 0.02)))
        ages = np.array(list(AGE_SHARES.values())) * rng.lognormal(0, 0.08, len(AGE_SHARES))
        pop1564 = pop * float(np.clip(rng.normal(0.62, 0.02), 0.55, 0.68))
        act = pop1564 * float(np.clip(rng.normal(0.74, 0.02), 0.66, 0.80))
        rate = float(np.clip(dep_rate[c.dep] * rng.lognormal(0, 0.12), 0.06, 0.12))
        chom = act * rate
        actocc = act - chom
        act1524, act5564 = act * rng.uniform(0.09, 0.14), act * rng.uniform(0.12, 0.17)
        chom1524 = min(act1524, act1524 * rate * rng.uniform(1.7, 2.2))
        chom5564 = act5564 * rate * rng.uniform(0.7, 0.9)
        actocc15p = actocc * rng.uniform(1.01, 1.03)
        concentration = float(np.clip(0.65 + 0.3 * np.log10(max(pop, 100) / 1000) + rng.normal(0, 0.1), 0.4, 1.6))
        emplt = actocc15p * concentration
        sal = emplt * rng.uniform(0.82, 0.92)
        agri = SECTOR_SHARES["AGRI"] * (3.0 if pop < 2000 else 0.5)
        sect = np.array([agri, *list(SECTOR_SHARES.values())[1:]]) * rng.lognormal(0, 0.15, len(SECTOR_SHARES))
        sectors = emplt * sect / sect.sum()
        csp = np.array(CSP_SHARES) * rng.lognormal(0, 0.15, 6)
        csps = actocc * csp / csp.sum()
        growth, job_growth = rng.lognormal(0.03, 0.03), rng.lognormal(0.04, 0.05)
        act14 = act / growth * rng.normal(1.0, 0.01)
        chom14 = act14 * rate * rng.uniform(1.15, 1.35)
        pop14 = round(pop / growth)
        values = {"P20_POP1564": pop1564, "P20_ACT1564": act, "P20_ACT1524": act1524, "P20_ACT5564": act5564,
                  "P20_ACTOCC1564": actocc, "P20_CHOM1564": chom, "P20_CHOM1524": chom1524, "P20_CHOM55P": chom5564,
                  "P20_INACT1564": pop1564 - act, "C20_ACTOCC1564": actocc,
                  **{f"C20_ACTOCC1564_CS{i}": v for i, v in enumerate(csps, start=1)},
                  "P20_EMPLT": emplt, "P20_ACTOCC": actocc15p, "P20_EMPLT_SAL": sal, "C20_EMPLT": emplt,
                  **{f"C20_EMPLT_{s}": v for s, v in zip(SECTOR_SHARES, sectors)},
                  "P14_POP1564": pop1564 / growth, "P14_ACT1564": act14, "P14_ACTOCC1564": act14 - chom14,
                  "P14_CHOM1564": chom14, "P14_EMPLT": emplt / job_growth, "P14_ACTOCC": (act14 - chom14) * 1.02,
                  "P14_EMPLT_SAL": sal / job_growth}
        emploi_rows.append([c.code, *(values[h] for h in EMPLOI_HEADER[1:])])
        struct_rows.append([c.code, pop, *_bands(pop, ages), pop14, *_bands(pop14, ages)])
    written = []
    for name, header, rows in (("base-cc-emploi-pop-active-2020.CSV", EMPLOI_HEADER, emploi_rows),
                               ("base-cc-evol-struct-pop-2020.CSV", STRUCT_HEADER, struct_rows)):
        census.write(dest_dir / name, pd.DataFrame(rows, columns=header, dtype=object))
        written.append(dest_dir / name)
    return written

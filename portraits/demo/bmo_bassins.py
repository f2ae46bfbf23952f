"""Demo bassins d'emploi of the BMO survey: the zones d'emploi of the region, coded ``<region>01``,
``<region>02``…, and the commune → bassin table written by :func:`sources.bmo_bassins.write`
(the BMO and jobseekers demos count by these bassins, :func:`demo_bassin_table`)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from sources.bmo_bassins import HEADER, SOURCE, write


def bassin_label(name: str) -> str:
    """Bassin names as the BMO files write them: upper case, no accents, no hyphens or apostrophes,
    no parenthesised qualifier (``Les Sables-d'Olonne`` → ``LES SABLES D OLONNE``,
    ``Alençon (partie Pays de la Loire)`` → ``ALENCON``)."""
    text = unicodedata.normalize("NFKD", re.sub(r"\s*\(.*$", "", name))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return re.sub(r"\s+", " ", re.sub(r"[-'’]", " ", text)).strip()


def demo_bassins(communes: pd.DataFrame, zones: pd.DataFrame, region: str = "52") -> pd.DataFrame:
    """Demo bassins: the zones d'emploi, coded ``<region>01``, ``<region>02``… in zone order.
    Returns commune_code, dep, bassin_code, bassin_name (as written in the file), population."""
    codes = sorted(zones.territory_code.astype(str).unique())
    if len(codes) > 99:
        raise ValueError("plus de 99 zones : codes de bassin sur 4 chiffres impossibles")
    demo_code = {z: f"{region}{i:02d}" for i, z in enumerate(codes, start=1)}
    names = zones.drop_duplicates("territory_code").set_index("territory_code").territory_name
    merged = pd.DataFrame({"commune_code": communes.code.values, "dep": communes.dep.values,
                           "population": communes.population.values}).merge(
        zones.rename(columns={"territory_code": "zone"})[["commune_code", "zone"]], on="commune_code", how="left")
    if merged.zone.isna().any():
        raise ValueError(f"communes sans zone : {', '.join(merged.commune_code[merged.zone.isna()][:10])}")
    merged["bassin_code"] = merged.zone.map(demo_code)
    merged["bassin_name"] = merged.zone.map(names).map(bassin_label)
    return merged.drop(columns="zone")


def demo_bassin_table(communes: pd.DataFrame, zones: pd.DataFrame, region: str = "52") -> pd.DataFrame:
    """One row per demo bassin: bassin_code, bassin_name, dep (the département holding most of its
    population: a BMO bassin belongs to one département), population; the ``bassins`` argument of
    :func:`portraits.demo.bmo.write_demo`."""
    table = demo_bassins(communes, zones, region)
    by_dep = table.groupby(["bassin_code", "bassin_name", "dep"], as_index=False).population.sum()
    main = by_dep.sort_values(["bassin_code", "population", "dep"], ascending=[True, False, True]) \
        .drop_duplicates("bassin_code")[["bassin_code", "bassin_name", "dep"]]
    total = table.groupby("bassin_code", as_index=False).population.sum()
    return main.merge(total, on="bassin_code").sort_values("bassin_code", ignore_index=True)


def write_demo(path: Path, communes: pd.DataFrame, zones: pd.DataFrame, rng: np.random.Generator,
               former: dict[str, str] | None = None, region: str = "52") -> None:
    """Write the commune → bassin table for the demo: bassins are the zones d'emploi (``zones``:
    commune_code, territory_code, territory_name, e.g. data/territories/ze2020.csv), for the
    current communes of ``communes`` (code, dep, population, …). With ``former`` (former code →
    current code, e.g. from :func:`sources.datafrance.commune_codes`), about half of the former
    communes, drawn with ``rng``, are listed too, in their commune's bassin, as in the real table."""
    table = demo_bassins(communes, zones, region)
    rows = [[region, r.dep, r.commune_code, r.bassin_code, r.bassin_name] for r in table.itertuples()]
    if former:
        by_code = table.set_index("commune_code")
        olds = sorted(c for c, cur in former.items() if c != cur and cur in by_code.index)
        for old in olds:
            if rng.random() < 0.5:
                cur = by_code.loc[former[old]]
                rows.append([region, cur.dep, old, cur.bassin_code, cur.bassin_name])
    rows.sort(key=lambda r: (r[3], r[2]))
    write(path, pd.DataFrame(rows, columns=HEADER))

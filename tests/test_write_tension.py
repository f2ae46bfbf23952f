"""sources.tension.write: the Dares tension workbook (one sheet per FAP level × geography), read
back by sources.tension.read. The read is lossy (the region's rows, the latest year, one row per
indicator), so the test states the tidy rows it expects."""
from __future__ import annotations

import openpyxl
import pandas as pd

from sources import tension


def test_read_of_write_is_the_tidy_table(tmp_path):
    dep = tension.sheet_header(228, "dep")
    reg = tension.sheet_header(86, "reg")
    nd = ["n.d."] * 12
    sheets = {
        "FAP 228 x Dep": pd.DataFrame([
            # every factor published: 7 rows (tension + 6 factors)
            [2023, "A0X40", "Agriculteurs", "44", "Loire-Atlantique", 600, 0.5, 4, *[0.1, 2] * 6],
            # n.d. everywhere but the imputed value: one row, its class missing
            [2023, "S1X40", "Cuisiniers", "85", "Vendée", 100, 1.2, "n.d.", *nd],
            # a département of another region: dropped
            [2023, "S1X40", "Cuisiniers", "35", "Ille-et-Vilaine", 800, 1.0, 5, *nd],
        ], columns=dep),
        "FAP 86 x Reg": pd.DataFrame([
            [2022, "S1X", "Cuisiniers", "52", "Pays de la Loire", 9000, 0.9, 5, *nd],   # older year: dropped
            [2023, "S1X", "Cuisiniers", "52", "Pays de la Loire", 9000, 0.8, 5, *nd],
        ], columns=reg),
    }
    path = tmp_path / "dares_donnees_tensions_2023.xlsx"
    tension.write(path, sheets)
    again = tmp_path / "again.xlsx"
    tension.write(again, sheets)
    assert path.read_bytes() == again.read_bytes()          # fixed container: same frames, same bytes
    assert openpyxl.load_workbook(path).sheetnames == ["FAP 228 x Dep", "FAP 86 x Reg"]
    loaded = tension.read([path], communes={"44109": "44109", "85191": "85191"}, region="52")
    assert loaded.vintage == "2023, FAP-2021"
    assert not [w for w in loaded.warnings if "FAP-2009" in w]
    out = loaded.frame.astype(object)
    rows = out.where(out.notna(), None).values.tolist()
    a0x40 = [["dep", "44", 228, "A0X40", "Agriculteurs", "FAP-2021", 2023, i, 0.1, 2] for i in sorted(tension.FACTORS)]
    tension_row = ["dep", "44", 228, "A0X40", "Agriculteurs", "FAP-2021", 2023, "tension", 0.5, 4]
    assert rows == sorted(a0x40 + [tension_row], key=lambda r: r[7]) + [
        ["dep", "85", 228, "S1X40", "Cuisiniers", "FAP-2021", 2023, "tension", 1.2, None],
        ["reg", "52", 86, "S1X", "Cuisiniers", "FAP-2021", 2023, "tension", 0.8, 5],
    ]

"""sources.urssaf.write: the official wide layout written back, read again.

``read`` is lossy (it splits the NA17/NA38 codes from their labels, melts the year columns and
sums former communes into their current one), so ``write`` takes the frame of the file's own
columns and the test states the tidy table expected from it."""
from __future__ import annotations

import pandas as pd

from sources import urssaf


def _row(commune: str, ape: str, na17: str, na38: str, cells: list[str]) -> list[str]:
    name = {"44109": "Nantes", "49126": "Orée d'Anjou", "49023": "Bouzillé"}[commune]
    return ["Pays de la Loire", "Pays de la Loire", "Loire-Atlantique", "", "", name, f"{commune} {name}", "GS3 Commerce",
            na17, na38, "47 Commerce de détail", f"{ape} Supermarchés", "52", "52", commune[:2], "", "", commune, ape, *cells]


def test_write_then_read_gives_the_long_table(tmp_path):
    frame = pd.DataFrame([
        # a label holding ";" (quoted in the file); both years filled
        _row("44109", "6920Z", "MN Activités scientifiques et techniques ; soutien et services administratifs",
             "MA Activités juridiques, de conseil et d'ingénierie", ["3", "25", "4", "30"]),
        # an establishment that appears in 2022 only: the 2021 cells are empty (no row for 2021)
        _row("49126", "4711D", "GZ Commerce", "GZ Commerce", ["", "", "1", "40"]),
        # a former commune (49023, now part of 49126): added to 49126's 2022 figures
        _row("49023", "4711D", "GZ Commerce", "GZ Commerce", ["2", "12", "1", "5"]),
    ], columns=urssaf.HEADER + urssaf.year_header([2021, 2022]))
    path = tmp_path / "etablissements-effectifs.csv"
    urssaf.write(path, frame)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfR\xc3\xa9gion;") and raw.count(b"\r\n") == 4
    assert b';"MN Activit\xc3\xa9s scientifiques et techniques ; soutien' in raw
    got = urssaf.read([path], communes={"44109": "44109", "49126": "49126", "49023": "49126"}).frame
    mn = "Activités scientifiques et techniques ; soutien et services administratifs"
    ma = "Activités juridiques, de conseil et d'ingénierie"
    expected = pd.DataFrame({
        "commune_code": ["44109", "44109", "49126", "49126"], "year": pd.array([2021, 2022, 2021, 2022], "Int64"),
        "ape_code": ["6920Z", "6920Z", "4711D", "4711D"],
        "na17_code": ["MN", "MN", "GZ", "GZ"], "na17_label": [mn, mn, "Commerce", "Commerce"],
        "na38_code": ["MA", "MA", "GZ", "GZ"], "na38_label": [ma, ma, "Commerce", "Commerce"],
        "establishments": pd.array([3, 4, 2, 2], "Float64"), "employees": pd.array([25, 30, 12, 45], "Float64")})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got.year.dtype == "Int64" and got.employees.dtype == "Float64"

"""sources.jobseekers.write: the tidy table written as the codgeo table and read back unchanged
(``read(write(frame)) == frame``); write_stmt: the raw STMT export from its own columns (read
matches its labels to codes: the test states the tidy table expected)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from sources import jobseekers


def test_read_of_write_is_the_frame(tmp_path):
    frame = pd.DataFrame({
        "commune_code": ["2A004", "44109", "44109"],    # a code with a letter (Corse-du-Sud)
        "month": [dt.date(2024, 12, 1),                 # décembre: accented in French, not in the file
                  dt.date(2024, 2, 1),                  # février → "fevrier_2024"
                  dt.date(2025, 1, 1)],                 # the next year
        "jobseekers": [0, 12340, 12350]})               # 0: a value, not a missing one
    path = tmp_path / "defm.csv"
    jobseekers.write(path, frame)
    assert path.read_bytes().startswith(b"codgeo,YEAR,Demandeurs_Emploi\n2A004,decembre_2024,0\n44109,fevrier_2024,")
    pd.testing.assert_frame_equal(jobseekers.read([path]).frame, frame, check_dtype=False)


def test_write_stmt_then_read(tmp_path):
    frame = pd.DataFrame([["Nantes 44000", "12340", "   10"],              # padded value, as the export writes it
                          ["La Baule-Escoublac 44500", "1230", "1240"]],   # the article in front of the name
                         columns=["Mois", "janvier 2024", "février 2024"])
    path = tmp_path / "stmt.csv"
    jobseekers.write_stmt(path, frame, titles=["t1", "t2", "t3"], footers=["f1", "f2", "f3"])
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    assert lines[3:6] == ["Mois;janvier 2024;février 2024", "Nantes 44000;12340;   10", "La Baule-Escoublac 44500;1230;1240"]
    assert lines[-4:] == ["f1", "f2", "f3", ""]
    got = jobseekers.read([path], communes={"44109", "44055"}).frame
    expected = pd.DataFrame({"commune_code": ["44055", "44055", "44109", "44109"],
                             "month": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)] * 2,
                             "jobseekers": [1230, 1240, 12340, 10]})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)

"""Writing the three layouts of the unemployment rates: the annual CSV extracts and the two workbooks."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import xlwt

from ..common import write_csv, FIXED_CORE_XML, fixed_container, wording


# ---------------------------------------------------------------------------------------------
# Writing the three layouts (no synthesis: the demo draws its rates in portraits/demo/unemployment.py).
# Each is the exact inverse of its file, not of read (which keeps the région's rows and merges the
# files): tests/test_write_unemployment.py states the table read back.

ZONE_HEADER = ["ZE2020", "LIBZE2020", "REG", "LIBREG"]      # then one column per quarter, "2003-T1"…
PART_HEADER = ["ZER2020", "LIBZER2020"]
ZONE_LONG_LABELS = {"ZE2020": "Code de la zone d'emploi 2020", "LIBZE2020": "Libellé de la zone d'emploi 2020",
                    "REG": "Code région 2016", "LIBREG": "Libellé région 2016",
                    "ZER2020": "Code de la partie régionale de la zone d'emploi 2020",
                    "LIBZER2020": "Libellé de la partie régionale de la zone d'emploi 2020"}
SERIES_HEADER = ["Code", "Libellé"]                          # then one column per quarter, "T1_1982"…


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write an annual extract from its own columns (``codeDepartement;libelleDepartement;
    rentreeScolaire;tauxChomage`` or ``codeRegion;rentreeScolaire;tauxChomage``): ``;``, LF, the
    rate with one decimal and a decimal comma, a BOM for the région file (as the real copies)."""
    rows = [[f"{v:.1f}".replace(".", ",") if c == "tauxChomage" else v for c, v in zip(frame.columns, row)]
            for row in frame.itertuples(index=False, name=None)]
    write_csv(path, list(frame.columns), rows, sep=";", bom="codeRegion" in frame.columns)


def write_zones_workbook(path: Path, zones: pd.DataFrame, parts: pd.DataFrame, documentation: list[str],
                         note: str) -> None:
    """Write the zones d'emploi workbook: a ``Documentation`` sheet (``documentation``, one line a
    row), ``txcho_ze`` (``zones``: :data:`ZONE_HEADER` then the quarters ``2003-T1``…) and
    ``txcho_parties reg`` (``parts``: :data:`PART_HEADER` then the quarters), each under its title
    lines (``note`` ends the source line) and the long labels row above the machine names; a
    missing rate is an empty cell. Written in the fixed container (same rows, same bytes)."""
    wb = openpyxl.Workbook()
    doc = wb.active
    doc.title = "Documentation"
    for text in documentation:
        doc.append([text or None])
    for title, frame, blank in (("txcho_ze", zones, 2), ("txcho_parties reg", parts, 4)):
        ws = wb.create_sheet(title)
        what = "par zone d'emploi 2020" if title == "txcho_ze" else \
            "des parties régionales des zones d'emploi interrégionales"
        ws.append([f"Taux de chômage localisés {what} (en %, données CVS)"])
        ws.append([f"Source : Insee, taux de chômage localisés. {note}"])
        for _ in range(blank):
            ws.append([])
        ws.append([ZONE_LONG_LABELS.get(c) or wording.quarter(c) for c in frame.columns])
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            ws.append([None if isinstance(v, float) and v != v else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(fixed_container(buf.getvalue(), {"docProps/core.xml": FIXED_CORE_XML}))


def write_series_workbook(path: Path, departements: pd.DataFrame, regions: pd.DataFrame, methods: list[str],
                          note: str) -> None:
    """Write the Excel 97 ``sl_etc`` workbook: ``Sources_et_méthodes`` (``methods``, one line a
    row), then ``Département`` and ``Région`` (frames of :data:`SERIES_HEADER` then the quarters
    ``T1_1982``…; codes as given: numbers or text), each under its title lines, the header on
    row 4, a missing rate an empty cell, then the notes (``note`` ends the source line)."""
    book = xlwt.Workbook(encoding="utf-8")
    text = book.add_sheet("Sources_et_méthodes")
    for i, line in enumerate(methods):
        text.write(i, 0, line)
    for name, title, frame in (("Département", "comparaisons départementales", departements),
                               ("Région", "comparaisons régionales", regions)):
        sheet = book.add_sheet(name)
        sheet.write(0, 0, f"Estimations de taux de chômage localisé : {title}")
        sheet.write(1, 0, "(en%)")
        for j, h in enumerate(frame.columns):
            sheet.write(3, j, h)
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=4):
            for j, v in enumerate(row):
                if v is not None and not (isinstance(v, float) and v != v):
                    sheet.write(i, j, v)
        for i, line in enumerate(["Données CVS, en moyenne trimestrielle (en %).",
                                  "Champ : France métropolitaine, et départements d'outre-mer (hors Mayotte) "
                                  "à partir de 2014.", f"Source : Insee, taux de chômage localisés. {note}"],
                                 start=4 + len(frame) + 1):
            sheet.write(i, 0, line)
    out = io.BytesIO()
    book.save(out)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(out.getvalue())

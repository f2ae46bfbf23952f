"""Localised unemployment (Insee) in its real layouts: the zones d'emploi workbook, the sl_etc
workbook of the départements and régions, the annual CSV extracts; the vintage each part of a
portrait names; the demo writers' layouts.

The small workbooks are written here, never copied: ``zone_workbook`` reproduces exactly the
layout of the real ``chomage-zone-t1-2003-t2-2022.xlsx`` described in
../shared/reference/FORMATS.md (section 1.6: sheets, header rows, the full run of quarter columns,
codes as text, REG 00 for an interregional zone, the regional parts); ``series_workbook`` that of
the real ``sl_etc_2025T3.xls`` described in sources/unemployment.py (sheets, title rows, header on
row 4, codes as text or numbers, empty overseas cells, notes below), with fewer quarters. Each
row says which edge case it exists for."""
from __future__ import annotations

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwt

from conftest import ROOT
from portraits import indicators, render
from portraits.demo import unemployment as demo_unemployment
from portraits.report.sections import employment
from portraits.warehouse import load_zones
from sources import unemployment
from sources.common import NoRegionalRows, SourceError, header_of, unexpected_columns
from sources.unemployment._workbooks import _sheets

# One commune of zone 5216 (Nantes, 44), two of the interregional zones 0051 (Alençon, 53038 in
# Mayenne) and 0062 (Redon, 44007), per data/territories/ze2020.csv.
COMMUNES = {"44002": "44002", "53038": "53038", "44007": "44007"}
ZE_QUARTERS = [f"{y}-T{q}" for y in range(2003, 2023) for q in range(1, 5)][:-2]      # 2003-T1 … 2022-T2
LONG = ["Code de la zone d'emploi 2020", "Libellé de la zone d'emploi 2020", "Code région 2016", "Libellé région 2016"]


def rates(last: float, n: int, step: float = 0.1) -> list[float]:
    """``n`` rates with one decimal, ending at ``last`` (the year before: ``last`` + 4 × ``step``)."""
    return [round(last + step * (n - 1 - i), 1) for i in range(n)]


def zone_workbook(tmp_path, ze_rows, part_rows, name="chomage-zone-t1-2003-t2-2022.xlsx", header=None,
                  parts_sheet=True, long=LONG):
    """The real layout (FORMATS.md 1.6): Documentation (9 lines of text); txcho_ze with title and
    source on rows 1-2, rows 3-4 blank, long labels on row 5, the machine header on row 6, data
    from row 7; txcho_parties reg with its labels on row 7 and its machine header on row 8."""
    header = header or ["ZE2020", "LIBZE2020", "REG", "LIBREG", *ZE_QUARTERS]
    wb = openpyxl.Workbook()
    doc = wb.active
    doc.title = "Documentation"
    for i in range(9):
        doc.append([f"Ligne de documentation {i + 1}"])
    ws = wb.create_sheet("txcho_ze")
    ws.append(["Taux de chômage localisés par zone d'emploi"])
    ws.append(["Source : Insee, taux de chômage localisés"])
    ws.append([])
    ws.append([])
    ws.append([*long, *(f"{q[-1]}{'er' if q[-1] == '1' else 'e'} trimestre {q[:4]}" for q in ZE_QUARTERS)])
    ws.append(header)
    for row in ze_rows:
        ws.append(row)
    if parts_sheet:
        ps = wb.create_sheet("txcho_parties reg")
        ps.append(["Taux de chômage localisés des parties régionales des zones d'emploi interrégionales"])
        ps.append(["Source : Insee"])
        for _ in range(4):
            ps.append([])
        ps.append(["Code de la partie régionale", "Libellé de la partie régionale", *ZE_QUARTERS])   # row 7: labels
        ps.append(["ZER2020", "LIBZER2020", *ZE_QUARTERS])                                          # row 8
        for row in part_rows:
            ps.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


N = len(ZE_QUARTERS)
ZE_ROWS = [
    ["0051", "Alençon", "00", "Zone interrégionale", *rates(8.0, N)],      # interregional: REG 00
    ["0062", "Redon", "00", "Zone interrégionale", *rates(6.2, N)],
    ["2401", "Bourges", "24", "Centre-Val de Loire", *rates(7.3, N)],     # another région's zone: dropped
    ["7X01", "Code d'une autre région", "75", "Nouvelle-Aquitaine", *["n/a"] * N],   # invalid, not ours: no error
    ["5216", "Nantes", "52", "Pays de la Loire", *rates(5.9, N)],         # codes as text, rates numbers
]
PART_ROWS = [
    ["2851", "Alençon - partie Normandie", *rates(8.6, N)],              # the other région's part: dropped
    ["5251", "Alençon - partie Pays de la Loire", *rates(7.1, N)],       # 52 + 51: the part of 0051 in 52
    ["5262", "Redon - partie Pays de la Loire", *rates(5.5, N)],
    ["5362", "Redon - partie Bretagne", *rates(6.6, N)],
]


def test_real_layout_zone_workbook(tmp_path):
    path = zone_workbook(tmp_path, ZE_ROWS, PART_ROWS)
    loaded = unemployment.read([path], communes=COMMUNES, region="52")
    df = loaded.frame.set_index(["area_type", "area_code", "period"]).rate
    assert sorted(set(df.index.droplevel(2))) == [("ZE", "0051"), ("ZE", "0062"), ("ZE", "5216"),
                                                  ("ZEP", "0051"), ("ZEP", "0062")]
    assert df[("ZE", "5216", "2022-T2")] == 5.9 and df[("ZE", "5216", "2021-T2")] == 6.3
    # The interregional zone: the whole zone (txcho_ze) and its part in the région (5251 → 0051)
    assert df[("ZE", "0051", "2022-T2")] == 8.0 and df[("ZEP", "0051", "2022-T2")] == 7.1
    assert df[("ZEP", "0062", "2003-T1")] == round(5.5 + 0.1 * (N - 1), 1)
    assert loaded.vintage == "2e trimestre 2022" and loaded.warnings == ["aucun taux de chômage pour la région 52"]
    # The check's view of the file: the machine header rows, every column known
    cols = unemployment.header(path)
    assert cols[:6] == ["ZE2020", "LIBZE2020", "REG", "LIBREG", "2003-T1", "2003-T2"]
    assert cols[-2:] == ["ZER2020", "LIBZER2020"] and "2022-T2" in cols
    assert unexpected_columns(unemployment.SOURCE, cols) == []


@pytest.mark.parametrize("change, message", [
    # no REG column (a required column of the zones workbook)
    (dict(header=["ZE2020", "LIBZE2020", "REGION", "LIBREG", *ZE_QUARTERS]),
     r"chomage-zone-t1-2003-t2-2022.xlsx : colonne\(s\) nécessaire\(s\) absente\(s\) : REG \(en-tête lu : ZE2020, "),
    # no code column (neither ZE2020 nor its long label): the header is still found by its
    # quarters, and the missing column named
    (dict(header=["ZE", "LIBZE2020", "REG", "LIBREG", *ZE_QUARTERS], long=["Zone", "Libellé", "Région", "Libellé"]),
     r"colonne\(s\) nécessaire\(s\) absente\(s\) : ZE2020 \(en-tête lu : ZE, LIBZE2020, REG"),
    # no quarter column
    (dict(header=["ZE2020", "LIBZE2020", "REG", "LIBREG", *(f"Taux {q}" for q in ZE_QUARTERS)]),
     r"xlsx, ligne 6 : feuille txcho_ze : aucune colonne de trimestre \(« 2022-T2 », « T2_2022 »\) ni d'année"),
])
def test_zone_workbook_without_a_needed_column(tmp_path, change, message):
    with pytest.raises(SourceError, match=message):
        unemployment.read([zone_workbook(tmp_path, ZE_ROWS, PART_ROWS, **change)], communes=COMMUNES, region="52")


def test_zone_workbook_without_regional_parts_and_bad_rows(tmp_path):
    # Without txcho_parties reg: a named warning, the interregional zones by their whole rate
    loaded = unemployment.read([zone_workbook(tmp_path, ZE_ROWS, [], parts_sheet=False)], communes=COMMUNES,
                               region="52")
    assert set(loaded.frame.area_type) == {"ZE"}
    assert loaded.missing == [{"column": "ZER2020", "file": "chomage-zone-t1-2003-t2-2022.xlsx",
                               "feeds": ["unemployment_zone_parts"]}]
    assert any("colonne ZER2020 absente" in w for w in loaded.warnings)
    # A row of the région is checked: a rate of 120, a bad code
    bad = [["5216", "Nantes", "52", "PdL", *rates(5.9, N - 1), 120]]
    with pytest.raises(SourceError, match=r"xlsx, ligne 7 : feuille txcho_ze : taux 120 hors de l'intervalle 0 à 100 "
                                          r"dans la colonne 2022-T2"):
        unemployment.read([zone_workbook(tmp_path, bad, [])], communes=COMMUNES, region="52")
    bad = [["52X6", "Nantes", "52", "PdL", *rates(5.9, N)]]
    with pytest.raises(SourceError, match=r"ligne 7 : feuille txcho_ze : code zone d'emploi invalide '52X6'"):
        unemployment.read([zone_workbook(tmp_path, bad, [])], communes=COMMUNES, region="52")


def test_another_regions_files_only(tmp_path):
    """National files with no row of the région: the dataset is left out, not an error."""
    zones = zone_workbook(tmp_path, ZE_ROWS[2:4], PART_ROWS[:1])
    deps = tmp_path / "chomage-localise-departements.csv"
    deps.write_text("codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage\n079;DEUX-SEVRES;2023;5,1\n")
    with pytest.raises(NoRegionalRows, match="aucune ligne de taux de chômage pour la région 52"):
        unemployment.read([zones, deps], communes=COMMUNES, region="52")


def test_annual_variant_and_editions(tmp_path):
    """The annual variant (chomage-zone-2003-2025.xlsx, year columns; R code reads it with skip = 4
    and skip = 6: headers on rows 5 and 7 here) beside the quarterly one; of two quarterly
    editions only the latest is read."""
    wb = openpyxl.Workbook()
    wb.active.title = "Documentation"
    ws = wb.create_sheet("txcho_ze")
    for _ in range(4):
        ws.append(["Taux de chômage annuels"])
    ws.append(["ZE2020", "LIBZE2020", "REG", "LIBREG", 2024, 2025])          # years as numbers
    ws.append(["5216", "Nantes", "52", "Pays de la Loire", 6.1, 6.0])
    ws.append([51, "Alençon", "00", "Zone interrégionale", 7.4, 7.6])          # numeric code → 0051
    ps = wb.create_sheet("txcho_parties reg")
    for _ in range(6):
        ps.append([])
    ps.append(["ZER2020", "LIBZER2020", "2024", "2025"])                       # years as text
    ps.append(["5251", "Alençon - partie Pays de la Loire", 6.9, 7.0])
    annual = tmp_path / "chomage-zone-2003-2025.xlsx"
    wb.save(annual)
    loaded = unemployment.read([annual], communes=COMMUNES, region="52")
    df = loaded.frame.set_index(["area_type", "area_code", "period"]).rate
    assert df[("ZE", "5216", "2025")] == 6.0 and df[("ZE", "0051", "2024")] == 7.4 and df[("ZEP", "0051", "2025")] == 7.0
    assert loaded.vintage == "moyenne annuelle 2025"

    old = zone_workbook(tmp_path, ZE_ROWS, PART_ROWS, name="chomage-zone-t1-2003-t1-2022.xlsx")
    new = zone_workbook(tmp_path, ZE_ROWS, PART_ROWS)
    loaded = unemployment.read([new, old], communes=COMMUNES, region="52")
    assert "seule la plus récente est lue (chomage-zone-t1-2003-t2-2022.xlsx ; ignorées : chomage-zone-t1-2003-t1" \
        in loaded.warnings[0]


# ----- sl_etc: départements and régions, Excel 97 -------------------------------------------------
Q = ["T1_2024", "T2_2024", "T3_2024", "T4_2024", "T1_2025", "T2_2025", "T3_2025"]
DEP_ROWS = [
    ["01", "AIN", 5.3, 5.4, 5.4, 5.5, 5.6, 5.6, 5.7],        # 01-09 as text
    ["2A", "CORSE-DU-SUD", 6.0, 6.0, 6.1, 6.1, 6.2, 6.2, 6.3],
    [44, "LOIRE-ATLANTIQUE", 5.5, 5.6, 5.6, 5.6, 5.7, 5.8, 5.9],   # 10-95 as numbers
    [79, "DEUX-SEVRES", 5.1, 5.2, 5.2, 5.3, 5.3, 5.4, 5.4],        # another région's: dropped
    [85, "VENDEE", 5.0, None, 5.1, 5.1, 5.2, 5.2, 5.3],            # an empty cell: missing, not 0
    ["971", "GUADELOUPE", 18.0, 17.9, 17.5, 17.4, 17.6, 17.9, 18.1],
]
REG_ROWS = [
    ["00", "FRANCE (HORS MAYOTTE)", 7.3, 7.3, 7.4, 7.4, 7.5, 7.6, 7.7],   # France, twice: not a région
    ["00", "FRANCE METROPOLITAINE", 7.1, 7.1, 7.2, 7.2, 7.3, 7.4, 7.5],
    ["52", "PAYS DE LA LOIRE", 5.9, 5.9, 6.0, 6.0, 6.1, 6.1, 6.2],
    ["53", "BRETAGNE", 6.0, 6.1, 6.1, 6.2, 6.2, 6.3, 6.3],
    ["01", "GUADELOUPE", 18.0, 17.9, 17.5, 17.4, 17.6, 17.9, 18.1],        # "01" here is Guadeloupe
]
NOTES = ["Données CVS, en moyenne trimestrielle (en %). ", "Champ : France hors Mayotte.", "Source : Insee."]


def series_workbook(tmp_path, sheets=None, name="sl_etc_2025T3.xls", header=("Code", "Libellé", *Q), header_row=3):
    """The layout of sl_etc_2025T3.xls: a text sheet, then each sheet with a title and "(en%)"
    above a blank row, the header on row 4, the data, a blank row and three notes."""
    sheets = sheets if sheets is not None else {"Département": DEP_ROWS, "Région": REG_ROWS}
    book = xlwt.Workbook(encoding="utf-8")
    text = book.add_sheet("Sources_et_méthodes")
    text.write(0, 0, "Taux de chômage localisé par région et département")
    for sheet_name, rows in sheets.items():
        ws = book.add_sheet(sheet_name)
        ws.write(0, 0, "Estimations de taux de chômage localisé : comparaisons")
        ws.write(1, 0, "(en%)")
        for j, h in enumerate(header):
            ws.write(header_row, j, h)
        for i, row in enumerate(rows, start=header_row + 1):
            for j, v in enumerate(row):
                if v is not None:
                    ws.write(i, j, v)
        for i, note in enumerate(NOTES, start=header_row + len(rows) + 2):
            ws.write(i, 0, note)
    path = tmp_path / name
    book.save(str(path))
    return path


def test_series_workbook_xls(tmp_path):
    path = series_workbook(tmp_path)
    loaded = unemployment.read([path], communes={"44109": "44109", "85191": "85191"}, region="52")
    df = loaded.frame.set_index(["area_type", "area_code", "period"]).rate
    assert sorted(set(df.index.droplevel(2))) == [("DEP", "44"), ("DEP", "85"), ("REG", "52")]
    assert df[("DEP", "44", "2025-T3")] == 5.9 and df[("REG", "52", "2024-T1")] == 5.9
    assert pd.isna(df[("DEP", "85", "2024-T2")])
    assert loaded.vintage == "3e trimestre 2025" and loaded.warnings == []
    assert unemployment.header(path) == ["Code", "Libellé", *Q]
    assert unexpected_columns(unemployment.SOURCE, unemployment.header(path)) == []
    # Whole file, no région given: every département (01 padded, 2A, 971), every région but France (00)
    df = unemployment.read([path]).frame
    assert sorted(df[df.area_type == "DEP"].area_code.unique()) == ["01", "2A", "44", "79", "85", "971"]
    assert sorted(df[df.area_type == "REG"].area_code.unique()) == ["01", "52", "53"]
    # Another région's row that would be refused (bad code, a rate that is no number): not read
    other = [*DEP_ROWS, ["7X", "CODE D'UNE AUTRE REGION", *["n/a"] * len(Q)]]
    path = series_workbook(tmp_path, {"Département": other, "Région": REG_ROWS}, name="sl_etc_2025T2.xls")
    assert len(unemployment.read([path], region="52").frame) == 3 * len(Q)         # DEP 44, 85; REG 52


def test_series_workbook_tolerance(tmp_path):
    """Another edition's possible differences: the header lower, "T1 2024", an unnamed sheet placed
    by its codes, a sheet that cannot be placed ignored with a note."""
    sheets = {"Feuil1": DEP_ROWS, "Zones": [["52", "PDL", *[6.0] * 7]]}
    path = series_workbook(tmp_path, sheets, header=("Code", "Libellé", *(q.replace("_", " ") for q in Q)),
                           header_row=5)
    loaded = unemployment.read([path], communes={"44109": "44109"}, region="52")
    assert loaded.frame.area_code.unique().tolist() == ["44"] and loaded.frame.period.max() == "2025-T3"
    assert any("feuille Zones ignorée : niveau non reconnu" in w for w in loaded.warnings)


def test_series_workbook_errors(tmp_path):
    bad = [[44, "LOIRE-ATLANTIQUE", 5.5, 5.6, "n/a", 5.6, 5.7, 5.8, 5.9]]
    with pytest.raises(SourceError, match=r"sl_etc_2025T3.xls, ligne 5 : feuille Département : valeur non numérique "
                                          r"'n/a' dans la colonne T3_2024"):
        unemployment.read([series_workbook(tmp_path, {"Département": bad})], region="52")
    with pytest.raises(SourceError, match=r"colonne\(s\) nécessaire\(s\) absente\(s\) : Code \(en-tête lu : Dep, Libellé"):
        unemployment.read([series_workbook(tmp_path, header=("Dep", "Libellé", *Q))], region="52")
    (tmp_path / "sl_etc_2025T4.xls").write_bytes(b"\xd0\xcf\x11\xe0 truncated")
    with pytest.raises(SourceError, match=r"sl_etc_2025T4.xls : classeur Excel illisible"):
        unemployment.read([tmp_path / "sl_etc_2025T4.xls"], region="52")


# ----- Annual CSV extracts --------------------------------------------------------------------------

def test_annual_extract_without_a_needed_column_and_unscoped_codes(tmp_path):
    p = tmp_path / "chomage-localise-departements.csv"
    p.write_text("codeDepartement;libelleDepartement;rentreeScolaire;taux\n044;LOIRE-ATLANTIQUE;2023;5,6\n")
    with pytest.raises(SourceError, match=r"chomage-localise-departements.csv, ligne 1 : colonne\(s\) "
                                          r"nécessaire\(s\) absente\(s\) : tauxChomage"):
        unemployment.read([p], region="52")
    # Scoped, a code that is no département of the région is not the région's row (no error);
    # unscoped, every row is checked
    p.write_text("codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage\n044;L-A;2023;5,6\n44X;X;2023;5,6\n")
    assert unemployment.read([p], region="52").frame.area_code.tolist() == ["44"]
    with pytest.raises(SourceError, match=r"ligne 3 : code département invalide '44X'"):
        unemployment.read([p])


@pytest.mark.real
def test_real_annual_extracts_and_demo_headers(real_dir, tmp_path):
    real = [real_dir / "chomage-localise-departements_pdl.csv", real_dir / "chomage-localise-regions.csv"]
    loaded = unemployment.read(real, region="52")
    assert loaded.vintage == "moyenne annuelle 2023"
    assert loaded.frame[loaded.frame.area_type == "REG"].area_code.unique().tolist() == ["52"]
    demo = demo_unemployment.write_demo(tmp_path, "52", ["44", "49", "53", "72", "85"], np.random.default_rng(1))
    for d, r in zip(demo, real):
        assert header_of(d) == header_of(r) == unemployment.header(r)
    assert demo[1].read_bytes()[:3] == real[1].read_bytes()[:3] == b"\xef\xbb\xbf"        # the région file's BOM


# ----- Each part of the portrait names the period of its own figures ------------------------------

def _block(loaded) -> str:
    """The unemployment block of the portrait template, rendered for territory T1 (communes of
    COMMUNES) from ``loaded``: the warehouse tables it reads, the report's context, the template."""
    con = duckdb.connect()
    con.register("u", loaded.frame)
    con.execute("CREATE TABLE unemployment AS SELECT * FROM u")
    con.execute("CREATE TABLE territory_communes AS SELECT 'T1' AS territory_code, unnest(?) AS commune_code",
                [sorted(COMMUNES)])
    load_zones(con)
    tables = {name: indicators.query(con, t.sql) for name, t in indicators.table_registry().items()
              if name.startswith("unemployment")}
    prov = {"unemployment": {"producer": "Insee", "title": unemployment.SOURCE.title, "vintage": loaded.vintage}}
    ue = employment._unemployment("T1", "Pays de la Loire", tables, prov)
    template = (ROOT / "templates" / "sections" / "employment.html.j2").read_text(encoding="utf-8")
    start = template.index("  {% set ue = employment.unemployment %}")
    end = template.index('  {% else %}\n  <p class="missing">{{ employment.reason }}</p>')
    snippet = '{% from "_macros.html.j2" import source %}' + template[start:end]
    section = {"images": {i.key: i.file for i in employment.IMAGES}}
    return render.environment().from_string(snippet).render(employment={"unemployment": ue}, section=section,
                                                            region_name="Pays de la Loire", values_where="ci-dessous")


def test_each_part_names_its_own_period(tmp_path):
    deps = tmp_path / "chomage-localise-departements.csv"
    deps.write_text("codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage\n"
                    "044;LOIRE-ATLANTIQUE;2023;5,6\n053;MAYENNE;2023;4,8\n044;Loire-Atlantique;2022;5,5\n")
    regs = tmp_path / "chomage-localise-regions.csv"
    regs.write_text("codeRegion;rentreeScolaire;tauxChomage\n52;2023;5,9\n")
    zones = zone_workbook(tmp_path, ZE_ROWS, PART_ROWS)

    # Today's real inputs: the zones workbook (2022-T2) and the annual extracts (2023)
    loaded = unemployment.read([zones, deps, regs], communes=COMMUNES, region="52")
    assert loaded.vintage == "zones d'emploi : 2e trimestre 2022 ; départements et région : moyenne annuelle 2023"
    text = _block(loaded)
    assert ("Taux de chômage localisé au sens du BIT, en moyenne annuelle 2023 :\nLoire-Atlantique (44) 5,6\xa0% ; "
            "Mayenne (53) 4,8\xa0% ; Pays de la Loire 5,9\xa0%.") in text
    assert "(moyenne annuelle 2023).</p>" in text and "trimestriel.svg" not in text
    # The zones are shown all the same, under their own period
    assert "Taux de chômage des zones d'emploi du territoire au 2e trimestre 2022</caption>" in text
    assert "Évolution depuis le 2e trimestre 2021" in text and "(2e trimestre 2022).</p>" in text
    assert ('<th scope="row">Alençon (0051) – en partie dans le territoire – partie Pays de la Loire</th>'
            '<td>7,1\xa0%</td><td>−0,4\xa0point</td>') in text                        # the regional part's rate
    assert '<th scope="row">Redon (0062) – en partie dans le territoire – partie Pays de la Loire</th><td>5,5' in text
    assert "celui de sa partie située dans la région Pays de la Loire" in text

    # With the sl_etc workbook (2025-T3): the départements and région by quarter, the zones still 2022-T2
    series = series_workbook(tmp_path, {"Département": DEP_ROWS, "Région": REG_ROWS})
    loaded = unemployment.read([zones, series, deps, regs], communes=COMMUNES, region="52")
    assert loaded.vintage == "zones d'emploi : 2e trimestre 2022 ; départements et région : 3e trimestre 2025"
    text = _block(loaded)
    assert "Au 3e trimestre 2025, le taux de chômage au sens du BIT est de <strong>6,2\xa0%</strong>" in text
    assert "(3e trimestre 2025).</p>" in text and "(2e trimestre 2022).</p>" in text
    assert "moyenne annuelle" not in text
    assert ('<th scope="col">Trimestre</th><th scope="col">Loire-Atlantique (44)</th><th scope="col">Pays de la Loire'
            '</th>') in text                                # Mayenne (53): no series in this small file

    # Without the regional parts: the whole zone's rate, said so
    loaded = unemployment.read([zone_workbook(tmp_path, ZE_ROWS, [], parts_sheet=False), deps, regs],
                               communes=COMMUNES, region="52")
    text = _block(loaded)
    assert '<th scope="row">Alençon (0051) – en partie dans le territoire – déborde de la région</th><td>8,0' in text
    assert "porte sur toute la zone" in text


# ----- Demo writers: the real layouts ------------------------------------------------------------

def test_demo_workbooks_have_the_real_layouts(tmp_path):
    from portraits.territories import DEFAULT_DIR, read_membership
    zones = read_membership(DEFAULT_DIR / "ze2020.csv")
    a = demo_unemployment.write_demo_workbooks(tmp_path / "a", "52", zones, np.random.default_rng(5))
    b = demo_unemployment.write_demo_workbooks(tmp_path / "b", "52", zones, np.random.default_rng(5))
    assert [p.name for p in a] == ["chomage-zone-t1-2003-t2-2025.xlsx", "sl_etc_2025T2.xls"]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))          # same rng state, same bytes
    sheets = dict(_sheets(a[0]))
    assert list(sheets) == ["Documentation", "txcho_ze", "txcho_parties reg"]   # FORMATS.md 1.6
    assert len(sheets["Documentation"]) == 9
    ze = sheets["txcho_ze"]
    assert all(not any(ze[i]) for i in (2, 3))                                  # rows 3-4 blank
    assert list(ze[4][:5]) == [*LONG, "1er trimestre 2003"]
    assert list(ze[5][:5]) == ["ZE2020", "LIBZE2020", "REG", "LIBREG", "2003-T1"] and ze[5][-1] == "2025-T2"
    rows = {r[0]: r for r in ze[6:]}
    assert rows["0051"][2] == rows["0062"][2] == "00" and rows["5216"][2] == "52"
    assert all(isinstance(r[0], str) for r in ze[6:]) and isinstance(rows["5216"][-1], float)
    parts = sheets["txcho_parties reg"]
    assert list(parts[7][:3]) == ["ZER2020", "LIBZER2020", "2003-T1"] and parts[6][0].startswith("Code")
    assert [r[0] for r in parts[8:]] == ["2851", "5251", "5262", "5362"]
    sl = dict(_sheets(a[1]))
    assert list(sl) == ["Sources_et_méthodes", "Département", "Région"]
    for name in ("Département", "Région"):
        rows = sl[name]
        assert list(rows[3][:3]) == ["Code", "Libellé", "T1_1982"] and rows[3][-1] == "T2_2025"
        assert not any(rows[-4]) and rows[-1][0].startswith("Source : Insee")     # blank row, 3 notes
    codes = [r[0] for r in sl["Département"][4:-4]]
    assert codes[:2] == ["01", "02"] and 44 in codes and "2A" in codes and codes[-1] == "974"   # as the real file
    assert [r[0] for r in sl["Région"][4:7]] == ["00", "00", "11"]
    loaded = unemployment.read(a, region="52", communes={"44002": "44002", "53038": "53038"})
    assert set(loaded.frame.area_type) == {"ZE", "ZEP", "DEP", "REG"} and loaded.warnings == []
    assert loaded.vintage == "2e trimestre 2025"

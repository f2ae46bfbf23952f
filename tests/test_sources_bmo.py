"""BMO survey, commune → bassin table and FAP-2021 nomenclature: loaders on tiny files in the
official formats, written here (never copies of real files)."""
from __future__ import annotations

import datetime as dt
import fnmatch
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from portraits.demo import bmo as demo_bmo, bmo_bassins as demo_bmo_bassins, fap as demo_fap
from sources import bmo, bmo_bassins, fap
from sources.common import SourceError

HEADER = ["annee", "Code métier BMO", "Nom métier BMO", "Famille_met", "Lbl_fam_met", "REG", "NOM_REG", "Dept",
          "NomDept", "BE24", "NOMBE24", "met", "xmet", "smet"]
PDL = ["52", "Pays de la Loire"]


def row(code="A0X40", bassin=5220, name="NANTES", met="10", xmet="4", smet="2", reg="52", dept="44", year=2024):
    return [year, code, f"Métier {code}", "Z", "Autres métiers", reg, "Pays de la Loire", dept, "Loire-Atlantique",
            bassin, name, met, xmet, smet]


def workbook(path, rows, header=HEADER, sheet="BMO_2024_open_data", dictionary=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    if dictionary:
        ws.title = "Description des variables"
        ws["B7"], ws["C7"] = "Variables ", "Description "
        data = wb.create_sheet(sheet)
    else:
        ws.title = sheet
        data = ws
    data.append(header)
    for r in rows:
        data.append(r)
    wb.save(path)
    return path


def test_sources_declare_provenance_and_patterns():
    for module in (bmo, bmo_bassins, fap):
        s = module.SOURCE
        assert s.family == "employment" and s.url.startswith("https://") and s.page.startswith("https://")
        assert s.producer and s.licence and s.title and s.description
        assert any(fnmatch.fnmatch(s.demo_file, p) for p in s.file_patterns), s.id
        assert any(fnmatch.fnmatch(s.download_name, p) for p in s.file_patterns), s.id
    assert bmo.SOURCE.download_name.endswith(".zip")


# ----- BMO workbook -----------------------------------------------------------------------------

def test_bmo_secret_cells_are_missing_never_zero(tmp_path):
    rows = [
        row("A0X40", met="98", xmet="34", smet="87"),                 # counts as strings, as published
        row("A0X41", met="*", xmet="*", smet="*"),                    # all secret: missing, not 0
        row("B2X40", met="14", xmet="14", smet="*"),                  # seasonal secret alone
        row("J3X43", met=25, xmet=0, smet=None),                      # numbers as numbers; empty cell = missing
        row("A0X40", bassin=5208, name="LE MANS", dept="72", met="7", xmet="*", smet="7"),  # another bassin
        row("A0X40", bassin=5301, name="REDON", reg="53", dept="35", met="50"),          # other region: dropped
        row("R1X60", reg=52, met="5", xmet="1", smet="0"),            # REG stored as an integer: padded
    ]
    loaded = bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])
    df = loaded.frame
    assert list(df.columns) == ["year", "bassin_code", "bassin_name", "fap_code", "fap_name", "family_code",
                                "family_name", "dep", "projects", "difficult", "seasonal"]
    assert len(df) == 6 and "5301" not in set(df.bassin_code)
    assert loaded.vintage == "enquête 2024" and loaded.files == ["Base_open_data_BMO_2024.xlsx"]
    by = df.set_index(["bassin_code", "fap_code"])
    assert by.loc[("5220", "A0X41")][["projects", "difficult", "seasonal"]].isna().all()
    assert by.loc[("5220", "B2X40"), "difficult"] == 14 and pd.isna(by.loc[("5220", "B2X40"), "seasonal"])
    assert by.loc[("5220", "J3X43"), "difficult"] == 0 and pd.isna(by.loc[("5220", "J3X43"), "seasonal"])
    assert df.projects.sum() == 98 + 14 + 25 + 7 + 5            # published cells only
    assert str(df.projects.dtype) == "Float64" and df.year.tolist() == [2024] * 6
    assert by.loc[("5208", "A0X40"), "dep"] == "72" and by.loc[("5208", "A0X40"), "bassin_name"] == "LE MANS"


def test_bmo_bassin_columns_of_another_year(tmp_path):
    header = [h.replace("BE24", "BE25") for h in HEADER]                # BE25 / NOMBE25 in the 2025 survey
    rows = [row("A0X40", year=2025, bassin=5220, met="12")]
    loaded = bmo.read([workbook(tmp_path / "Base_open_data_BMO_2025.xlsx", rows, header, "BMO_2025_open_data")])
    assert loaded.vintage == "enquête 2025"
    assert loaded.frame.bassin_code.tolist() == ["5220"] and loaded.frame.bassin_name.tolist() == ["NANTES"]


def test_bmo_region_argument_and_region_without_rows(tmp_path):
    rows = [row("A0X40", met="5"),                                      # region 52
            row("A0X40", bassin=5301, name="REDON", reg="53", dept="35", met="9")]  # region 53
    path = workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)
    assert bmo.read([path], region="53").frame.projects.tolist() == [9]
    assert bmo.read([path], region=53).frame.bassin_code.tolist() == ["5301"]
    with pytest.raises(SourceError, match="aucune ligne pour la région 11"):
        bmo.read([path], region="11")


def test_bmo_missing_data_sheet(tmp_path):
    path = workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", [row()], sheet="Feuil1")  # renamed data sheet
    with pytest.raises(SourceError, match=r"Base_open_data_BMO_2024\.xlsx : feuille de données .* absente"):
        bmo.read([path])


def test_bmo_missing_column(tmp_path):
    header = [h for h in HEADER if h != "xmet"]                         # optional column xmet removed
    rows = [r[:12] + r[13:] for r in [row()]]
    loaded = bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows, header)])
    assert loaded.frame.difficult.isna().all() and loaded.frame.projects.tolist() == [10]
    assert loaded.missing == [{"column": "xmet", "file": "Base_open_data_BMO_2024.xlsx",
                               "feeds": ["bmo_difficult_share", "bmo_metiers"]}]
    assert any("colonne xmet absente" in w for w in loaded.warnings)
    header = [h for h in HEADER if h != "BE24"]                         # no bassin code column at all: required
    rows = [r[:9] + r[10:] for r in [row()]]
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : BE\{yy\}"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows, header)])


def test_bmo_non_numeric_value(tmp_path):
    rows = [row("A0X40"),                                               # fine
            row("A0X41", met="12", xmet="nd")]                          # 'nd' is not the BMO secret mark
    with pytest.raises(SourceError, match=r"Base_open_data_BMO_2024\.xlsx, ligne 3 : valeur non numérique 'nd' "
                                          r"dans la colonne xmet"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])


def test_bmo_negative_count(tmp_path):
    rows = [row("A0X40", smet="-3")]                                    # negative count
    with pytest.raises(SourceError, match=r"ligne 2 : valeur négative '-3' dans la colonne smet"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])


def test_bmo_difficult_above_projects(tmp_path):
    rows = [row("A0X40", met="*", xmet="8"),                            # met secret: nothing to compare
            row("A0X41", met="10", xmet="11")]                          # xmet > met: impossible
    with pytest.raises(SourceError, match=r"ligne 3 : projets difficiles \(xmet = 11\) supérieurs"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])


def test_bmo_bad_codes(tmp_path):
    rows = [row("Agriculteurs")]                                        # label instead of the FAP code
    with pytest.raises(SourceError, match="ligne 2 : code métier invalide"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])


def test_bmo_zip_with_and_without_the_workbook(tmp_path):
    book = workbook(tmp_path / "book.xlsx", [row("A0X40", met="42")])
    good = tmp_path / "Base_open_data_BMO_2024.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("BMO 2024/Lisez-moi.txt", "notice")                  # other member
        z.writestr("__MACOSX/BMO 2024/._Base_open_data_BMO_2024.xlsx", b"junk")  # macOS resource fork
        z.write(book, "BMO 2024/Base_open_data_BMO_2024.xlsx")          # the workbook, in a folder
    loaded = bmo.read([good])
    assert loaded.frame.projects.tolist() == [42] and loaded.files == ["Base_open_data_BMO_2024.zip"]

    bad = tmp_path / "Base_open_data_BMO_2023.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("Lisez-moi.txt", "notice")                           # no workbook inside
    with pytest.raises(SourceError, match=r"Base_open_data_BMO_2023\.zip : l'archive ne contient pas"):
        bmo.read([bad])


def test_bmo_html_or_truncated_file(tmp_path):
    html = tmp_path / "Base_open_data_BMO_2024.zip"
    html.write_text("<!DOCTYPE html><html><body>Erreur 404</body></html>")  # error page saved as the zip
    with pytest.raises(SourceError, match="page HTML"):
        bmo.read([html])
    book = workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", [row()])
    book.write_bytes(book.read_bytes()[:300])                           # truncated download
    with pytest.raises(SourceError, match="Base_open_data_BMO_2024.xlsx"):
        bmo.read([book])


def test_bmo_reads_the_latest_survey(tmp_path):
    old = workbook(tmp_path / "Base_open_data_BMO_2023.xlsx", [row(year=2023)])
    new = workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", [row(year=2024)])
    loaded = bmo.read([old, new])
    assert loaded.vintage == "enquête 2024" and "Base_open_data_BMO_2023.xlsx" in loaded.warnings[0]


def test_bmo_duplicate_rows(tmp_path):
    rows = [row("A0X40"), row("A0X40")]                                 # exact copy: dropped, reported
    loaded = bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])
    assert len(loaded.frame) == 1 and "double" in loaded.warnings[0]
    rows = [row("A0X40", met="10"), row("A0X40", met="20")]             # same bassin × métier, two values
    with pytest.raises(SourceError, match="ligne 3 : deux lignes différentes"):
        bmo.read([workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)])


def demo_bassins():
    return pd.DataFrame({"bassin_code": ["5201", "5202", "5203"], "bassin_name": ["ANCENIS", "ANGERS", "LAVAL"],
                         "dep": ["44", "49", "53"], "population": [70_000, 400_000, 160_000]})


def test_bmo_demo_is_deterministic_and_official(tmp_path):
    first, second = tmp_path / "a" / bmo.SOURCE.demo_file, tmp_path / "b" / bmo.SOURCE.demo_file
    demo_bmo.write_demo(first, demo_bassins(), demo_fap.demo_frame(), np.random.default_rng(7))
    demo_bmo.write_demo(second, demo_bassins(), demo_fap.demo_frame(), np.random.default_rng(7))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:                                   # no time of writing in the container
        assert {i.date_time for i in z.infolist()} == {(2024, 4, 1, 0, 0, 0)}
    wb = openpyxl.load_workbook(first)
    assert wb.sheetnames == ["Description des variables", "BMO_2024_open_data"]
    # openpyxl stamps 'modified' with the time of saving: the writer must fix it too.
    assert wb.properties.created == wb.properties.modified == dt.datetime(2024, 4, 1)
    assert wb["Description des variables"]["B8"].value == "annee"
    data = wb["BMO_2024_open_data"]
    assert [c.value for c in data[1]] == HEADER
    types = {i: {type(r[i]) for r in data.iter_rows(min_row=2, values_only=True)} for i in range(14)}
    assert types[0] == {int} and types[9] == {int}                      # annee, BE24
    assert types[5] == types[7] == types[11] == types[12] == types[13] == {str}  # REG, Dept, met, xmet, smet

    loaded = bmo.read([first])
    df = loaded.frame
    assert set(df.bassin_code) == {"5201", "5202", "5203"} and loaded.vintage == "enquête 2024"
    per_bassin = df.groupby("bassin_code").size()
    assert per_bassin.between(10, 40).all() and per_bassin["5202"] > per_bassin["5201"]
    assert df.projects.isna().any() and df.seasonal.isna().any()        # secret cells exist
    assert (df.difficult <= df.projects).dropna().all()
    assert set(df.fap_code) <= set(demo_fap.demo_frame().fap_code)
    other = tmp_path / "c.xlsx"
    demo_bmo.write_demo(other, demo_bassins(), demo_fap.demo_frame(), np.random.default_rng(8))
    assert other.read_bytes() != first.read_bytes()


# ----- communes → bassins -----------------------------------------------------------------------
BASSIN_HEADER = "reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO"
# Current communes 44109, 49007, 49126, 85194; former communes mapped to them.
MAPPING = {"44109": "44109", "49007": "49007", "49126": "49126", "85194": "85194",
           "49069": "49126", "49040": "49126", "49172": "49126",
           "85060": "85194", "85166": "85194"}


def bassins_file(tmp_path, lines, name="bmo-communes-bassins.csv"):
    p = tmp_path / name
    p.write_bytes(("\r\n".join([BASSIN_HEADER, *lines]) + "\r\n").encode("utf-8"))
    return p


def test_bassins_former_codes_mapped_to_current(tmp_path):
    lines = [
        "52,44,44109,5220,NANTES",                  # current commune
        "52,49,49007,5218,ANGERS",                  # current commune
        "52,49,49069,5205,CHOLET",                  # former commune (Champtoceaux) → 49126
        "52,49,49040,5205,CHOLET",                  # another former commune of 49126, same bassin
        "52,85,85194,5216,LES SABLES D OLONNES",    # current commune
        "52,85,85060,5216,LES SABLES D OLONNES",    # former commune → 85194, same bassin: no conflict
        "53,35,35236,5301,REDON",                   # other region: dropped
        "52,79,79049,5205,CHOLET",                  # region 52 but département 79: dropped, reported
    ]
    loaded = bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING)
    df = loaded.frame
    assert list(df.columns) == ["commune_code", "bassin_code", "bassin_name"]
    assert df.set_index("commune_code").bassin_code.to_dict() == {
        "44109": "5220", "49007": "5218", "49126": "5205", "85194": "5216"}
    assert any("79" in w and "hors région" in w for w in loaded.warnings)
    assert any("3 codes d'anciennes communes" in w for w in loaded.warnings)
    assert not any("plusieurs" in w for w in loaded.warnings)
    assert loaded.vintage == "zonage BMO (millésime non précisé)"


def test_bassins_former_communes_in_different_bassins(tmp_path):
    lines = [
        "52,49,49126,5229,BEAUPREAU",               # the commune nouvelle's own code: 5229
        "52,49,49069,5205,CHOLET",                  # former commune in 5205
        "52,49,49040,5205,CHOLET",                  # former commune in 5205
        "52,49,49172,5229,BEAUPREAU",               # former commune in 5229: 2 codes each, tie → 5205
        "52,85,85194,5216,LES SABLES D OLONNES",    # tie 1-1 between 5216 and 5214 ...
        "52,85,85166,5214,LA ROCHE SUR YON",        # ... broken by the smallest bassin code: 5214
    ]
    loaded = bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING)
    got = loaded.frame.set_index("commune_code").bassin_code.to_dict()
    assert got == {"49126": "5205", "85194": "5214"}                    # 2-2 tie → 5205 < 5229
    warning = next(w for w in loaded.warnings if "plusieurs bassins" in w)
    assert "49126 → 5205" in warning and "85194 → 5214" in warning and "5216 (1 code)" in warning

    lines = [line for line in lines if ",49040," not in line]
    got = bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING).frame
    assert got.set_index("commune_code").bassin_code["49126"] == "5229"  # 2 codes in 5229, 1 in 5205


def test_bassins_unknown_codes_are_named_and_dropped(tmp_path):
    lines = [
        "52,44,44109,5220,NANTES",                  # known
        "52,44,44060,5203,CHATEAUBRIANT",           # unknown to the mapping
        "52,53,53020,5228,MAYENNE",                 # unknown too: both listed
    ]
    loaded = bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING)
    assert loaded.frame.commune_code.tolist() == ["44109"]
    assert any("2 codes commune inconnus" in w and "44060, 53020" in w for w in loaded.warnings)


def test_bassins_one_code_in_two_bassins_and_padding(tmp_path):
    lines = ["52,44,44109,5220,NANTES",             # first bassin
             "52,44,44109,5225,SAINT NAZAIRE"]      # the same code in a second bassin: error
    with pytest.raises(SourceError, match="44109 est rattaché à deux bassins"):
        bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING)
    lines = ["52,44,44109,5220,NANTES",             # twice the same line: dropped, reported
             "52,44,44109,5220,NANTES"]
    loaded = bmo_bassins.read([bassins_file(tmp_path, lines)], communes=MAPPING)
    assert len(loaded.frame) == 1 and any("double" in w for w in loaded.warnings)
    # Codes stored as numbers upstream lose their leading zeros: dep "1" and bassin "8401".
    lines = ["84,1,1001,8401,BOURG EN BRESSE"]
    df = bmo_bassins.read([bassins_file(tmp_path, lines)], region="84").frame
    assert df.values.tolist() == [["01001", "8401", "BOURG EN BRESSE"]]


def test_bassins_demo_writer(tmp_path):
    communes = pd.DataFrame({"code": ["44109", "49007", "53130"], "dep": ["44", "49", "53"],
                             "name": ["Nantes", "Angers", "Laval"], "population": [300_000, 150_000, 50_000]})
    zones = pd.DataFrame({"commune_code": ["44109", "49007", "53130"], "territory_code": ["5216", "5202", "5211"],
                          "territory_name": ["Nantes", "Angers", "Laval"]})
    path = tmp_path / bmo_bassins.SOURCE.demo_file
    demo_bmo_bassins.write_demo(path, communes, zones, np.random.default_rng(1), former={"49069": "49007"})
    raw = path.read_bytes()
    assert raw.startswith(BASSIN_HEADER.encode() + b"\r\n") and raw.count(b"\r\n") == raw.count(b"\n")
    loaded = bmo_bassins.read([path], communes={"44109": "44109", "49007": "49007", "53130": "53130",
                                                "49069": "49007"})
    assert loaded.frame.values.tolist() == [["44109", "5203", "NANTES"], ["49007", "5201", "ANGERS"],
                                            ["53130", "5202", "LAVAL"]]
    table = demo_bmo_bassins.demo_bassin_table(communes, zones)
    assert table.columns.tolist() == ["bassin_code", "bassin_name", "dep", "population"]
    assert table.population.sum() == 500_000


# ----- FAP-2021 ---------------------------------------------------------------------------------
FAP_HEADER = ("Code_FAP341;Intitulé_FAP341;Code_FAP228;Intitulé_FAP228;Code_FAP86;Intitulé_FAP86;"
              "Code_FAP22;Intitulé_FAP22")


def fap_file(tmp_path, lines):
    p = tmp_path / "dares-nomenclature-FAP2021.csv"
    p.write_bytes(("\ufeff" + "\r\n".join([FAP_HEADER, *lines]) + "\r\n").encode("utf-8"))
    return p


def test_fap_one_row_per_fap228(tmp_path):
    lines = [
        "A0X40;Agriculteurs;A0X40;Agriculteurs;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche",
        "A0X41a;Éleveurs de bovins;A0X41;Éleveurs;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche",  # 2 FAP-341
        "A0X41b;Éleveurs d'ovins;A0X41;Éleveurs;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche",    # same 228
        "QAX01;Militaires;QAX01;Armée;QAX;Armée, police;P;Administration publique",  # letter in the digit place
    ]
    loaded = fap.read([fap_file(tmp_path, lines)])
    df = loaded.frame
    assert list(df.columns) == ["fap_code", "fap_name", "fap86_code", "fap86_name", "fap22_code", "fap22_name"]
    assert df.fap_code.tolist() == ["A0X40", "A0X41", "QAX01"]
    assert df.set_index("fap_code").fap_name["A0X41"] == "Éleveurs" and loaded.vintage == "FAP-2021"


def test_fap_inconsistent_or_invalid_codes(tmp_path):
    lines = [
        "A0X41a;Éleveurs de bovins;A0X41;Éleveurs;A0X;Agriculteurs;A;Agriculture",
        "A0X41b;Éleveurs d'ovins;A0X41;Eleveurs;A0X;Agriculteurs;A;Agriculture",  # other label for A0X41
    ]
    with pytest.raises(SourceError, match="ligne 3 : le code FAP-228 A0X41 a deux valeurs"):
        fap.read([fap_file(tmp_path, lines)])
    lines = ["A0X4;Agriculteurs;A0X4;Agriculteurs;A0X;Agriculteurs;A;Agriculture"]  # truncated code
    with pytest.raises(SourceError, match="ligne 2 : code invalide 'A0X4' dans la colonne Code_FAP228"):
        fap.read([fap_file(tmp_path, lines)])
    lines = ["A0X40;Agriculteurs;A0X40;Agriculteurs;A0X;Agriculteurs;A;Agriculture"]
    p = fap_file(tmp_path, lines)
    p.write_text(p.read_text(encoding="utf-8-sig").replace("Code_FAP86", "Code_FAP87"), encoding="utf-8")
    with pytest.raises(SourceError, match="Code_FAP86"):                # renamed column
        fap.read([p])


def test_fap_demo(tmp_path):
    path = tmp_path / fap.SOURCE.demo_file
    demo_fap.write_demo(path, np.random.default_rng(3))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + FAP_HEADER.encode("utf-8") + b"\r\n")
    loaded = fap.read([path])
    assert 35 <= loaded.rows <= 45 and len(raw.decode("utf-8-sig").splitlines()) - 1 > loaded.rows  # deduped
    pd.testing.assert_frame_equal(loaded.frame, demo_fap.demo_frame())
    assert loaded.frame.fap_code.str.fullmatch(r"[A-Z][0-9][A-Z][0-9]{2}").all()
    again = tmp_path / "again.csv"
    demo_fap.write_demo(again, np.random.default_rng(3))
    assert again.read_bytes() == raw

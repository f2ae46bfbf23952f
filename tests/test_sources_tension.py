"""sources.tension.read on the layout of the 2019 Dares workbook (sheet names and headers as the
Dares' own code reads them, see the module docstring), built here cell by cell with openpyxl."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from sources import tension
from sources.common import SourceError

FACTORS = ["Intensité d'embauches", "Manque de main-d'œuvre disponible", "Non-durabilité de l'emploi",
           "Conditions de travail contraignantes", "Inadéquation géographique", "Lien formation-emploi"]
IMPUTED = "Tension (Valeurs imputées: volumétrie insuffisantes)"
COMMUNES = {"44109": "44109", "49007": "49007"}        # the region's communes: départements 44 and 49


def local_header(geo_column: str, factors=FACTORS, imputed=IMPUTED) -> list[str]:
    return (["Année", "Code FAP 225", "Libellé FAP 225", geo_column, "Emploi moyen", imputed, "Tension - discret"]
            + [c for f in factors for c in (f, f"{f} - discret")])


def factor_cells(value, klass, n=6) -> list:
    return [value, klass] * n


def workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_2019_layout_kept_rows_and_classes(tmp_path):
    nat = ["Année", "Code FAP 225", "Libellé FAP 225", "Emploi moyen", "Tension ", "Tension - discret"] + \
        [c for f in FACTORS for c in (f, f"{f} - discret")]
    path = workbook(tmp_path / "dares_donnees_tensions_2019_corrige.xlsx", {
        "Sommaire": [["Les tensions sur le marché du travail en 2019"]],      # not a data sheet: ignored
        "FAP 225 x Dep": [
            local_header("Code département"),
            [2019, "A0Z40", "Agriculteurs", 44, 600, 0.11, 3, *factor_cells(0.5, 5)],   # integer code → "44"
            [2018, "A0Z40", "Agriculteurs", 44, 600, 0.40, 4, *factor_cells(0.5, 5)],   # older year: dropped
            # n.d. classes where the volume is too small: the imputed value is kept, classes missing
            [2019, "B0Z20", "Ouvriers", "49", 100, 0.15, "n.d.", *factor_cells("n.d.", "n.d.")],
            [2019, "A0Z40", "Agriculteurs", "35", 900, 0.2, 4, *factor_cells(0.1, 2)],  # another region: skipped
        ],
        "FAP 225 x Reg": [
            local_header("Code région"),
            [2019, "B0Z20", "Ouvriers", 52, 3400, -0.30, 2, *factor_cells(-0.2, 1)],
            [2019, "B0Z20", "Ouvriers", 53, 3500, 0.66, 5, *factor_cells(-0.2, 1)],    # Bretagne: skipped
        ],
        "FAP 225 x Nat": [nat, [2019, "A0Z40", "Agriculteurs", 63100, -0.006, 3, *factor_cells(0.2, 3)]],
        "FAP 87 x Reg ": [                                       # a trailing space in the sheet name
            ["Année", "Code FAP 87", "Libellé FAP 87", "reg ", "Emploi moyen", IMPUTED, "Tension - discret"],
            [2019, "B0Z", "Ouvriers du BTP", "52", 9000, 0.7, 5],  # no complementary columns on this sheet
        ],
    })
    loaded = tension.read([path], communes=COMMUNES, region="52")
    df = loaded.frame
    assert list(df.columns) == tension.OUTPUT
    assert loaded.vintage == "2019, FAP-2009"
    assert set(df.year) == {2019}
    assert sorted(set(zip(df.geo_level, df.geo_code))) == [("dep", "44"), ("dep", "49"), ("nat", "FR"), ("reg", "52")]
    t = df[df.indicator == "tension"].set_index(["geo_level", "geo_code", "fap_code"])
    assert t.loc[("dep", "44", "A0Z40"), "quintile"] == 3 and t.loc[("dep", "44", "A0Z40"), "value"] == 0.11
    assert t.loc[("dep", "49", "B0Z20"), "value"] == 0.15
    assert pd.isna(t.loc[("dep", "49", "B0Z20"), "quintile"])
    assert t.loc[("reg", "52", "B0Z"), "fap_level"] == 87
    assert t.loc[("nat", "FR", "A0Z40"), "value"] == -0.006
    # n.d. everywhere for a factor: no row at all
    assert df[(df.geo_code == "49") & (df.indicator != "tension")].empty
    factors = df[(df.geo_code == "44") & (df.indicator != "tension")]
    assert sorted(factors.indicator) == sorted(tension.FACTORS) and set(factors.quintile) == {5}
    # The file is FAP-2009: named warning, the métiers of the BMO (FAP-2021) cannot be matched.
    assert set(df.nomenclature) == {"FAP-2009"}
    assert any("FAP-2009" in w and "BMO" in w for w in loaded.warnings)
    assert loaded.missing == []


def test_missing_factor_class_is_a_named_warning(tmp_path):
    factors = [f for f in FACTORS if f != "Inadéquation géographique"]
    path = workbook(tmp_path / "dares_donnees_tensions_2019.xlsx", {
        "FAP 225 x Reg": [local_header("Code région", factors),
                          [2019, "A0Z40", "Agriculteurs", 52, 3400, -0.3, 2, *factor_cells(0.1, 4, 5)]]})
    loaded = tension.read([path], communes=COMMUNES, region="52")
    assert [m["column"] for m in loaded.missing if "discret" in m["column"]] == ["Inadéquation géographique - discret"]
    assert any("Inadéquation géographique - discret absente" in w for w in loaded.warnings)
    assert "inadequation_geo" not in set(loaded.frame.indicator)


def test_header_variants_are_matched(tmp_path):
    # "-discret" without space, upper case, "oe" for "œ", "Tension" plain on a local sheet (2022 edition)
    header = ["Année", "Code FAP 87", "Libellé FAP 87", "Code région", "Tension", "TENSION -DISCRET",
              "Manque de main-d'oeuvre disponible-discret"]
    path = workbook(tmp_path / "Dares_données_tensions_2022_.xlsx", {
        "FAP 87 x Reg": [header, [2022, "A0Z", "Agriculteurs", "52", 0.4, 4, 2]]})
    df = tension.read([path], communes=COMMUNES, region="52").frame
    assert sorted(zip(df.indicator, df.quintile)) == [("manque_main_oeuvre", 2), ("tension", 4)]


def test_missing_tension_class_is_an_error_naming_sheet_and_column(tmp_path):
    header = [h for h in local_header("Code département") if h != "Tension - discret"]
    path = workbook(tmp_path / "dares_donnees_tensions_2019.xlsx", {
        "FAP 225 x Dep": [header, [2019, "A0Z40", "Agriculteurs", 44, 600, 0.11, *factor_cells(0.5, 5)]]})
    with pytest.raises(SourceError, match=r"feuille FAP 225 x Dep : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"Tension - discret") as e:
        tension.read([path], communes=COMMUNES, region="52")
    assert "dares_donnees_tensions_2019.xlsx" in str(e.value)


@pytest.mark.parametrize("cell, message", [
    (7, "classe 7 hors de 1 à 5 dans la colonne Tension - discret"),          # not a class
    ("forte", "valeur non numérique 'forte' dans la colonne Tension - discret"),  # a word, not n.d.
])
def test_bad_class_is_an_error_naming_the_line(tmp_path, cell, message):
    path = workbook(tmp_path / "dares_donnees_tensions_2019.xlsx", {
        "FAP 225 x Reg": [local_header("Code région"),
                          [2019, "A0Z40", "Agriculteurs", 52, 3400, -0.3, 2, *factor_cells(0.1, 4)],
                          [2019, "A0Z41", "Éleveurs", 52, 3400, -0.3, cell, *factor_cells(0.1, 4)]]})
    with pytest.raises(SourceError, match=message) as e:
        tension.read([path], communes=COMMUNES, region="52")
    assert "dares_donnees_tensions_2019.xlsx, ligne 3" in str(e.value)


def test_no_data_sheet_is_an_error(tmp_path):
    path = workbook(tmp_path / "dares_donnees_tensions_2019.xlsx", {"Feuil1": [["a"]]})
    with pytest.raises(SourceError, match="aucune feuille « FAP <n> x Dep|Reg|Nat »"):
        tension.read([path], communes=COMMUNES, region="52")


def test_fap2021_codes_are_told_apart():
    assert tension.nomenclature(pd.Series(["A0X40", "G0A40", "T2A60"]), {225}) == "FAP-2021"   # codes win
    assert tension.nomenclature(pd.Series(["A0Z40", "G0A40"]), {228}) == "FAP-2009"
    assert tension.nomenclature(pd.Series(["G0A40"]), {228, 86}) == "FAP-2021"              # no Z/X: the sheets say


def test_a_local_sheet_without_its_geography_code_is_an_error(tmp_path):
    header = [h if h != "Code département" else "Département" for h in local_header("Code département")]
    path = workbook(tmp_path / "dares_donnees_tensions_2019.xlsx", {
        "FAP 225 x Dep": [header, [2019, "A0Z40", "Agriculteurs", 44, 600, 0.11, 3, *factor_cells(0.5, 5)]]})
    with pytest.raises(SourceError, match=r"feuille FAP 225 x Dep : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"Code département"):
        tension.read([path], communes=COMMUNES, region="52")

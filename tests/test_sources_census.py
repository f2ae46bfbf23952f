"""Census and populations légales loaders on tiny files in the official layouts, written here
(never copies of real files). Each data row says which edge case it exists for."""
from __future__ import annotations

import fnmatch
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from portraits.demo import census as demo_census, populations as demo_populations
from sources import census, populations
from sources.common import SourceError

# Orée d'Anjou (49126) and Champtoceaux (49069), one of its communes déléguées; Nantes; Bouguenais.
COMMUNES = {"49126": "49126", "49069": "49126", "44109": "44109", "44184": "44184"}


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def zip_bytes(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def values(loaded, commune, variable, year):
    df = loaded.frame
    sel = df[(df.commune_code == commune) & (df.variable == variable) & (df.year == year)].value
    assert len(sel) == 1, (commune, variable, year, sel)
    return sel.iloc[0]


# ----- Legacy bases communales -------------------------------------------------------------------
EMPLOI_HEADER = ("CODGEO;P20_POP1564;P20_ACT1564;P20_CHOM1564;P20_CHOM55P;P20_ACTOCC;C20_ACTOCC1564;"
                 "C20_ACTOCC1564_CS3;P20_INACT1564;P20_EMPLT;C20_EMPLT_AGRI;P14_CHOM1564;P14_EMPLT")
EMPLOI_ROWS = [
    "49126;8000.5;6000.25;500;40;5600;5400;700.5;2000;3000;150;600;2800",   # commune nouvelle
    "49069;1000;750;50;5;710;690;80;250;200;20;60;210",                     # former code: added to 49126
    "44109;200000;150000;s;1500;140000;138000;30000;50000;190000;800;20000;170000",  # 's' = secret
    "44184;15000;11000;;90;10500;10200;1500;4000;17000;;1100;16000",         # empty = secret
    "75056;1;1;1;1;1;1;1;1;1;1;1;1",                                         # other region: dropped
]


def test_legacy_base_secret_cells_quirks_and_former_communes(tmp_path):
    p = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", EMPLOI_HEADER + "\n" + "\n".join(EMPLOI_ROWS) + "\n")
    loaded = census.read([p], communes=COMMUNES)
    df = loaded.frame
    assert list(df.columns) == ["commune_code", "year", "variable", "value"]
    assert str(df.value.dtype) == "Float64" and df.year.dtype == "int64"
    assert set(df.commune_code) == {"49126", "44109", "44184"}                    # 75056 dropped, 49069 mapped
    assert values(loaded, "49126", "POP1564", 2020) == pytest.approx(9000.5)      # 8000.5 + 1000
    assert values(loaded, "49126", "EMPLT", 2014) == pytest.approx(3010)          # P14_ → 2014
    assert pd.isna(values(loaded, "44109", "CHOM1564", 2020))                     # 's': missing, not 0
    assert pd.isna(values(loaded, "44184", "CHOM1564", 2020))                     # empty: missing, not 0
    assert pd.isna(values(loaded, "44184", "EMPLT_AGRI", 2020))
    assert values(loaded, "44109", "CHOM5564", 2020) == 1500                      # P20_CHOM55P (sic)
    assert values(loaded, "44109", "ACTOCC15P", 2020) == 140000                   # P20_ACTOCC
    assert values(loaded, "44109", "ACTOCC1564_CS3", 2020) == 30000               # C20_ variable
    # Not kept: P20_INACT1564; C20_ACTOCC1564 (a C total) is never taken for the P variable: without
    # P20_ACTOCC1564, the actifs occupés are actifs − chômeurs (6750.25 − 550), and missing with a secret part.
    assert "INACT1564" not in set(df.variable)
    assert values(loaded, "49126", "ACTOCC1564", 2020) == pytest.approx(6200.25)
    assert pd.isna(values(loaded, "44109", "ACTOCC1564", 2020))
    assert any("calculés comme actifs moins chômeurs" in w for w in loaded.warnings)
    assert loaded.vintage == "recensement 2020"
    assert any("49069" in w for w in loaded.warnings)


def test_legacy_secret_part_makes_the_commune_nouvelle_sum_missing(tmp_path):
    text = "CODGEO;P20_POP1564;P20_CHOM1564\n" \
           "49126;8000;500\n" \
           "49069;1000;s\n"           # a secret part: the total is unknown, never understated
    loaded = census.read([write(tmp_path, "base-cc-emploi-pop-active-2020.csv", text)], communes=COMMUNES)
    assert pd.isna(values(loaded, "49126", "CHOM1564", 2020))
    assert values(loaded, "49126", "POP1564", 2020) == 9000


def test_evol_struct_pop_and_comparateur_combined_most_specific_wins(tmp_path):
    struct = ("CODGEO;P20_POP;P20_POP0014;P20_POP1529;P20_POP3044;P20_POP4559;P20_POP6074;P20_POP75P;P14_POP\n"
              "44109;320000;50000;60000;60000;60000;55000;35000;300000\n")                 # bands sum to POP
    comparateur = ("CODGEO;P20_POP;P14_POP;SUPERF;MED20;P20_EMPLT;P20_RP_PROP;ETAZ20\r\n"   # CRLF; non-census columns
                   "44109;319999;300000;65.19;22000;195000;60000.5;12\r\n"                  # POP also in evol-struct-pop
                   "44184;27000;25000;31.5;;16000;9000;40\r\n")                              # only here
    p1 = write(tmp_path, "base-cc-evol-struct-pop-2020.CSV", struct)
    p2 = write(tmp_path, "base_cc_comparateur.CSV", comparateur)
    loaded = census.read([p2, p1], communes=COMMUNES)
    assert values(loaded, "44109", "POP", 2020) == 320000          # evol-struct-pop beats comparateur
    assert values(loaded, "44109", "POP", 2014) == 300000
    assert values(loaded, "44184", "POP", 2020) == 27000           # from the comparateur only
    assert values(loaded, "44109", "EMPLT", 2020) == 195000
    assert values(loaded, "44109", "POP75P", 2020) == 35000
    assert not {"RP_PROP", "SUPERF", "MED20"} & set(loaded.frame.variable)
    assert any("base-cc-evol-struct-pop-2020.CSV plutôt que base_cc_comparateur.CSV" in w for w in loaded.warnings)


def test_official_zip_with_and_without_the_data_member(tmp_path):
    data = EMPLOI_HEADER + "\n" + EMPLOI_ROWS[2] + "\n"
    meta = "COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\nP20_POP1564;Pop;Pop;;;NUM;16\n"
    good = tmp_path / "base-cc-emploi-pop-active-2020_v2.zip"
    good.write_bytes(zip_bytes({"base-cc-emploi-pop-active-2020.CSV": data,              # the data member
                                "meta_base-cc-emploi-pop-active-2020.CSV": meta}))      # not read
    loaded = census.read([good], communes=COMMUNES)
    assert values(loaded, "44109", "POP1564", 2020) == 200000
    bad = tmp_path / "base-cc-emploi-pop-active-2021_csv.zip"
    bad.write_bytes(zip_bytes({"meta_base-cc-emploi-pop-active-2021.CSV": meta}))      # data member missing
    with pytest.raises(SourceError, match=r"base-cc-emploi-pop-active-2021_csv\.zip : archive zip : aucun fichier"
                                          r".*meta_base-cc-emploi-pop-active-2021\.CSV"):
        census.read([bad], communes=COMMUNES)


ONES = ";1" * 12        # a well-formed row tail (12 values)


@pytest.mark.parametrize("content, message", [
    (EMPLOI_HEADER + "\n44109;200000;150000;abc" + ";1" * 9 + "\n",                     # non-numeric value
     r"ligne 2 : valeur non numérique 'abc' dans la colonne P20_CHOM1564"),
    (EMPLOI_HEADER + "\n44109;200000;-3" + ";1" * 10 + "\n",                            # negative count
     r"ligne 2 : valeur '-3' inférieure à 0 dans la colonne P20_ACT1564"),
    (EMPLOI_HEADER + "\n44184" + ONES + "\n44999" + ONES + "\n",                       # unknown code of the region
     r"ligne 3 : code commune inconnu '44999'"),
    (EMPLOI_HEADER + "\n44109;200000;150000\n",                                         # truncated row
     r"ligne 2 : 3 champs au lieu de 13"),
    (EMPLOI_HEADER + "\n44109" + ONES + "\n4410" + ONES + "\n",                        # malformed code
     r"ligne 3 : code commune invalide '4410'"),
    (EMPLOI_HEADER + "\n44109" + ONES + "\n44109" + ONES + "\n",                       # same commune twice
     r"ligne 3 : code commune en double"),
    (EMPLOI_HEADER.replace("CODGEO", "COM") + "\n44109" + ONES + "\n",                 # CODGEO missing
     r"ligne 1 : colonne CODGEO absente"),
    ("CODGEO;P20_LOG;P20_RP\n44109;1;1\n",                                              # another base (logement)
     r"aucune variable du recensement retenue"),
    ("", r"fichier vide"),                                                                # empty file
    ("<!DOCTYPE html>\n<html><body>Service indisponible</body></html>", r"page HTML"),   # error page saved
])
def test_census_bad_files_name_file_and_line(tmp_path, content, message):
    p = write(tmp_path, "base-cc-emploi-pop-active-2020.CSV", content)
    with pytest.raises(SourceError, match=rf"base-cc-emploi-pop-active-2020\.CSV.*{message}"):
        census.read([p], communes=COMMUNES)


def test_html_page_saved_as_the_zip(tmp_path):
    p = write(tmp_path, "base-cc-emploi-pop-active-2020_v2.zip", "<html><body>403 Forbidden</body></html>")
    with pytest.raises(SourceError, match=r"base-cc-emploi-pop-active-2020_v2\.zip : le fichier est une page HTML"):
        census.read([p], communes=COMMUNES)


# ----- MELODI -----------------------------------------------------------------------------------
LR_HEADER = "GEO;GEO_OBJECT;SEX;AGE;EMPSTA_ENQ;EDUC;RP_MEASURE;FREQ;OBS_STATUS;TIME_PERIOD;OBS_VALUE"
LR_ROWS = [
    "44109;COM;_T;Y15T64;_T;_T;POP;A;A;2022;210000.5",       # POP1564
    "44109;COM;_T;Y15T64;1T2;_T;POP;A;A;2022;155000",        # ACT1564
    "44109;COM;_T;Y15T64;1;_T;POP;A;A;2022;139000",          # ACTOCC1564
    "44109;COM;_T;Y15T64;2;_T;POP;A;A;2022;16000",           # CHOM1564
    "44109;COM;_T;Y15T24;2;_T;POP;A;A;2022;4000",            # CHOM1524
    "44109;COM;_T;Y_GE15;1;_T;POP;A;A;2022;142000",          # ACTOCC15P
    "44109;COM;_T;Y15T64;2;_T;POP;A;A;2016;17000",           # an older census year of the same file
    "44109;COM;F;Y15T64;2;_T;POP;A;A;2022;7500",             # women only: not a total, ignored
    "44109;COM;_T;Y15T64;2;500_RP;POP;A;A;2022;3000",        # by diploma: ignored
    "44;DEP;_T;Y15T64;2;_T;POP;A;A;2022;50000",              # département level: ignored
    "75101;ARM;_T;Y15T64;2;_T;POP;A;A;2022;900",             # arrondissement: ignored
    "49069;COM;_T;Y15T64;2;_T;POP;A;K;2022;100",             # status K (included in another commune): dropped
    "49126;COM;_T;Y15T64;2;_T;POP;A;A;2022;",                # empty value: missing, not 0
    "85191;COM;_T;Y15T64;2;_T;POP;A;A;2022;900",             # other département: dropped
]


def test_melodi_long_rows_map_to_the_legacy_variables(tmp_path):
    lr = write(tmp_path, "DS_RP_EMPLOI_LR_PRINC_2022_data.csv", LR_HEADER + "\n" + "\n".join(LR_ROWS) + "\n")
    lt = write(tmp_path, "DS_RP_EMPLOI_LT_PRINC_2022_data.csv", "\n".join([
        "EMPFORM;GEO;GEO_OBJECT;SEX;WKTIME;AGE;RP_MEASURE;TIME_PERIOD;OBS_VALUE",
        "_T;44109;COM;_T;_T;_T;EMPLT;2022;200000",               # EMPLT
        "2;44109;COM;_T;_T;_T;EMPLT;2022;180000",                # salariés: EMPLT_SAL
        "2;44109;COM;_T;PT;_T;EMPLT;2022;30000",                 # part time: ignored
    ]) + "\n")
    comp = write(tmp_path, "DS_RP_EMPLOI_LT_COMP_2022_data.csv", "\n".join([
        "EMP_ACTIVITY;GEO;GEO_OBJECT;SEX;PCS;EMPFORM;RP_MEASURE;TIME_PERIOD;OBS_VALUE",
        "AZ;44109;COM;_T;_T;_T;EMPLT;2022;700",                  # EMPLT_AGRI
        "OQ;44109;COM;_T;_T;_T;EMPLT;2022;60000",                # EMPLT_APESAS
        "_T;44109;COM;_T;_T;_T;EMPLT;2022;200000",               # total of the complementary count: not kept
    ]) + "\n")
    csp = write(tmp_path, "DS_RP_EMPLOI_LR_COMP_2022_data.csv", "\n".join([
        "GEO;GEO_OBJECT;AGE;EMPSTA_ENQ;PCS;RP_MEASURE;TIME_PERIOD;OBS_VALUE",
        "44109;COM;Y15T64;1;3;POP;2022;35000",                   # ACTOCC1564_CS3
        "44109;COM;Y15T64;1T2;3;POP;2022;36000",                 # actifs by CSP: not kept
    ]) + "\n")
    other = write(tmp_path, "DS_RP_NAVETTES_PRINC_2022_data.csv",
                  "TRANS;GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE\n_T;44109;COM;2022;1\n")   # not read: warning
    loaded = census.read([lr, lt, comp, csp, other], communes=COMMUNES)
    got = {(r.commune_code, r.variable, r.year): r.value for r in loaded.frame.itertuples()}
    assert got[("44109", "POP1564", 2022)] == pytest.approx(210000.5)
    assert got[("44109", "ACT1564", 2022)] == 155000 and got[("44109", "ACTOCC1564", 2022)] == 139000
    assert got[("44109", "CHOM1564", 2022)] == 16000 and got[("44109", "CHOM1564", 2016)] == 17000
    assert got[("44109", "CHOM1524", 2022)] == 4000 and got[("44109", "ACTOCC15P", 2022)] == 142000
    assert got[("44109", "EMPLT", 2022)] == 200000 and got[("44109", "EMPLT_SAL", 2022)] == 180000
    assert got[("44109", "EMPLT_AGRI", 2022)] == 700 and got[("44109", "EMPLT_APESAS", 2022)] == 60000
    assert got[("44109", "ACTOCC1564_CS3", 2022)] == 35000
    assert pd.isna(got[("49126", "CHOM1564", 2022)])            # 49069 (K) dropped, 49126 empty
    assert set(loaded.frame.commune_code) == {"44109", "49126"}
    assert loaded.vintage == "recensement 2022"
    assert any("DS_RP_NAVETTES_PRINC_2022_data.csv" in w and "ignoré" in w for w in loaded.warnings)


def test_melodi_unrecognised_or_ambiguous_lines_are_errors(tmp_path):
    p = write(tmp_path, "DS_RP_EMPLOI_LR_PRINC_2022_data.csv",
              "GEO;GEO_OBJECT;AGE;EMPSTA_ENQ;NEWDIM;RP_MEASURE;TIME_PERIOD;OBS_VALUE\n"
              "44109;COM;Y15T64;2;X;POP;2022;16000\n")            # a dimension without total: nothing maps
    with pytest.raises(SourceError, match=r"aucune combinaison reconnue.*NEWDIM"):
        census.read([p], communes=COMMUNES)
    p = write(tmp_path, "DS_RP_EMPLOI_LT_PRINC_2022_data.csv",
              "GEO;GEO_OBJECT;EMPFORM;RP_MEASURE;TIME_PERIOD;OBS_VALUE\n"
              "44109;COM;_T;EMPLT;2022;200000\n"
              "44109;COM;_T;OTHER;2022;7\n")                    # a second measure: ambiguous
    with pytest.raises(SourceError, match=r"ligne 3 : plusieurs lignes pour la commune 44109, 2022, EMPLT"):
        census.read([p], communes=COMMUNES)
    p = write(tmp_path, "DS_RP_EMPLOI_LR_PRINC_2022_data.csv",
              LR_HEADER + "\n44109;COM;_T;Y15T64;2;_T;POP;A;A;2022;-5\n")   # negative count
    with pytest.raises(SourceError, match=r"ligne 2 : valeur '-5' inférieure à 0"):
        census.read([p], communes=COMMUNES)


# ----- Declarations -------------------------------------------------------------------------------
def test_census_declarations():
    s = census.SOURCE
    assert s.id == "census" and s.family == "employment" and s.producer == "Insee"
    for name in ("base-cc-emploi-pop-active-2020.CSV", "base-cc-emploi-pop-active-2021.csv",
                 "base-cc-emploi-pop-active-2020_v2.zip", "base-cc-evol-struct-pop-2020.CSV",
                 "base-cc-evol-struct-pop-2021_csv.zip", "base_cc_comparateur.CSV", "base_cc_comparateur.csv",
                 "DS_RP_EMPLOI_LR_PRINC_2022_data.csv", s.demo_file, s.download_name):
        assert any(fnmatch.fnmatch(name, p) for p in s.file_patterns), name
    for name in ("meta_base-cc-emploi-pop-active-2020.CSV", "DS_RP_EMPLOI_LR_PRINC_2022_metadata.csv"):
        assert not any(fnmatch.fnmatch(name, p) for p in s.file_patterns), name
    assert census.official_names("CHOM5564", 2020) == ["P20_CHOM5564", "P20_CHOM55P"]
    assert census.official_names("EMPLT_AGRI", 2014) == ["C14_EMPLT_AGRI"]
    assert len(census.VARIABLES) == len(census.KEPT)


def test_populations_declarations():
    s = populations.SOURCE
    assert s.id == "populations" and s.url.endswith("/8290591/ensemble.zip")
    for name in ("donnees_communes.csv", "ensemble.zip", "insee-populations-legales-2022-communes_pdl.csv",
                 "populations-legales-2021-communes.csv", "donnees_communes_2021.csv", s.demo_file, s.download_name):
        assert any(fnmatch.fnmatch(name, p) for p in s.file_patterns), name
    for name in ("insee-populations-legales-2022-communes-deleguees_pdl.csv", "donnees_communes_deleguees.csv",
                 "donnees_communes_associees_deleguees.csv", "donnees_cantons.csv"):
        assert not any(fnmatch.fnmatch(name, p) for p in s.file_patterns), name


# ----- Census demo --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def communes52():
    from portraits.geography import load_communes
    return load_communes("52")


def test_census_demo_is_deterministic_consistent_and_readable(tmp_path, communes52):
    a = demo_census.write_demo(tmp_path / "a", communes52, np.random.default_rng(7))
    b = demo_census.write_demo(tmp_path / "b", communes52, np.random.default_rng(7))
    assert [p.name for p in a] == ["base-cc-emploi-pop-active-2020.CSV", "base-cc-evol-struct-pop-2020.CSV"]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    loaded = census.read(a, communes=set(communes52.code))
    assert loaded.vintage == "recensement 2020" and not loaded.warnings
    w = loaded.frame.pivot_table(index=["commune_code", "year"], columns="variable", values="value").astype(float)
    now, before = w.xs(2020, level="year"), w.xs(2014, level="year")
    assert len(now) == len(communes52)
    bands = now[[f"POP{b}" for b in ("0014", "1529", "3044", "4559", "6074", "75P")]].sum(axis=1)
    assert np.allclose(bands, now.POP, rtol=1e-6)
    assert np.allclose(now[[f"ACTOCC1564_CS{i}" for i in range(1, 7)]].sum(axis=1), now.ACTOCC1564, rtol=1e-6)
    sectors = now[["EMPLT_AGRI", "EMPLT_INDUS", "EMPLT_CONST", "EMPLT_CTS", "EMPLT_APESAS"]].sum(axis=1)
    assert np.allclose(sectors, now.EMPLT, rtol=1e-6)
    assert np.allclose(now.ACT1564 - now.CHOM1564, now.ACTOCC1564, rtol=1e-6)
    eps = 1e-6                                                   # values are written with 6 decimals
    assert ((now.POP1564 / now.POP).between(0.55 - eps, 0.68 + eps)).all()
    assert ((now.CHOM1564 / now.ACT1564).between(0.06 - eps, 0.12 + eps)).all()
    concentration = now.EMPLT / now.ACTOCC15P
    assert concentration.between(0.4 - eps, 1.6 + eps).all()
    assert concentration["44109"] > 1.2 and concentration.median() < 0.8      # jobs in the larger communes
    pop17 = communes52.set_index("code").population.astype(float)
    assert ((now.POP / pop17.reindex(now.index)).between(0.85, 1.15) | (pop17.reindex(now.index) < 50)).all()
    assert (before.POP < now.POP * 1.2).all() and before.EMPLT.notna().all() and before.CHOM1564.notna().all()
    assert before.ACT1564.notna().all()


# ----- Populations légales ------------------------------------------------------------------------
POP_HEADER = "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT"
POP_ROWS = [
    "52;Pays de la Loire;44;2;NA;109;44109;Nantes;325070;4739;329809",       # canton NA: split commune
    "52;Pays de la Loire;44;2;07;184;44184;Saint-Herblain;50000;500;50500",
    "52;Pays de la Loire;49;2;16;126;49126;Orée d'Anjou;14000;300;14300",    # commune nouvelle
    "52;Pays de la Loire;49;2;16;069;49069;Champtoceaux;2975;24;2999",      # former code: added
    "11;Île-de-France;75;1;NA;056;75056;Paris;2100000;30000;2130000",       # other region: dropped
]


def test_populations_crlf_na_canton_region_and_former_codes(tmp_path):
    p = write(tmp_path, "insee-populations-legales-2022-communes.csv", POP_HEADER + "\r\n" + "\r\n".join(POP_ROWS) + "\r\n")
    loaded = populations.read([p], communes=COMMUNES)
    df = loaded.frame
    assert list(df.columns) == ["commune_code", "population", "population_total", "year"]
    assert str(df.population.dtype) == "Int64" and str(df.population_total.dtype) == "Int64"
    got = df.set_index("commune_code")
    assert list(got.index) == ["44109", "44184", "49126"]
    assert got.loc["44109", "population"] == 325070 and got.loc["44109", "population_total"] == 329809
    assert got.loc["49126", "population"] == 16975 and got.loc["49126", "population_total"] == 17299
    assert set(df.year) == {2022}
    assert loaded.vintage == "populations légales 2022 (en vigueur au 1er janvier 2025)"
    assert "49069" in loaded.warnings[0]


def test_populations_official_zip_and_millesime(tmp_path):
    text = POP_HEADER + "\r\n" + "\r\n".join(POP_ROWS[:2]) + "\r\n"
    good = tmp_path / "ensemble.zip"
    good.write_bytes(zip_bytes({"donnees_communes.csv": text, "donnees_cantons.csv": "x;y\r\n1;2\r\n",
                                "metadonnees.csv": "a\r\n"}))
    loaded = populations.read([good], communes=COMMUNES)            # no year in the name: URL id 8290591
    assert loaded.frame.year.tolist() == [2022, 2022] and loaded.rows == 2
    forced = populations.read([good], communes=COMMUNES, year=2021)
    assert forced.vintage == "populations légales 2021 (en vigueur au 1er janvier 2024)"
    assert populations.millesime(tmp_path / "8290591-ensemble.zip") == (2022, None)
    assert populations.millesime(tmp_path / "populations-legales-2021-communes.csv")[0] == 2021
    assert "imposé" in populations.millesime(tmp_path / "populations-legales-2021-communes.csv", 2022)[1]
    bad = tmp_path / "ensemble_2.zip"
    bad.write_bytes(zip_bytes({"donnees_cantons.csv": "x;y\r\n1;2\r\n"}))               # member missing
    with pytest.raises(SourceError, match=r"ensemble_2\.zip : archive zip : aucun fichier.*donnees_cantons\.csv"):
        populations.read([bad], communes=COMMUNES)


@pytest.mark.parametrize("row, message", [
    ("52;Pays de la Loire;44;2;07;999;44999;Inconnue;10;0;10",                # unknown code of the region
     r"ligne 3 : code commune inconnu '44999'"),
    ("52;Pays de la Loire;44;2;07;184;44184;Saint-Herblain;abc;0;10",          # non-numeric
     r"ligne 3 : valeur non numérique 'abc'"),
    ("52;Pays de la Loire;44;2;07;184;44184;Saint-Herblain;-1;0;-1",           # negative
     r"ligne 3 : valeur '-1' inférieure à 0"),
    ("52;Pays de la Loire;44;2;07;184;44184;Saint-Herblain;100;5;110",         # PTOT != PMUN + PCAP
     r"ligne 3 : PTOT \(110\) différente de PMUN \+ PCAP"),
    ("52;Pays de la Loire;44;2;07;184;44184", r"ligne 3 : 7 champs au lieu de 11"),   # truncated
    ("52;Pays de la Loire;44;2;07;184;;Sans code;10;0;10",                     # empty code: not dropped silently
     r"ligne 3 : code commune invalide ''"),
])
def test_populations_bad_rows(tmp_path, row, message):
    p = write(tmp_path, "donnees_communes.csv", POP_HEADER + "\r\n" + POP_ROWS[0] + "\r\n" + row + "\r\n")
    with pytest.raises(SourceError, match=rf"donnees_communes\.csv, {message}"):
        populations.read([p], communes=COMMUNES)


@pytest.mark.parametrize("content, message", [
    ("", "fichier vide"),
    ("<!doctype html><html><body>Erreur</body></html>", "page HTML"),
    ("DEPP;CODCOMP;COMP;Commune pôle;DEP;CODCOM;COM;Commune;PMUN;PCAP;PTOT\r\n",          # communes déléguées file
     r"colonne\(s\) absente\(s\) : REG"),
    (POP_HEADER + "\r\n", "aucune ligne de données"),
])
def test_populations_bad_files(tmp_path, content, message):
    with pytest.raises(SourceError, match=rf"donnees_communes\.csv.*{message}"):
        populations.read([write(tmp_path, "donnees_communes.csv", content)], communes=COMMUNES)


def test_populations_demo_is_deterministic_and_readable(tmp_path, communes52):
    a, b = tmp_path / "a" / "donnees_communes.csv", tmp_path / "b" / "donnees_communes.csv"
    demo_populations.write_demo(a, communes52, np.random.default_rng(3))
    demo_populations.write_demo(b, communes52, np.random.default_rng(3))
    assert a.read_bytes() == b.read_bytes() and b"\r\n" in a.read_bytes()
    assert a.read_bytes().startswith(POP_HEADER.encode() + b"\r\n52;Pays de la Loire;44;")
    loaded = populations.read([a], communes=set(communes52.code))
    df = loaded.frame.set_index("commune_code")
    assert len(df) == len(communes52)
    ratio = df.population.astype(float) / communes52.set_index("code").population.reindex(df.index)
    assert ratio[communes52.set_index("code").population.reindex(df.index) >= 1000].between(0.97, 1.09).all()
    assert ((df.population_total - df.population) / df.population).between(0, 0.06).all()
    assert loaded.vintage == "populations légales 2022 (en vigueur au 1er janvier 2025)"

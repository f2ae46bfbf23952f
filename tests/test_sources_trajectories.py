"""Trajectory loaders (mobility flows, InserJeunes by formation, BCN) on tiny files in the official
formats, written here (never copies of real files). Each row says which edge case it is for."""
from __future__ import annotations

import fnmatch
import zipfile

import duckdb
import numpy as np
import pytest

from portraits.demo import bcn as demo_bcn, inserjeunes_formations as demo_inserjeunes_formations, mobility as demo_mobility
from sources import bcn, inserjeunes_formations as ijf, mobility
from sources.common import SourceError

BOM = "\ufeff"
# Accepted codes → current code: A = Nantes, B = Angers, Orée d'Anjou and its commune déléguée
# Champtoceaux (49069 → 49126); every other code is outside the region (C = Rennes, 35238).
COMMUNES = {"44109": "44109", "49007": "49007", "49126": "49126", "49069": "49126"}
WORK_HEADER = "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P"
STUDY_HEADER = "CODGEO;LIBGEO;DCETU;L_DCETU;NBFLUX_C21_SCOL02P"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def parquet_rows(loaded, sql="SELECT kind, year, origin, destination, flow FROM f ORDER BY ALL"):
    con = duckdb.connect()
    con.execute("CREATE TABLE f AS SELECT * FROM read_parquet(?)", [str(loaded.frame)])
    return con.execute(sql).fetchall()


# ----- Mobility: sources declared ---------------------------------------------------------------
@pytest.mark.parametrize("module", [mobility, ijf, bcn])
def test_sources_are_declared(module):
    s = module.SOURCE
    assert s.url.startswith("https://") and s.page.startswith("https://") and s.producer and s.licence
    assert any(fnmatch.fnmatch(s.demo_file, p) for p in s.file_patterns)
    assert any(fnmatch.fnmatch(s.download_name, p) for p in s.file_patterns)
    assert s.family == {"mobility": "trajectories", "inserjeunes_formations": "trajectories",
                        "bcn": "training"}[s.id]


def test_mobility_patterns_recognise_the_official_names():
    names = ["base-flux-mobilite-domicile-lieu-travail-2022.csv", "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
             "base-flux-mobilite-domicile-lieu-etude-2021.csv", "base-flux-mobilite-domicile-lieu-etude-2021-csv.zip",
             "FD_MOBPRO_2022.csv", "FD_MOBSCO_2021.csv", "RP2020_mobsco_csv.zip"]
    for name in names:
        assert any(fnmatch.fnmatch(name, p) for p in mobility.SOURCE.file_patterns), name


# ----- Mobility: aggregation computed by hand ---------------------------------------------------
def test_mobility_flows_computed_by_hand(tmp_path):
    # A (44109) and B (49007) are in the region, C (35238) is not.
    text = "\n".join([
        WORK_HEADER,
        "44109;Nantes;44109;Nantes;10",         # A→A: internal to a commune
        "44109;Nantes;49007;Angers;30",         # A→B: between two communes of the region
        "44109;Nantes;35238;Rennes;60",         # A→C: out of the region
        "49007;Angers;44109;Nantes;5",          # B→A
        "35238;Rennes;44109;Nantes;7",          # C→A: into the region, from outside
        "35238;Rennes;35047;Bruz;100",          # C→D: neither end in the region, dropped
    ]) + "\n"
    loaded = mobility.read([write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", text)],
                           communes=COMMUNES, workdir=tmp_path / "out")
    assert loaded.frame == tmp_path / "out" / "mobility.parquet"
    assert parquet_rows(loaded) == [
        ("travail", 2022, "35238", "44109", 7.0),
        ("travail", 2022, "44109", "35238", 60.0),
        ("travail", 2022, "44109", "44109", 10.0),
        ("travail", 2022, "44109", "49007", 30.0),
        ("travail", 2022, "49007", "44109", 5.0),
    ]
    assert loaded.rows == 5                      # Loaded.rows is the number of Parquet rows
    # Shares by hand: of A's 100 resident workers, 10 % work in A, 30 % in B, 60 % outside the
    # region; A's 22 jobs are held by residents of A (10), B (5) and C (7).
    shares = parquet_rows(loaded, """
        SELECT destination, round(flow / sum(flow) OVER (), 4) FROM f WHERE origin = '44109' ORDER BY destination""")
    assert shares == [("35238", 0.6), ("44109", 0.1), ("49007", 0.3)]
    jobs = parquet_rows(loaded, "SELECT sum(flow), count(*) FROM f WHERE destination = '44109'")
    assert jobs == [(22.0, 3)]
    assert loaded.vintage == "recensement 2022 (flux domicile-travail)"
    assert loaded.files == ["base-flux-mobilite-domicile-lieu-travail-2022.csv"]
    schema = parquet_rows(loaded, "DESCRIBE f")
    assert [(c[0], c[1]) for c in schema] == [("kind", "VARCHAR"), ("year", "INTEGER"), ("origin", "VARCHAR"),
                                              ("destination", "VARCHAR"), ("flow", "DOUBLE")]


def test_mobility_bom_crlf_spaces_arrondissements_former_communes_and_secret(tmp_path):
    header = "CODGEO;LIBGEO ;DCLT;L_DCLT ;NBFLUX_C22_ACTOCC15P "      # trailing spaces in headers
    rows = [
        "44109;Nantes;75101;Paris 1er Arrondissement;2,5",          # decimal comma; Paris by arrondissement…
        "44109;Nantes;75108;Paris 8e Arrondissement;3,5",           # …re-aggregated to 75056 (2.5 + 3.5)
        "75115;Paris 15e Arrondissement;44109;Nantes;4",            # arrondissement of residence, into the region
        "69381;Lyon 1er Arrondissement;49007;Angers;1",             # Lyon → 69123
        "13201;Marseille 1er Arrondissement;49007;Angers;1",        # Marseille → 13055
        "49069;Champtoceaux;49126;Orée d'Anjou;20",                 # former commune → its commune nouvelle
        "49126;Orée d'Anjou;49126;Orée d'Anjou;100",                # added to the line above (120)
        "49069;Champtoceaux;44109;Nantes;12",                       # former code as origin only
        "49126;Orée d'Anjou;44109;Nantes;s",                        # secret: missing, never 0
        "44109;Nantes;49007;Angers;  1 234,5 ",                      # padded value with a thousands space
    ]
    p = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv",
              BOM + header + "\r\n" + "\r\n".join(rows) + "\r\n")                       # BOM, CRLF
    loaded = mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")
    got = {(o, d): f for _, _, o, d, f in parquet_rows(loaded)}
    assert got == {("44109", "75056"): 6.0, ("75056", "44109"): 4.0, ("69123", "49007"): 1.0,
                   ("13055", "49007"): 1.0, ("49126", "49126"): 120.0, ("49126", "44109"): 12.0,
                   ("44109", "49007"): 1234.5}
    text = " | ".join(loaded.warnings)
    assert "49069" in text and "1 valeurs de flux manquantes" in text and "arrondissements" in text


def test_mobility_detail_file_sums_weights_never_counts_rows(tmp_path):
    text = "\n".join([
        "COMMUNE;ARM;DCETUF;AGEREV10;IPONDI",               # RP 2019-2020 spelling DCETUF, extra column
        "44109;ZZZZZ;44109;11;1.25",                        # two records of one pair: weights summed…
        "44109;ZZZZZ;44109;15;3.5",                         # …(4.75, not 2 rows)
        "75056;75113;44109;18;2",                           # Paris resident (COMMUNE is the commune, ARM ignored)
        "44109;ZZZZZ;99999;18;1.5",                         # studying abroad: kept under 99999
        "2A004;ZZZZZ;2A004;11;9",                           # Corsica → Corsica: outside, dropped
    ]) + "\n"
    loaded = mobility.read([write(tmp_path, "FD_MOBSCO_2021.csv", text)], communes=COMMUNES,
                           workdir=tmp_path / "out")
    assert parquet_rows(loaded) == [("etudes", 2021, "44109", "44109", 4.75), ("etudes", 2021, "44109", "99999", 1.5),
                                    ("etudes", 2021, "75056", "44109", 2.0)]
    assert loaded.vintage == "recensement 2021 (flux domicile-études)"


def test_mobility_zip_member_is_streamed_and_removed(tmp_path):
    study = STUDY_HEADER + "\n44109;Nantes;49007;Angers;12.5\n49007;Angers;49007;Angers;40\n"
    zpath = tmp_path / "base-flux-mobilite-domicile-lieu-etude-2021-csv.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("base-flux-mobilite-domicile-lieu-etude-2021.csv", study)      # the data member
        zf.writestr("Varmod_base_flux_etude_2021.csv", "COD_VAR;LIB_VAR\n")          # dictionary: not read
    work = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", WORK_HEADER + "\n44109;Nantes;44109;Nantes;8\n")
    loaded = mobility.read([work, zpath], communes=COMMUNES, workdir=tmp_path / "out")
    assert parquet_rows(loaded) == [("etudes", 2021, "44109", "49007", 12.5), ("etudes", 2021, "49007", "49007", 40.0),
                                    ("travail", 2022, "44109", "44109", 8.0)]
    assert loaded.vintage == "recensement 2022 (flux domicile-travail), 2021 (domicile-études)"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mobility.parquet"]   # temporary CSV removed


def test_mobility_zip_without_the_expected_member(tmp_path):
    zpath = tmp_path / "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("Varmod_base_flux_2022.csv", "COD_VAR;LIB_VAR\n")
    with pytest.raises(SourceError, match=r"travail-2022_csv\.zip : archive zip sans fichier de flux attendu .*Varmod"):
        mobility.read([zpath], communes=COMMUNES, workdir=tmp_path / "out")


def test_mobility_error_in_a_zip_member_names_archive_member_and_line(tmp_path):
    zpath = tmp_path / "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("base-flux-mobilite-domicile-lieu-travail-2022.csv",
                    WORK_HEADER + "\n44109;Nantes;44109;Nantes;8\n44109;Nantes;49007;Angers;abc\n")
    with pytest.raises(SourceError, match=r"_csv\.zip, ligne 3 : base-flux-mobilite-domicile-lieu-travail-2022\.csv : "
                                          r"valeur non numérique 'abc'"):
        mobility.read([zpath], communes=COMMUNES, workdir=tmp_path / "out")


MOBILITY_ERRORS = [
    (WORK_HEADER.replace(";DCLT", ";LIEU") + "\n44109;Nantes;44109;Nantes;1\n",
     r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : DCLT"),
    ("CODGEO;LIBGEO;DCLT;L_DCLT\n44109;Nantes;44109;Nantes\n", r"NBFLUX_C\{yy\}_ACTOCC15P"),    # no flow column
    (WORK_HEADER + "\n44109;Nantes;44109;Nantes;1\n44109;Nantes;49007;Angers;dix\n", r"ligne 3 : valeur non numérique 'dix'"),
    (WORK_HEADER + "\n44109;Nantes;44109;Nantes;1\n44109;Nantes;49007;Angers;-4\n", r"ligne 3 : valeur négative"),
    (WORK_HEADER + "\n44109;Nantes;44109;Nantes;1\n44109;Nantes;49007\n", r"ligne 3 : nombre de champs incorrect"),
    (WORK_HEADER + "\n44109;Nantes;44109;Nantes;1\n44999;Inconnue;44109;Nantes;1\n", r"ligne 3 : code commune inconnu '44999'"),
    (WORK_HEADER + "\n44109;Nantes;44109;Nantes;1\n4410;Nantes;44109;Nantes;1\n", r"ligne 3 : code commune invalide '4410'"),
    (WORK_HEADER + "\n", r"aucune ligne de données"),                                           # header only
    ("", r"fichier vide"),
    ("<!DOCTYPE html><html><body>Erreur 404</body></html>", r"page HTML"),
]


@pytest.mark.parametrize("text, message", MOBILITY_ERRORS)
def test_mobility_bad_files_name_file_and_line(tmp_path, text, message):
    p = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", text)
    with pytest.raises(SourceError, match=rf"base-flux-mobilite-domicile-lieu-travail-2022\.csv.*{message}"):
        mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")


def test_mobility_detail_file_needs_its_year_in_the_name(tmp_path):
    p = write(tmp_path, "FD_MOBPRO.csv", "COMMUNE;ARM;DCLT;IPONDI\n44109;ZZZZZ;44109;1\n")
    with pytest.raises(SourceError, match="année du recensement introuvable"):
        mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")


def test_mobility_without_communes_keeps_every_flow(tmp_path):
    text = WORK_HEADER + "\n35238;Rennes;35047;Bruz;100\n49069;Champtoceaux;75120;Paris 20e Arrondissement;1\n"
    loaded = mobility.read([write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", text)],
                           workdir=tmp_path / "out")
    assert parquet_rows(loaded) == [("travail", 2022, "35238", "35047", 100.0),
                                    ("travail", 2022, "49069", "75056", 1.0)]     # no mapping, PLM still merged


def test_mobility_duplicates_and_two_files_of_one_census(tmp_path):
    base = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", "\n".join([
        WORK_HEADER,
        "44109;Nantes;49007;Angers;30",
        "44109;Nantes;49007;Angers;30",          # copy of the line above: the largest copy is kept, not doubled
    ]) + "\n")
    detail = write(tmp_path, "FD_MOBPRO_2022.csv", "COMMUNE;ARM;DCLT;IPONDI\n44109;ZZZZZ;49007;31\n")
    loaded = mobility.read([detail, base], communes=COMMUNES, workdir=tmp_path / "out")
    assert parquet_rows(loaded) == [("travail", 2022, "44109", "49007", 30.0)]    # the base flux wins
    text = " | ".join(loaded.warnings)
    assert "1 lignes en double" in text and "présents dans 2 fichiers" in text


def test_mobility_latin1_file(tmp_path):
    text = WORK_HEADER + "\n49126;Orée d'Anjou;49007;Angers;3\n"             # Windows-1252 label
    loaded = mobility.read([write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", text, "cp1252")],
                           communes=COMMUNES, workdir=tmp_path / "out")
    assert parquet_rows(loaded) == [("travail", 2022, "49126", "49007", 3.0)]


def test_mobility_large_demo_is_deterministic_and_read_by_detail_rules(tmp_path):
    a = demo_mobility.write_large_demo(tmp_path / "a" / "FD_MOBPRO_2022.csv", 30_000, np.random.default_rng(5),
                                  codes=COMMUNES, chunk_rows=7_000)
    b = demo_mobility.write_large_demo(tmp_path / "b" / "FD_MOBPRO_2022.csv", 30_000, np.random.default_rng(5),
                                  codes=COMMUNES, chunk_rows=7_000)
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text().splitlines()
    assert lines[0] == "COMMUNE;ARM;DCLT;IPONDI" and len(lines) == 30_001
    assert any(line.startswith("75056;751") for line in lines)                  # Paris with its arrondissement
    loaded = mobility.read([a], communes=COMMUNES, workdir=tmp_path / "out")
    # Same total as a direct sum of IPONDI over the lines touching the region.
    expected = duckdb.execute("""
        SELECT sum(IPONDI::DOUBLE) FROM read_csv(?, all_varchar = true)
        WHERE COMMUNE IN ('44109', '49007', '49126', '49069') OR DCLT IN ('44109', '49007', '49126', '49069')""",
                              [str(a)]).fetchone()[0]
    assert parquet_rows(loaded, "SELECT round(sum(flow), 6) FROM f") == [(round(expected, 6),)]


@pytest.fixture(scope="module")
def region():
    from portraits.geography import commune_codes, load_communes
    return load_communes("52"), commune_codes("52")


def test_mobility_demo_is_deterministic_plausible_and_read_back(tmp_path, region):
    communes, codes = region
    first = demo_mobility.write_demo(tmp_path / "a", communes, np.random.default_rng(11))
    second = demo_mobility.write_demo(tmp_path / "b", communes, np.random.default_rng(11))
    assert [p.name for p in first] == [demo_mobility.DEMO_WORK_FILE, demo_mobility.DEMO_STUDY_FILE]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(first, second))
    assert first[0].read_bytes().startswith(WORK_HEADER.encode() + b"\r\n")         # UTF-8, CRLF
    assert first[1].read_bytes().startswith(STUDY_HEADER.encode() + b"\r\n")
    loaded = mobility.read(first, communes=codes, workdir=tmp_path / "out")
    assert loaded.vintage == "recensement 2022 (flux domicile-travail), 2021 (domicile-études)"
    current = sorted(set(codes.values()))
    con = duckdb.connect()
    con.execute("CREATE TABLE f AS SELECT * FROM read_parquet(?)", [str(loaded.frame)])
    stats = dict(con.execute("""
        SELECT kind, [sum(flow) FILTER (WHERE origin = destination) / sum(flow) FILTER (WHERE list_contains($r, origin)),
                      sum(flow) FILTER (WHERE list_contains($r, origin) AND NOT list_contains($r, destination))
                        / sum(flow) FILTER (WHERE list_contains($r, origin)),
                      sum(flow) FILTER (WHERE NOT list_contains($r, origin))]
        FROM f GROUP BY kind""", {"r": current}).fetchall())
    for kind, (own, out, inflow) in stats.items():
        assert 0.25 < own < 0.7, kind                   # many work/study in their own commune
        assert 0.005 < out < 0.05, kind                 # a few percent leave the region
        assert inflow > 100, kind                       # and some come in from outside
    destinations = {d for (d,) in con.execute("SELECT DISTINCT destination FROM f").fetchall()}
    assert {"35238", "75056", "37261", "79191", "61001"} <= destinations


# ----- InserJeunes by region × formation ----------------------------------------------------------
IJ_HEADER = ";".join(ijf.HEADER)


def ij_line(millesime, voie, code, counts, rates):
    """counts: annee_term, 12, 18, 24, 6 months, poursuite, sortants; rates: 12, 18, 24, 6 months, poursuite."""
    cfd, mef = (code, "") if voie == "apprentissage" else ("", code)
    return ";".join([f"{millesime}_17_{voie}_{code}", millesime, "17", "52", voie, cfd, mef, *counts, *rates])


def test_inserjeunes_formations_bom_empty_cells_and_threshold(tmp_path):
    header = IJ_HEADER.replace("nb_sortant", "nb_sortant ").replace("voie", "Voie")   # trailing space, case
    rows = [
        ij_line("2022_2023", "scolaire", "23830031107",                  # complete line
                ["225", "123", "", "", "99", "89", "136"], ["90", "", "", "73", "40"]),
        ij_line("2022_2023", "apprentissage", "50022103",                # 15 leavers: below the threshold, but the
                ["38", "", "", "", "6", "23", "15"], ["", "", "", "40", "61"]),   # published 40 is kept as it is
        ij_line("2021_2022", "apprentissage", "56T33401",                # tiny: counts not published (NA, never 0)
                ["4", "", "", "", "", "", ""], ["", "", "", "", ""]),
        ij_line("2021_2022", "scolaire", "23220022103",                  # 'nd' = not published
                ["60", "nd", "", "", "20", "10", "50"], ["nd", "", "", "40", "17"]),
    ]
    p = write(tmp_path, "inserjeunes-region-formation.csv", BOM + header + "\r\n" + "\r\n".join(rows) + "\r\n")
    loaded = ijf.read([p])
    df = loaded.frame.set_index(["millesime", "formation_code"])
    assert list(loaded.frame.columns) == ijf.OUTPUT_COLUMNS
    full = df.loc[("2022-2023", "23830031107")]
    assert (full.route, full.code_kind, full.mefstat11, full.region) == ("scolaire", "mefstat11", "23830031107", "52")
    assert pd_isna(full.cfd) and full.final_year == 225 and full.leavers == 136 and full.employment_rate_6m == 73
    assert pd_isna(full.employed_18m) and not full.below_threshold
    small = df.loc[("2022-2023", "50022103")]
    assert small.route == "apprentissage" and small.cfd == "50022103" and small.code_kind == "cfd"
    assert small.below_threshold and small.employment_rate_6m == 40 and small.further_study_rate == 61
    assert not small.further_study_below_threshold                     # 38 final-year apprentices
    tiny = df.loc[("2021-2022", "56T33401")]
    assert tiny.final_year == 4 and pd_isna(tiny.leavers) and pd_isna(tiny.employment_rate_6m)
    assert tiny.below_threshold and tiny.further_study_below_threshold  # leavers not published: below
    nd = df.loc[("2021-2022", "23220022103")]
    assert pd_isna(nd.employed_12m) and pd_isna(nd.employment_rate_12m) and nd.employment_rate_6m == 40
    assert str(loaded.frame.final_year.dtype) == "Int64" and str(loaded.frame.employment_rate_6m.dtype) == "Float64"
    assert str(loaded.frame.below_threshold.dtype) == "boolean"
    assert loaded.vintage == "sortants 2022 et 2023"


def pd_isna(x):
    import pandas as pd
    return x is None or pd.isna(x)


@pytest.mark.parametrize("row, message", [
    (ij_line("2022_2023", "scolaire", "2383003110", ["10"] * 7, ["50"] * 5), "code MEFSTAT11 invalide"),   # 10 digits
    (ij_line("2022_2023", "apprentissage", "", ["10"] * 7, ["50"] * 5), "CFD.* invalide"),             # no CFD
    (ij_line("2022_2023", "alternance", "50022103", ["10"] * 7, ["50"] * 5), "voie inconnue"),
    (ij_line("2022", "scolaire", "23830031107", ["10"] * 7, ["50"] * 5), "millésime illisible"),
    (ij_line("2022_2023", "scolaire", "23830031107", ["10"] * 7, ["50", "", "", "150", ""]), "supérieure à 100"),
    (ij_line("2022_2023", "scolaire", "23830031107", ["-1"] + ["10"] * 6, ["50"] * 5), "inférieure à 0"),
    (ij_line("2022_2023", "scolaire", "23830031107", ["10"] * 7, ["50"] * 5).rsplit(";", 3)[0], "tronqué"),
])
def test_inserjeunes_formations_bad_rows_name_file_and_line(tmp_path, row, message):
    good = ij_line("2022_2023", "scolaire", "23220022103", ["30"] * 7, ["50"] * 5)
    p = write(tmp_path, "inserjeunes-region-formation.csv", IJ_HEADER + "\n" + good + "\n" + row + "\n")
    with pytest.raises(SourceError, match=rf"inserjeunes-region-formation\.csv, ligne 3 : .*{message}"):
        ijf.read([p])


def test_inserjeunes_formations_duplicates_and_region_filter(tmp_path):
    line = ij_line("2022_2023", "scolaire", "23220022103", ["30"] * 7, ["50"] * 5)
    other = line.replace(";17;52;", ";06;44;")                         # another region (Grand Est)
    p = write(tmp_path, "inserjeunes-region-formation.csv", IJ_HEADER + "\n" + "\n".join([line, line, other]) + "\n")
    loaded = ijf.read([p], region="52")
    assert len(loaded.frame) == 1 and "1 lignes en double" in loaded.warnings[0]
    assert set(ijf.read([p]).frame.region) == {"44", "52"}


def test_inserjeunes_formations_demo_uses_the_bcn_demo_codes(tmp_path):
    p = tmp_path / ijf.SOURCE.demo_file
    demo_inserjeunes_formations.write_demo(p, demo_bcn.demo_catalogue(), np.random.default_rng(2))
    again = tmp_path / "again.csv"
    demo_inserjeunes_formations.write_demo(again, demo_bcn.demo_catalogue(), np.random.default_rng(2))
    assert p.read_bytes() == again.read_bytes() and p.read_bytes().startswith(b"\xef\xbb\xbfid;millesime;")
    df = ijf.read([p]).frame
    assert sorted(set(df.millesime)) == ["2019-2020", "2020-2021", "2021-2022", "2022-2023"]
    labels = bcn.read(demo_bcn.write_demo(tmp_path / "bcn")).frame
    merged = df.merge(labels, left_on=["formation_code", "code_kind"], right_on=["code", "code_kind"], how="left")
    unlabelled = set(merged.formation_code[merged.label.isna()])
    assert unlabelled == {cfd for cfd, _ in demo_bcn.DEMO_UNKNOWN_CFD}        # titres pro: typed via their niveau only
    levels = set(labels.code[labels.code_kind == "niveau"])
    assert {c[:3] for c in unlabelled} <= levels
    assert (df.below_threshold == (df.leavers.fillna(0) < 20)).all()
    assert df.employment_rate_6m[df.below_threshold].isna().all()        # as published: no rate below 20 leavers
    assert len(set(df.formation_code)) > 30


# ----- BCN ---------------------------------------------------------------------------------------
def fd_line(cfd, label, closed="", comment="", rncp="03"):
    row = dict.fromkeys(bcn.FORMATION_HEADER, "")
    row.update({"FORMATION_DIPLOME": cfd, "NIVEAU_FORMATION_DIPLOME": cfd[:3], "GROUPE_SPECIALITE": cfd[3:6],
                "LIBELLE_COURT": "CAP", "LIBELLE_LONG_200": label, "DATE_OUVERTURE": "01/09/2019",
                "DATE_FERMETURE": closed, "COMMENTAIRE": comment, "NIVEAU_QUALIFICATION_RNCP": rncp,
                "DATE_INTERVENTION": "12/03/2024"})
    return ";".join(row[h] for h in bcn.FORMATION_HEADER)


def mef_line(mef, cfd, mefstat, label, opened):
    row = dict.fromkeys(bcn.MEF_HEADER, "")
    row.update({"MEF": mef, "DISPOSITIF_FORMATION": mef[:3], "FORMATION_DIPLOME": cfd, "DUREE_DISPOSITIF": "2",
                "ANNEE_DISPOSITIF": "2", "LIBELLE_LONG": label, "DATE_OUVERTURE": opened, "MEF_STAT_11": mefstat,
                "MEF_STAT_9": mefstat[:9], "DATE_INTERVENTION": "01/02/2024"})
    return ";".join(row[h] for h in bcn.MEF_HEADER)


def bcn_files(tmp_path):
    fd = "\n".join([";".join(bcn.FORMATION_HEADER),
                    fd_line("50022105", "PÂTISSIER (CAP)"),                                  # accent: cp1252 byte
                    fd_line("50033204", "ACCOMPAGNANT EDUCATIF PETITE ENFANCE (CAP)",
                            comment="Rénovation : remplace le CAP petite enfance"),
                    fd_line("50099999", "FORMATION NON SPECIFIEE", closed="31/08/2020", rncp="XX")]) + "\n"
    mef = "\n".join([";".join(bcn.MEF_HEADER),
                     mef_line("2412210522", "50022105", "23220022105", "2CAP2  PATISSIER", "01/09/2019"),
                     mef_line("2413320422", "50033204", "23220033204", "2CAP2  AEPE", "01/09/2017"),   # two MEF for
                     mef_line("2413320423", "50033204", "23220033204", "2CAP2  AEPE RENOVE", "01/09/2022"),  # one code
                     mef_line("2415550122", "50055501", "23220055501", "2CAP2  DIPLOME INCONNU", "01/09/2019")]) + "\n"
    niv = "\n".join([";".join(bcn.NIVEAU_HEADER),
                     "500;5;CAP;CERTIFICAT D'APTITUDE PROFESSIONNELLE;;;;08/11/2021;Création;03",   # UTF-8 accent
                     "56T;5;TH5-T;TH DE NIV 5 MINISTERE DU TRAVAIL - AFPA;;;;08/11/2021;;03"]) + "\n"
    return [write(tmp_path, "bcn-n_formation_diplome.csv", fd, "cp1252"),                    # Windows-1252
            write(tmp_path, "bcn-n_mef.csv", BOM + mef),                                     # UTF-8 with BOM
            write(tmp_path, "bcn-n_niveau_formation_diplome.csv", niv)]                      # UTF-8


def test_bcn_three_encodings_and_labels(tmp_path):
    loaded = bcn.read(list(reversed(bcn_files(tmp_path))))          # recognised by header, not by order or name
    df = loaded.frame.set_index(["code_kind", "code"])
    assert list(loaded.frame.columns) == bcn.OUTPUT_COLUMNS
    assert df.loc[("cfd", "50022105"), "label"] == "PÂTISSIER (CAP)"
    assert df.loc[("cfd", "50022105"), "diploma_type"] == "CAP"
    assert df.loc[("cfd", "50022105"), "level_label"] == "niveau 3 (CAP, BEP)"
    assert df.loc[("cfd", "50099999"), "rncp_level"] == 3          # 'XX' → the level of its niveau (500)
    assert str(df.loc[("cfd", "50099999"), "closed"]) == "2020-08-31"
    aepe = df.loc[("mefstat11", "23220033204")]                    # the most recently opened MEF wins
    assert aepe.cfd == "50033204" and aepe.label == "ACCOMPAGNANT EDUCATIF PETITE ENFANCE (CAP)" and aepe.duration == 2
    unknown = df.loc[("mefstat11", "23220055501")]                # its diploma is not in the table: MEF label
    assert unknown.label == "2CAP2  DIPLOME INCONNU" and unknown.diploma_type == "CAP"
    assert df.loc[("niveau", "56T"), "diploma_type"] == "TH5-T"   # a titre pro CFD is typed via left(cfd, 3)
    assert loaded.vintage == "BCN, mise à jour du 12/03/2024"


def test_bcn_errors(tmp_path):
    fd, mef, niv = bcn_files(tmp_path)
    with pytest.raises(SourceError, match="N_FORMATION_DIPLOME absente"):
        bcn.read([mef, niv])
    other = write(tmp_path, "bcn-n_autre.csv", "CODE;LIBELLE\n1;x\n")
    with pytest.raises(SourceError, match="table BCN non reconnue"):
        bcn.read([fd, other])
    bad = write(tmp_path, "bcn-n_mef-bad.csv",
                ";".join(bcn.MEF_HEADER) + "\n" + mef_line("2412210522", "50022105", "23220022105", "X", "2019-09-01") + "\n")
    with pytest.raises(SourceError, match=r"bcn-n_mef-bad\.csv, ligne 2 : date illisible '2019-09-01'"):
        bcn.read([fd, bad])


def test_bcn_demo_files_are_in_their_official_encodings(tmp_path):
    paths = demo_bcn.write_demo(tmp_path)
    fd, mef, niv = (p.read_bytes() for p in paths)
    assert mef.startswith(b"\xef\xbb\xbfMEF;") and fd.startswith(b"FORMATION_DIPLOME;") and niv.startswith(b"NIVEAU_")
    with pytest.raises(UnicodeDecodeError):
        fd.decode("utf-8")                                           # Windows-1252 accents
    df = bcn.read(paths).frame
    assert (df.code_kind == "cfd").sum() == len(demo_bcn.DEMO_DIPLOMAS)
    catalogue = demo_bcn.demo_catalogue()
    assert 30 <= len(catalogue) and set(catalogue.diploma_type) >= {"CAP", "BAC PRO", "BTS"}
    final_years = set(catalogue.mefstat11.dropna())
    assert final_years <= set(df.code[df.code_kind == "mefstat11"])

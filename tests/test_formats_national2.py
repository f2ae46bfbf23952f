"""National files as they are published, needed columns, and demo headers against the real ones,
for InserJeunes (by establishment, by region × formation), the BCN and the ONISEP Idéo files.

The small files here copy the official layouts (headers of the modules, themselves checked against
the real files at the end); each row says which edge case it is for. Région 52 = Pays de la Loire
(départements 44, 49, 53, 72, 85); Deux-Sèvres (79) is next door, in Nouvelle-Aquitaine."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from portraits import check
from portraits.demo import bcn as demo_bcn, inserjeunes as demo_inserjeunes, inserjeunes_formations as demo_inserjeunes_formations, onisep as demo_onisep
from portraits.demo import training_offer as demo_training_offer
from sources import bcn, inserjeunes, inserjeunes_formations as ijf, onisep, onisep_actions
from sources.common import (Need, NoRegionalRows, SourceError, header_of, read_text, region_key, uai_key,
                          unexpected_columns, union_needs)

BOM = "\ufeff"
REGION = "52"
PDL_COMMUNES = {"44109": "44109", "49007": "49007", "85191": "85191"}      # Nantes, Angers, La Roche-sur-Yon
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"


def uai(digits: str) -> str:
    return digits + uai_key(digits)


def write(tmp_path: Path, name: str, lines: list[str], *, bom: bool = False, newline: str = "\n",
          encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(((BOM if bom else "") + newline.join(lines) + newline).encode(encoding))
    return p


def raw_header(path: Path) -> list[str]:
    """The header as written: names not stripped (trailing spaces kept), BOM removed."""
    first = read_text(path).splitlines()[0]
    return next(csv.reader(io.StringIO(first), delimiter=";"))


# ----- Shared helpers (sources.common) --------------------------------------------------------------

def test_union_needs_of_alternative_layouts_and_of_complementary_tables():
    a = (Need("UAI", ("x",)), Need("Taux", ("y",), required=False))
    b = (Need("uai ", ("z",)), Need("Libellé", ("w",)))               # same column, other spelling
    merged = {n.column: n for n in union_needs(a, b)}
    assert set(merged) == {"UAI", "Taux", "Libellé"} and merged["UAI"].feeds == ("x", "z")
    assert merged["UAI"].required and not merged["Libellé"].required    # required in one layout only
    assert union_needs(a, b, required_from=b)[2].required              # the file the dataset needs


def test_region_key_matches_the_spellings_of_the_files():
    assert region_key("PAYS DE LA LOIRE") == region_key("Pays de la Loire")
    assert region_key("PROVENCE-ALPES-COTE D'AZUR") == region_key("Provence-Alpes-Côte d'Azur")
    assert region_key("Ile-de-France") == region_key("Île-de-France") != region_key("Grand Est")


# ----- InserJeunes by establishment -------------------------------------------------------------

CFA = ";".join(inserjeunes.CFA_HEADER)
PRO = ";".join(inserjeunes.PRO_HEADER)
APP = ";".join(inserjeunes.APPRENTISSAGE_HEADER)


def cfa_row(code, region="PAYS DE LA LOIRE", rate="67.0", year="cumul 2023-2024"):
    return f"{year};{code};CFA {code};{region};53.0;31.0;16.0;;53.0;{rate};63.0;4.0;79.0;;;10313.0"


def test_cfa_national_file_keeps_the_region_first(tmp_path):
    lines = [CFA,
             cfa_row(uai("0721427")),                                       # Sarthe, PAYS DE LA LOIRE
             cfa_row(uai("0440096"), rate=""),                              # not published: missing
             cfa_row(uai("0790001"), "NOUVELLE-AQUITAINE", rate="150.0"),   # Deux-Sèvres: a rate refused here
             cfa_row("07900XX", "NOUVELLE-AQUITAINE"),                      # malformed UAI of another region
             cfa_row(uai("0631243"), "AUVERGNE-RHONE-ALPES", year="2023")]  # unreadable vintage, elsewhere
    p = write(tmp_path, "fr-en-inserjeunes-cfa.csv", lines, bom=True, newline="\r\n")
    loaded = inserjeunes.read([p], communes=PDL_COMMUNES, region=REGION)
    assert sorted(loaded.frame.uai) == sorted([uai("0721427"), uai("0440096")])
    assert loaded.frame.employment_rate_6m.isna().sum() == 1 and not loaded.warnings and not loaded.missing


def test_cfa_without_filter_every_row_is_checked(tmp_path):
    lines = [CFA, cfa_row(uai("0721427")), cfa_row(uai("0790001"), "NOUVELLE-AQUITAINE", rate="150.0")]
    p = write(tmp_path, "fr-en-inserjeunes-cfa.csv", lines)
    with pytest.raises(SourceError, match=r"ligne 3 : valeur '150\.0' supérieure à 100"):
        inserjeunes.read([p])


def test_a_bad_row_of_the_region_still_stops_the_build(tmp_path):
    # The UAI is malformed, the label says Pays de la Loire: the line is the region's, refused.
    lines = [CFA, cfa_row(uai("0721427")), cfa_row("072142", "PAYS DE LA LOIRE")]
    p = write(tmp_path, "fr-en-inserjeunes-cfa.csv", lines)
    with pytest.raises(SourceError, match=r"fr-en-inserjeunes-cfa\.csv, ligne 3 : UAI invalide '072142'"):
        inserjeunes.read([p], communes=PDL_COMMUNES, region=REGION)


def pro_rows(code, region="PAYS DE LA LOIRE", name="Lycée"):
    """The three lines of a lycée (ensemble, apprentices, school pupils)."""
    return [f"{code};{name};{region};ensemble;53;58;51;7;53;27;20",
            f"{code};{name};{region};dont apprentis;nd;nd;nd;nd;nd;nd;nd",
            f"{code};{name};{region};dont élèves en voie pro sco;50;57;52;5;50;28;22"]


def test_depp_files_national_three_lines_per_uai_and_trailing_spaces(tmp_path):
    pro = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv", [
        PRO, *pro_rows(uai("0440001")),
        *pro_rows(uai("0790002"), "NOUVELLE-AQUITAINE"),
        f"{uai('0790002')};Lycée;NOUVELLE-AQUITAINE;ensemble;1;2;3;4;5;6;7",       # a duplicate, elsewhere
        f"{uai('0790003')};Lycée;NOUVELLE-AQUITAINE;tous;1;2;3;4;5;6;7",           # unknown population, elsewhere
    ], newline="\r\n")
    app = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-apprentissage.csv", [
        APP,                                                                      # three names end with a space
        f"{uai('0440096')};CFA X;PAYS DE LA LOIRE;41;81;78;3;41;48;11",
        f"{uai('0790010')};CFA Y;NOUVELLE-AQUITAINE;41;181;78;3;41;48;11",        # 181 %: refused if it were ours
    ], newline="\r\n")
    loaded = inserjeunes.read([pro, app], communes=PDL_COMMUNES, region=REGION)
    df = loaded.frame
    assert sorted(df.population[df.route == "pro"]) == ["apprentis", "ensemble", "scolaires"]
    assert df[df.route == "apprentissage"].share_other.tolist() == [11]
    assert set(df.uai) == {uai("0440001"), uai("0440096")} and not loaded.warnings and not loaded.missing


def test_depp_file_of_another_region_only(tmp_path):
    other = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv",
                  [PRO, *pro_rows(uai("0790002"), "NOUVELLE-AQUITAINE")])
    with pytest.raises(NoRegionalRows, match=r"aucun établissement des départements 44, 49, 53, 72, 85"):
        inserjeunes.read([other], communes=PDL_COMMUNES, region=REGION)
    # Beside a file of the region, it is left aside with a warning.
    cfa = write(tmp_path, "fr-en-inserjeunes-cfa.csv", [CFA, cfa_row(uai("0721427"))])
    loaded = inserjeunes.read([cfa, other], communes=PDL_COMMUNES, region=REGION)
    assert len(loaded.frame) == 1
    assert loaded.warnings == ["depp-inserjeunes-etablissements-2022_2023-pro.csv : aucun établissement de la "
                               "région (départements 44, 49, 53, 72, 85) ; fichier non retenu"]


def test_depp_needed_columns(tmp_path):
    header = [h for h in inserjeunes.PRO_HEADER if h != "Valeur ajoutée"]
    p = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv",
              [";".join(header), f"{uai('0440001')};Lycée;PAYS DE LA LOIRE;ensemble;53;58;51;53;27;20"])
    loaded = inserjeunes.read([p])
    assert loaded.frame.value_added_6m.isna().all() and loaded.frame.employment_rate_6m.tolist() == [58]
    assert loaded.missing == [{"column": "Valeur ajoutée", "file": p.name, "feeds": ["trajectories_establishments"]}]
    assert loaded.warnings == [f"{p.name} : colonne Valeur ajoutée absente ; "
                               f"non calculé : trajectories_establishments"]
    no_uai = write(tmp_path, "fr-en-inserjeunes-cfa.csv", [CFA.replace(";UAI;", ";Code;"), cfa_row(uai("0721427"))])
    with pytest.raises(SourceError, match=r"fr-en-inserjeunes-cfa\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) "
                                          r"absente\(s\) : UAI"):
        inserjeunes.read([no_uai])


def test_inserjeunes_declares_every_column_of_its_layouts():
    for header in (inserjeunes.CFA_HEADER, inserjeunes.PRO_HEADER, inserjeunes.APPRENTISSAGE_HEADER):
        assert unexpected_columns(inserjeunes.SOURCE, header) == []
    assert not any(n.required for n in inserjeunes.SOURCE.needs)          # alternative layouts: none in all


# ----- InserJeunes by region × formation --------------------------------------------------------

IJF = ";".join(ijf.HEADER)


def ijf_row(voie="scolaire", code="23830031107", region="52", region_ij="17", millesime="2022_2023", rate="73"):
    cfd, mef = (code, "") if voie == "apprentissage" else ("", code)
    return ";".join([f"{millesime}_{region_ij}_{voie}_{code}", millesime, region_ij, region, voie, cfd, mef,
                     "225", "123", "", "", "99", "89", "136", "90", "", "", rate, "40"])


def test_region_formation_national_file_keeps_the_region_first(tmp_path):
    p = write(tmp_path, "inserjeunes-region-formation.csv", [
        IJF,
        ijf_row(),                                                          # Pays de la Loire, scolaire
        ijf_row("apprentissage", "50022103"),                               # Pays de la Loire, apprentissage
        ijf_row(region="84", region_ij="01", rate="173"),                   # Auvergne-Rhône-Alpes: rate refused here
        ijf_row("alternance", region="44", region_ij="06"),                 # Grand Est: unknown route
        ijf_row("apprentissage", "5002", region="75", region_ij="15"),      # Nouvelle-Aquitaine: malformed CFD
    ], bom=True)
    loaded = ijf.read([p], region=REGION)
    assert loaded.frame.formation_code.tolist() == ["50022103", "23830031107"]
    assert set(loaded.frame.region) == {"52"} and not loaded.warnings and not loaded.missing


def test_region_formation_line_of_the_region_by_its_inserjeunes_code_is_checked(tmp_path):
    p = write(tmp_path, "inserjeunes-region-formation.csv", [IJF, ijf_row(), ijf_row(region="")])   # code_region lost
    with pytest.raises(SourceError, match=r"inserjeunes-region-formation\.csv, ligne 3 : code région invalide ''"):
        ijf.read([p], region=REGION)


def test_region_formation_file_of_another_region_only(tmp_path):
    p = write(tmp_path, "ij_region_data.csv", [IJF, ijf_row(region="53", region_ij="03")])
    with pytest.raises(NoRegionalRows, match=r"ij_region_data\.csv : aucune ligne de la région 52 "
                                             r"\(code_region 52, code_region_ij 17\)"):
        ijf.read([p], region=REGION)


def test_region_formation_needed_columns(tmp_path):
    header = [h for h in ijf.HEADER if h != "nb_sortant"]
    row = ijf_row().split(";")
    del row[ijf.HEADER.index("nb_sortant")]
    p = write(tmp_path, "inserjeunes-region-formation.csv", [";".join(header), ";".join(row)])
    loaded = ijf.read([p], region=REGION)
    assert loaded.frame.leavers.isna().all() and loaded.frame.below_threshold.all()
    assert loaded.missing == [{"column": "nb_sortant", "file": p.name, "feeds": ["trajectories_region"]}]
    p = write(tmp_path, "inserjeunes-region-formation.csv", [IJF.replace(";voie;", ";filiere;"), ijf_row()])
    with pytest.raises(SourceError, match=r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : voie"):
        ijf.read([p], region=REGION)


def test_region_codes_of_inserjeunes():
    """INSEE → InserJeunes region codes as paired in the national file (17 regions)."""
    assert ijf.REGIONS_IJ["52"] == "17" and ijf.REGIONS_IJ["44"] == "06" and ijf.REGIONS_IJ["84"] == "01"
    assert len(set(ijf.REGIONS_IJ.values())) == len(ijf.REGIONS_IJ) == 17


# ----- BCN ----------------------------------------------------------------------------------------

def fd_lines(header):
    row = dict.fromkeys(header, "")
    row.update({"FORMATION_DIPLOME": "50022105", "NIVEAU_FORMATION_DIPLOME": "500", "LIBELLE_COURT": "CAP",
                "LIBELLE_LONG_200": "PÂTISSIER (CAP)", "DATE_INTERVENTION": "12/03/2024"})
    return [";".join(header), ";".join(row[h] for h in header)]


def test_bcn_needed_columns(tmp_path):
    header = [h for h in bcn.FORMATION_HEADER if h != "NIVEAU_QUALIFICATION_RNCP"]
    p = write(tmp_path, "bcn-n_formation_diplome.csv", fd_lines(header), encoding="cp1252")
    loaded = bcn.read([p])
    assert loaded.frame.set_index("code").loc["50022105", "label"] == "PÂTISSIER (CAP)"
    assert loaded.missing == [{"column": "NIVEAU_QUALIFICATION_RNCP", "file": p.name, "feeds": ["trajectories_labels"]}]
    assert any("colonne NIVEAU_QUALIFICATION_RNCP absente" in w for w in loaded.warnings)
    header = [h for h in bcn.FORMATION_HEADER if h != "LIBELLE_LONG_200"]   # still recognised as the diplomas table
    p = write(tmp_path, "bcn-n_formation_diplome.csv", fd_lines(header), encoding="cp1252")
    with pytest.raises(SourceError, match=r"bcn-n_formation_diplome\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) "
                                          r"absente\(s\) : LIBELLE_LONG_200"):
        bcn.read([p])
    mef = write(tmp_path, "bcn-n_mef.csv", [";".join(h for h in bcn.MEF_HEADER if h != "MEF_STAT_11"), "x"])
    with pytest.raises(SourceError, match=r"bcn-n_mef\.csv, ligne 1 : .*absente\(s\) : MEF_STAT_11"):
        bcn.read([write(tmp_path, "bcn-n_formation_diplome.csv", fd_lines(bcn.FORMATION_HEADER)), mef])


def test_bcn_declares_its_tables():
    for header in (bcn.FORMATION_HEADER, bcn.MEF_HEADER, bcn.NIVEAU_HEADER):
        assert unexpected_columns(bcn.SOURCE, header) == []
    assert {n.column for n in bcn.SOURCE.required_columns()} == {"FORMATION_DIPLOME", "NIVEAU_FORMATION_DIPLOME",
                                                                 "LIBELLE_LONG_200"}


# ----- ONISEP Idéo: formations ------------------------------------------------------------------

H2022 = ";".join(f'"{h}"' for h in onisep.HEADER_2022)
FOR = "http://www.onisep.fr/http/redirection/formation/slug/FOR."


def test_ideo_formations_needed_columns(tmp_path):
    header = ";".join(f'"{h}"' for h in onisep.HEADER_2022 if h != "domaine/sous-domaine")
    row = (f'326;BTS;"brevet de technicien supérieur";"BTS SIO";SIO;"2 ans";35340;3;"niveau 5 (bac + 2)";'
           f'"Ministère";{FOR}1001')
    p = write(tmp_path, "ideo-formations_initiales_en_france.csv", [header, row], bom=True)
    loaded = onisep.read([p])
    assert loaded.frame.domains.isna().all() and loaded.frame.rncp_level.tolist() == [5]
    assert loaded.missing == [{"column": "domaine/sous-domaine", "file": p.name, "feeds": ["training_initial"]}]
    # 2024 layout: its own names are expected (code NSF), the URL column is the key.
    header = ";".join(f'"{h}"' for h in onisep.HEADER_2024 if h != "code NSF")
    row = ';'.join(f'"{c}"' for c in ["32031212", "BTS", "brevet de technicien supérieur", "BTS SIO", "", "2 ans",
                                      "bac + 2", "RNCP35340", "5", "niveau 5", "Ministère", f"{FOR}1001", "a/b"])
    loaded = onisep.read([write(tmp_path, "ideo-formations_initiales_en_france.csv", [header, row])])
    assert [m["column"] for m in loaded.missing] == ["code NSF"] and loaded.frame.cfd.tolist() == ["32031212"]
    assert unexpected_columns(onisep.SOURCE, onisep.HEADER_2022 + onisep.HEADER_2024) == []


# ----- ONISEP Idéo: actions de formation (national CSV) -----------------------------------------

ACTIONS = ";".join(f'"{h}"' for h in onisep_actions.HEADER)


def action(uai_code, af, postcode="44000", region="Pays de la Loire", for_id="FOR.1001"):
    cells = dict.fromkeys(onisep_actions.HEADER, "")
    cells.update({"Formation (FOR) libellé": "CAP Cuisine", "FOR URL et ID Onisep": f"{FOR}{for_id[4:]}",
                  "ENS code UAI": uai_code, "ENS code postal": postcode, "ENS région": region,
                  "Action de Formation (AF) identifiant Onisep": af, "AF date de modification": "12/03/2025"})
    return ";".join(f'"{c}"' if c else "" for c in cells.values())


def test_ideo_actions_national_file_keeps_the_region_first(tmp_path):
    p = write(tmp_path, "ideo-actions_de_formation_initiale-univers_lycee.csv", [
        ACTIONS,
        action(uai("0440001"), "AF.1"),                                     # Loire-Atlantique
        action("", "AF.2", postcode="49000"),                               # no UAI, in Angers: counted in the warning
        action(uai("0790001"), "action 3", postcode="79000", region="Nouvelle-Aquitaine"),  # bad AF, elsewhere
        action("790001", "AF.4", postcode="79000", region="Nouvelle-Aquitaine"),    # malformed UAI, elsewhere
        action("", "AF.5", postcode="79000", region="Nouvelle-Aquitaine"),          # no UAI, elsewhere: not counted
        action("", "AF.6", postcode="", region="PAYS DE LA LOIRE"),         # no UAI nor postcode: by its region
    ], bom=True)
    loaded = onisep_actions.read([p], communes=PDL_COMMUNES, region=REGION)
    assert loaded.frame.action_id.tolist() == ["AF.1"] and not loaded.missing
    assert [w for w in loaded.warnings if "sans UAI" in w] == [
        f"{p.name} : 2 actions sans UAI (lieu d'enseignement non immatriculé), non comptées (lignes 3, 7)"]


def test_ideo_actions_bad_row_of_the_region_and_other_region_only(tmp_path):
    bad = [ACTIONS, action(uai("0440001"), "AF.1"), action("44001", "AF.2", postcode="44300")]   # malformed, Nantes
    with pytest.raises(SourceError, match=r"univers_lycee\.csv, ligne 3 : UAI invalide '44001'"):
        onisep_actions.read([write(tmp_path, "ideo-actions_de_formation_initiale-univers_lycee.csv", bad)],
                            communes=PDL_COMMUNES)
    other = [ACTIONS, action(uai("0790001"), "AF.1", postcode="79000", region="Nouvelle-Aquitaine")]
    with pytest.raises(NoRegionalRows, match=r"aucune action dans les départements de la région "
                                             r"\(44, 49, 53, 72, 85\)"):
        onisep_actions.read([write(tmp_path, "605340ddc19a9.csv", other)], communes=PDL_COMMUNES, region=REGION)


def test_ideo_actions_needed_column_missing(tmp_path):
    header = ACTIONS.replace('"Action de Formation (AF) identifiant Onisep"', '"AF identifiant"')
    p = write(tmp_path, "605340ddc19a9.csv", [header, action(uai("0440001"), "AF.1")])
    with pytest.raises(SourceError, match=r"605340ddc19a9\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"Action de Formation \(AF\) identifiant Onisep"):
        onisep_actions.read([p])
    assert onisep_actions.SOURCE.evidence == "code" and unexpected_columns(onisep_actions.SOURCE,
                                                                           onisep_actions.HEADER) == []


# ----- Against the real files of ../shared/data/real ---------------------------------------------

real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real absent")


@pytest.mark.real
@real
def test_real_inserjeunes_headers_are_the_module_layouts(tmp_path):
    """Names and order, the apprentissage file's trailing spaces included; the demo writes the
    lycée layout (it writes neither the CFA export nor the apprentissage file)."""
    assert raw_header(REAL / "fr-en-inserjeunes-cfa_pdl.csv") == inserjeunes.CFA_HEADER
    assert raw_header(REAL / "depp-inserjeunes-etablissements-2022_2023-pro_pdl.csv") == inserjeunes.PRO_HEADER
    app = raw_header(REAL / "depp-inserjeunes-etablissements-2022_2023-apprentissage_pdl.csv")
    assert app == inserjeunes.APPRENTISSAGE_HEADER and sum(h.endswith(" ") for h in app) == 3
    import numpy as np
    import pandas as pd
    demo = tmp_path / inserjeunes.SOURCE.demo_file
    demo_inserjeunes.write_demo(demo, pd.DataFrame({"uai": [uai("0440001")], "name": ["Lycée"]}), np.random.default_rng(1))
    assert raw_header(demo) == raw_header(REAL / "depp-inserjeunes-etablissements-2022_2023-pro_pdl.csv")
    assert demo.read_bytes()[:3] != b"\xef\xbb\xbf" and b"\r\n" in demo.read_bytes()      # no BOM, CRLF as the real


@pytest.mark.real
@real
def test_real_region_formation_demo_header(tmp_path):
    import numpy as np
    demo = tmp_path / ijf.SOURCE.demo_file
    demo_inserjeunes_formations.write_demo(demo, demo_bcn.demo_catalogue(), np.random.default_rng(1))
    real_file = REAL / "inserjeunes-region-formation_pdl.csv"
    assert raw_header(demo) == raw_header(real_file) == ijf.HEADER
    assert demo.read_bytes()[:3] == real_file.read_bytes()[:3] == b"\xef\xbb\xbf"


@pytest.mark.real
@real
def test_real_bcn_demo_headers(tmp_path):
    demo = {p.name: p for p in demo_bcn.write_demo(tmp_path)}
    for name in ("bcn-n_formation_diplome.csv", "bcn-n_mef.csv", "bcn-n_niveau_formation_diplome.csv"):
        assert header_of(demo[name]) == header_of(REAL / name), name
        bom = [p.read_bytes().startswith(b"\xef\xbb\xbf") for p in (demo[name], REAL / name)]
        assert bom[0] == bom[1], name                                       # N_MEF only has a BOM


@pytest.mark.real
@real
def test_real_ideo_demo_header_byte_for_byte(tmp_path):
    """The 2022 header line, quotes included (text fields quoted, the others bare)."""
    import numpy as np
    demo = tmp_path / onisep.SOURCE.demo_file
    demo_onisep.write_demo(demo, demo_training_offer.DEMO_DOMAINS, demo_training_offer.demo_certifications(),
                           np.random.default_rng(1))
    real_file = REAL / "onisep-ideo-formations_initiales_en_france_2022.csv"
    assert demo.read_bytes().split(b"\n", 1)[0] == real_file.read_bytes().split(b"\n", 1)[0]
    assert header_of(real_file) == onisep.HEADER_2022


REAL_FILES = {
    "inserjeunes": ["fr-en-inserjeunes-cfa_pdl.csv", "depp-inserjeunes-etablissements-2022_2023-pro_pdl.csv",
                    "depp-inserjeunes-etablissements-2022_2023-apprentissage_pdl.csv"],
    "inserjeunes_formations": ["inserjeunes-region-formation_pdl.csv"],
    "bcn": ["bcn-n_formation_diplome.csv", "bcn-n_mef.csv", "bcn-n_niveau_formation_diplome.csv"],
    "onisep_formations": ["onisep-ideo-formations_initiales_en_france_2022.csv"],
}


@pytest.mark.real
@real
@pytest.mark.parametrize("key", list(REAL_FILES))
def test_real_files_hold_every_needed_column_and_no_unknown_one(key):
    paths = [REAL / n for n in REAL_FILES[key]]
    assert check.unexpected_of(key, paths) == [] and check.required_missing(key, paths) == []


def test_the_sections_name_the_datasets_by_their_id():
    """The notes of a section name the missing columns of its datasets, found by registry id (the
    referential of formations is ``onisep_formations``)."""
    import sources
    from portraits.report.figures import missing_notes
    from portraits.report.sections import SECTIONS, training
    assert {s for section in SECTIONS for group in section.SOURCES.values() for s in group} <= set(sources.REGISTRY)
    prov = {"onisep_formations": {"missing": [{"column": "domaine/sous-domaine", "file": "ideo.csv",
                                               "feeds": ["training_initial"]}]}}
    assert missing_notes(prov, training.SOURCES["initial"]) == [
        "Colonne domaine/sous-domaine absente du fichier ideo.csv ; non calculé : les formations initiales sous "
        "statut scolaire."]

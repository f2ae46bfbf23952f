"""Loaders on small files in the official formats, written here (never copies of real files)."""
from __future__ import annotations

import pytest

from sources import REGISTRY, establishments, inserjeunes, jobseekers
from sources.common import SourceError

BOM = "\ufeff"
COMMUNES = {"44109", "44184", "49007", "85191"}


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_registry_declares_every_source():
    assert set(REGISTRY) == {"cog", "census", "populations", "jobseekers", "urssaf", "unemployment", "bmo",
                             "bmo_bassins", "jobseekers_profile", "fap", "establishments", "training_offer", "onisep_formations",
                             "onisep_actions", "organisms", "bcn", "inserjeunes", "inserjeunes_formations", "mobility",
                             "service_public", "tension"}
    assert list(REGISTRY)[0] == "cog"   # read first: it extends the commune codes the others accept
    for key, module in REGISTRY.items():
        s = module.SOURCE
        assert s.id == key and s.url.startswith("https://") and s.page.startswith("https://")
        assert s.producer and s.licence and s.file_patterns
        import fnmatch
        assert any(fnmatch.fnmatch(s.demo_file, p) for p in s.file_patterns), key
        assert any(fnmatch.fnmatch(s.download_name, p) for p in s.file_patterns), key


# ----- InserJeunes: BOM, ';' separators, decimal commas, CRLF, 'nd' ------------------------------
PRO_HEADER = ("n°UAI de l'établissement;Libellé de l'établissement;Région;Dont apprentis en EPLE;"
              "Taux de poursuite d'études;Taux;Taux attendu;Valeur ajoutée;Part en poursuite d'études;"
              "Part en emploi 6 mois après la sortie;Part des autres situations")


def test_inserjeunes_pro_with_bom_semicolons_and_decimal_commas(tmp_path):
    rows = [
        "0440001M;Lycée A;PAYS DE LA LOIRE;ensemble;53,5;58,2;51;7,2;53;27;20",     # decimal commas
        "0440001M;Lycée A;PAYS DE LA LOIRE;dont apprentis;nd;nd;nd;nd;nd;nd;nd",    # secret: missing, not 0
        "0440001M;Lycée A;PAYS DE LA LOIRE;dont élèves en voie pro sco;50;57;52;5;50;28;22",
        "0490002A;Lycée B;PAYS DE LA LOIRE;ensemble;;61;60;-1;40;37;23",            # empty = non diffusable
    ]
    p = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv", BOM + PRO_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n")
    loaded = inserjeunes.read([p])
    df = loaded.frame.set_index(["uai", "population"])
    assert df.loc[("0440001M", "ensemble"), "employment_rate_6m"] == pytest.approx(58.2)
    assert df.loc[("0440001M", "ensemble"), "value_added_6m"] == pytest.approx(7.2)
    assert df.loc[("0440001M", "apprentis")].isna()["employment_rate_6m"]
    assert df.loc[("0490002A", "ensemble")].isna()["further_study_rate"]
    assert df.loc[("0490002A", "ensemble"), "value_added_6m"] == -1
    assert set(df.reset_index().population) == {"ensemble", "apprentis", "scolaires"}
    assert loaded.vintage == "sortants 2022 et 2023"


def test_inserjeunes_apprentissage_header_with_trailing_spaces(tmp_path):
    header = ("n°UAI de l'établissement;Libellé de l'établissement;Région;Taux de poursuite d'études;Taux;"
              "Taux attendu;Valeur ajoutée;Part en poursuite d'études ;Part en emploi 6 mois après la sortie ;"
              "Part des autres situations ")
    p = write(tmp_path, "depp-inserjeunes-etablissements-2021_2022-apprentissage.csv",
              header + "\r\n0440096R;CFA X;PAYS DE LA LOIRE;41;81;78;3;41;48;11\r\n")
    df = inserjeunes.read([p]).frame
    assert df.route.tolist() == ["apprentissage"] and df.share_other.tolist() == [11]
    assert df.millesime.tolist() == ["2021-2022"]


def test_inserjeunes_cfa_export(tmp_path):
    header = ("Année;UAI;Libellé;Région;DEVENIR Part poursuite études;DEVENIR Part en emploi 6 mois;"
              "DEVENIR Part autre situation 6 mois;Part contrats apprentissage interrompus;Taux poursuite études;"
              "Taux emploi 6 mois;Taux emploi 6 mois attendu;VA emploi 6 mois;Taux emploi 12 mois;"
              "Taux emploi 18 mois;Taux emploi 24 mois;num_ligne")
    rows = ["cumul 2023-2024;0721427K;MFR X;PAYS DE LA LOIRE;53.0;31.0;16.0;;53.0;67.0;63.0;4.0;79.0;;;10313.0",
            "cumul 2023-2024;0721380J;MFR Y;PAYS DE LA LOIRE;;;;;;;;;;;;10309.0"]   # all suppressed
    p = write(tmp_path, "fr-en-inserjeunes-cfa.csv", BOM + header + "\r\n" + "\r\n".join(rows) + "\r\n")
    df = inserjeunes.read([p]).frame.set_index("uai")
    assert df.loc["0721427K", "employment_rate_12m"] == 79
    assert df.loc["0721380J"].isna()["employment_rate_6m"]
    assert set(df.millesime) == {"2023-2024"}


@pytest.mark.parametrize("row, message", [
    ("0440001M;Lycée A;PAYS DE LA LOIRE;ensemble;53;158;51;7;53;27;20", "supérieure à 100"),   # rate > 100
    ("0440001M;Lycée A;PAYS DE LA LOIRE;ensemble;53;abc;51;7;53;27;20", "non numérique"),
    ("044001M;Lycée A;PAYS DE LA LOIRE;ensemble;53;58;51;7;53;27;20", "UAI invalide"),
    ("0440001M;Lycée A;PAYS DE LA LOIRE;tous;53;58;51;7;53;27;20", "population inconnue"),
    ("0440001M;Lycée A;PAYS DE LA LOIRE;ensemble;53", "tronqué"),
])
def test_inserjeunes_bad_rows_name_file_and_line(tmp_path, row, message):
    p = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv",
              PRO_HEADER + "\r\n0490002A;Lycée B;PAYS DE LA LOIRE;ensemble;40;61;60;1;40;37;23\r\n" + row + "\r\n")
    with pytest.raises(SourceError, match=rf"depp-inserjeunes-etablissements-2022_2023-pro\.csv, ligne 3 : .*{message}"):
        inserjeunes.read([p])


def test_wrong_separator_is_a_missing_columns_error(tmp_path):
    p = write(tmp_path, "depp-inserjeunes-etablissements-2022_2023-pro.csv",
              PRO_HEADER.replace(";", "|") + "\n" + "0440001M|A|PAYS DE LA LOIRE|ensemble|1|2|3|4|5|6|7\n")
    with pytest.raises(SourceError, match="colonne\\(s\\) nécessaire\\(s\\) absente\\(s\\) : n°UAI de l'établissement"):
        inserjeunes.read([p])


# ----- Jobseekers ---------------------------------------------------------------------------------
def test_jobseekers_former_commune_codes_are_added_to_the_commune_nouvelle(tmp_path):
    text = "\n".join([
        "codgeo,YEAR,Demandeurs_Emploi",
        "49126,janvier_2024,300",      # Orée d'Anjou
        "49069,janvier_2024,40",       # Champtoceaux, commune déléguée of Orée d'Anjou since 2015
    ]) + "\n"
    loaded = jobseekers.read([write(tmp_path, "defm-communes-mensuel.csv", text)],
                             communes={"49126": "49126", "49069": "49126"})
    assert loaded.frame.values.tolist()[0][::2] == ["49126", 340]
    assert "49069" in loaded.warnings[0]


def test_jobseekers_months_duplicates_and_vintage(tmp_path):
    text = "\n".join([
        "codgeo,YEAR,Demandeurs_Emploi",
        "44109,janvier_2024,37840",
        "44109,fevrier_2024,37650",     # month without accent, as in the file
        "49007,janvier_2024,10",
        "49007,janvier_2024,0",         # duplicate from the upstream name+postcode join: max kept
        "49007,fevrier_2024,10",
        "85191,decembre_2023,1 230",    # thousands separator
    ]) + "\n"
    loaded = jobseekers.read([write(tmp_path, "defm-communes-mensuel.csv", text)], communes=COMMUNES)
    df = loaded.frame
    assert len(df) == 5
    assert df[(df.commune_code == "49007")].jobseekers.tolist() == [10, 10]
    assert df[df.commune_code == "85191"].jobseekers.tolist() == [1230]
    assert loaded.vintage == "février 2024"
    assert "49007" in loaded.warnings[0] and "valeur maximale" in loaded.warnings[0]


@pytest.mark.parametrize("row, message", [
    ("44999,janvier_2024,10", "code commune inconnu '44999'"),        # unknown, in a département of the region
    ("4410,janvier_2024,10", "code commune invalide '4410'"),
    ("44109,jan_2024,10", "mois illisible 'jan_2024'"),
    ("44109,janvier_2024,-10", "valeur '-10' inférieure à 0"),
])
def test_jobseekers_bad_rows(tmp_path, row, message):
    p = write(tmp_path, "defm-communes-mensuel.csv", "codgeo,YEAR,Demandeurs_Emploi\n44184,janvier_2024,20\n" + row + "\n")
    with pytest.raises(SourceError, match=rf"defm-communes-mensuel\.csv, ligne 3 : {message}"):
        jobseekers.read([p], communes=COMMUNES)


@pytest.mark.parametrize("content, message", [
    ("", "fichier vide"),
    ("<!DOCTYPE html><html><body>Erreur 500</body></html>", "page HTML"),
    ("codgeo,YEAR\n44109,janvier_2024\n", "colonne\\(s\\) absente\\(s\\) : Demandeurs_Emploi"),
    ("codgeo,YEAR,Demandeurs_Emploi\n", "aucune ligne de données"),
])
def test_jobseekers_bad_files(tmp_path, content, message):
    p = write(tmp_path, "defm-communes-mensuel.csv", content)
    with pytest.raises(SourceError, match=message):
        jobseekers.read([p], communes=COMMUNES)


# ----- Establishments (annuaire de l'éducation) --------------------------------------------------
ANNUAIRE = ("identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;"
            "code_commune;nom_commune;voie_professionnelle;latitude;longitude;date_maj_ligne")


def test_establishments_csv_keeps_region_and_missing_coordinates(tmp_path):
    rows = [
        "0440001M;Lycée A;Lycée;Public;44109;Nantes;1;47,2184;-1,5536;2025-05-01",   # decimal commas
        "0490002A;Collège B;Collège;Privé;49007;Angers;0;;;2025-04-30",             # no coordinates
        "0750001A;Lycée Paris;Lycée;Public;75056;Paris;0;48.85;2.35;2025-05-02",   # other region: dropped
    ]
    p = write(tmp_path, "fr-en-annuaire-education.csv", BOM + ANNUAIRE + "\n" + "\n".join(rows) + "\n")
    loaded = establishments.read([p], communes=COMMUNES)
    df = loaded.frame.set_index("uai")
    assert list(df.index) == ["0440001M", "0490002A"]
    assert df.loc["0440001M", "lat"] == pytest.approx(47.2184)
    assert df.loc["0440001M", "vocational"] is True or df.loc["0440001M", "vocational"] == True  # noqa: E712
    assert df.isna().loc["0490002A", "lat"]
    assert loaded.vintage == "mise à jour du 02/05/2025"
    assert any("1 établissements sans coordonnées" in w for w in loaded.warnings)


def test_establishments_labelled_header_and_unknown_commune(tmp_path):
    header = ANNUAIRE.replace("identifiant_de_l_etablissement", "Identifiant_de_l_etablissement") \
                     .replace("nom_etablissement", "Nom_etablissement")
    p = write(tmp_path, "fr-en-annuaire-education.csv",
              header + "\n0440001M;Lycée A;Lycée;Public;44999;X;1;47.2;-1.5;2025-05-01\n")
    with pytest.raises(SourceError, match="ligne 2 : code commune inconnu '44999'"):
        establishments.read([p], communes=COMMUNES)


def test_establishments_geoparquet(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point
    g = gpd.GeoDataFrame({"identifiant_de_l_etablissement": ["0440001M", "0490002A"],
                          "nom_etablissement": ["Lycée A", "Collège B"], "type_etablissement": ["Lycée", "Collège"],
                          "statut_public_prive": ["Public", "Privé"], "code_commune": ["44109", "49007"],
                          "nom_commune": ["Nantes", "Angers"]},
                         geometry=[Point(-1.55, 47.22), Point(-0.55, 47.47)], crs="EPSG:4326")
    p = tmp_path / "annuaire_ecoles_france.parquet"
    g.to_parquet(p)
    df = establishments.read([p], communes=COMMUNES).frame.set_index("uai")
    assert df.loc["0490002A", "lon"] == pytest.approx(-0.55)

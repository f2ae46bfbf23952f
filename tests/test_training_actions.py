"""ONISEP Idéo actions de formation initiale (univers lycée): the loader on tiny files in the
official layout written here (each row says which edge case it exists for), the unknown-UAI check,
and the portraits of the shared demo build."""
from __future__ import annotations

import pandas as pd
import pytest

from sources import onisep_actions
from sources.common import SourceError, uai_key

BOM = "\ufeff"
FOR = "http://www.onisep.fr/http/redirection/formation/slug/"
HEADER = ";".join(f'"{h}"' for h in onisep_actions.HEADER)


def uai(digits: str) -> str:
    return digits + uai_key(digits)


def row(title="CAP Cuisine", for_id="FOR.1001", uai_code=None, af="AF.5001", town="Angers", date="12/03/2025",
        status="public"):
    cells = {h: "" for h in onisep_actions.HEADER}
    cells.update({"Formation (FOR) libellé": title, "FOR URL et ID Onisep": FOR + for_id,
                  "FOR type": "certificat d'aptitude professionnelle", "FOR niveau de sortie": "CAP ou équivalent",
                  "Lieu d'enseignement (ENS) libellé": "Lycée X", "ENS code UAI": uai("0490001") if uai_code is None else uai_code,
                  "ENS statut": status, "ENS commune": town, "ENS code postal": "49000",
                  "Action de Formation (AF) identifiant Onisep": af, "AF date de modification": date})
    return ";".join(f'"{c}"' if c else "" for c in cells.values())


def write(tmp_path, rows, name="ideo-actions_de_formation_initiale-univers_lycee.csv", header=HEADER):
    p = tmp_path / name
    p.write_bytes((BOM + header + "\n" + "\n".join(rows) + "\n").encode("utf-8"))
    return p


def test_official_layout_region_filter_and_reported_rows(tmp_path):
    rows = [
        row(),                                                    # plain row, BOM before the header
        row(title="Bac pro Cuisine", for_id="FOR.1002", af="AF.5002", date="02/09/2025"),   # latest date: vintage
        row(af="https://www.onisep.fr/http/redirection/action/slug/AF.5003"),                # AF given as a URL
        row(uai_code="", af="AF.5004"),                           # a place of teaching without UAI: dropped, counted
        row(uai_code=uai("0750001"), af="AF.5005"),               # Paris: outside the region's départements
        row(af="AF.5001", title="copy"),                          # duplicate AF identifier: first row kept
        row(uai_code=uai("0850002").lower(), af="AF.5006", status="privé sous contrat"),      # lower-case UAI
    ]
    loaded = onisep_actions.read([write(tmp_path, rows)], communes={"49007", "85191", "44109"})
    df = loaded.frame
    assert list(df.columns) == onisep_actions.COLUMNS
    assert df.action_id.tolist() == ["AF.5001", "AF.5002", "AF.5003", "AF.5006"]
    assert df.onisep_id.tolist() == ["FOR.1001", "FOR.1002", "FOR.1001", "FOR.1001"]
    assert df.uai.tolist()[-1] == uai("0850002") and df.title[0] == "CAP Cuisine"
    assert loaded.vintage == "mise à jour du 02/09/2025"
    assert any("1 action sans UAI" in w and "ligne 5" in w for w in loaded.warnings)
    assert any("AF.5001" in w and "double" in w for w in loaded.warnings)


def test_without_dates_the_vintage_is_the_year_of_the_file_name(tmp_path):
    p = write(tmp_path, [row(date="")], name="ideo-actions_de_formation_initiale-univers_lycee_2024.csv")
    assert onisep_actions.read([p]).vintage == "extraction 2024"


@pytest.mark.parametrize("bad, message, line", [
    (row(uai_code="449001"), "UAI invalide '449001'", 3),           # 6 characters: not a UAI
    (row(af="action 12"), "identifiant d'action", 3),               # no AF.<n> in the AF cell
    (row(for_id="fiche"), "identifiant de formation", 3),           # no FOR.<n> in the formation URL
])
def test_bad_rows_name_the_line(tmp_path, bad, message, line):
    with pytest.raises(SourceError) as e:
        onisep_actions.read([write(tmp_path, [row(af="AF.1"), bad])])
    assert message in str(e.value) and e.value.line == line


def test_missing_column_and_nothing_in_the_region(tmp_path):
    header = HEADER.replace('"ENS code UAI"', '"ENS UAI"')       # a renamed required column
    with pytest.raises(SourceError, match="ENS code UAI"):
        onisep_actions.read([write(tmp_path, [row()], header=header)])
    with pytest.raises(SourceError, match="aucune action dans les départements"):
        onisep_actions.read([write(tmp_path, [row()])], communes={"75056"})


def test_unknown_uai_is_reported_by_code():
    frame = pd.DataFrame({"uai": [uai("0490001"), uai("0499999"), uai("0499999")]})
    assert onisep_actions.unknown_uai(frame, {uai("0490001")}) == (
        f"actions Idéo : UAI absent de l'annuaire de l'éducation : {uai('0499999')} "
        "(1 établissement, 2 actions placées dans aucun territoire)")
    assert onisep_actions.unknown_uai(frame, set(frame.uai)) is None


def test_uai_departements():
    assert [onisep_actions.uai_departement(u) for u in ("0441234X", "6200001A", "7200002B", "9741234Z")] == \
        ["44", "2A", "2B", "974"]


def test_portraits_show_school_route_and_training_vs_needs(demo_build):
    settings, _ = demo_build
    page = next(p for p in sorted(settings.output.glob("*/index.html")))
    html = page.read_text(encoding="utf-8")
    assert "Les formations proposées en voie scolaire" in html
    assert "Lycées et EREA du territoire et nombre de formations" in html
    assert "Formation initiale sous statut scolaire (lycées)" in html        # the third route
    assert "Formations et métiers qui recrutent" in html and "Lecture :" in html
    assert (page.parent / "formations-metiers.svg").is_file()
    assert "Idéo – Actions de formation initiale, univers lycée" in html     # its source and vintage

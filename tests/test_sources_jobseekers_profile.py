"""Jobseekers by profile, by bassin d'emploi (France Travail API "Marché du travail",
sources/jobseekers_profile.py): the reader on tiny inline answers, one edge case each, and the
token + request flow of ``portraits fetch`` against a local server (no network)."""
from __future__ import annotations

import json
import logging
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from sources import download
from sources import jobseekers_profile as jp
from sources.common import SourceError

SECRET = "s3cr3t-client-value"
TOKEN = "tok-abc-123"


def caract(ctype, code, label, n, masked=False):
    return {"codeTypeCaract": ctype, "codeCaract": code, "libCaract": label, "nombre": n,
            "pourcentage": None, "masque": masked}


def value(code="5218", ttype=jp.BASSIN_TYPE, period="2025T2", cat="A", total=100, caracts=None, **changes):
    v = {"codeTypeTerritoire": ttype, "codeTerritoire": code, "libTerritoire": "NANTES", "codeNomenclature": cat,
         "codePeriode": period, "libPeriode": "", "valeurPrincipaleNombre": total,
         "listeValeurParCaract": caracts if caracts is not None else [
             caract("GENRE", "F", "Femmes", 55), caract("GENRE", "H", "Hommes", 45),
             caract("AGEX", "1", "Moins de 25 ans", 20), caract("AGEX", "2", "25-34 ans", 30),
             caract("AGEX", "3", "35-49 ans", 30), caract("AGEX", "4", "50 ans ou plus", 20),
             caract("CHOMANC", "1", "Moins d'un an", 60), caract("CHOMANC", "2", "1 an à moins de 2 ans", 25),
             caract("CHOMANC", "3", "2 ans ou plus", 15), caract("NIVFORM", "X", "Bac", 40)]}
    v.update(changes)
    return v


def write(tmp_path: Path, *values, response=None) -> Path:
    path = tmp_path / "francetravail-stat-demandeurs.json"
    answer = response if response is not None else {"codeFamille": "X", "listeValeursParPeriode": list(values)}
    path.write_text(json.dumps([{"requete": jp.request_body(jp.BASSIN_TYPE, "5218"), "reponse": answer}]), encoding="utf-8")
    return path


def test_rows_groups_and_a_masked_cell_is_missing_not_zero(tmp_path):
    # Masked cell: "masque": true (its "nombre" is 0 in the answer) must be missing, never 0.
    cells = value()["listeValeurParCaract"]
    cells[2] = caract("AGEX", "1", "Moins de 25 ans", 0, masked=True)
    path = write(tmp_path, value(caracts=cells), value(period="2024T2", total=90),
                 value(code="52", ttype="REG"), value(code="53", ttype="REG"))      # another region: dropped
    loaded = jp.read([path], region="52", bassins={"5218"})
    df = loaded.frame
    assert loaded.vintage == "2e trimestre 2025"
    assert set(df.area_type) == {"bassin", "region"} and set(df.area_code) == {"5218", "52"}
    row = df[(df.quarter == pd.Timestamp("2025-04-01").date()) & (df.area_type == "bassin")
             & (df.characteristic_label == "Moins de 25 ans")].iloc[0]
    assert pd.isna(row["count"]) and row.masked and row.grp == "under25"
    groups = df[(df.area_type == "bassin") & (df.quarter == pd.Timestamp("2024-04-01").date())] \
        .set_index("characteristic_label").grp
    assert groups["Total"] == "total" and groups["Femmes"] == "women" and groups["50 ans ou plus"] == "age50plus"
    assert groups["35-49 ans"] == "age25_49" and groups["Moins d'un an"] == "short_term"
    assert groups["1 an à moins de 2 ans"] == "long_term" and pd.isna(groups["Bac"])     # kept, unused
    assert any("1 valeurs masquées" in w for w in loaded.warnings)


@pytest.mark.parametrize("code, label, quarter", [
    ("2025T1", "", "2025-01-01"), ("20253", "", "2025-07-01"), ("2024-Q4", "", "2024-10-01"),
    ("T2 2023", "", "2023-04-01"), ("??", "3e trimestre 2022", "2022-07-01"),   # label when the code is unreadable
])
def test_period_codes_read_defensively(code, label, quarter):
    assert jp.parse_quarter(code, label) == pd.Timestamp(quarter).date()


@pytest.mark.parametrize("values, bassins, message", [
    # Unknown bassin code: not in the BMO bassin table.
    ([value(code="5299")], {"5218"}, r"bassin d'emploi inconnu\(s\) de la table des bassins BMO : 5299"),
    # A bassin code that is not a code at all.
    ([value(code="NANTES")], None, r"code de bassin d'emploi invalide 'NANTES'"),
    # Unclassifiable seniority label: neither under one year nor one year or more.
    ([value(caracts=[caract("CHOMANC", "1", "Depuis longtemps", 3)])], None,
     r"ancienneté d'inscription non classable 'Depuis longtemps'"),
    # A seniority class straddling one year.
    ([value(caracts=[caract("CHOMANC", "1", "6 à 18 mois", 3)])], None, r"non classable '6 à 18 mois'"),
    # An age band across two groups.
    ([value(caracts=[caract("AGEX", "1", "20-29 ans", 3), caract("AGEX", "2", "30 ans ou plus", 3)])], None,
     r"tranche d'âge à cheval sur deux groupes '20-29 ans'"),
    # Bad period: neither the code nor the label is a quarter.
    ([value(period="2025-13", libPeriode="bientôt")], None, r"période illisible '2025-13' \(libellé 'bientôt'"),
    # Missing key in one value (the others have it: not a missing column).
    ([value(), {k: v for k, v in value(period="2025T1").items() if k != "valeurPrincipaleNombre"}], None,
     r"clé 'valeurPrincipaleNombre' absente \(réponse 1, valeur 2\)"),
    # A negative count.
    ([value(total=-4)], None, r"effectif invalide -4"),
])
def test_bad_answers_are_refused_naming_the_value(tmp_path, values, bassins, message):
    path = write(tmp_path, *values)
    with pytest.raises(SourceError, match=message) as err:
        jp.read([path], bassins=bassins)
    assert str(err.value).startswith(path.name)


def test_missing_response_key_and_truncated_file(tmp_path):
    # An item without "reponse".
    path = tmp_path / "francetravail-stat-demandeurs.json"
    path.write_text(json.dumps([{"requete": {}}]), encoding="utf-8")
    with pytest.raises(SourceError, match=r"clé 'reponse' absente \(réponse 1\)"):
        jp.read([path])
    # A file cut mid-write: the JSON error names the line.
    path.write_text('[\n {"requete": {},\n  "reponse": {"listeValeursParPeriode": [\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"ligne \d+ : JSON mal formé"):
        jp.read([path])


# ---------------------------------------------------------------------------------------------
# The token + request flow against a local server.

BASSINS_CSV = ("reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO\r\n"
               "52,44,44109,5218,NANTES\r\n52,44,44184,5225,SAINT NAZAIRE\r\n")


class Api:
    def __init__(self):
        self.requests: list[tuple[str, dict, object]] = []
        self.token_status = 200


@pytest.fixture
def api(monkeypatch):
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            if self.path.startswith("/connexion/oauth2/access_token"):
                state.requests.append(("token", dict(self.headers), urllib.parse.parse_qs(body)))
                if state.token_status != 200:
                    # An error reason that echoes the secret: it must not reach errors or logs.
                    self.send_response(state.token_status, f"refused {SECRET}")
                    self.end_headers()
                    return
                answer = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 1499}
            else:
                request = json.loads(body)
                state.requests.append(("api", dict(self.headers), request))
                t, c = request["codeTypeTerritoire"], request["codeTerritoire"]
                if t == "DEP" and c != "44":
                    self.send_response(204)          # no content for this area
                    self.end_headers()
                    return
                answer = {"codeFamille": "X", "listeValeursParPeriode": [value(code=c, ttype=t)]}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def local_post(url, data, headers, timeout):
        # The URL passed the real check (HTTPS, official host); the call goes to the local server.
        parsed = urllib.parse.urlparse(url)
        local = f"http://127.0.0.1:{httpd.server_port}{parsed.path}?{parsed.query}"
        return opener.open(urllib.request.Request(local, data=data, headers=headers, method="POST"), timeout=timeout)
    monkeypatch.setattr(download, "_post", local_post)
    monkeypatch.setattr(download, "BACKOFF_SECONDS", 0.0)
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def logs():
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(r.getMessage())
    logger = logging.getLogger("portraits")
    # `portraits check` raises the level of this logger to ERROR for the rest of the process: the
    # warnings looked at here must not depend on the tests run before.
    level = logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_fetch_gets_a_token_then_one_request_per_area(api, tmp_path, logs):
    (tmp_path / "bmo-communes-bassins.csv").write_text(BASSINS_CSV, encoding="utf-8")
    dest = tmp_path / jp.SOURCE.download_name
    env = {jp.CLIENT_ID_ENV: "my-client", jp.CLIENT_SECRET_ENV: SECRET}
    info = download.fetch_jobseekers_profile(dest, region="52", env=env)
    kind, headers, form = api.requests[0]
    assert kind == "token" and form == {"grant_type": ["client_credentials"], "client_id": ["my-client"],
                                        "client_secret": [SECRET], "scope": [jp.SCOPE]}
    calls = [(r["codeTypeTerritoire"], r["codeTerritoire"]) for k, _, r in api.requests[1:]]
    assert calls == [("REG", "52"), ("DEP", "44"), ("DEP", "49"), ("DEP", "53"), ("DEP", "72"), ("DEP", "85"),
                     (jp.BASSIN_TYPE, "5218"), (jp.BASSIN_TYPE, "5225")]
    _, headers, body = api.requests[-1]
    assert headers["Authorization"] == f"Bearer {TOKEN}" and headers["Content-Type"] == "application/json"
    assert body == {"codeTypeTerritoire": jp.BASSIN_TYPE, "codeTerritoire": "5225", "codeTypeActivite": "CUMUL",
                    "codeActivite": "CUMUL", "codeTypePeriode": "TRIMESTRE", "codeTypeNomenclature": "CATCAND",
                    "dernierePeriode": False}
    assert info["requests"] == 8 and info["file"] == dest.name and info["status"] == "downloaded"
    raw = dest.read_text(encoding="utf-8")
    assert SECRET not in raw and TOKEN not in raw and SECRET not in json.dumps(info)
    loaded = jp.read([dest], bassins={"5218", "5225"})      # the file written is the file read
    assert set(loaded.frame.area_code) == {"52", "44", "5218", "5225"}
    assert any("pas de données pour 4 territoires (DEP 49" in w for w in loaded.warnings)   # the 204 answers
    assert not (tmp_path / download.PARTIAL_DIR).exists() or not any((tmp_path / download.PARTIAL_DIR).iterdir())


def test_a_refused_token_names_no_secret_and_keeps_the_previous_file(api, tmp_path, logs):
    (tmp_path / "bmo-communes-bassins.csv").write_text(BASSINS_CSV, encoding="utf-8")
    dest = tmp_path / jp.SOURCE.download_name
    dest.write_bytes(b"previous")
    env = {jp.CLIENT_ID_ENV: "my-client", jp.CLIENT_SECRET_ENV: SECRET}
    api.token_status = 503                              # retried, then given up
    with pytest.raises(download.DownloadError) as err:
        download.fetch_jobseekers_profile(dest, env=env)
    assert "HTTP Error 503" in str(err.value) and SECRET not in str(err.value)
    assert logs and all(SECRET not in m for m in logs)   # the retry warnings
    assert dest.read_bytes() == b"previous" and len(api.requests) == 3


def test_fetch_all_without_credentials_says_how_to_set_them(tmp_path, monkeypatch):
    monkeypatch.delenv(jp.CLIENT_ID_ENV, raising=False)
    monkeypatch.delenv(jp.CLIENT_SECRET_ENV, raising=False)
    monkeypatch.setattr(download, "REGISTRY", {"jobseekers_profile": jp})
    [result] = download.fetch_all(tmp_path)
    assert jp.CLIENT_ID_ENV in result["error"] and jp.CLIENT_SECRET_ENV in result["error"]
    assert not (tmp_path / jp.SOURCE.download_name).exists()

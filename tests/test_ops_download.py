"""Downloads against a local HTTP server (threaded, loopback): retry with exponential backoff,
and HTTP caching (ETag / Last-Modified, 304 Not Modified) recorded in the downloads ledger.

The production code only talks HTTPS to the official hosts; as in test_faults, its network call
(``sources.download._open``) is pointed at the local server after the URL passed the real check.
"""
from __future__ import annotations

import hashlib
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from sources import REGISTRY, download

BODY = b"codgeo;valeur\n" + b"".join(f"{49000 + i:05d};{i}\n".encode() for i in range(500))
ETAG = '"v1-abc"'
LAST_MODIFIED = "Mon, 02 Mar 2026 08:00:00 GMT"


class _State:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []    # (file name, request headers)
        self.body = BODY


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):   # quiet
            pass

        def do_GET(self):
            name = self.path.rsplit("/", 1)[-1]
            state.requests.append((name, dict(self.headers)))
            hits = sum(1 for n, _ in state.requests if n == name)
            if name == "flaky.csv" and hits <= 2:                 # down twice, then back
                self.send_error(503)
                return
            if name == "etag.csv" and self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            if name == "lastmod.csv" and self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(state.body)))
            if name == "etag.csv":
                self.send_header("ETag", ETAG)
            if name in ("lastmod.csv", "flaky.csv"):
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(state.body)
    return Handler


@pytest.fixture
def server(monkeypatch):
    state = _State()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), download.OfficialRedirects())

    def local_open(url, timeout, headers=None):
        local = f"http://127.0.0.1:{httpd.server_port}{urlparse(url).path}"
        req = urllib.request.Request(local, headers={"User-Agent": download.USER_AGENT, **(headers or {})})
        return opener.open(req, timeout=timeout)
    monkeypatch.setattr(download, "_open", local_open)
    yield state
    httpd.shutdown()
    httpd.server_close()


def official(name: str) -> str:
    return f"https://www.insee.fr/fr/statistiques/fichier/0000000/{name}"


def test_fails_twice_then_succeeds_with_exponential_backoff(server, tmp_path):
    waits = []
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    info = download.download(official("flaky.csv"), dest, attempts=3, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0]                         # doubled before each next attempt
    assert [n for n, _ in server.requests] == ["flaky.csv"] * 3
    assert dest.read_bytes() == BODY
    assert info["status"] == "downloaded" and info["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert info["bytes"] == len(BODY) and info["last_modified"] == LAST_MODIFIED and info["etag"] is None


def test_three_failures_keep_the_previous_file(server, tmp_path):
    # Only two attempts: the third (which would succeed) never happens; the old file stays.
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    dest.parent.mkdir()
    dest.write_bytes(b"ancien")
    with pytest.raises(download.DownloadError, match=r"HTTP Error 503.*v_commune_2025\.csv n'a pas été modifié"):
        download.download(official("flaky.csv"), dest, attempts=2, backoff=0.0, sleep=lambda s: None)
    assert dest.read_bytes() == b"ancien"


@pytest.mark.parametrize("name, header, value", [("etag.csv", "If-None-Match", ETAG),
                                                 ("lastmod.csv", "If-Modified-Since", LAST_MODIFIED)])
def test_304_keeps_the_file_and_is_recorded_unchanged(server, tmp_path, name, header, value):
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    first = download.download(official(name), dest, backoff=0.0)
    assert first["status"] == "downloaded" and header not in server.requests[0][1]   # nothing known yet
    second = download.download(official(name), dest, known=first, backoff=0.0)
    assert server.requests[1][1][header] == value            # conditional request
    assert second["status"] == "unchanged" and second["sha256"] == first["sha256"]
    assert second["downloaded"] == first["downloaded"] and second["checked"] >= first["checked"]
    assert dest.read_bytes() == BODY
    # The file changed on disk since: the ledger no longer describes it, so no conditional request.
    dest.write_bytes(b"abime")
    third = download.download(official(name), dest, known=first, backoff=0.0)
    assert header not in server.requests[2][1] and third["status"] == "downloaded" and dest.read_bytes() == BODY


def test_fetch_all_keeps_a_ledger_and_does_not_download_unchanged_sources(server, monkeypatch, tmp_path):
    # Every official URL answered by the ETag file: the second fetch gets 304 for each.
    real = download._open
    monkeypatch.setattr(download, "_open", lambda url, timeout, headers=None: real(official("etag.csv"), timeout,
                                                                                 headers))
    raw = tmp_path / "raw"
    first = {r["id"]: r for r in download.fetch_all(raw)}
    fetched = [k for k, r in first.items() if not r["error"]]
    assert len(fetched) >= 8 and all(first[k]["status"] == "downloaded" for k in fetched)
    ledger = json.loads((raw / download.LEDGER).read_text(encoding="utf-8"))
    assert {e["url"] for e in ledger} == {REGISTRY[k].SOURCE.url for k in fetched}
    assert all(e["etag"] == ETAG and e["sha256"] == hashlib.sha256(BODY).hexdigest() and e["bytes"] == len(BODY)
               for e in ledger)
    n = len(server.requests)
    second = {r["id"]: r for r in download.fetch_all(raw)}
    assert all(second[k]["status"] == "unchanged" for k in fetched)
    assert all(h.get("If-None-Match") == ETAG for _, h in server.requests[n:])
    assert {e["status"] for e in json.loads((raw / download.LEDGER).read_text(encoding="utf-8"))} == {"unchanged"}
    # The ledger is not mistaken for a dataset by any loader.
    from sources.common import files_matching
    assert not any(p.name == download.LEDGER for m in REGISTRY.values() for p in files_matching(m.SOURCE, raw))

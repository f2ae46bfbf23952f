"""Faults: a source down (timeout, HTTP 500), a download cut midway, the process killed during
a download, the warehouse build, the publication or a rollback, the disk full while writing a
PDF. Each leaves the download folder, the warehouse and the site consistent, and the next run
recovers without manual cleanup.

Downloads are tested against a local HTTP server: the production code only talks HTTPS to the
official hosts (test_security checks that), so the tests replace its network call
(``sources.download._open``) after the URL has passed the real check. "Killed" is an exception
the code cannot catch (``Killed``, a BaseException) raised at a chosen point, or, for the
download, a real SIGKILL of a child process.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT
from sources import REGISTRY, download
from sources.common import files_matching


class Killed(BaseException):
    """The process dying at this point: no ``except Exception`` of the code can catch it."""


BODY = "codgeo;valeur\n".encode() + b"".join(f"{44000 + i:05d};{i}\n".encode() for i in range(4000))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------
# A local server playing the official hosts. The last segment of the path says how it behaves.

class _Server:
    def __init__(self):
        self.hits: dict[str, int] = {}
        self.half_sent = threading.Event()   # "stall": half of the body is out
        self.release = threading.Event()     # set at teardown: stalled handlers end


def _handler(state: _Server):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):   # quiet
            pass

        def _body(self, data: bytes, announced: int | None = None):
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(announced if announced is not None else len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        def do_GET(self):
            name = self.path.rsplit("/", 1)[-1]
            state.hits[name] = state.hits.get(name, 0) + 1
            if name == "down.csv":                    # the source is down
                self.send_error(500)
            elif name == "flaky.csv" and state.hits[name] == 1:   # down once, then back
                self.send_error(500)
            elif name == "slow.csv":                  # answers after the client's timeout
                state.release.wait(3)
                try:
                    self._body(BODY)
                except (BrokenPipeError, ConnectionResetError):   # the client gave up: expected
                    pass
            elif name == "cut.csv":                   # connection closed after half of the announced body
                self._body(BODY[: len(BODY) // 2], announced=len(BODY))
            elif name == "stall.csv":                 # half the body, then nothing until released
                self.send_response(200)
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY[: len(BODY) // 2])
                self.wfile.flush()
                state.half_sent.set()
                state.release.wait(20)
            elif name == "redirect.csv":              # an official URL redirecting to plain HTTP
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/ok.csv")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._body(BODY)
    return Handler


@pytest.fixture(scope="module")
def server():
    state = _Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.port = httpd.server_port
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def net(server, monkeypatch):
    """The download code's network call pointed at the local server (same path), no waiting
    between attempts. The URL check of ``download()`` still runs first, unchanged."""
    server.hits.clear()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), download.OfficialRedirects())

    def local_open(url, timeout):
        local = f"http://127.0.0.1:{server.port}{urlparse(url).path}"
        return opener.open(urllib.request.Request(local, headers={"User-Agent": download.USER_AGENT}), timeout=timeout)
    monkeypatch.setattr(download, "_open", local_open)
    monkeypatch.setattr(download, "BACKOFF_SECONDS", 0.0)
    return server


def official(name: str) -> str:
    return f"https://www.insee.fr/fr/statistiques/fichier/0000000/{name}"


def test_source_down_keeps_the_previous_download(net, tmp_path):
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    dest.parent.mkdir()
    dest.write_bytes(b"ancien fichier complet\n")
    with pytest.raises(download.DownloadError, match=r"téléchargement impossible : https://www\.insee\.fr/.*down\.csv"
                                                     r" \(HTTP Error 500.*v_commune_2025\.csv n'a pas été modifié"):
        download.download(official("down.csv"), dest, attempts=2)
    assert net.hits["down.csv"] == 2                                  # retried
    assert dest.read_bytes() == b"ancien fichier complet\n"
    assert all_files(tmp_path / "raw") == ["v_commune_2025.csv"]      # no partial file left


def test_source_timing_out_leaves_nothing(net, tmp_path):
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    with pytest.raises(download.DownloadError, match="timed out"):   # the server answers 3 s later
        download.download(official("slow.csv"), dest, attempts=2, timeout=0.3)
    assert net.hits["slow.csv"] == 2
    assert not dest.exists() and all_files(tmp_path / "raw") == []


def test_download_cut_midway_is_never_used(net, tmp_path):
    """The server announces the whole size and closes after half: http.client returns the half
    as if it were complete; the size check refuses it."""
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    with pytest.raises(download.DownloadError, match=rf"{len(BODY) // 2} octets reçus sur {len(BODY)} annoncés"):
        download.download(official("cut.csv"), dest, attempts=2)
    assert net.hits["cut.csv"] == 2
    assert not dest.exists() and all_files(tmp_path / "raw") == []


def test_source_back_on_retry(net, tmp_path):
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    info = download.download(official("flaky.csv"), dest, attempts=3)
    assert dest.read_bytes() == BODY
    assert info["bytes"] == len(BODY) and info["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert all_files(tmp_path / "raw") == ["v_commune_2025.csv"]


def test_redirect_to_plain_http_is_refused_and_not_retried(net, tmp_path):
    dest = tmp_path / "raw" / "v_commune_2025.csv"
    with pytest.raises(download.DownloadError, match=r"redirection refusée : .*redirect\.csv → http://127\.0\.0\.1:\d+/ok\.csv"):
        download.download(official("redirect.csv"), dest)
    assert net.hits == {"redirect.csv": 1}
    assert not dest.exists() and all_files(tmp_path / "raw") == []


def test_one_source_down_does_not_stop_the_others_and_the_next_fetch_recovers(net, monkeypatch, tmp_path):
    down_url = REGISTRY["jobseekers"].SOURCE.url
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def local_open(url, timeout):
        name = "down.csv" if url == down_url else "ok.csv"
        return opener.open(f"http://127.0.0.1:{net.port}/{name}", timeout=timeout)
    monkeypatch.setattr(download, "_open", local_open)
    raw = tmp_path / "raw"
    stale = raw / download.PARTIAL_DIR / "fichier-abandonne.csv.part"   # left by a fetch killed earlier
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"PK\x03\x04 cut")
    first = {r["id"]: r for r in download.fetch_all(raw)}
    assert not stale.exists()
    assert "HTTP Error 500" in first["jobseekers"]["error"]
    fetched = [k for k, r in first.items() if not r["error"]]
    assert len(fetched) >= 8
    assert all((raw / REGISTRY[k].SOURCE.download_name).read_bytes() == BODY for k in fetched)
    assert not (raw / REGISTRY["jobseekers"].SOURCE.download_name).exists()
    monkeypatch.setattr(download, "_open", lambda url, timeout: opener.open(f"http://127.0.0.1:{net.port}/ok.csv",
                                                                            timeout=timeout))
    second = {r["id"]: r for r in download.fetch_all(raw)}
    assert not second["jobseekers"]["error"]
    assert sorted(all_files(raw)) == sorted([REGISTRY[k].SOURCE.download_name for k, r in second.items()
                                             if not r["error"]] + [download.LEDGER])


_CHILD = """
import sys, urllib.request
from pathlib import Path
from urllib.parse import urlparse
from sources import download
port, dest = int(sys.argv[1]), Path(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
download._open = lambda url, timeout: opener.open(f"http://127.0.0.1:{port}" + urlparse(url).path, timeout=timeout)
download.download("https://www.insee.fr/fr/statistiques/fichier/0000000/stall.csv", dest)
"""


def test_download_killed_midway_leaves_no_file_the_loaders_would_read(net, tmp_path):
    """A real SIGKILL while half of the file has arrived. A pattern ending in ``*``, as the README
    documents them (``base-cc-emploi-pop-active-*``, ``FD_MOBPRO_*``), would match a
    ``<name>.part`` beside the file: the partial file must live where no loader looks."""
    raw = tmp_path / "raw"
    dest = raw / REGISTRY["census"].SOURCE.download_name       # base-cc-emploi-pop-active-2020_v2.zip
    net.half_sent.clear()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(net.port), str(dest)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert net.half_sent.wait(30), "the child never reached the server"
        deadline = time.monotonic() + 10
        while not any(raw.rglob("*.part")) and time.monotonic() < deadline:   # the child has opened its file
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert any(raw.rglob("*.part"))                  # the kill did leave a partial file…
    assert not dest.exists()
    for key, module in REGISTRY.items():             # …that no loader sees
        assert files_matching(module.SOURCE, raw) == [], key
    wide = dataclasses.replace(REGISTRY["census"].SOURCE, file_patterns=("base-cc-emploi-pop-active-*",))
    assert files_matching(wide, raw) == []
    assert [p for p in raw.iterdir() if p.is_file()] == []      # nothing but complete files in the folder
    # The next download (source healthy again) completes without any cleanup by hand.
    download.download(official("ok.csv"), dest)
    assert dest.read_bytes() == BODY
    assert all_files(raw) == [dest.name]


# ---------------------------------------------------------------------------------------------
# The warehouse build killed midway

@pytest.fixture
def small_warehouse(tmp_path):
    """Warehouse builds of the default set with no dataset (communes and territories only):
    the same code path as a full build, in about a second."""
    from portraits import pipeline
    from portraits.ingest import Inputs
    from portraits.settings import Settings
    settings = Settings(output=tmp_path / "site", work_dir=tmp_path / "work")

    def build(fingerprint: str) -> Path:
        return pipeline.build_warehouse(settings, {}, Inputs("", {}, [], fingerprint))
    return settings, build


def test_warehouse_build_killed_keeps_the_old_warehouse(small_warehouse, monkeypatch):
    from portraits import pipeline, warehouse
    from portraits.ingest import Inputs
    settings, build = small_warehouse
    path = build("entrées A")
    before = path.read_bytes()
    real = warehouse._register_geo

    def dies_on_territories(con, name, gdf):
        if name == "territories":
            raise Killed
        real(con, name, gdf)
    monkeypatch.setattr(warehouse, "_register_geo", dies_on_territories)
    with pytest.raises(Killed):
        build("entrées B")
    assert path.read_bytes() == before                      # the old warehouse, whole
    assert not pipeline.warehouse_is_current(settings, Inputs("", {}, [], "entrées B"))
    monkeypatch.undo()
    build("entrées B")                                       # next run: no cleanup needed
    assert pipeline.warehouse_is_current(settings, Inputs("", {}, [], "entrées B"))
    con = warehouse.connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM territory_communes").fetchone()[0] == 1228
    con.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.with_suffix(".inputs").name]


def test_first_warehouse_build_killed_leaves_no_warehouse(small_warehouse, monkeypatch):
    from portraits import warehouse
    from portraits.settings import warehouse_path
    settings, build = small_warehouse

    def dies(*args):
        raise Killed
    monkeypatch.setattr(warehouse, "_register_geo", dies)
    with pytest.raises(Killed):
        build("entrées A")
    assert not warehouse_path(settings).exists()


def test_killed_between_warehouse_and_stamp_is_not_taken_for_current(small_warehouse, monkeypatch):
    """Built from inputs B, killed before its stamp was written: the stamp of inputs A must not
    survive, or a later run with inputs A would use the warehouse of B."""
    from portraits import pipeline
    from portraits.ingest import Inputs
    settings, build = small_warehouse
    build("entrées A")
    real = pipeline.build

    def then_dies(*args, **kwargs):
        real(*args, **kwargs)
        raise Killed
    monkeypatch.setattr(pipeline, "build", then_dies)
    with pytest.raises(Killed):
        build("entrées B")
    assert not pipeline.warehouse_is_current(settings, Inputs("", {}, [], "entrées A"))
    assert not pipeline.warehouse_is_current(settings, Inputs("", {}, [], "entrées B"))


# ---------------------------------------------------------------------------------------------
# Publishing and rollback killed between two renames

@pytest.fixture(scope="module")
def demo_site(demo_build):
    """Contexts of the demo site, computed once from the shared demo warehouse."""
    from portraits.pipeline import compute_site
    settings, _ = demo_build
    return compute_site(settings)


@pytest.fixture
def published(demo_build, tmp_path):
    """A copy of the demo site, with a previous edition, published from a copy of its warehouse."""
    from portraits.settings import Settings, warehouse_path
    demo, _ = demo_build
    site, previous = tmp_path / "site", tmp_path / "site.previous"
    shutil.copytree(demo.output, site)
    (site / "edition.txt").write_text("dernière publiée")
    shutil.copytree(demo.output, previous)
    (previous / "edition.txt").write_text("avant-dernière")
    settings = Settings(output=site, work_dir=tmp_path / "work")
    (tmp_path / "work").mkdir()
    for p in (warehouse_path(demo), warehouse_path(demo).with_suffix(".inputs")):
        shutil.copy2(p, tmp_path / "work" / p.name)
    return settings


def _stage(settings, site):
    """Render (reusing the published pages) into a fresh staging folder; one territory counts as
    rebuilt, so that publish swaps the editions."""
    from portraits.pipeline import render_territory
    from portraits.publish import prepare_staging
    staging = prepare_staging(settings)
    outcomes = [render_territory(settings, c, staging) for c in site.contexts]
    assert not any(o.rendered for o in outcomes)
    (staging / "edition.txt").write_text("nouvelle")
    return staging, [dataclasses.replace(outcomes[0], rendered=True)] + outcomes[1:]


class _KillAtRename:
    """``os.replace`` that kills the process before its ``n``-th call on the given folder."""

    def __init__(self, monkeypatch, folder: Path, n: int):
        self.real, self.folder, self.n, self.calls = os.replace, folder, n, 0
        monkeypatch.setattr(os, "replace", self)

    def __call__(self, src, dst, **kwargs):
        if Path(src).parent == self.folder:
            self.calls += 1
            if self.calls == self.n:
                raise Killed
        return self.real(src, dst, **kwargs)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_publish_killed_between_renames_then_next_run_recovers(published, demo_site, monkeypatch, n):
    """publish renames previous → retired, site → previous, staging → site. Killed before the
    n-th: at n = 3 no site is left at the published path; the next run puts the last published
    edition back before anything else, then publishes normally."""
    from portraits.publish import publish
    settings = published
    out, parent = Path(settings.output), Path(settings.output).parent
    site_before, previous_before = snapshot(out), snapshot(parent / "site.previous")
    staging, outcomes = _stage(settings, demo_site)
    _KillAtRename(monkeypatch, parent, n)
    with pytest.raises(Killed):
        publish(settings, staging, demo_site, outcomes)
    assert out.exists() == (n < 3)
    monkeypatch.undo()
    # Next run: preparing its staging folder repairs the editions first.
    staging, outcomes = _stage(settings, demo_site)
    assert snapshot(out) == site_before
    assert snapshot(parent / "site.previous") == previous_before
    summary = publish(settings, staging, demo_site, outcomes)
    assert summary["published"]
    assert (out / "edition.txt").read_text() == "nouvelle"
    assert snapshot(parent / "site.previous") == site_before
    assert sorted(p.name for p in parent.iterdir()) == ["site", "site.previous", "work"]


def test_publish_killed_while_deleting_the_oldest_edition(published, demo_site, monkeypatch):
    from portraits import publish
    settings = published
    parent = Path(settings.output).parent
    site_before = snapshot(Path(settings.output))
    staging, outcomes = _stage(settings, demo_site)
    real = shutil.rmtree

    def dies_on_retired(path, *args, **kwargs):
        if Path(path).name == ".site.retired":
            real(next(Path(path).glob("t01-*")))     # killed halfway through the deletion
            raise Killed
        return real(path, *args, **kwargs)
    monkeypatch.setattr(publish.shutil, "rmtree", dies_on_retired)
    with pytest.raises(Killed):
        publish.publish(settings, staging, demo_site, outcomes)
    monkeypatch.undo()
    assert (Path(settings.output) / "edition.txt").read_text() == "nouvelle"   # the new edition is in place
    assert snapshot(parent / "site.previous") == site_before
    publish.prepare_staging(settings)                                           # next run
    assert sorted(p.name for p in parent.iterdir()) == [".site.staging", "site", "site.previous", "work"]


def test_killed_while_rendering_leaves_the_site_and_the_next_run_starts_clean(published, demo_site, monkeypatch):
    from portraits import pipeline, publish
    settings = published
    out = Path(settings.output)
    before = snapshot(out)
    staging = publish.prepare_staging(settings)
    pipeline.render_territory(settings, demo_site.contexts[0], staging)
    (staging / "half-written.pdf").write_bytes(b"%PDF-1.7 cut")
    # (killed here: nothing else runs)
    assert snapshot(out) == before
    staging, outcomes = _stage(settings, demo_site)
    assert not (staging / "half-written.pdf").exists()
    assert publish.publish(settings, staging, demo_site, outcomes)["published"]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_rollback_killed_between_renames_then_recovers(published, monkeypatch, n):
    from portraits.publish import recover_site, rollback
    settings = published
    out, parent = Path(settings.output), Path(settings.output).parent
    current, previous = snapshot(out), snapshot(parent / "site.previous")
    _KillAtRename(monkeypatch, parent, n)
    with pytest.raises(Killed):
        rollback(settings)
    monkeypatch.undo()
    recover_site(settings)
    state = (snapshot(out), snapshot(parent / "site.previous"))
    assert state in ((current, previous), (previous, current))     # all or nothing
    assert sorted(p.name for p in parent.iterdir()) == ["site", "site.previous", "work"]
    rollback(settings)                                              # and rollback works again
    assert (snapshot(out), snapshot(parent / "site.previous")) == (state[1], state[0])


# ---------------------------------------------------------------------------------------------
# Disk full while writing a PDF

def _disk_full_after_some_bytes(self, target=None, *args, **kwargs):
    """WeasyPrint's writer on a full disk: the start of the file is written, then ENOSPC."""
    Path(target).write_bytes(b"%PDF-1.7\n" + b"0" * 4096)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _disk_full_while_finishing(pdf_path, tables):
    """The Typst PDF rewritten on a full disk (pikepdf's save): the start of the file, then ENOSPC."""
    Path(pdf_path).write_bytes(b"%PDF-1.7\n" + b"0" * 4096)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fill_the_disk(monkeypatch, engine: str) -> None:
    from weasyprint import HTML

    from portraits import typst_pdf
    if engine == "weasyprint":
        monkeypatch.setattr(HTML, "write_pdf", _disk_full_after_some_bytes)
    else:
        monkeypatch.setattr(typst_pdf, "finish", _disk_full_while_finishing)


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_pdf_cut_short_by_a_full_disk_leaves_no_file(monkeypatch, tmp_path, engine):
    from portraits import render
    _fill_the_disk(monkeypatch, engine)
    with pytest.raises(OSError, match="No space left on device"):
        render.write_pdf("<p>Portrait</p>", tmp_path, tmp_path / "portrait-t05-angers.pdf", title="Portrait",
                         engine=engine)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_a_pdf_fails_naming_the_territory(published, monkeypatch):
    """One territory to render again: it is rendered in this process (no worker processes for
    one portrait), where the disk is made full while its PDF is written."""
    from flows.refresh import refresh
    from portraits.settings import MANIFEST
    settings = published
    out = Path(settings.output)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["territories"]["T05"]["key"] = "périmée"             # T05 must be rendered again
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = snapshot(out)
    _fill_the_disk(monkeypatch, settings.pdf_engine)
    state = refresh(settings, return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=r"rendu en échec pour : T05 \(OSError: \[Errno 28\] écriture impossible dans "
                                        r".*t05-angers : No space left on device\) — le site publié n'a pas été modifié"):
        state.result()
    assert snapshot(out) == before
    assert not list(out.parent.rglob("*.part")) and not (out.parent / ".site.staging").exists()
    monkeypatch.undo()
    summary = refresh(settings)                                     # next run, disk freed
    assert summary["published"] and "T05" in summary["rebuilt"]
    from pypdf import PdfReader
    pdf = next(out.glob("t05-*/portrait-t05-*.pdf"))
    assert "Angers" in PdfReader(pdf).pages[0].extract_text()

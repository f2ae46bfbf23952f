"""Downloading official files (profile ``official``): HTTPS only, from the configured official
hosts, to a temporary file renamed when complete and checksummed, so a partial download is
never used. Not used by the demo profile; the tests reach a local server through the ``_open`` seam.

A partial download lives in a hidden sub-folder (``.partial/``) until it is complete (its size
checked against ``Content-Length``): the loaders only look at the files directly in the folder,
so even a process killed mid-download never leaves a file they could pick up. Redirects are
followed only to HTTPS official hosts. URLs are shown with their credentials masked (``redact``)."""
from __future__ import annotations

import hashlib
import http.client
import logging
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from . import REGISTRY

log = logging.getLogger("portraits")
OFFICIAL_HOSTS = {"statistiques.francetravail.org", "data.education.gouv.fr", "www.education.gouv.fr",
                  "www.insee.fr", "www.data.gouv.fr", "open.urssaf.fr", "api.opendata.onisep.fr",
                  "api-lannuaire.service-public.gouv.fr"}
USER_AGENT = "portraits (Carif-Oref Pays de la Loire; open-source territorial portraits)"
# Domains an official host may redirect a download to (data.gouv.fr serves files from other hosts).
OFFICIAL_DOMAINS = (".gouv.fr", ".insee.fr", ".francetravail.org", ".urssaf.fr", ".onisep.fr")
BACKOFF_SECONDS = 2.0        # wait before the second attempt; doubled before each next one
PARTIAL_DIR = ".partial"     # where downloads in progress live, out of the loaders' sight

# Credentials in text: "user:password@" in URLs, token-like query parameters, Authorization values.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")
_SECRET_PARAM = re.compile(r"(?i)([?&;](?:access_?token|token|api_?key|apikey|key|client_secret|secret|password|"
                           r"passwd|pwd|auth|signature|sig)=)[^&#\s\"'<>]+")
_AUTH_HEADER = re.compile(r"(?i)\b(authorization:\s*(?:bearer|basic|token)?\s*)[^\s\"'<>,;]+")


def redact(text: str) -> str:
    """``text`` with the credentials of any URL in it masked (``***``): for logs and reports."""
    text = _USERINFO.sub(r"\1***@", str(text))
    text = _SECRET_PARAM.sub(r"\1***", text)
    return _AUTH_HEADER.sub(r"\1***", text)


class DownloadError(RuntimeError):
    pass


def check_url(url: str) -> None:
    """Refuse anything but HTTPS to one of the configured official hosts."""
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in OFFICIAL_HOSTS:
        raise DownloadError(f"téléchargement refusé : {redact(url)} (HTTPS vers un hôte officiel uniquement)")


class OfficialRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to HTTPS on an official host or domain (never a downgrade to HTTP)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parsed = urlparse(newurl)
        host = parsed.hostname or ""
        if parsed.scheme != "https" or not (host in OFFICIAL_HOSTS or host.endswith(OFFICIAL_DOMAINS)):
            fp.close()
            raise DownloadError(f"redirection refusée : {redact(req.full_url)} → {redact(newurl)} "
                                f"(HTTPS vers un hôte officiel uniquement)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open(url: str, timeout: float):
    """The network call (the tests replace it to reach a local server; the URL is checked before)."""
    opener = urllib.request.build_opener(OfficialRedirects())
    return opener.open(urllib.request.Request(url, headers={"User-Agent": USER_AGENT}), timeout=timeout)


class IncompleteDownload(OSError):
    """The connection ended before the announced size was received."""


def _permanent(exc: Exception) -> bool:
    """A client error (404, 403…) will not go away by retrying; 408 and 429 may."""
    return isinstance(exc, urllib.error.HTTPError) and 400 <= exc.code < 500 and exc.code not in (408, 429)


def download(url: str, dest: Path, *, attempts: int = 3, timeout: float = 60.0) -> dict:
    """Download ``url`` to ``dest`` (atomically); retry with exponential backoff. A failure leaves
    ``dest`` as it was (the previous download, if any, is kept)."""
    check_url(url)
    shown = redact(url)
    dest = Path(dest)
    part = dest.parent / PARTIAL_DIR / (dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    last = None
    try:
        for attempt in range(1, attempts + 1):
            try:
                h = hashlib.sha256()
                size = 0
                with _open(url, timeout) as resp, open(part, "wb") as out:
                    announced = resp.headers.get("Content-Length")
                    while chunk := resp.read(1 << 20):
                        h.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                # http.client ends a body cut short by the server like a complete one: check its size.
                if announced and announced.strip().isdigit() and size != int(announced):
                    raise IncompleteDownload(f"{size} octets reçus sur {int(announced)} annoncés "
                                             f"(connexion interrompue)")
                os.replace(part, dest)
                return {"url": shown, "file": dest.name, "bytes": size, "sha256": h.hexdigest()}
            except (OSError, http.client.HTTPException) as exc:   # network, timeout, truncated body, disk
                last = exc
                part.unlink(missing_ok=True)
                if _permanent(exc):
                    break
                if attempt < attempts:
                    wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
                    log.warning("échec du téléchargement de %s (%s), nouvel essai dans %g s", shown,
                                redact(str(exc)), wait)
                    time.sleep(wait)
    finally:
        part.unlink(missing_ok=True)
        try:
            part.parent.rmdir()          # only when empty: other downloads may be in progress
        except OSError:
            pass
    raise DownloadError(f"téléchargement impossible : {shown} ({redact(str(last))}) ; "
                        f"{dest.name} n'a pas été modifié")


def fetch_all(dest: Path) -> list[dict]:
    """Download every registered dataset into ``dest`` under its official file name."""
    # Partial files left by an interrupted fetch: never used, not worth keeping.
    shutil.rmtree(Path(dest) / PARTIAL_DIR, ignore_errors=True)
    results = []
    for key, module in REGISTRY.items():
        s = module.SOURCE
        target = dest / s.download_name
        if s.url == s.page:
            results.append({"id": key, "error": f"pas de lien de téléchargement direct : à télécharger depuis {s.page} "
                                                f"et à déposer sous le nom {s.download_name}"})
            continue
        try:
            info = download(s.url, target)
            results.append({"id": key, "error": None, **info})
        except DownloadError as exc:
            results.append({"id": key, "error": str(exc)})
    return results

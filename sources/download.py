"""Downloading official files (profile ``official``): HTTPS only, from the configured official
hosts, to a temporary file renamed when complete and checksummed, so a partial download is
never used. Not used by the demo profile nor by the tests (no network there)."""
from __future__ import annotations

import hashlib
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from . import REGISTRY

log = logging.getLogger("portraits")
OFFICIAL_HOSTS = {"statistiques.francetravail.org", "data.education.gouv.fr", "www.education.gouv.fr",
                  "www.insee.fr", "www.data.gouv.fr", "open.urssaf.fr", "api.opendata.onisep.fr"}
USER_AGENT = "portraits (Carif-Oref Pays de la Loire; open-source territorial portraits)"


class DownloadError(RuntimeError):
    pass


def download(url: str, dest: Path, *, attempts: int = 3, timeout: float = 60.0) -> dict:
    """Download ``url`` to ``dest`` (atomically); retry with exponential backoff."""
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in OFFICIAL_HOSTS:
        raise DownloadError(f"téléchargement refusé : {url} (HTTPS vers un hôte officiel uniquement)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    last = None
    for attempt in range(1, attempts + 1):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            h = hashlib.sha256()
            size = 0
            with urllib.request.urlopen(req, timeout=timeout) as resp, open(part, "wb") as out:
                while chunk := resp.read(1 << 20):
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            os.replace(part, dest)
            return {"url": url, "file": dest.name, "bytes": size, "sha256": h.hexdigest()}
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            last = exc
            part.unlink(missing_ok=True)
            if attempt < attempts:
                wait = 2 ** attempt
                log.warning("échec du téléchargement de %s (%s), nouvel essai dans %d s", url, exc, wait)
                time.sleep(wait)
    raise DownloadError(f"téléchargement impossible : {url} ({last})")


def fetch_all(dest: Path) -> list[dict]:
    """Download every registered dataset into ``dest`` under its official file name."""
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

"""Downloading official files (profile ``official``): HTTPS only, from the configured official
hosts, to a temporary file renamed when complete and checksummed, so a partial download is
never used. Not used by the demo profile; the tests reach a local server through the ``_open`` seam.

A partial download lives in a hidden sub-folder (``.partial/``) until it is complete (its size
checked against ``Content-Length``): the loaders only look at the files directly in the folder,
so even a process killed mid-download never leaves a file they could pick up. Redirects are
followed only to HTTPS official hosts. URLs are shown with their credentials masked (``redact``).

HTTP caching: ``fetch_all`` keeps a ledger (``downloads.json`` in the download folder) with, per
URL, the file, its sha256 and size, the server's ``ETag`` and ``Last-Modified``, the date of the
last check and its outcome. The next request for that URL is conditional (``If-None-Match``,
``If-Modified-Since``) as long as the file is still the one recorded; a ``304 Not Modified``
keeps the file and is recorded as "unchanged", so an unchanged source is not downloaded again."""
from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import logging
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from . import REGISTRY, bmo_bassins
from . import jobseekers_profile as jp
from .common import SourceError, files_matching
from .datafrance import region_info

log = logging.getLogger("portraits")
OFFICIAL_HOSTS = {"statistiques.francetravail.org", "data.education.gouv.fr", "www.education.gouv.fr",
                  "www.insee.fr", "www.data.gouv.fr", "open.urssaf.fr", "api.opendata.onisep.fr",
                  "api-lannuaire.service-public.gouv.fr",
                  # France Travail API "Marché du travail" (OAuth2 token, then POST requests).
                  "entreprise.francetravail.fr", "api.francetravail.io"}
USER_AGENT = "portraits (Carif-Oref Pays de la Loire; open-source territorial portraits)"
# Domains an official host may redirect a download to (data.gouv.fr serves files from other hosts).
OFFICIAL_DOMAINS = (".gouv.fr", ".insee.fr", ".francetravail.org", ".urssaf.fr", ".onisep.fr")
BACKOFF_SECONDS = 2.0        # wait before the second attempt; doubled before each next one
PARTIAL_DIR = ".partial"     # where downloads in progress live, out of the loaders' sight
LEDGER = "downloads.json"    # per URL: file, sha256, size, ETag, Last-Modified, last check (fetch_all)

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


def _open(url: str, timeout: float, headers: dict | None = None):
    """The network call (the tests replace it to reach a local server; the URL is checked before).
    ``headers``: the conditional request headers, when there are some."""
    opener = urllib.request.build_opener(OfficialRedirects())
    return opener.open(urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})}),
                       timeout=timeout)


def _post(url: str, data: bytes, headers: dict, timeout: float):
    """The network call of :func:`post_json` (the tests replace it to reach a local server; the
    URL is checked before)."""
    opener = urllib.request.build_opener(OfficialRedirects())
    return opener.open(urllib.request.Request(url, data=data, method="POST",
                                              headers={"User-Agent": USER_AGENT, **headers}), timeout=timeout)


def post_json(url: str, *, form: dict | None = None, json_body: dict | None = None, headers: dict | None = None,
              secrets: tuple[str, ...] = (), attempts: int = 3, timeout: float = 60.0, backoff: float | None = None,
              sleep=time.sleep):
    """POST a form (``form``) or a JSON body (``json_body``) to an API and return its JSON answer
    (None for an empty answer, e.g. ``204 No Content``); retried like :func:`download`. Errors and
    logs never show ``secrets`` (client secret, token) nor the body sent."""
    check_url(url)
    shown = redact(url)
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        kind = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        data = json.dumps(json_body).encode()
        kind = {"Content-Type": "application/json"}
    def hide(text: str) -> str:
        text = redact(text)
        for secret in secrets:
            if secret:
                text = text.replace(secret, "***")
        return text
    last = None
    for attempt in range(1, attempts + 1):
        try:
            with _post(url, data, {"Accept": "application/json", **kind, **(headers or {})}, timeout) as resp:
                body = resp.read()
            if not body.strip():
                return None
            try:
                return json.loads(body)
            except ValueError:
                raise DownloadError(f"réponse illisible de {shown} (JSON attendu)") from None
        except (OSError, http.client.HTTPException) as exc:
            last = exc
            if _permanent(exc):
                break
            if attempt < attempts:
                wait = backoff * 2 ** (attempt - 1)
                log.warning("échec de la requête %s (%s), nouvel essai dans %g s", shown, hide(str(exc)), wait)
                sleep(wait)
    raise DownloadError(f"requête impossible : {shown} ({hide(str(last))})")


class IncompleteDownload(OSError):
    """The connection ended before the announced size was received."""


def _permanent(exc: Exception) -> bool:
    """A client error (404, 403…) will not go away by retrying; 408 and 429 may."""
    return isinstance(exc, urllib.error.HTTPError) and 400 <= exc.code < 500 and exc.code not in (408, 429)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def conditional_headers(dest: Path, known: dict | None) -> dict:
    """``If-None-Match`` / ``If-Modified-Since`` from the ledger entry of the last download, only
    when ``dest`` is still that file (same size and sha256): a file changed or deleted since is
    downloaded again."""
    if not known or not Path(dest).is_file():
        return {}
    if Path(dest).stat().st_size != known.get("bytes") or sha256_file(dest) != known.get("sha256"):
        return {}
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    return headers


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _fetch_once(url: str, dest: Path, part: Path, timeout: float, headers: dict, known: dict | None) -> dict:
    """One attempt of :func:`download`: the body streamed to ``part``, its size checked against the
    announced length, then renamed to ``dest``; a ``304 Not Modified`` keeps ``dest``. Returns the
    ledger entry; raises what the network or the disk raised."""
    shown = redact(url)
    h = hashlib.sha256()
    size = 0
    try:
        # The two-argument call when unconditional: the network seam stays that simple.
        resp = _open(url, timeout, headers) if headers else _open(url, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code != 304 or not headers:
            raise
        exc.close()
        log.info("inchangé depuis le dernier téléchargement : %s (%s)", shown, dest.name)
        return {**known, "url": shown, "file": dest.name, "status": "unchanged", "checked": _now()}
    with resp, open(part, "wb") as out:
        announced = resp.headers.get("Content-Length")
        validators = {"etag": resp.headers.get("ETag"), "last_modified": resp.headers.get("Last-Modified")}
        while chunk := resp.read(1 << 20):
            h.update(chunk)
            out.write(chunk)
            size += len(chunk)
    # http.client ends a body cut short by the server like a complete one: check its size.
    if announced and announced.strip().isdigit() and size != int(announced):
        raise IncompleteDownload(f"{size} octets reçus sur {int(announced)} annoncés "
                                 f"(connexion interrompue)")
    os.replace(part, dest)
    now = _now()
    return {"url": shown, "file": dest.name, "bytes": size, "sha256": h.hexdigest(), **validators,
            "status": "downloaded", "checked": now, "downloaded": now}


def download(url: str, dest: Path, *, attempts: int = 3, timeout: float = 60.0, known: dict | None = None,
             backoff: float | None = None, sleep=time.sleep) -> dict:
    """Download ``url`` to ``dest`` (atomically); retry with exponential backoff (``backoff``
    seconds before the second attempt, doubled before each next one; default ``BACKOFF_SECONDS``).
    A failure leaves ``dest`` as it was (the previous download, if any, is kept).

    ``known``: the ledger entry of the last download of ``url``; the request is then conditional
    and a ``304 Not Modified`` keeps ``dest`` (``status`` "unchanged"). Returns the new ledger
    entry: url, file, bytes, sha256, etag, last_modified, status ("downloaded" or "unchanged"),
    checked (date of this check) and downloaded (date of the last download)."""
    check_url(url)
    shown = redact(url)
    dest = Path(dest)
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    headers = conditional_headers(dest, known)
    part = dest.parent / PARTIAL_DIR / (dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    last = None
    try:
        for attempt in range(1, attempts + 1):
            try:
                return _fetch_once(url, dest, part, timeout, headers, known)
            except (OSError, http.client.HTTPException) as exc:   # network, timeout, truncated body, disk
                last = exc
                part.unlink(missing_ok=True)
                if _permanent(exc):
                    break
                if attempt < attempts:
                    wait = backoff * 2 ** (attempt - 1)
                    log.warning("échec du téléchargement de %s (%s), nouvel essai dans %g s", shown,
                                redact(str(exc)), wait)
                    sleep(wait)
    finally:
        part.unlink(missing_ok=True)
        try:
            part.parent.rmdir()          # only when empty: other downloads may be in progress
        except OSError:
            pass
    raise DownloadError(f"téléchargement impossible : {shown} ({redact(str(last))}) ; "
                        f"{dest.name} n'a pas été modifié")


def read_ledger(folder: Path) -> dict[str, dict]:
    """The ledger of ``folder``: URL (credentials masked) → entry of its last download. A missing
    or unreadable ledger is empty (every file is then downloaded again)."""
    try:
        entries = json.loads((Path(folder) / LEDGER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("registre des téléchargements illisible, ignoré : %s (%s)", Path(folder) / LEDGER, exc)
        return {}
    return {e["url"]: e for e in entries if isinstance(e, dict) and "url" in e}


def write_ledger(folder: Path, entries: dict[str, dict]) -> None:
    """Write the ledger under a temporary name, then rename it (never half a ledger)."""
    tmp = Path(folder) / f".{LEDGER}.tmp"
    tmp.write_text(json.dumps(sorted(entries.values(), key=lambda e: e["url"]), ensure_ascii=False, indent=1),
                   encoding="utf-8")
    os.replace(tmp, Path(folder) / LEDGER)


def fetch_all(dest: Path, region: str = "52") -> list[dict]:
    """Download every registered dataset into ``dest`` under its official file name; a file
    unchanged on the server (HTTP 304 to the conditional request) is kept. The ledger records
    each download and check. A dataset served by an API needing credentials and several requests
    (:data:`API_FETCHES`) is fetched by its own function, into one file."""
    # Partial files left by an interrupted fetch: never used, not worth keeping.
    shutil.rmtree(Path(dest) / PARTIAL_DIR, ignore_errors=True)
    Path(dest).mkdir(parents=True, exist_ok=True)
    ledger = read_ledger(dest)
    results = []
    for key, module in REGISTRY.items():
        s = module.SOURCE
        target = dest / s.download_name
        if key in API_FETCHES:
            try:
                info = API_FETCHES[key](target, region=region)
                ledger[info["url"]] = info
                results.append({"id": key, "error": None, **info})
            except DownloadError as exc:
                results.append({"id": key, "error": str(exc)})
            continue
        if s.url == s.page:
            results.append({"id": key, "error": f"pas de lien de téléchargement direct : à télécharger depuis {s.page} "
                                                f"et à déposer sous le nom {s.download_name}"})
            continue
        try:
            info = download(s.url, target, known=ledger.get(redact(s.url)))
            ledger[info["url"]] = info
            results.append({"id": key, "error": None, **info})
        except DownloadError as exc:
            results.append({"id": key, "error": str(exc)})
    write_ledger(dest, ledger)
    return results


# ---------------------------------------------------------------------------------------------
# The France Travail API (jobseekers_profile): OAuth2 client credentials, then one request per area,
# one raw file per run (its format: sources/jobseekers_profile.py request_body and dump).

def jobseekers_profile_areas(folder: Path, region: str) -> list[tuple[str, str]]:
    """What is asked for: the region, its départements and its BMO bassins (from the bassin table
    in ``folder``: the bassins must be the ones it knows)."""
    paths = files_matching(bmo_bassins.SOURCE, folder)
    if not paths:
        raise FileNotFoundError(f"la table des bassins BMO ({bmo_bassins.SOURCE.download_name}) doit être déposée dans "
                                f"{folder} avant le téléchargement : elle donne les bassins à demander")
    codes = sorted(set(bmo_bassins.read(paths, None, region).frame.bassin_code))
    _, deps = region_info(region)
    return [("REG", region), *(("DEP", d) for d in sorted(deps)), *((jp.BASSIN_TYPE, c) for c in codes)]


def fetch_jobseekers_profile(dest: Path, region: str = "52", env: dict | None = None) -> dict:
    """The France Travail API's answers for ``jobseekers_profile`` (in the format of
    :mod:`sources.jobseekers_profile`): ask the API for every area of
    :func:`jobseekers_profile_areas` and save the answers as one file ``dest`` (atomically: a
    failure leaves the previous file). Returns the ledger entry. The credentials
    come from ``FT_API_CLIENT_ID`` / ``FT_API_CLIENT_SECRET`` and are never logged."""
    env = os.environ if env is None else env
    client_id, secret = env.get(jp.CLIENT_ID_ENV, ""), env.get(jp.CLIENT_SECRET_ENV, "")
    if not client_id or not secret:
        raise DownloadError(f"identifiants de l'API France Travail absents : définir les variables "
                            f"d'environnement {jp.CLIENT_ID_ENV} et {jp.CLIENT_SECRET_ENV} (application déclarée "
                            f"sur francetravail.io, API « Marché du travail ») ; {dest.name} n'a pas été "
                            f"modifié")
    dest = Path(dest)
    try:
        wanted = jobseekers_profile_areas(dest.parent, region)
    except (FileNotFoundError, SourceError) as exc:
        raise DownloadError(f"{exc} ; {dest.name} n'a pas été modifié") from None
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": jp.SCOPE}
    token = post_json(jp.TOKEN_URL, form=form, secrets=(secret, client_id))
    if not isinstance(token, dict) or not token.get("access_token"):
        raise DownloadError(f"jeton d'accès absent de la réponse de {jp.TOKEN_URL} ; {dest.name} n'a pas été "
                            f"modifié")
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answers, refused = [], []
    for area_type, code in wanted:
        body = jp.request_body(area_type, code)
        try:
            answer = post_json(jp.API_URL, json_body=body, headers=headers,
                               secrets=(secret, token["access_token"]))
        except DownloadError as exc:
            # One territory refused (e.g. HTTP 400): the others are kept, this one is named.
            log.warning("%s %s : %s", area_type, code, exc)
            refused.append({"territoire": f"{area_type} {code}", "erreur": str(exc)})
            answers.append({"requete": body, "reponse": None, "erreur": str(exc)})
            continue
        answers.append({"requete": body, "reponse": answer})
    if len(refused) == len(wanted):
        raise DownloadError(f"toutes les requêtes ({len(wanted)}) ont été refusées, dont "
                            f"{refused[0]['territoire']} : {refused[0]['erreur']} ; {dest.name} n'a pas "
                            f"été modifié")
    data = jp.dump(answers)
    part = dest.parent / PARTIAL_DIR / (dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data)
    os.replace(part, dest)
    now = _now()
    return {"url": jp.API_URL, "file": dest.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "requests": len(wanted), "status": "partial" if refused else "downloaded", "refused": refused,
            "checked": now, "downloaded": now}


# The datasets fetched by a function of their own (source id → fetch(dest, region=...)).
API_FETCHES = {"jobseekers_profile": fetch_jobseekers_profile}

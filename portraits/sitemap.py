"""``sitemap.xml`` of the published site (sitemaps protocol 0.9, https://www.sitemaps.org/protocol.html).

It lists the pages a search engine should know: the index, the site pages, and each territory's
page and PDF, with absolute URLs under the public address of the site (setting ``base_url``,
``portraits build --base-url``). ``lastmod`` is the date of the build that last changed the file:
a file whose bytes are the same as in the published edition keeps the date the published sitemap
gives it, so a refresh with nothing new writes the same sitemap (and publishes nothing).
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NAME = "sitemap.xml"


class SitemapError(ValueError):
    pass


def normalise_base_url(url: str) -> str:
    """An absolute http(s) address ending with "/" (added when missing); anything else is refused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SitemapError(f"adresse publique du site invalide : {url!r} (attendu : https://hôte/chemin/)")
    return url.strip() if url.strip().endswith("/") else url.strip() + "/"


def url_of(base_url: str, relative: str) -> str:
    return normalise_base_url(base_url) + quote(relative)


def published_dates(path: Path) -> dict[str, str]:
    """``loc`` → ``lastmod`` of a published sitemap ({} when absent or unreadable)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    out = {}
    for u in root.findall(f"{{{NS}}}url"):
        loc, lastmod = u.findtext(f"{{{NS}}}loc"), u.findtext(f"{{{NS}}}lastmod")
        if loc and lastmod:
            out[loc.strip()] = lastmod.strip()
    return out


def write(folder: Path, relatives: list[str], base_url: str, published: Path | None,
          today: dt.date | None = None) -> Path:
    """Write ``folder/sitemap.xml`` listing ``relatives`` (paths inside ``folder``; one that is
    missing is listed all the same, and :func:`problems` reports it before publishing).
    ``published``: the folder of the published edition, whose files and sitemap give the dates of
    unchanged files; ``today``: the build date (default: today, UTC)."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    before = published_dates(published / NAME) if published else {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
    for rel in relatives:
        path = folder / rel
        loc = url_of(base_url, rel)
        old = published / rel if published else None
        unchanged = (path.is_file() and old is not None and old.is_file()
                     and old.read_bytes() == path.read_bytes())
        lastmod = before.get(loc) if unchanged and loc in before else today.isoformat()
        lines.append(f"  <url><loc>{escape(loc)}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    target = folder / NAME
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def problems(folder: Path, base_url: str) -> list[str]:
    """What is wrong with ``folder/sitemap.xml``: unreadable, outside the sitemaps namespace, a URL
    not under ``base_url``, a URL with no file in ``folder``, a malformed ``lastmod``."""
    path = folder / NAME
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        return [f"{NAME} illisible : {exc}"]
    if root.tag != f"{{{NS}}}urlset":
        return [f"{NAME} : élément racine {root.tag} au lieu de urlset ({NS})"]
    base = normalise_base_url(base_url)
    out, seen = [], set()
    urls = root.findall(f"{{{NS}}}url")
    if not urls:
        out.append(f"{NAME} : aucune adresse")
    for u in urls:
        loc = (u.findtext(f"{{{NS}}}loc") or "").strip()
        if loc in seen:
            out.append(f"{NAME} : adresse en double {loc}")
        seen.add(loc)
        if not loc.startswith(base):
            out.append(f"{NAME} : adresse hors du site {loc}")
            continue
        rel = unquote(loc[len(base):])
        if not rel or ".." in Path(rel).parts or not (folder / rel).is_file():
            out.append(f"{NAME} : adresse sans fichier dans le site {loc}")
        lastmod = u.findtext(f"{{{NS}}}lastmod")
        try:
            dt.date.fromisoformat((lastmod or "").strip())
        except ValueError:
            out.append(f"{NAME} : date lastmod invalide {lastmod!r} pour {loc}")
    return out

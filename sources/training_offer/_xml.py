"""The elements of a LHÉO document, matched by local name, and what one document gave
(:class:`_Document`)."""
from __future__ import annotations

import xml.etree.ElementTree as ET


LHEO_NAMESPACE = "http://lheo.gouv.fr/2.3"


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """Local name of a tag (``{namespace}name`` → ``name``), cached: files repeat few tags."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 10_000:
            _LOCAL[tag] = name
        return name


def _kids(elem: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if elem is None else [c for c in elem if _local(c.tag) == name]


def _first(elem: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if elem is None:
            return None
        elem = next((c for c in elem if _local(c.tag) == name), None)
    return elem


def _text(elem: ET.Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    text = " ".join(elem.text.split())
    return text or None


# ---------------------------------------------------------------------------------------------
# What one document gave (filled by the streaming parse of _lheo)

class _Document:
    """What one XML document gave: rows, and facts for the vintage and the warnings."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.namespace: str | None = None
        self.stamp: str | None = None
        self.formations = 0
        self.several_places = 0
        self.no_place = 0
        self.zero_coordinates = 0
        self.unknown_levels: set[str] = set()
        self.deps: set[str] | None = None      # the region's départements: other actions are dropped first…
        self.accepted: set[str] = set()        # …but for an accepted code of another département (79224)
        self.outside = 0
        self.paths: dict[str, None] = {}       # element paths, as header() lists them (ordered set)

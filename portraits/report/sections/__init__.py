"""The sections of a portrait, in the order of the page: the registry the portrait template
loops over (``templates/portrait.html.j2``: one partial ``templates/sections/<NAME>.html.j2`` each).

A section module declares:

- ``NAME``: its partial, and its heading's anchor ``h-<NAME>``; ``HEADING``: its entry in the
  table of contents;
- ``contexts(data: figures.TerritoryData) -> dict``: its part of the portrait context, from the
  plain query results (usually one entry, ``NAME``);
- ``titles(figures) -> dict``: the titles that state its finding, when its figures exist;
- ``SOURCES``: by context entry, the datasets whose missing columns it names;
- ``IMAGES``: the images it shows (``figures.Image``: file name, drawing, and its arguments),
  each declared once; its partial names them ``section.images.<key>``.

Adding a section: a module here, its name in :data:`SECTIONS`, its partial
(``tests/test_sections.py`` holds the registry, the partials and the images together).
"""
from __future__ import annotations

from . import access, economy, employment, metiers, mobility, offer, population, recruitment, training, trajectories

SECTIONS = (population, economy, employment, recruitment, metiers, mobility, training, offer, trajectories, access)

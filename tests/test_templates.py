"""The templates' shape: every page extends base.html.j2, and no template is longer than 200 lines.

Partials (templates/sections/) and macros (names starting with "_") are not pages. Unit tests on
tiny inline templates first, then the rule held by the templates of the repository."""
from __future__ import annotations

from jinja2 import nodes

from portraits.render import TEMPLATES, environment

BASE = "base.html.j2"
MAX_LINES = 200



def _extended(source: str) -> str | None:
    """The template that ``source`` extends (None: it extends none, or a computed name)."""
    for node in environment().parse(source).find_all(nodes.Extends):
        return node.template.value if isinstance(node.template, nodes.Const) else None
    return None


def _lines(source: str) -> int:
    return source.count("\n") + (0 if source.endswith("\n") or not source else 1)


def _pages() -> list[str]:
    return sorted(p.name for p in TEMPLATES.glob("*.html.j2") if not p.name.startswith("_") and p.name != BASE)


def test_extended_reads_the_extends_tag():
    assert _extended('{% extends "base.html.j2" %}\n{% block content %}x{% endblock %}\n') == BASE
    # A page with its own <html>, after an import: extends nothing.
    assert _extended('{% from "_macros.html.j2" import tile %}\n<!DOCTYPE html>\n<html></html>\n') is None
    # The name computed at render time: not a literal, so not counted as extending the base.
    assert _extended("{% extends layout %}\n") is None


def test_lines_counts_a_last_line_without_newline():
    assert _lines("a\nb\n") == 2
    assert _lines("a\nb") == 2          # no trailing newline: the last line still counts
    assert _lines("") == 0


def test_every_page_extends_the_base():
    pages = _pages()
    assert "index.html.j2" in pages and "run-report.html.j2" in pages and BASE not in pages
    extended = {name: _extended((TEMPLATES / name).read_text(encoding="utf-8")) for name in pages}
    assert {n for n, e in extended.items() if e != BASE} == set()


def test_no_template_is_longer_than_200_lines():
    lengths = {str(p.relative_to(TEMPLATES)): _lines(p.read_text(encoding="utf-8")) for p in TEMPLATES.rglob("*.j2")}
    assert BASE in lengths and "_macros.html.j2" in lengths
    assert {n: k for n, k in lengths.items() if k > MAX_LINES} == {}

"""The README's "How to add a section" is a worked example: its blocks, applied to a copy of the
project as a newcomer would (a new SQL file and its entry, a section module and its place in the
registry, a partial), give a portrait with the new section, rendered by the project's own steps
from the demo warehouse. If the house moves and the README is not updated, this fails."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# What a block's first line says of its file: "-- path", "# path", "# path (append)", "{# path #}".
PATH_LINE = re.compile(r"^(?:--|#|\{#)\s*(?P<path>[\w./-]+)(?P<append> \(append\))?\s*(?:#\})?$")

RENDER = """
import json, sys
from pathlib import Path
from portraits import pipeline, render
from portraits.settings import Settings
settings = Settings(output=Path(sys.argv[1]))
site = pipeline.compute_site(settings)
ctx = site.contexts[0]
html = render.render_html("portrait.html.j2", **ctx)
print(json.dumps({"html": html, "rows": ctx["commune_sizes"]["rows"][:2]}))
"""


def readme_blocks(text: str) -> list[tuple[str, str, bool]]:
    """The fenced blocks of the README's "How to add a section": (path, content, append?)."""
    start = text.index("### How to add a section")
    end = text.index("\n## ", start)
    out = []
    for m in re.finditer(r"^```\w*\n(.*?)^```", text[start:end], re.S | re.M):
        first, _, body = m.group(1).partition("\n")
        line = PATH_LINE.match(first.strip())
        assert line, f"bloc du README sans chemin de fichier en première ligne : {first!r}"
        # A Python or SQL file keeps its content after the path line; the partial keeps its
        # comment (a Jinja comment renders nothing).
        content = m.group(1) if first.startswith("{#") else body
        out.append((line["path"], content, bool(line["append"])))
    return out


def test_the_readme_blocks_are_found():
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    assert [(p, a) for p, _, a in blocks] == [
        ("portraits/indicators/sql/commune_sizes.sql", False),
        ("portraits/indicators/tables.toml", True),
        ("portraits/report/sections/commune_sizes.py", False),
        ("templates/sections/commune_sizes.html.j2", False)]


def test_a_section_added_as_the_readme_says_is_on_the_portrait(demo_build, tmp_path):
    settings, _ = demo_build
    copy = tmp_path / "project"
    for part in ("portraits", "sources", "flows", "templates", "data"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    for path, content, append in readme_blocks(README.read_text(encoding="utf-8")):
        target = copy / path
        assert append == target.exists(), path      # new files are new; the registry is appended to
        with open(target, "a" if append else "w", encoding="utf-8") as f:
            f.write(content)
    # Its place in the registry (the README says it in words): imported, and last in SECTIONS.
    registry = copy / "portraits" / "report" / "sections" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    text = re.sub(r"^from \. import (.*)$", r"from . import \1, commune_sizes", text, count=1, flags=re.M)
    text = re.sub(r"^SECTIONS = \((.*)\)$", r"SECTIONS = (\1, commune_sizes)", text, count=1, flags=re.M)
    registry.write_text(text, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(copy), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    run = subprocess.run([sys.executable, "-c", RENDER, str(settings.output)], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    html = out["html"]
    # In the table of contents and as a section, after the other sections.
    assert '<a href="#h-commune_sizes">Les communes du territoire</a>' in html
    assert html.index('id="h-commune_sizes"') > html.index('id="h-access"')
    first, second = out["rows"]
    assert first["name"] in html and f"<td>{first['population_text']}</td>" in html
    # Largest first; the share is a French percentage.
    assert int(first["population_text"].replace("\u202f", "").replace("\xa0", "").replace(" ", "")) >= \
        int(second["population_text"].replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    assert first["share_text"].endswith("%") and "," in first["share_text"]


@pytest.mark.parametrize("line", ["-- portraits/x.sql", "# portraits/indicators/tables.toml (append)",
                                  "{# templates/sections/x.html.j2 #}"])
def test_a_block_names_its_file(line):
    assert PATH_LINE.match(line)

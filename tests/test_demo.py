"""The bundled demo inputs are exactly what the generator writes (deterministic, never stale),
and they go through the same loaders as real data."""
from __future__ import annotations

from pathlib import Path

from portraits.demo import DEFAULT_DIR, generate
from sources import REGISTRY
from sources.common import files_matching


def test_demo_inputs_are_reproducible(tmp_path):
    written = generate(tmp_path)
    assert {p.name for p in written} == {p.name for p in DEFAULT_DIR.iterdir() if p.is_file()}
    for p in written:
        assert p.read_bytes() == (DEFAULT_DIR / p.name).read_bytes(), f"{p.name} is stale: run `make demo-data`"


def test_demo_inputs_read_by_the_official_loaders():
    from portraits.geography import commune_codes
    codes = commune_codes("52")
    for key, module in REGISTRY.items():
        paths = files_matching(module.SOURCE, DEFAULT_DIR)
        assert paths, key
        loaded = module.read(paths, communes=codes)
        assert loaded.rows > 0 and loaded.vintage

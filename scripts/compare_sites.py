"""Compare two built sites (or two folders of demo inputs) file by file, byte for byte.

    python scripts/compare_sites.py BEFORE AFTER

The oracle of a refactoring that must not change a byte: build the demo site (and regenerate the
demo inputs) before and after, then compare. What two builds of the same commit differ by is left
out, and only that (measured: two builds of one commit, diffed):

- ``build-manifest.json``: each territory's render ``key``, a hash of the code and of the context
  (it changes with any edit of sources/ or portraits/), compared as present but not by value;
- the run report (``run-report.json`` and ``run-report.html``): the durations, i.e. the
  ``seconds`` of each dataset and territory and the ``timings`` by stage, and the same figures in
  the HTML tables "Durée (s)" and "Durées par étape".

Build both sites with the same ``--output``: WeasyPrint names each image of a PDF by the hash of
its URL, a file in the staging folder next to the output, so two output folders give PDFs that
differ by those names only (move the first site aside before building the second).

Every other file must have the same bytes, and both folders the same files. Exit status 0 when
they match; otherwise 1, and each difference is printed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

# The HTML cells holding a duration: the last cell of a territory's row ("Durée (s)"), and the
# cell of each stage ("Durées par étape").
RUN_REPORT_DURATIONS = re.compile(r"(<tr><td>T?[^<]*</td><th scope=\"row\">[^<]*</th><td>[^<]*</td><td>)[0-9.]+(</td></tr>)"
                                  r"|(<tr><th scope=\"row\">(?:locate|ingest|warehouse|indicators|render|publish)</th><td>)"
                                  r"[0-9.]+(</td></tr>)")


def _without_keys(obj, drop):
    if isinstance(obj, dict):
        return {k: ("<ignored>" if drop(k) else _without_keys(v, drop)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_without_keys(v, drop) for v in obj]
    return obj


def normalised(rel: str, data: bytes) -> bytes:
    """The bytes compared for the file ``rel`` (its path inside the folder)."""
    name = Path(rel).name
    if name == "build-manifest.json":
        manifest = json.loads(data)
        for entry in manifest.get("territories", {}).values():
            if "key" in entry:
                entry["key"] = "<render key>"
        return json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode()
    if name == "run-report.json":
        report = json.loads(data)
        report = _without_keys(report, lambda k: k in ("seconds", "timings"))
        return json.dumps(report, sort_keys=True, ensure_ascii=False).encode()
    if name == "run-report.html":
        return RUN_REPORT_DURATIONS.sub(lambda m: (m[1] or m[3]) + "<s>" + (m[2] or m[4]), data.decode("utf-8")).encode()
    return data


def compare(before: Path, after: Path) -> list[str]:
    """The differences between the two folders, one line each (empty: identical)."""
    files_a = {p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file()}
    files_b = {p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()}
    out = [f"only in {before}: {f}" for f in sorted(files_a - files_b)]
    out += [f"only in {after}: {f}" for f in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        a, b = (before / rel).read_bytes(), (after / rel).read_bytes()
        if a == b:
            continue
        if normalised(rel, a) != normalised(rel, b):
            out.append(f"differs: {rel} ({len(a)} and {len(b)} bytes)")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("before", type=Path)
    p.add_argument("after", type=Path)
    args = p.parse_args(argv)
    diffs = compare(args.before, args.after)
    for line in diffs:
        print(line)
    n = sum(1 for p in args.before.rglob("*") if p.is_file())
    print(f"{n} files in {args.before}: " + ("identical (render keys and durations aside)" if not diffs
                                             else f"{len(diffs)} difference(s)"))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

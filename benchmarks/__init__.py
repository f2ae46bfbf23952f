"""Benchmark harness of the ``refresh`` pipeline: ``python -m benchmarks.run`` (or ``make bench``).

See ``benchmarks/run.py`` for what is measured and the format of the JSON results.
"""

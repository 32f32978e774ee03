"""Benchmarks: a coach's store at scale, the logging form's latency, and the season analyses
against a row-by-row baseline. Run ``python -m benchmarks.run`` (``--quick`` for a short run)."""

"""Synthetic logs: the reproducible demo season, and the coach-scale store the benchmarks use."""

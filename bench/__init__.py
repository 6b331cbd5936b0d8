"""Benchmark harness run by `make bench` (python -m bench)."""

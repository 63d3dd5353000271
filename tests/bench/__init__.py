"""Benchmarks (not tests): `./dev bench` or `python -m tests.bench`; figures beside the budgets of DESIGN.md."""

"""Benchmarks (numbers go in the README); run each module with python -m bench.<name>."""

"""Operator tooling for the Triton model repository: validation, inference, benchmarks."""

"""Helpers the tests and benchmarks share: page builders, fixtures files, hostile files.

Benchmarks import from here, never from test modules.
"""

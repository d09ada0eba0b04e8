"""The numeric layer: numba kernels and the Python API around them (DESIGN.md)."""

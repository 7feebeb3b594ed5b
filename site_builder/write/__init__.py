"""Rendered files into output/: staged, then swapped in atomically."""

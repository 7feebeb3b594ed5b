"""site_builder: a static site generator for municipal press offices."""

__version__ = "0.1.0"

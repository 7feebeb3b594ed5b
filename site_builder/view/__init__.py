"""The published view: the entries and the site that templates, feeds and data files see."""

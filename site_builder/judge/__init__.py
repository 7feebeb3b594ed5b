"""The rules: which items may be published, and every problem found on the way."""

"""The CLI commands besides check and build, one module each, and how results are shown."""

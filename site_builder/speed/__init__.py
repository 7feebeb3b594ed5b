"""The speed layer: build cache, up-to-date check, parallel workers. Never changes what a build writes."""

"""From files on disk to typed items: config, front matter, the model, Markdown."""

"""The CLI commands, one module each with `run(args, root, now) -> exit code`, and how results are shown."""

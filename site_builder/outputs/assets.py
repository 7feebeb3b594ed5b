"""Static files: the theme's, the site's own static/ (which wins), and item attachments."""

from __future__ import annotations

from pathlib import Path

from site_builder.outputs import Context, CopyFrom, Files, Planned
from site_builder.outputs.render import THEME
from site_builder.view.site import Site


def _tree(folder: Path, prefix: str) -> Files:
    out: Files = {}
    if folder.is_dir() and not folder.is_symlink():  # a link is an error (links.py), never followed
        for path in sorted(folder.rglob("*")):  # never enters a link to a folder
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                out[prefix + path.relative_to(folder).as_posix()] = CopyFrom(path)
    return out


def paths(site: Site, root: Path) -> Planned:
    theme, own = _tree(THEME / "static", "static/"), _tree(root / "static", "static/")
    for path in theme.keys() - own.keys():
        yield path, None
    for path in own:  # the site's own file, where it wins over the theme's
        yield path, path
    base = len(site.config.base_path)
    for entry in site.entries:
        for attachment in entry.files:
            yield entry.url[base:] + attachment.name, entry


def render(site: Site, ctx: Context) -> Files:
    out = _tree(THEME / "static", "static/") | _tree(ctx.root / "static", "static/")
    base = len(site.config.base_path)
    for entry in site.entries:
        for attachment in entry.files:  # none for a withdrawn item
            out[entry.url[base:] + attachment.name] = CopyFrom(ctx.root / "content" / attachment.source)
    return out

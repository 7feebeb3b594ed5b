"""Static files: the theme's, the site's own static/ (which wins), and item attachments
(those with metadata as the copies the check made without it: judge/attachments.py)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from site_builder.errors import ContentError, problem
from site_builder.load import attachments, documents
from site_builder.load.model import Attachment
from site_builder.outputs import Context, CopyFrom, Files, Keyed, Planned
from site_builder.outputs.render import THEME
from site_builder.speed import cache
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
            digest = site.cleaned.get(attachment.source)
            if digest is None:
                out[entry.url[base:] + attachment.name] = CopyFrom(ctx.root / "content" / attachment.source)
            else:  # linked from the last build's output when that has this very copy
                make = partial(_cleaned, ctx, attachment, digest)
                out[entry.url[base:] + attachment.name] = Keyed(
                    cache.key("cleaned", digest, cache.code_fingerprint()), make
                )
    return out


def _cleaned(ctx: Context, attachment: Attachment, digest: str) -> bytes:
    """An attachment's copy without its metadata (as the check made it)."""
    try:
        return attachments.cleaned_copy(ctx.root / "content", attachment, digest, ctx.store)
    except (documents.Unreadable, OSError) as exc:  # changed or gone since the check read it
        path = "content/" + attachment.source
        raise ContentError([problem(path, 0, "error", "ATTACHMENT_DAMAGED", reason=str(exc))]) from None

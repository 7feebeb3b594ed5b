"""Collisions: entries' files (pages, calendars, attachments) where the generator's own are."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

from site_builder.errors import Problem, problem
from site_builder.view.entries import Entry
from site_builder.view.site import Site


def collisions(site: Site, planned: Iterable[tuple[str, Entry | str | None]]) -> list[Problem]:
    """Files of entries (pages, calendars, attachments) and of the site's static/ that
    the build could not write where it plans to (`planned`: outputs.kinds.planned): a path the
    generator writes too, or a folder of its where the file would be, or the other way round.

    An approved `press-releases/page/` with an attachment named `2` would be a file where
    the listing's page 2 needs a folder; `static/search.js/` a folder where the theme's
    script is.  Two entries at one address are DUPLICATE_URL; two of the generator's own
    files at one path would be its bug, not the editors'.
    """
    own: list[tuple[str, Entry | str]] = []
    files: set[str] = set()  # the site's own files
    whole: set[str] = set()  # folders the site claims whole (ending in "/")
    for path, owner in planned:
        if owner is not None:
            own.append((path, owner))
        elif path.endswith("/"):
            whole.add(path)
        else:
            files.add(path)
    ordered = sorted(files)

    def written_in(folder: str) -> str | None:
        """A file the site writes in this folder (or deeper), if any."""
        at = bisect_left(ordered, folder)
        return ordered[at] if at < len(ordered) and ordered[at].startswith(folder) else None

    # Whether a file or a whole folder of the site's is at or above a folder: worked out
    # once per folder (an entry's, and each above it).
    blocked: dict[str, bool] = {"": False}

    def under_site_file(folder: str) -> bool:
        found = blocked.get(folder)
        if found is None:
            parent = folder[: folder.rfind("/", 0, -1) + 1]
            found = folder[:-1] in files or folder in whole or under_site_file(parent)
            blocked[folder] = found
        return found

    problems: list[Problem] = []
    for path, owner in own:
        folder = path[: path.rfind("/") + 1]
        if not under_site_file(folder) and written_in(folder) is None:
            continue  # the site writes nothing in this folder, nor sits above it
        clash = path if path in files else written_in(path + "/")
        for above in _folders(path) if clash is None else ():
            if above[:-1] in files or above in whole:
                clash = above[:-1] if above[:-1] in files else above
                break
        if clash is not None:
            source, line = (owner, 0) if isinstance(owner, str) else _blamed(owner)
            base = site.config.base_path
            problems.append(
                problem(
                    source,
                    line,
                    "error",
                    "URL_COLLISION",
                    name=path.rsplit("/", 1)[-1],
                    url=base + path,
                    other=base + clash.removesuffix("index.html"),
                )
            )
    return problems


def _blamed(entry: Entry) -> tuple[str, int]:
    """The file and line that place an entry's files: its source and its slug."""
    return "content/" + entry.item.source, entry.item.line("slug")


def _folders(path: str) -> Iterator[str]:
    """Each folder a path is in, outermost first: "a/b/c" → "a/", "a/b/"."""
    end = path.find("/")
    while end != -1:
        yield path[: end + 1]
        end = path.find("/", end + 1)

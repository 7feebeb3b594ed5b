"""`check`'s trial render: every template compiled, and every page template rendered
with the real site, so that `check` stops on a template error as `build` would.

A build renders thousands of pages; `check` must stay quick, so the trial renders, per
language, one page of each kind the site makes: each of the home pages (home, divisions,
tags, archive, subscribe, 404), one listing of each kind (section, division, tag, year —
the page that shows most entries), the press centre, media-requests, open-data, search
and keys pages, and the item page of the newest entry of each kind in each state it can
be in (withdrawn or not, with attachments, translations or signatures or not).  Its partials,
macros and the theme's templates they extend are rendered with them.  A template for a
kind of page the site has none of (an announcement template on a site without
announcements) is compiled, not rendered: no build renders it either.  An error that
only one particular entry's data brings out is reported by `build`, as a problem with
the template's file and line, and output/ is left as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from site_builder.errors import Problem, SiteError
from site_builder.load.discover import readable_name
from site_builder.outputs import Context, newsroom, pages, search, signatures, templating, transparency
from site_builder.outputs.render import THEME, environment
from site_builder.speed import cache
from site_builder.speed.cache import Cache
from site_builder.view.entries import Entry
from site_builder.view.site import Site

SUFFIXES = (".html", ".xml")  # what the loaders hold that is a template (not a README or a backup)


class _Picking(Context):
    """A context whose keyed pages are not rendered but kept, for the trial to pick from.

    With `keys` (see `build.page_keys`) each page has the key a build gives it, the hash
    of all it shows: a page whose key passed the last trial has nothing new to try and
    is not rendered again.  A `check` after an edit renders only the picked pages the
    edit changed, and the few pages that have no key.
    """

    def __init__(self, root: Path, envs: dict, keys: dict[str, str], passed: set[str]) -> None:
        super().__init__(root, envs, keys)
        self.asked: list[tuple[list[str], str, Callable[[], bytes]]] = []  # parts, language, render
        self.passed = passed
        self.kept: set[str] = set()  # the keys of the pages tried this time that passed

    def page(self, lang: str, parts: list[str], render: Callable[[], bytes]) -> bytes:
        self.asked.append((parts, lang, render))
        return b""

    def attempt(
        self, parts: list[str], lang: str, render: Callable[[], object], problems: list[Problem]
    ) -> None:
        key = cache.key(self.keys[lang], *parts) if lang in self.keys else ""
        tried = key in self.passed or _attempt(render, problems)  # "" is never in `passed`
        if tried and key:
            self.kept.add(key)


BUCKET = "trial"  # cache bucket: what the last trial that found no error tried


def passed(store: Cache, inputs: str, now: datetime) -> bool:
    """Whether the last trial found no error with these inputs (`uptodate.inputs_key`:
    every file a build reads) over a span of time that holds `now` (`uptodate.span`):
    then the same pages would render the same way, and there is nothing to try."""
    last = store.get(BUCKET, BUCKET) if inputs else None
    span = last.get("inputs") if isinstance(last, dict) else None
    try:
        start, until = datetime.fromisoformat(span["from"]), datetime.fromisoformat(span["until"])
        return span["key"] == inputs and start <= now < until
    except (KeyError, TypeError, ValueError):
        return False


def run(
    root: Path,
    site: Site,
    store: Cache | None = None,
    keys: dict[str, str] | None = None,
    span: dict[str, str] | None = None,
) -> list[Problem]:
    """The problems of the site's templates (see the module doc).

    `store` is the build cache: the compiled templates, and what the last trial that
    found no error tried — the keys of its pages (`keys`: see `build.page_keys`; a page
    with the same key is not rendered again) and the `span` of inputs and time it held
    for (see `passed`).
    """
    store = store if store is not None and store.folder else None
    last = store.get(BUCKET, BUCKET) if store is not None else None
    if not isinstance(last, dict):
        last = {}
    bytecode = store.folder / "templates" if store is not None and store.folder else None
    envs = {lang: environment(site.config, root, lang, bytecode) for lang in site.config.languages}
    transparency.head_in(envs, site)
    problems = compile_all(envs[site.config.languages[0]], root)
    ctx = _Picking(root, envs, keys or {}, set(last.get("pages", ())))
    for lang in site.config.languages:
        for listing in pages.LISTINGS:
            _attempt(partial(listing, site, ctx, lang), problems)
            picked: dict[str, tuple[list[str], str, Callable[[], bytes]]] = {}
            for asked in ctx.asked:  # per template, the page that shows most (its entries' keys)
                if len(asked[0]) > len(picked.get(asked[0][0], ([],))[0]):
                    picked[asked[0][0]] = asked
            ctx.asked.clear()
            for asked in picked.values():
                ctx.attempt(*asked, problems)
        _attempt(partial(pages.item_pages, site, ctx, lang, samples(site.of_lang(lang))), problems)
        for asked in ctx.asked:
            ctx.attempt(*asked, problems)
        ctx.asked.clear()
    _attempt(partial(newsroom.render, site, ctx), problems)
    _attempt(partial(signatures.render, site, ctx), problems)
    _attempt(partial(search.pages, site, ctx), problems)
    if store is not None and not problems:
        store.put(BUCKET, BUCKET, {"inputs": span, "pages": sorted(ctx.kept)})
    return list(dict.fromkeys(problems))  # one template's error is met on many pages


def samples(entries: list[Entry]) -> list[Entry]:
    """The newest entry of each kind in each state its page shows differently."""
    found: dict[tuple, Entry] = {}
    for entry in entries:  # newest first
        signed = any(a.signature for a in entry.item.meta.approvals)  # type: ignore[attr-defined]
        shape = (entry.kind, entry.withdrawn, bool(entry.item.attachments), bool(entry.translations), signed)
        found.setdefault(shape, entry)
    return list(found.values())


def compile_all(env, root: Path) -> list[Problem]:
    """Every template of the site's templates/ and of the theme, compiled (each name once:
    the site's own where it has one)."""
    problems: list[Problem] = []
    names: set[str] = set()
    for folder in (root / "templates", THEME / "templates"):
        names |= set(_names(folder))
    for name in sorted(names):
        try:
            env.get_template(name)
        except SiteError as exc:
            problems += exc.problems
        except Exception as exc:  # the template's, whatever it is (see templating.failure)
            problems.append(templating.failure(exc, name, templating.places(env)))
    return problems


def _names(folder: Path) -> list[str]:
    """The templates below a folder by their names, without following links or looking
    into hidden files and folders (an editor's backup, .git)."""
    found = []
    top = str(folder)
    for base, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        below = os.path.relpath(base, top).replace(os.sep, "/")
        for name in files:
            name = name if below == "." else f"{below}/{name}"
            if (
                name.endswith(SUFFIXES)
                and not name.rsplit("/", 1)[-1].startswith(".")
                and readable_name(name)
            ):
                found.append(name)  # a name that is not UTF-8 is reported by `build.check`
    return found


def _attempt(make: Callable[[], object], problems: list[Problem]) -> bool:
    """Whether `make` went through; its problems added to `problems` when it did not."""
    try:
        make()
    except SiteError as exc:
        problems += exc.problems
        return False
    return True

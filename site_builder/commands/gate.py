"""`site-builder verify [output/]` on a built site: the gate before it is published.

Four checks, each where its tool is installed, each saying what it saw or why it was
skipped: the signed approvals (commands/verify.py), every internal link (links.py), the
HTML of every page (the Nu Html Checker, vnu.py: one Java run) and its accessibility
(axe-core in Chromium, browser.py: critical and serious violations, as the generator's
own browser tests).  `--require-all` makes a skipped check fail the run, for CI.

A page's HTML and accessibility results are kept in the site's build cache by the page's
bytes (and, for axe, those of the site's style sheets and scripts and of axe itself), so
a second run checks only the pages that changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.commands import browser, links, vnu
from site_builder.errors import Problem, problem
from site_builder.i18n import word
from site_builder.speed import cache

CHECKS = ("signatures", "links", "html", "a11y")
NAMES = {
    "signatures": "signed approvals",
    "links": "links",
    "html": "HTML (Nu Html Checker)",
    "a11y": "accessibility (axe-core in Chromium)",
}
ASSETS = (".css", ".js", ".mjs")  # what axe's verdict on a page depends on besides the page
MOST_PROBLEMS = 200  # problems listed per check (all are counted)


@dataclass
class Outcome:
    """One check's result: what it saw, its problems, or why it did not run."""

    check: str
    seen: str = ""  # e.g. "135 pages, 6507 links" (in the user's language)
    skipped: str = ""  # why, in the user's language
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    """The built site the gate checks: its folder, how messages name it, the tool folders."""

    output: Path
    shown: str
    bases: tuple[Path, ...]  # where node_modules may be (the site's root, the current folder)
    store: cache.Cache
    lang: str

    @property
    def pages(self) -> list[Path]:
        return links.html_files(self.output)

    def rel(self, file: Path) -> str:
        return file.resolve().relative_to(self.output.resolve()).as_posix()


def is_site(folder: Path) -> bool:
    """A built site's top folder (where a static host's root is): its home page and robots.txt."""
    return (folder / "index.html").is_file() and (folder / "robots.txt").is_file()


def check_links(site: Site) -> Outcome:
    pages = {site.rel(f): links.parse(f.read_bytes()) for f in site.pages}
    found = links.check(site.output, site.shown, pages)
    count = sum(len(p.links) for p in pages.values())
    seen = word("{pages} page(s), {links} link(s)", site.lang).format(pages=len(pages), links=count)
    return Outcome("links", seen, problems=found)


def check_html(site: Site) -> Outcome:
    jar = vnu.jar(site.bases)
    java = vnu.java_major_version()
    if not jar.is_file():
        return Outcome("html", skipped=_why("vnu.jar not found at {path}", site, path=jar))
    if java is None or java < 11:
        return Outcome("html", skipped=_why("Java 11 or newer not found", site))
    stat = jar.stat()
    version = f"{jar.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    pages = site.pages
    keys = {site.rel(f): cache.key(hashlib.sha256(f.read_bytes()).hexdigest(), version) for f in pages}
    known = {rel: site.store.get("verify-html", key) for rel, key in keys.items()}
    todo = [f for f in pages if known[site.rel(f)] is None]
    if todo:
        try:
            errors = vnu.check(todo, jar)
        except (RuntimeError, OSError, FileNotFoundError) as exc:
            return Outcome("html", problems=[_failed("html", site, str(exc))])
        fresh: dict[str, list] = {site.rel(f): [] for f in todo}
        for error in errors:
            fresh.setdefault(site.rel(error.file), []).append((error.line or 0, error.message))
        for rel, found in fresh.items():
            known[rel] = found
            site.store.put("verify-html", keys[rel], found)
    out = [
        problem(f"{site.shown}/{rel}", line, "error", "GATE_HTML_INVALID", message=message[:300])
        for rel, found in sorted(known.items())
        for line, message in found or ()
    ]
    seen = word("{pages} page(s), {fresh} checked now", site.lang).format(pages=len(pages), fresh=len(todo))
    return Outcome("html", seen, problems=out)


def check_a11y(site: Site) -> Outcome:
    chromium, script = browser.chromium(), browser.axe(site.bases)
    if not browser.executable(chromium):
        return Outcome("a11y", skipped=_why("Chromium not found at {path}", site, path=chromium))
    if not script.is_file():
        return Outcome("a11y", skipped=_why("axe-core not found at {path}", site, path=script))
    if not browser.has_playwright():
        return Outcome("a11y", skipped=_why("the Python package playwright is not installed", site))
    assets = _digest(
        [script.read_bytes()]
        + [f.read_bytes() for f in sorted(site.output.rglob("*")) if f.suffix in ASSETS and f.is_file()]
    )
    keys = {site.rel(f): cache.key(_digest([f.read_bytes()]), assets) for f in site.pages}
    known = {rel: site.store.get("verify-a11y", key) for rel, key in keys.items()}
    todo = [rel for rel, found in known.items() if found is None]
    if todo:
        try:
            fresh = _axe(site, todo, chromium, script)
        except Exception as exc:  # Playwright's errors have no common base: a failure, not a pass
            return Outcome("a11y", problems=[_failed("a11y", site, f"{type(exc).__name__}: {exc}")])
        for rel, found in fresh.items():
            known[rel] = found
            site.store.put("verify-a11y", keys[rel], found)
    out = [
        problem(
            f"{site.shown}/{rel}",
            0,
            "error",
            "GATE_ACCESSIBILITY",
            rule=v["id"],
            impact=v["impact"],
            help=v["help"],
            element=", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])[:200],
            url=v["helpUrl"],
        )
        for rel, found in sorted(known.items())
        for v in found or ()
    ]
    seen = word("{pages} page(s), {fresh} checked now", site.lang).format(pages=len(keys), fresh=len(todo))
    return Outcome("a11y", seen, problems=out)


def _axe(site: Site, rels: list[str], chromium: Path, script: Path) -> dict[str, list]:
    """axe-core's serious and critical violations on each page, opened as a host serves it."""
    from playwright.sync_api import sync_playwright

    base = links.base_of(site.output)
    prefix = "/" + "/".join(part for part in base.split("://", 1)[-1].split("/")[1:] if part)
    prefix = prefix.rstrip("/") + "/"
    found: dict[str, list] = {}
    with browser.serve_directory(site.output, prefix=prefix) as origin, sync_playwright() as playwright:
        chrome = browser.launch_chromium(playwright, chromium)
        try:
            page = chrome.new_context(viewport={"width": 1280, "height": 900}).new_page()
            for rel in rels:
                page.goto(origin + prefix + links.served_path(rel), wait_until="load")
                found[rel] = [
                    {k: v[k] for k in ("id", "impact", "help", "helpUrl", "nodes")}
                    for v in browser.run_axe(page, script)
                ]
        finally:
            chrome.close()
    return found


def _digest(blobs: Iterable[bytes]) -> str:
    hashed = hashlib.sha256()
    for blob in blobs:
        hashed.update(hashlib.sha256(blob).digest())
    return hashed.hexdigest()


def _why(text: str, site: Site, **args: object) -> str:
    return word(text, site.lang).format(**args)


def _failed(check: str, site: Site, detail: str) -> Problem:
    name = word(NAMES[check], site.lang)
    return problem(site.shown, 0, "error", "GATE_TOOL_FAILED", check=name, detail=detail[:500])


RUNNERS: dict[str, Callable[[Site], Outcome]] = {"links": check_links, "html": check_html, "a11y": check_a11y}

"""Items in error held back, so that one file's mistake does not stop the office's publication.

`build` (without --strict) publishes every correct item.  An item is held back when an
error is about it: its file (parsed or not), one of its attachments, or another file's
error that names it as the `other` (two items on one address, a translation twice, an
alias taken: both are held).  A held item that never went out (git history: no version
of it was published) stays out.  One that went out is replaced by the version that last
went out and still passes: its bytes are read from git, parsed and judged again as that file, with the
attachments its folder holds now (its approval hash binds them).  Nothing of the file as
it is now is read for it.  The site is then judged again over the items so chosen, for
the rules across items (a missing Kyrgyz version, say): an item that gains an error is
held in turn, until none does.  A reference to an item held back is not such an error: a
link to one left out is a link to an item not out (plain text), a plan's entry waits.

Where that cannot be done safely the build stops, as `--strict` does:
- an error not about one item: config.yaml, templates, settings, media requests;
- history cannot tell whether the item went out (no git, a shallow clone, a version
  committed after `now`), or the file was never committed and looks approved;
- no version that went out can be read and passes now (its approval no longer holds, its
  attachments changed, its links lead nowhere, or `rules.verify_git`, which checks files
  as they are).  History counts as gone out an approved version committed after its date
  even if the build refused it then (for a broken link, say): a version that fails now is
  passed over for the one that went out before it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.judge.history import Went, item_source
from site_builder.judge.verdict import VISIBLE, fmt, looks_out
from site_builder.judge.whole import Judged, Judging
from site_builder.load import markdown
from site_builder.load.content import parse
from site_builder.load.discover import Source, discover
from site_builder.load.model import Item
from site_builder.speed import cache


@dataclass
class Settled:
    """What to publish from, or why nothing is published."""

    items: list[Item]
    judged: Judged | None  # of `items`; None when the build stops
    problems: list[Problem]  # the items held back (warnings), errors found on the way, or why it stops
    held: dict[str, bool] = field(default_factory=dict)  # source → its last published version stays


class _Owners:
    """Which item files a problem is about."""

    def __init__(self, items: list[Item]):
        self.items = {item.source: item for item in items}
        self.attached: dict[str, set[str]] = defaultdict(set)
        for item in items:
            for attachment in item.attachments:
                self.attached[attachment.source].add(item.source)

    def of(self, found: Problem) -> set[str] | None:
        """The item files the problem is about; None when it is about the whole site."""
        owners = self._file(found.path)
        if owners is None:
            return None
        other = self._file(dict(found.args).get("other", ""))
        return owners | (other or set())

    def _file(self, path: str) -> set[str] | None:
        rel = path.removeprefix("content/")
        if rel == path:
            return None
        if rel in self.items or item_source(path) is not None:
            return {rel}
        return set(self.attached[rel]) or None


def settle(items: list[Item], problems: list[Problem], judging: Judging) -> Settled:
    """The items to publish when `problems` hold errors: each item in error held back (left
    out, or as it last went out), every other one as it is; or why the build must stop."""
    owners = _Owners(items)
    pending: set[str] = set()
    referring: list[tuple[str, set[str]]] = []  # (the file referred to, the referring item)
    for found in problems:
        whose = owners.of(found) if found.is_error else set()
        if whose is None:
            return Settled(items, None, [])  # an error of the whole site stops the build
        target = _referred(found)
        if target is not None:
            referring.append((target, whose))
        else:
            pending |= whose
    # A reference to a file in error is the referring item's error only when that file
    # is not held back itself: held back, it goes out as it last did or not at all (then
    # the reference is to an item not out: `_references_to_held`).
    pending |= {source for target, whose in referring if target not in pending for source in whose}
    held: dict[str, Item | None] = {}
    said: list[Problem] = []
    reported = {_seen(p) for p in problems}
    restorer = _Restorer(judging, owners)
    while True:
        stops = restorer.hold(sorted(pending), held, said)
        if stops:
            return Settled(items, None, stops)
        chosen = [held.get(i.source, i) for i in items]
        chosen += [r for s, r in held.items() if s not in owners.items]
        current = [item for item in chosen if item is not None]
        judged = judging(current)
        pending, found_now, failing = set(), [], {}  # failing: a kept version that fails now → why
        now_owned = _Owners(current)
        for found in _references_to_held(judged, held):
            whose = now_owned.of(found) if found.is_error else set()
            if whose is None:
                return Settled(items, None, [found])  # an error of the whole site, as it is
            if whose and whose <= held.keys():
                kept = sorted(s for s in whose if held[s] is not None)
                if not kept:
                    return Settled(items, None, [found])
                for source in kept:
                    failing.setdefault(source, found.code)
                continue
            pending |= whose - held.keys()  # (another's error naming a kept one: the other is held)
            found_now.append(found)
        for source, item in sorted(held.items()):
            if item is not None and judged.judgement.verdicts[source].state not in VISIBLE:
                failing.setdefault(source, "—")
        stops = [
            problem("content/" + s, 0, "error", "HELD_NOT_KEPT", why=why)
            for s, why in sorted(failing.items())
            if restorer.back(s, held)  # (no older version left that went out and parses)
        ]
        if stops:
            return Settled(items, None, stops)
        if failing:
            continue  # each stepped back to an older version that went out: judged again
        for found in found_now:
            if _seen(found) not in reported:
                reported.add(_seen(found))
                said.append(found)
        if not pending:
            break
    said += restorer.kept(held)
    return Settled(current, judged, said, {s: item is not None for s, item in held.items()})


def _seen(found: Problem) -> tuple:
    return (found.path, found.line, found.severity, found.code, found.args)


class _Restorer:
    """Each held item's fate: left out, or its last published version, read from history."""

    def __init__(self, judging: Judging, owners: _Owners):
        self.judging, self.owners = judging, owners
        self.md = markdown.make_parser()
        self.listing: dict[str, Source] | None = None
        self.versions: dict[str, list[Went]] = {}  # the older versions that went out, newest first
        self.chosen: dict[str, Went] = {}  # the version kept live

    def hold(self, sources: list[str], held: dict[str, Item | None], said: list[Problem]) -> list[Problem]:
        """Decide for each source (into `held`, what it says into `said`); the errors that
        stop the build, if any."""
        history = self.judging.history
        if not sources:
            return []
        if not history.known:
            return [problem("content/" + s, 0, "error", "HELD_NO_HISTORY") for s in sources]
        went = history.went(sources)
        stops: list[Problem] = []
        for source in sources:
            path, found = "content/" + source, went[source]
            if isinstance(found, Went):
                self.versions[source] = history.outs(source)
                why = self.back(source, held)
                if why:
                    stops.append(problem(path, 0, "error", "HELD_NOT_KEPT", why=why))
            elif (found is None or not history.committed(source)) and not self._looks_out(source):
                held[source] = None
                said.append(problem(path, 0, "warning", "HELD_OUT"))
            else:
                stops.append(problem(path, 0, "error", "HELD_UNKNOWN"))
        return stops

    def back(self, source: str, held: dict[str, Item | None]) -> str:
        """Keep the next older version of `source` that went out and parses now (the
        newest, the first time): "" when there is one, else why the newest left fails.
        History counts as gone out a version that a build may have refused (for its links,
        say): one that fails now is passed over for the one before it."""
        versions, why = self.versions.get(source, []), ""
        while versions:
            went = versions.pop(0)
            restored, failed = self._restore(source, went)
            if restored is not None:
                held[source], self.chosen[source] = restored, went
                return ""
            why = why or failed
        return why or "—"

    def kept(self, held: dict[str, Item | None]) -> list[Problem]:
        """A warning for each item kept as it last went out: which version stays live."""
        config = self.judging.config
        return [
            problem("content/" + s, 0, "warning", "HELD_KEPT", went=fmt(self.chosen[s].went, config))
            for s, item in sorted(held.items())
            if item is not None
        ]

    def _looks_out(self, source: str) -> bool:
        """Does the file alone say it went out (`verdict.looks_out`), where history says
        it did not or has no version of it (a back-dated commit, a file never committed)?
        Read only to stop the build, never to publish.  A file that does not parse was
        never published by any build."""
        item = self.owners.items.get(source)
        return item is not None and looks_out(item, self.judging.config, self.judging.now)

    def _restore(self, source: str, went: Went) -> tuple[Item | None, str]:
        """The version that last went out, parsed as that file with today's attachments."""
        judging = self.judging
        if judging.config.rules.verify_git:
            return None, "rules.verify_git"
        raw = judging.history.read(went.blob)
        if not raw:
            return None, "git cat-file"
        content = judging.root / "content"
        where = str(content / source)
        found = self._source(source, content)
        attachments = found.attachments if found is not None else ()
        version = Source(source, raw, attachments, where).hashed()
        item, problems = parse(version, judging.config, self.md)
        wrong = [p.code for p in problems if p.is_error]
        if item is None or wrong:
            return None, wrong[0] if wrong else "—"
        name = cache.key("held", source, went.blob, *version.hashes, judging.config.model_dump_json())
        return dataclasses.replace(item, fingerprint=name), ""

    def _source(self, source: str, content: Path) -> Source | None:
        """The file as the folder lists it now (for its attachments), without reading it."""
        if self.listing is None:
            self.listing = {s.rel: s for s in discover(content, read=False)[0]}
        return self.listing.get(source)


def _referred(found: Problem) -> str | None:
    """The content file (relative to content/) that a broken reference names, if it is one."""
    args = dict(found.args)
    if found.code == "BROKEN_LINK":
        return str(args.get("target", ""))
    if found.code == "BAD_REF":
        return str(args.get("value", "")).removeprefix("content/")
    return None


def unreferred(problems: list[Problem], held: dict[str, bool]) -> list[Problem]:
    """The first judgement's problems without its errors for references to items left out
    (`held`: source → whether its last published version stays): judged again without
    them, such a reference is a link to an item not out, and said so (see below)."""
    left_out = {source for source, kept in held.items() if not kept}
    return [p for p in problems if not (p.is_error and _referred(p) in left_out)]


def _references_to_held(judged: Judged, held: dict[str, Item | None]) -> list[Problem]:
    """The judgement's problems, but a reference to an item left out is no error of the item
    that makes it (the item left out says its own): a link to it is one to an unpublished
    item, shown as plain text (LINK_UNPUBLISHED, on a published page), and a media plan's
    entry waits for it as for any item not out.  Else one mistake would hold back, in turn,
    every item that mentions it."""
    left_out = {source for source, item in held.items() if item is None}
    out: list[Problem] = []
    for found in judged.problems:
        if _referred(found) not in left_out:
            out.append(found)
        elif found.code == "BROKEN_LINK":
            source = found.path.removeprefix("content/")
            if judged.judgement.verdicts[source].state in VISIBLE:
                out.append(problem(found.path, found.line, "warning", "LINK_UNPUBLISHED", **dict(found.args)))
    return out

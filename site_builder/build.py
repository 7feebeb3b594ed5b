"""The orchestrator: load → judge → view → render → write, top to bottom.

`check` is the pipeline stopped before anything is rendered; `build` goes on to the end.
How fast each step goes is the session's business (speed/session.py): the build cache,
worker processes, the up-to-date check and the preview server's in-place folder.  None of
it changes what a build writes; see docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from site_builder.errors import Problem, SiteError
from site_builder.judge import attachments, gitverify, held, mediarequests, monitoring, record, settings
from site_builder.judge.history import History
from site_builder.judge.rules import Judgement
from site_builder.judge.whole import Judged, Judging
from site_builder.judge.workdays import WorkingDays
from site_builder.load import content, names
from site_builder.load.admins import Admins
from site_builder.load.config import Config, load_config
from site_builder.load.links import find as find_links
from site_builder.load.model import Item
from site_builder.load.site_pictures import picture_problems
from site_builder.outputs.keys import site_fingerprint
from site_builder.outputs.kinds import planned
from site_builder.speed import parallel, uptodate
from site_builder.speed.session import Session
from site_builder.view.collisions import collisions
from site_builder.view.preview import Preview, previewed
from site_builder.view.publish import build_site
from site_builder.view.site import Site
from site_builder.write import outputdir
from site_builder.write.publish import publish
from site_builder.write.rendering import STAGES, render_site


@dataclass
class Result:
    problems: list[Problem]
    config: Config | None = None
    judgement: Judgement | None = None
    items: list[Item] = field(default_factory=list)
    requests: list[mediarequests.Request] = field(default_factory=list)
    days: WorkingDays | None = None  # the working days the check counted (holidays read once)
    monitoring: list[monitoring.Entry] = field(default_factory=list)  # internal: never rendered
    site: Site | None = None  # the published view (with drafts, for a preview), as build renders it
    drafts: dict[str, Preview] = field(default_factory=dict)  # what a preview shows besides, by source
    manifest: dict[str, list] = field(default_factory=dict)  # what output/ holds: {path: row}
    written: int = 0  # files in output/; 0 when it was already up to date
    fingerprint: str = ""  # of the output it left (see outputs/keys.py); "" when unknown
    cleaned: dict[str, tuple[str, int]] = field(default_factory=dict)  # attachments without metadata
    held: dict[str, bool] = field(default_factory=dict)  # items in error: source → last version kept
    excused: frozenset[Problem] = frozenset()  # the errors of those items, which do not stop a build

    def took(self, done) -> None:
        """What publishing left: output/'s manifest, how many files it wrote, its problems."""
        self.manifest, self.written = done.manifest, done.written
        self.problems += done.problems

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def publishable(self) -> bool:
        """No error stops the build: there are none, or only those of items held back."""
        return all(not p.is_error or p in self.excused for p in self.problems)


@dataclass
class Records:
    """The registers beside the items (media requests, monitoring), and the items as the
    monitoring register completes them (a rebuttal's `detected_at` from its entry)."""

    items: list[Item]
    requests: list[mediarequests.Request]
    monitoring: list[monitoring.Entry]
    problems: list[Problem]

    @classmethod
    def load(cls, root: Path, config: Config, items: list[Item]) -> Records:
        requests, found = mediarequests.load(root / "content", config)
        entries, more = monitoring.load(root / "content", config)
        items, taken = monitoring.detected(items, entries)
        return cls(items, requests, entries, found + more + taken)

    def result(self, problems: list[Problem], config: Config, judged: Judged, days: WorkingDays) -> Result:
        """The check's result over these records and the judged items."""
        judgement, cleaned = judged.judgement, judged.cleaned
        return Result(
            problems, config, judgement, self.items, self.requests, days, self.monitoring, cleaned=cleaned
        )


def _beside(judging: Judging, records: Records, judged: Judged) -> list[Problem]:
    """What is judged besides the items: the registers, settings, git (`rules.verify_git`)."""
    root, config, now, days = judging.root, judging.config, judging.now, judging.days
    store, items, requests = judging.session.store, records.items, records.requests
    found = records.problems + mediarequests.check(requests, config, now, days, store)
    found += monitoring.check(records.monitoring, items, judged.judgement.verdicts, config, now, days)
    found += settings.problems(root, config, Admins.from_environ(), store)
    found += picture_problems(root, config)
    if config.rules.verify_git:  # public records are approved as items are
        found += gitverify.verify(root, items + [r.item for r in requests], config)
    return found


def _hold(result: Result, judging: Judging) -> None:
    """Hold back the items in error (judge/held.py): publish from the rest, each held item
    left out or as it last went out; or add why the build must stop."""
    judging = dataclasses.replace(judging, entries=tuple(result.monitoring))  # for versions from git
    settled = held.settle(result.items, result.problems, judging)
    if settled.judged is None:
        result.problems += settled.problems
        return
    result.excused = frozenset(p for p in result.problems + settled.problems if p.is_error)
    result.items, result.judgement = settled.items, settled.judged.judgement
    result.cleaned, result.held = settled.judged.cleaned, settled.held
    result.problems = held.unreferred(result.problems, settled.held) + settled.problems


@parallel.collecting_less
def check(
    root: Path, now: datetime, session: Session | None = None, preview: bool = False, strict: bool = True
) -> Result:
    """Load and judge everything; unless an error stops it (not `strict`: items in error are
    held back, judge/held.py), work out the published view (`preview`: as `serve --drafts`
    shows it) and every path it will write, to report a collision here; write nothing."""
    session = session or Session.of(root)
    linked = find_links(root)  # but below content/ and config.yaml: they report their own
    try:
        config = load_config(root)
    except SiteError as exc:
        return Result(sorted(exc.problems + linked, key=_order))
    days = WorkingDays(config.calendar, session.store)
    ready = partial(days.prepare, now.astimezone(config.tz).year)  # while workers parse
    items, problems = content.load(root / "content", config, session, ready)
    records = Records.load(root, config, items)  # media requests, monitoring
    history = History(root, config, now, session.store, records.items)  # read only when asked
    judging = Judging(root, config, now, history, session, days)
    judged = judging(records.items)
    problems += judged.problems + names.unreadable(root) + linked + _beside(judging, records, judged)
    result = records.result(problems, config, judged, days)
    if not strict and not result.ok:
        _hold(result, judging)
    if result.publishable:  # else no build gets this far; every path known before one is written
        result.site, result.drafts = view(result, now, session, preview, judging.history)
        result.problems += collisions(result.site, planned(result.site, root))
    result.problems.sort(key=_order)
    return result


@parallel.collecting_less
def build(
    root: Path,
    now: datetime,
    output: Path | None = None,
    *,
    preview: bool = False,
    session: Session | None = None,
    strict: bool = False,
) -> Result:
    """Check, then render into output/ atomically; on an error that stops it output/ stays
    as it was (in place, for the preview server: but for files the build already rewrote).
    An item in error is held back (judge/held.py), unless `strict`: then any error stops
    it.  `preview` (`serve --drafts` only) also renders drafts, items under review,
    embargoed and restricted items, each with a banner (view/preview.py)."""
    session = session or Session.of(root)
    target = output or root / "output"
    if not session.in_place:  # (the preview server's own folder is its to update)
        if refused := outputdir.refusals(root, target):
            return Result(refused)
        target = outputdir.place(target)
    session.progress(0, STAGES, "check")
    session.start(root, preview)
    result = check(root, now, session, preview, strict)
    if not result.publishable or result.site is None:
        return result
    site = _sealed(result, session)
    result.fingerprint, recorded = _stamp(result, root, now, session)
    render = partial(_render, site, root, session)
    result.took(publish(target, session, result.fingerprint, recorded, render, output))
    session.progress(STAGES, STAGES, "done")
    return result


def _render(site: Site, root: Path, session: Session, staging) -> dict[str, list]:
    return render_site(site, root, staging, session, session.progress)


def view(
    result: Result, now: datetime, session: Session, preview: bool = False, history: History | None = None
) -> tuple[Site, dict[str, Preview]]:
    """The published view of a judged site (`preview`: with what is not out, as if published),
    with every published version of its items and the publication log when `history` is given."""
    assert result.config is not None and result.judgement is not None
    shown = attachments.published(result.items, result.cleaned)  # sizes of the copies without metadata
    verdicts, drafts = result.judgement, dict[str, Preview]()
    if preview:
        shown, verdicts, drafts = previewed(shown, result.judgement, result.config, now)
    # The preview server keeps the last site: when no entry moved, its entries and
    # groupings are this one's (see `build_site`).
    kept = session.store.recall("site", "")
    media = mediarequests.register(
        result.requests, result.config, now.astimezone(result.config.tz).date(), result.days
    )
    site = build_site(shown, verdicts, result.config, now, media, kept)
    site.cleaned = {source: digest for source, (digest, _) in result.cleaned.items()}
    if history is not None:  # every published version, and the log (judge/record.py)
        site.record = record.read(history, result.config)
        result.problems += site.record.problems
    return site, drafts


def _sealed(result: Result, session: Session) -> Site:
    """The view as it is rendered: remembered for the next preview build (without what it
    made for its pages, `Site.memo`), drafts marked, then frozen."""
    site = result.site
    assert site is not None
    if session.store.memory is not None:
        session.store.remember("site", "", dataclasses.replace(site, _memo={}))
    for source, mark in result.drafts.items():
        site.by_source[source].preview = mark
    site.seal(session.store.key_of)
    return site


def _stamp(result: Result, root: Path, now: datetime, session: Session) -> tuple[str, dict[str, object]]:
    """What names this output (its fingerprint, "" without a cache), and what its manifest
    keeps for the next build: how long these inputs make this output, and its warnings."""
    assert result.site is not None and result.config is not None
    if not session.cached:
        return "", {}
    fingerprint = site_fingerprint(result.site, root, result.requests, session.digests)
    if not session.inputs:
        return fingerprint, {}
    problems = [dataclasses.astuple(p) for p in result.problems]
    return fingerprint, {"inputs": lasting(result, now, session.inputs), "problems": problems}


def lasting(result: Result, now: datetime, inputs: str) -> dict[str, str]:
    """The inputs a run read and the span over which they make the same output: up to the
    next midnight, or an earlier date and time its content names (found at parse time)."""
    assert result.config is not None
    moments = (moment for item in result.items for moment in item.moments)
    return uptodate.span(inputs, now, uptodate.next_change(now, result.config.tz, moments, result.requests))


def _order(p: Problem) -> tuple:
    return (p.path, p.line, p.code)

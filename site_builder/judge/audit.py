"""The audit trail: every approval event the site's files and their git history hold.

An event is one step of one approval as a version of a content file recorded it: the item
(path, key, language, title), the step, the person, the time, the hash approved, the
reason of a back-dated approval, whether its signature holds (and why not), and the
commit that first brought it (its author, committer and date).  Approvals that a later
commit replaced are still in the versions before it; an event that many versions repeat
is listed once, with the oldest commit that holds it.  Without git history, only the
approvals of the files as they are now, and the audit says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from site_builder.errors import Problem
from site_builder.judge import mediarequests, versions
from site_builder.judge.approvals import step_of, steps
from site_builder.judge.signatures import Signatures
from site_builder.load import content, frontmatter
from site_builder.load.config import Config
from site_builder.load.model import MODELS, REQUESTS_SECTION, SECTIONS, Approval, Item, MediaRequest, Steps

STEPS: TypeAdapter = TypeAdapter(Steps)


@dataclass(frozen=True)
class Event:
    """One step of one approval, as first recorded."""

    path: str  # content/…
    kind: str
    item: str  # the item's key
    lang: str
    title: str
    step: str
    approval: Approval
    signature: str  # valid | invalid | absent
    why: Problem | None  # why an invalid signature does not hold
    commit: versions.Commit | None  # None: not committed (or no history)
    in_file: bool  # the file holds it now

    def identity(self) -> tuple:
        a = self.approval
        at = a.at.isoformat(timespec="seconds")
        found = (a.hash or "", a.signature or "", a.reason or "")
        return (self.path, self.item, self.lang, self.step, a.by, at, *found)

    def order(self) -> tuple:
        """Files in path order, each file's events in time order."""
        return (
            self.path,
            self.approval.at.timestamp(),
            *self.identity()[1:],
            self.commit.sha if self.commit else "",
        )


@dataclass(frozen=True)
class Audit:
    events: list[Event]
    history: str  # git | shallow | none
    detail: str = ""  # why there is no history
    unreadable: tuple[str, ...] = ()  # versions (path@commit) whose approvals could not be read


def version_item(rel: str, raw: bytes, config: Config) -> Item | None:
    """A version of a content file as far as its approvals go: the item (or record) it
    parses into, or, when it does not parse as the model now stands, its approval block
    alone; None when not even that can be read."""
    section = rel.split("/")[0]
    if section == REQUESTS_SECTION:
        record, _ = mediarequests.parse(rel, raw, config)
        if record is not None:
            return record.item
    document, _ = frontmatter.read(raw, "content/" + rel)
    if document is None:
        return None
    data = document.data
    record = section == REQUESTS_SECTION
    kind = mediarequests.KIND if record else SECTIONS[section]
    model = MediaRequest if record else MODELS[kind]
    try:
        meta = model.model_validate(data, context={"tz": config.tz})
    except ValidationError:
        try:
            approvals = STEPS.validate_python(data.get("approval"), context={"tz": config.tz})
        except ValidationError:
            return None
        meta = model.model_construct(approvals=approvals)
    title = data.get("title") or data.get("topic")
    meta = meta.model_copy(update={"title": title if isinstance(title, str) else ""})
    key, lang = (
        (rel.removesuffix(".md"), config.site.language) if record else content.identity(rel, data, config)
    )
    lines = Item.pack("", document.lines)
    return Item(rel, kind, meta, document.split.body_line, **lines, key=key, lang=lang, slug="")  # type: ignore[arg-type]


def audit(root: Path, config: Config, current: list[Item]) -> Audit:
    """Every approval event of `current` (the items and records as they are now) and of
    every version of content/ in git's history of HEAD."""
    state, detail = "git", ""
    try:
        state = "shallow" if versions.shallow(root) else "git"
        found = versions.versions(root)
        data = versions.blobs(root, sorted({v.blob for v in found}))
    except versions.Unavailable as exc:
        state, detail, found, data = "none", str(exc), [], {}
    parsed: dict[tuple[str, str], Item | None] = {}
    past: list[tuple[Item, versions.Commit]] = []
    unreadable: list[str] = []
    for version in found:
        name = (version.rel, version.blob)
        if name not in parsed:
            raw = data.get(version.blob)
            parsed[name] = version_item(version.rel, raw, config) if raw is not None else None
            if parsed[name] is None:
                unreadable.append(f"content/{version.rel}@{version.commit.sha[:12]}")
        item = parsed[name]
        if item is not None and item.meta.approvals:
            past.append((item, version.commit))
    signatures = Signatures([*current, *(i for i in parsed.values() if i is not None)], config)
    events: dict[tuple, Event] = {}
    for item, commit in past:
        for event in _events(item, config, signatures, commit):
            events.setdefault(event.identity(), event)
    for item in current:
        for event in _events(item, config, signatures, None):
            kept = events.get(event.identity())
            events[event.identity()] = _now(kept) if kept is not None else event
    return Audit(sorted(events.values(), key=Event.order), state, detail, tuple(unreadable))


def _now(event: Event) -> Event:
    return Event(**{**event.__dict__, "in_file": True})


def _events(
    item: Item, config: Config, signatures: Signatures, commit: versions.Commit | None
) -> list[Event]:
    names = steps(config, item.kind)
    out: list[Event] = []
    for approval in item.meta.approvals:
        step = step_of(approval, names)
        why = signatures.why(item, approval, step)
        state = "absent" if not approval.signature else "invalid" if why is not None else "valid"
        path = "content/" + item.source
        out.append(
            Event(
                path,
                item.kind,
                item.key,
                item.lang,
                item.title,
                step,
                approval,
                state,
                why,
                commit,
                commit is None,
            )
        )
    return out

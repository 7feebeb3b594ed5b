"""The typed content: front matter of each kind, and the Item the pipeline carries."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

import lz4.block
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from site_builder.load import urls
from site_builder.load.config import TypeName
from site_builder.load.fields import AwareDateTime, Day, Entry, Id, Strict, Text

# The parts of the types' front matter (an event, a plan entry, a rebuttal's facts …) live beside.
from site_builder.load.parts import (  # noqa: F401
    Accreditation,
    Address,
    Event,
    EventChange,
    Fact,
    Original,
    Period,
    PlanEntry,
    Posted,
    Speaker,
)

# The registers' own models live beside; imported here, where every model is looked for.
from site_builder.load.registers import Interview, MonitoringEntry, Outcome, Source  # noqa: F401

Lang = Literal["ru", "ky", "en"]
Status = Literal["draft", "review", "approved", "withdrawn"]
SECTIONS: dict[str, TypeName] = {
    "press-releases": "press-release",
    "rebuttals": "rebuttal",
    "announcements": "announcement",
    "media-plans": "media-plan",
    "questions": "question",
}
SECTION_OF: dict[TypeName, str] = {kind: section for section, kind in SECTIONS.items()}


class once:
    """`functools.cached_property` without the lock Python 3.11 takes on every first access
    (thousands of entries a build): the value is made once and kept in the instance's
    `__dict__` (a frozen dataclass's too; only the instance's own fields may go into it)."""

    def __init__(self, make: Callable) -> None:
        self.make = make
        self.name = make.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.make(instance)
        return value


class Approval(Strict):
    """One step of an approval: who gave it, when, over which content hash; optionally the
    step's name (default: the type's last step), the approver's SSH signature of it
    (judge/signatures.py) and why it was recorded after the fact (`approve --at … --reason`)."""

    by: Id
    at: AwareDateTime
    hash: str | None = Field(None, pattern=r"^sha256:[0-9a-f]{64}$")
    step: Id | None = None
    signature: str | None = Field(None, max_length=16_000)
    reason: Text | None = Field(None, min_length=1, max_length=500)


def _steps(value: Approval | list[Approval] | None) -> list[Approval]:
    """`approval:` is one mapping (a one-step approval) or a list of them, in step order."""
    if value is None:
        return []
    return [value] if isinstance(value, Approval) else list(value)


# Stored as the list of steps whichever way it is written (the union is what the schema shows).
Steps = Annotated[Approval | list[Approval] | None, AfterValidator(_steps)]


class Withdrawal(Strict):
    at: AwareDateTime
    reason: Text = Field(min_length=1, max_length=2000)


class Correction(Strict):
    at: AwareDateTime
    note: Text = Field(min_length=1, max_length=2000)


class Common(Strict):
    # `approvals` is read from `approval:` only: the field's own name is no key of a file.
    model_config = ConfigDict(populate_by_name=False, validate_by_name=False)

    title: Text = Field(min_length=1, max_length=300)
    # Absent: the item goes out when its approval's final step is given, and the loader
    # sets this to that moment (load/content.py), so every output reads one date.
    date: AwareDateTime | None = Field(
        None,
        description="An embargo: the exact time the item goes out, which its approval must "
        "precede. Without it the item goes out when its approval's final step is given.",
    )
    summary: Text = Field("", max_length=1000)
    division: Id | None = None
    author: Id | None = None
    tags: list[Entry] = Field(default_factory=list, max_length=30)
    lang: Lang | None = None
    slug: str | None = Field(None, max_length=120)
    id: str | None = Field(None, max_length=200)
    status: Status = "draft"
    approvals: Steps = Field(default_factory=list, alias="approval")  # type: ignore[assignment]
    confidentiality: Literal["public", "restricted"] = "public"
    withdrawn: Withdrawal | None = None
    corrections: list[Correction] = Field(default_factory=list)
    image: str | None = Field(None, max_length=300)
    image_alt: Text | None = Field(None, max_length=300)
    # Why there is no Kyrgyz version (rules.kyrgyz_first); shown on the item page.
    translation_exception: Text | None = Field(None, min_length=1, max_length=500)
    # Old addresses of this item (as Hugo's `aliases`: "/press-releases/old-name/"), each
    # given a page that redirects here: how a published item moves (judge/takedown.py).
    aliases: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list,
        max_length=20,
        description="Old addresses of this item on the site, written from its root "
        '("/press-releases/old-name/"): each gets a page that redirects here.',
    )
    # Whether the item speaks for the head of the administration and so carries the banner of
    # an ended term of office (config.yaml `terms:`); none: as its type (`rules.types`).
    political: bool | None = Field(
        None,
        description="Whether the item carries the banner «published under a former head of the "
        "administration» once the term it was published under has ended; default: as its type.",
    )
    posted: list[Posted] = Field(default_factory=list, max_length=100)

    @property
    def approval(self) -> Approval | None:
        """The final approval (the last step): who released the item, and when."""
        approvals: list[Approval] = self.approvals  # type: ignore[assignment]
        return approvals[-1] if approvals else None


class PressRelease(Common):
    pass


class Rebuttal(Common):
    original: Original | None = None
    detected_at: AwareDateTime | None = None
    # `verdict: false` unquoted is a YAML boolean; editors mean the word.
    verdict: Annotated[
        Literal["false", "distorted", "accurate"], BeforeValidator(lambda v: "false" if v is False else v)
    ] = "false"
    facts: list[Fact] = Field(default_factory=list)
    # The monitoring register's entry that found the publication (its path below
    # content/monitoring/, without `.md`): `detected_at` is then the entry's `found`.
    monitoring: str | None = Field(
        None,
        max_length=300,
        description="The monitoring entry that found the publication, e.g. 2026/tarify-na-vodu: "
        "detected_at is then taken from its found:.",
    )


class Announcement(Common):
    event: Event


class MediaPlan(Common):
    period: Period
    entries: list[PlanEntry] = Field(default_factory=list)


class Asker(Strict):
    """Who asked a citizen's question: anonymous on the site unless `public: true`."""

    name: Text | None = Field(None, min_length=1, max_length=200)
    public: bool = False


class Question(Common):
    """A citizen's question and the office's answer (the body), approved as any item is."""

    question: Text = Field(min_length=1, max_length=5000)
    asker: Asker = Field(default_factory=Asker)
    asked: Day | AwareDateTime
    answered_by: Id
    # An announcement's `id:` (or content path): shown on its page once the event took place.
    event: str | None = Field(None, min_length=1, max_length=300)


class MediaRequest(Strict):
    """A journalist's request to the press office: a record of the office's duty.  One
    marked `public: true` has its fields published one by one, so it is approved as an
    item is (type `media-request` of `rules.types`): an `approval` over its content hash,
    by someone who is not its `author`.  Only `title`, `outlet`, `topic`, the dates and
    `answer_summary` are ever published; the requester's `contact`, the divisions and the
    interview stay in the register."""

    # `approvals` is read from `approval:` only: the field's own name is no key of a file.
    model_config = ConfigDict(populate_by_name=False, validate_by_name=False)

    title: Text | None = Field(None, max_length=300)  # defaults to the topic
    received: Day
    outlet: Text = Field(min_length=1, max_length=300)
    topic: Text = Field(min_length=1, max_length=500)
    answered: Day | None = None
    answer_summary: Text = Field("", max_length=3000)
    public: bool = False
    author: Id | None = None  # who prepared the record (needed once it is public: four-eyes)
    kind: Literal["information", "interview", "comment", "accreditation"] = "information"
    channel: Literal["oral", "written", "email"] = "written"
    contact: Text | None = Field(
        None, min_length=1, max_length=500, description="The requester's contact: private, never published."
    )
    executor: Id | None = None  # the division that prepares the answer
    contributors: list[Id] = Field(default_factory=list, max_length=30)  # divisions that contribute
    interview: Interview | None = None
    approvals: Steps = Field(default_factory=list, alias="approval")  # type: ignore[assignment]

    @property
    def approval(self) -> Approval | None:
        """The final approval (the last step)."""
        approvals: list[Approval] = self.approvals  # type: ignore[assignment]
        return approvals[-1] if approvals else None

    @property
    def status(self) -> Status:
        """As an item's: a public record is one released (its approval must hold)."""
        return "approved" if self.public else "draft"

    @property
    def division(self) -> None:
        """A record belongs to no division (a `division_head` step cannot be given)."""
        return None


REQUESTS_SECTION = "media-requests"  # records, parsed by mediarequests.py, not by content.parse


MONITORING_SECTION = "monitoring"  # internal records, parsed by judge/monitoring.py


MODELS: dict[TypeName, type[Common]] = {
    "press-release": PressRelease,
    "rebuttal": Rebuttal,
    "announcement": Announcement,
    "media-plan": MediaPlan,
    "question": Question,
}


@dataclass(frozen=True)
class Link:
    """A link found in a body: where it points and on which file line."""

    target: str
    line: int


@dataclass(frozen=True)
class Leftover:
    """Text `site-builder new` wrote for the editor to replace, still in the file: the
    placeholder ("" for a slot left empty), the key that holds it ("" for the body), its line."""

    text: str
    key: str
    line: int


@dataclass(frozen=True)
class Item:
    """One parsed content file, ready for the rules and the renderers.

    Kept small, since a ten-year archive holds tens of thousands: the body's checks run at
    parse time, so only its HTML is kept, compressed, with the front matter's line map
    packed (both are read back only when needed).
    """

    source: str  # path relative to content/, with '/' separators
    kind: TypeName
    meta: Common
    body_line: int
    packed_html: bytes  # zlib of the rendered body; internal links are still `sb-ref:` placeholders
    packed_lines: bytes  # the front matter's {key path: line}, pickled
    key: str  # translation group: items with the same key are one item in several languages
    lang: str
    slug: str
    md_links: tuple[Link, ...] = ()
    images: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    digest: str = ""  # approval hash of the current content
    fingerprint: str = ""  # hash of the file's bytes, attachments and parse settings (set by the loader)
    moments: tuple[datetime, ...] = ()  # every date and time in the front matter (uptodate.next_change)
    # No `date:` in the file: `meta.date` is when the approval's final step was given (None before).
    on_approval: bool = False
    placeholders: tuple[Leftover, ...] = ()  # the skeleton's text `new` wrote, still there (load/skeleton.py)

    @staticmethod
    def pack(html: str, lines: dict[tuple, int]) -> dict[str, bytes]:
        """The packed fields for this HTML and line map."""
        return {
            # lz4: a fifth of zlib's time either way, and a body is unpacked for its page,
            # the search index and the feeds.
            "packed_html": lz4.block.compress(html.encode()),
            "packed_lines": pickle.dumps(lines, pickle.HIGHEST_PROTOCOL),
        }

    @property
    def html(self) -> str:
        return lz4.block.decompress(self.packed_html).decode()

    @property
    def lines(self) -> dict[tuple, int]:
        return pickle.loads(self.packed_lines)

    @property
    def title(self) -> str:
        return self.meta.title

    @once
    def notes(self) -> tuple[datetime, ...]:
        """Moments of the public notes that explain a change after publication (corrections,
        event changes, the withdrawal), earliest first; worked out once per parsed item,
        which the preview server keeps from build to build."""
        meta = self.meta
        found = [c.at for c in meta.corrections]
        if meta.withdrawn:
            found.append(meta.withdrawn.at)
        if isinstance(meta, Announcement):
            found += [c.at for c in meta.event.changes]
        return tuple(sorted(found))

    @once
    def signed(self) -> bool:
        """Whether any approval step carries a signature (most items have none: each
        whole-site pass over signatures asks this first, once per parsed item)."""
        return any(a.signature for a in self.meta.approvals)  # type: ignore[attr-defined]

    @once
    def stamp(self) -> float:
        """The publication time as a POSIX timestamp: thousands of entries are sorted by it."""
        assert self.meta.date is not None
        return self.meta.date.timestamp()

    @once
    def updated(self) -> datetime:
        """When the content last really changed: publication, a correction, a change, a withdrawal."""
        assert self.meta.date is not None
        return max((self.meta.date, *self.notes))

    @property
    def date(self) -> datetime | None:
        return self.meta.date

    @property
    def date_line(self) -> int:
        """The line that sets the publication time: `date:`, or else the approval's."""
        return self.line("approval" if self.on_approval else "date")

    def line(self, *loc: str | int) -> int:
        lines = self.lines
        for end in range(len(loc), 0, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return 1


@dataclass(frozen=True)
class Attachment:
    """A file kept in an item's folder, published next to its page."""

    name: str
    source: str  # path relative to content/
    size: int
    mime: str

    @property
    def href(self) -> str:
        """Its name in a URL: "отчёт #1.pdf" as "%D0%BE…%20%231.pdf" (see urls.py)."""
        return urls.segment(self.name)

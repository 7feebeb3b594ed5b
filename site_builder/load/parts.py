"""The parts of the types' front matter (load/model.py imports them): a rebuttal's original
publication and facts, an announcement's event, a media plan's period and entries, and the
proof of distribution any item or plan entry may carry."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from site_builder.load.fields import AwareDateTime, Day, Id, Strict, Text, Url


class Posted(Strict):
    """Proof of distribution: where an item or a plan entry actually went out."""

    channel: Text = Field(min_length=1, max_length=100)  # telegram, vk, facebook, site, media, email …
    url: Url
    at: AwareDateTime


class Original(Strict):
    outlet: Text = Field(min_length=1, max_length=300)
    title: Text = Field(min_length=1, max_length=500)
    url: Url | None = None
    published: AwareDateTime | None = None
    # Who wrote the original publication, where known (a fact check's `Claim` names them).
    author: Text | None = Field(None, min_length=1, max_length=300)


class Fact(Strict):
    claim: Text = Field("", max_length=3000)
    fact: Text = Field("", max_length=5000)
    evidence: list[Url] = Field(default_factory=list)


class Accreditation(Strict):
    how: Text = Field(min_length=1, max_length=2000)
    deadline: AwareDateTime | None = None
    url: Url | None = None


class Speaker(Strict):
    name: Text = Field(min_length=1, max_length=200)
    position: Text = ""


class EventChange(Strict):
    at: AwareDateTime
    note: Text = Field(min_length=1, max_length=2000)
    # When the event was to start before this change, for a move in time: the event's
    # `previousStartDate` in schema.org.
    previous_starts: AwareDateTime | None = Field(
        None,
        description="When a moved event was to start before this change: its previous start.",
    )


class Address(Strict):
    """Where an event takes place, part by part; a part left out is the site's
    (`site.locality`, `site.region`, `site.country`)."""

    street: Text | None = Field(None, min_length=1, max_length=300)
    locality: Text | None = Field(None, min_length=1, max_length=200)
    region: Text | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")


class Event(Strict):
    kind: Literal["press_conference", "briefing", "round_table", "live_stream", "interview"]
    starts: AwareDateTime
    ends: AwareDateTime | None = None
    location: Text | None = Field(None, max_length=500)
    # The location's postal address; without it `location` is taken as the street address.
    address: Address | None = None
    online_url: Url | None = None
    accreditation: Accreditation | Text | None = None
    speakers: list[Speaker | Text] = Field(default_factory=list)
    status: Literal["scheduled", "cancelled"] = "scheduled"
    cancel_reason: Text | None = Field(None, max_length=2000)
    changes: list[EventChange] = Field(default_factory=list)


class Period(Strict):
    from_: Day = Field(alias="from")
    to: Day


class PlanEntry(Strict):
    date: Day
    channel: Literal["site", "media", "social"]
    outlet: Text = Field(min_length=1, max_length=300)
    topic: Text = Field(min_length=1, max_length=500)
    format: Text = Field("", max_length=200)
    responsible: Id
    status: Literal["planned", "done", "cancelled"] = "planned"
    ref: str | None = Field(None, max_length=300)
    # A `social` entry is done only with proof of the post (judge/plan.py).
    posted: list[Posted] = Field(default_factory=list, max_length=100)

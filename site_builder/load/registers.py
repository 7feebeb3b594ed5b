"""The typed front matter of the registers beside the items (load/model.py imports them):
a media request's interview and the monitoring register's entries."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from site_builder.load.fields import AwareDateTime, Id, Strict, Text, Url


class Interview(Strict):
    """What a request for an interview became: who gave it, when, and how it went."""

    official: Id  # a person of config.yaml
    date: AwareDateTime
    outcome: Text | None = Field(None, min_length=1, max_length=2000)


class Source(Strict):
    """Where a monitored publication appeared: the outlet or social account, its address, its title."""

    outlet: Text = Field(min_length=1, max_length=300)
    url: Url | None = None
    title: Text = Field(min_length=1, max_length=1000, description="The title, or an excerpt.")


class Outcome(Strict):
    """What the office did about a monitored publication: a rebuttal or a comment (`ref`:
    the item), an answer sent (`at`), or nothing, for a `reason`."""

    kind: Literal["rebuttal", "comment", "answer", "none"]
    ref: str | None = Field(None, min_length=1, max_length=300, description="Item id or content path.")
    at: AwareDateTime | None = None
    reason: Text | None = Field(None, min_length=1, max_length=2000)


class MonitoringEntry(Strict):
    """An entry of the monitoring register (internal: never published): a publication,
    a social post or a citizen's complaint found, its tone, and what was done about it."""

    found: AwareDateTime
    source: Source
    kind: Literal["publication", "social_post", "complaint"]
    # `tone: false` unquoted is a YAML boolean; editors mean the word.
    tone: Annotated[
        Literal["positive", "neutral", "negative", "false"],
        BeforeValidator(lambda v: "false" if v is False else v),
    ]
    division: Id
    outcome: Outcome | None = None
    author: Id | None = None

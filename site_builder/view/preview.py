"""The preview's view (`serve --drafts`): besides what is published, every item an editor
may want to see before it goes out — drafts, items under review, approved releases still
under embargo, and restricted items — each marked with why no build publishes it now.

Only the preview server asks for this view, and it renders into its own temporary
folder: a build of output/ never does (see build.view).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from site_builder.judge.rules import Judgement
from site_builder.judge.verdict import State, Verdict
from site_builder.load.config import Config
from site_builder.load.model import Item

# The states a preview shows as if published; INVALID and UNPUBLISHED items stay out, as
# in a build (an invalid approval is an error to fix, not a page to look at).
PREVIEWED = (State.DRAFT, State.REVIEW, State.SCHEDULED, State.RESTRICTED)


@dataclass(frozen=True)
class Preview:
    """Why the preview shows a page that no build publishes at its `now` (its banner)."""

    state: str  # "draft", "review", "embargoed" or "restricted"
    goes_out: datetime | None = None  # an embargoed item's release time
    release: str = ""  # that time as the banner says it, in the site's time zone


def previewed(
    items: list[Item], judgement: Judgement, config: Config, now: datetime
) -> tuple[list[Item], Judgement, dict[str, Preview]]:
    """The items and verdicts of the preview: every item in a PREVIEWED state as if
    published (one without a date dated `now`), and the mark of each, by source."""
    verdicts = dict(judgement.verdicts)
    shown: list[Item] = []
    marks: dict[str, Preview] = {}
    for item in items:
        verdict = verdicts[item.source]
        if verdict.state in PREVIEWED:
            marks[item.source] = mark(item, verdict, config)
            verdicts[item.source] = Verdict(State.PUBLISHED)
            if item.meta.date is None:
                item = dataclasses.replace(item, meta=item.meta.model_copy(update={"date": now}))
        shown.append(item)
    return shown, Judgement(verdicts, judgement.problems), marks


def mark(item: Item, verdict: Verdict, config: Config) -> Preview:
    """The banner of one previewed item: restricted whatever its status (it never goes
    out), embargoed when approved for a later time, else its status."""
    if item.meta.confidentiality == "restricted":
        return Preview("restricted")
    if verdict.state == State.SCHEDULED and verdict.goes_out is not None:
        local = verdict.goes_out.astimezone(config.tz)
        return Preview("embargoed", verdict.goes_out, f"{local:%d.%m.%Y %H:%M} ({config.site.timezone})")
    return Preview("review" if verdict.state == State.REVIEW else "draft")

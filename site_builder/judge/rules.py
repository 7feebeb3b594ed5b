"""Judging a whole site: every item's verdict and problems (verdict.py, structure.py),
kept between builds when asked, and the rules across items (one URL and one translation
each, a Kyrgyz version first, no published page taken down silently: takedown.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from site_builder.errors import Problem, problem
from site_builder.judge import plan, questions, takedown
from site_builder.judge.history import History
from site_builder.judge.signatures import Signatures
from site_builder.judge.structure import reference_problems, structure_problems
from site_builder.judge.verdict import State, Verdict, judge
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import Config
from site_builder.load.model import Item, MediaPlan, Question
from site_builder.speed import cache
from site_builder.speed.session import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Judgement:
    verdicts: dict[str, Verdict]  # by item source
    problems: list[Problem]


# memo(key, make): the value for key, made by make() when not kept (Cache.memo); a
# long-running process (the preview server) keeps each item's judgement between builds.
Memo = Callable[[Hashable, Callable[[], T]], T]


def check(
    items: list[Item],
    config: Config,
    now: datetime,
    history: History | None = None,
    session: Session | None = None,
    days: WorkingDays | None = None,
) -> Judgement:
    """Judge every item and the site as a whole.

    What the rules find for one item alone depends on its file, the settings, of `now`
    only on which of the item's own dates and times have passed and on today's date,
    and on which other files hold its signatures; the session's memo (the preview
    server's) may keep it under that key.  What git `history` says went out is asked
    anew every time (takedown.py); without it, nothing is known of the past.
    Signatures are verified through the session's cache (judge/signatures.py).
    """
    memo: Memo | None = session.memo("judged") if session is not None else None
    signatures = Signatures(items, config, session.store if session is not None else None)
    days = days or WorkingDays(config.calendar)
    verdicts: dict[str, Verdict] = {}
    problems: list[Problem] = []
    by_source = {item.source: item for item in items}
    settings = cache.key(config.model_dump_json(), str(now.astimezone(config.tz).date())) if memo else ""

    def alone(item: Item) -> tuple[Verdict, list[Problem], list[Problem] | None]:
        """The item's verdict and problems, and its references' problems when they do
        not depend on other items (None when they do)."""
        verdict, found = judge(item, config, now, signatures)
        if item.meta.status != "draft":
            found += structure_problems(item, config, days)
        references = None
        if not item.md_links and not isinstance(item.meta, MediaPlan):  # no other item's state
            references = reference_problems(item, config, by_source, verdicts)
        return verdict, found, references

    referenced: list[list[Problem] | None] = []
    for item in items:
        if memo is None or not item.fingerprint:
            verdict, found, references = alone(item)
        else:
            passed = bisect_right(item.moments, now)  # sorted at parse time
            verdict, found, references = memo(
                (settings, item.fingerprint, passed, signatures.elsewhere(item)),
                lambda item=item: alone(item),
            )
        verdicts[item.source] = verdict
        problems += found
        referenced.append(references)
    for item, references in zip(items, referenced, strict=True):
        problems += (
            reference_problems(item, config, by_source, verdicts) if references is None else references
        )
    problems += plan.site_problems(items, config, now, verdicts)
    asked = [item for item in items if isinstance(item.meta, Question)]
    if asked:
        events = questions.announcements(items)
        problems += [found for item in asked for found in questions.problems(item, config, events)]
    problems += _collisions(items)
    if config.rules.kyrgyz_first:
        problems += kyrgyz_first(items, verdicts)
    problems += takedown.check(items, verdicts, problems, config, now, history)
    return Judgement(verdicts, problems)


def kyrgyz_first(items: list[Item], verdicts: dict[str, Verdict]) -> list[Problem]:
    """Every published item needs a published Kyrgyz version or a stated exception: a
    withdrawn Kyrgyz version says nothing in Kyrgyz any more (its face is a notice)."""
    kyrgyz = {i.key for i in items if i.lang == "ky" and verdicts[i.source].state == State.PUBLISHED}
    return [
        problem(
            "content/" + item.source, item.line("id") or 1, "error", "KY_TRANSLATION_MISSING", key=item.key
        )
        for item in items
        if item.lang != "ky"
        and verdicts[item.source].state == State.PUBLISHED
        and item.key not in kyrgyz
        and not item.meta.translation_exception
    ]


def _collisions(items: list[Item]) -> list[Problem]:
    out: list[Problem] = []
    urls: dict[tuple[str, str, str], list[Item]] = defaultdict(list)
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        urls[(item.lang, item.kind, item.slug)].append(item)
        groups[(item.key, item.lang)].append(item)
    for same in urls.values():
        for item in same[1:]:
            out.append(
                problem(
                    "content/" + item.source,
                    item.line("slug"),
                    "error",
                    "DUPLICATE_URL",
                    slug=item.slug,
                    other="content/" + same[0].source,
                )
            )
    for same in groups.values():
        for item in same[1:]:
            out.append(
                problem(
                    "content/" + item.source,
                    item.line("lang"),
                    "error",
                    "DUPLICATE_TRANSLATION",
                    lang=item.lang,
                    other="content/" + same[0].source,
                )
            )
    return out

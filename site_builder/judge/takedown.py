"""A published page leaves only by withdrawal, or moves with a redirect from its old address.

An item that is not out now (a draft, under review, restricted, withdrawn before its
date, held or re-dated) and a content file that is gone (deleted or renamed) are asked
about: did a version of it go out (history.py)?  If so and it did not leave by a public
withdrawal, its address must still answer: a current item is published there, or lists
it in its `aliases` (which write a redirect page there, outputs/redirects.py).  Else the
build is refused, and output/ keeps the last published version.

Without git history the current file is read cautiously (`verdict.looks_out`): an item
whose hashed approval and date have passed counts as published; a deleted file cannot be
found, which is said once (HISTORY_UNKNOWN).
"""

from __future__ import annotations

from datetime import datetime

from site_builder.errors import Problem, problem
from site_builder.judge.history import UNKNOWN, History, Went
from site_builder.judge.verdict import VISIBLE, State, Verdict, fmt, looks_out
from site_builder.load import urls
from site_builder.load.config import Config
from site_builder.load.content import item_url
from site_builder.load.model import SECTION_OF, Item


def check(
    items: list[Item],
    verdicts: dict[str, Verdict],
    problems: list[Problem],
    config: Config,
    now: datetime,
    history: History | None,
) -> list[Problem]:
    """Every take-down of a published page without a withdrawal or a redirect, and every
    alias that is not an address or is another's; `problems` are those found so far (an
    item with an error is refused already, and not asked about)."""
    out, aliases = alias_problems(items, config)
    erred = {p.path for p in problems if p.is_error}
    asked = [
        i for i in items if verdicts[i.source].state not in VISIBLE and "content/" + i.source not in erred
    ]
    gone: list[str] = []
    went: dict[str, Went | str | None] = {}
    if history is not None and history.known:
        gone = history.gone()
        went = history.went([*(i.source for i in asked), *gone])
    else:
        out.append(problem("content/", 0, "info", "HISTORY_UNKNOWN"))
    if not asked and not gone:
        return out  # every item is out (or refused already), and no file went away
    shown = [i for i in items if verdicts[i.source].state in VISIBLE]  # whose addresses still answer
    answered = {url for url, item in aliases.items() if verdicts[item.source].state in VISIBLE}
    answered |= {_url(item, config) for item in shown}
    for item in asked:
        found = went.get(item.source, UNKNOWN)
        if found == UNKNOWN:
            found = _as_went(item, config) if looks_out(item, config, now) else None
        if isinstance(found, Went) and not found.withdrawn and found.url not in answered:
            out.append(_taken_down(item, verdicts[item.source].state, found, config))
    for source in gone:
        found = went[source]
        if isinstance(found, Went) and not found.withdrawn and found.url not in answered:
            assert history is not None
            out.append(_gone(source, found, history.moved_to(source), config))
    return out


def alias_problems(items: list[Item], config: Config) -> tuple[list[Problem], dict[str, Item]]:
    """Every item's aliases as addresses (with the base path) → the item, and the aliases
    that are no address (ALIAS_BAD) or another's (ALIAS_COLLISION): an item's address, or
    an address under it, whatever the item's state, or another item's alias."""
    out: list[Problem] = []
    claimed: dict[str, Item] = {}
    aliased = [item for item in items if item.meta.aliases]
    if not aliased:
        return out, claimed
    own: dict[str, Item] = {}
    for item in items:
        own.setdefault(_url(item, config), item)
    for item in aliased:
        path = "content/" + item.source
        for index, text in enumerate(item.meta.aliases):
            line = item.line("aliases", index)
            rel = urls.alias(text)
            if rel is None:
                out.append(problem(path, line, "error", "ALIAS_BAD", value=text[:200]))
                continue
            url = config.base_path + rel
            if claimed.get(url) is item:
                continue  # listed twice
            other = claimed.get(url) or _at_or_above(url, own)
            if other is not None:
                out.append(
                    problem(
                        path, line, "error", "ALIAS_COLLISION", alias=url, other="content/" + other.source
                    )
                )
                continue
            claimed[url] = item
    return out, claimed


def _at_or_above(url: str, own: dict[str, Item]) -> Item | None:
    """The item whose address is this one or a folder above it."""
    cut = url.find("/", 1)
    while cut >= 0:
        found = own.get(url[: cut + 1])
        if found is not None:
            return found
        cut = url.find("/", cut + 1)
    return own.get(url)


def _url(item: Item, config: Config) -> str:
    """The item's address (kept with the item for these settings: the preview server keeps
    its items from build to build, and every build asks for all of them)."""
    settings = (config.base_path, config.site.language)  # all of the settings it depends on
    kept = item.__dict__.get("_address")
    if kept is not None and kept[0] == settings:
        return kept[1]
    found = item_url(config, item.lang, SECTION_OF[item.kind], item.slug)
    item.__dict__["_address"] = (settings, found)
    return found


def _as_went(item: Item, config: Config) -> Went:
    """The cautious reading: the file as it is went out at its date (or its approval)."""
    meta, approval = item.meta, item.meta.approval
    assert approval is not None and meta.date is not None  # looks_out says so
    return Went(item.source, _url(item, config), max(meta.date, approval.at), approval.by, approval.at, False)


def _taken_down(item: Item, state: State, went: Went, config: Config) -> Problem:
    """The error for an item that went out and, as its file is now, would not be."""
    meta, path = item.meta, "content/" + item.source
    if state in (State.DRAFT, State.REVIEW):
        return problem(
            path, item.line("status"), "error", "STATUS_TAKES_DOWN", status=meta.status, **went.args(config)
        )
    if state == State.RESTRICTED:
        return problem(
            path, item.line("confidentiality"), "error", "RESTRICTED_TAKES_DOWN", **went.args(config)
        )
    if state == State.UNPUBLISHED and meta.withdrawn is not None:
        return problem(
            path,
            item.line("withdrawn", "at"),
            "error",
            "WITHDRAWAL_TAKES_DOWN",
            withdrawn=fmt(meta.withdrawn.at, config),
            date=fmt(meta.date, config),
            **went.args(config),
        )
    return problem(path, item.line("date"), "error", "HELD_TAKES_DOWN", **went.args(config))


def _gone(source: str, went: Went, moved_to: str | None, config: Config) -> Problem:
    """The error for a content file that went out and is not in content/ any more."""
    alias = "/" + went.url.removeprefix(config.base_path)
    path = "content/" + source
    if moved_to is not None:
        to = "content/" + moved_to
        return problem(
            path, 0, "error", "MOVED_TAKES_DOWN", to=to, url=went.url, alias=alias, **went.args(config)
        )
    return problem(path, 0, "error", "DELETED_TAKES_DOWN", url=went.url, alias=alias, **went.args(config))

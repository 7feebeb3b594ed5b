"""A build that reuses .site-cache and the previous output equals a clean build, byte for byte.

Random edit sequences (add, edit, delete, rename, template change, config change, an item
put in error and fixed again) are applied to a scratch site, a git repository with each
step committed at the moment it is built; after every step the cached, incremental build
is compared with a clean build of the same tree made without any cache: the same output,
byte for byte, and the same exit code — 3 when items in error are held back (or pages
taken down kept), 0 when none is, 1 when the build stops.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gitkit import commit_changes, repository
from sitekit import tree as _tree

from site_builder.build import build
from site_builder.commands.livereload import Hub
from site_builder.commands.serve import Preview
from site_builder.speed import uptodate
from site_builder.speed.session import Session, _recorded_problems


def tree(root: Path) -> dict[str, str]:
    """Every byte of a folder, the publication log and its head included (issue 26)."""
    return _tree(root, log=True)


NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
CONFIG = """\
site:
  title: "{title}"
  base_url: "https://press.example.org/"
  languages: [ru, ky]
  timezone: Asia/Bishkek
  items_per_page: 3
divisions:
  - {{id: transport, name: "Транспорт"}}
  - {{id: culture, name: "Культура"}}
  - {{id: pr, name: "Отдел по связям с общественностью"}}
people:
  - {{id: pr-head, name: "Иванова А.", roles: [pr_department], division: pr}}
  - {{id: ps-transport, name: "Петров П.", roles: [press_secretary], division: transport}}
rules:
  types:
    press-release: {{approval_hash: optional}}
    announcement: {{approval_hash: optional}}
    media-plan: {{approval_hash: optional}}
{extra}
"""
TAGS = ["дороги", "автобусы", "культура", "бюджет", "школы"]
ACTIONS = [
    "add",
    "edit",
    "reword",
    "delete",
    "rename",
    "translate",
    "attach",
    "plan",
    "event",
    "template",
    "config",
    "time",
    "nothing",
    "break",
    "break",
    "fix",
]
# An editor's mistake that puts an item in error (the build holds it back) until fixed.
MISTAKES = [
    (r"(?m)^date: 2026-(\d\d)-(\d\d)", r"date: \2.\1.2026"),  # a date as people write it
    (r"(?m)^division: .*\n", ""),  # a required field left out
    (r'(?m)^title: "', 'title: ["'),  # YAML that does not parse
    (r"(?m)^status: \w+", "status: draft\ndate: 31.11.2026"),  # a draft, with an error
]


EVENT = """\
---
title: "Брифинг о подготовке к зиме"
date: 2026-11-01T10:00
author: ps-transport
division: transport
status: approved
approval: {by: pr-head, at: 2026-11-01T09:00}
corrections: [{at: 2026-11-22T12:45, note: "Уточнено место."}]
event:
  kind: briefing
  starts: 2026-11-22T12:30
  ends: 2026-11-22T14:00
  location: "Мэрия"
---

Приглашаем журналистов.
"""


def item(rng: random.Random, n: int, others: list[str] = ()) -> str:
    """A press release with random status, tags and date; sometimes withdrawn, or linking
    to another item (whose state then decides whether the link is a link)."""
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    status = rng.choice(["approved", "approved", "approved", "draft", "review", "withdrawn"])
    tags = rng.sample(TAGS, rng.randint(0, 3))
    withdrawn = (
        f'withdrawn: {{at: 2026-{month:02d}-{day:02d}T18:00, reason: "Отозвано {n}."}}\n'
        if status == "withdrawn"
        else ""
    )
    link = f"См. [другую новость]({rng.choice(others)}).\n\n" if others and rng.random() < 0.4 else ""
    return (
        "---\n"
        f'title: "Новость номер {n} — {rng.randint(0, 10**6)}"\n'
        f"date: 2026-{month:02d}-{day:02d}T10:00\n"
        f'summary: "Кратко о событии {n}."\n'
        f"division: {rng.choice(['transport', 'culture'])}\n"
        "author: ps-transport\n"
        f"tags: [{', '.join(tags)}]\n"
        f"status: {status}\n"
        f"{withdrawn}"
        "approval:\n"
        "  by: pr-head\n"
        f"  at: 2026-{month:02d}-{day:02d}T09:00\n"
        "---\n\n"
        f"Текст новости {n}. {rng.random()}\n\n{link}## Подробности\n\n- пункт\n- ещё пункт\n"
    )


def plan(rng: random.Random, refs: list[str]) -> str:
    """A media plan whose entries point at items: its page shows whether each is out."""
    rows = "".join(
        f"  - {{date: 2026-11-{day:02d}, channel: site, outlet: Сайт, topic: Тема {day}, "
        f"format: пресс-релиз, responsible: pr-head, status: planned, ref: {ref}}}\n"
        for day, ref in zip(range(1, 29, 4), rng.sample(refs, min(3, len(refs))), strict=False)
    )
    return (
        "---\n"
        'title: "Медиаплан на ноябрь"\n'
        "date: 2026-10-25T10:00\n"
        "author: ps-transport\n"
        "division: pr\n"
        "status: approved\n"
        "approval: {by: pr-head, at: 2026-10-25T09:00}\n"
        "period: {from: 2026-11-01, to: 2026-11-30}\n"
        f"entries:\n{rows}"
        "---\n\nПлан публикаций.\n"
    )


def event(rng: random.Random, n: int) -> str:
    """An announcement with a random kind, time and place; sometimes a draft, under review,
    embargoed, cancelled, changed after publication or withdrawn (each calendar it is in
    must follow)."""
    day, hour = rng.randint(1, 28), rng.randint(9, 17)
    kind = rng.choice(["briefing", "press_conference", "round_table"])
    month = rng.choice([10, 10, 10, 11])  # November: often still embargoed, until time passes
    lines = [
        "---",
        f'title: "Событие {n} — {rng.randint(0, 10**6)}"',
        f"date: 2026-{month}-{day:02d}T10:00",
        "author: ps-transport",
        f"division: {rng.choice(['transport', 'culture'])}",
        f"status: {rng.choice(['approved', 'approved', 'approved', 'draft', 'review'])}",
        f"approval: {{by: pr-head, at: 2026-{month}-{day:02d}T09:00}}",
    ]
    if rng.random() < 0.2:
        lines[5] = "status: withdrawn"
        lines.append(f'withdrawn: {{at: 2026-11-{day:02d}T18:00, reason: "Отменено {n}."}}')
    lines += ["event:", f"  kind: {kind}", f"  starts: 2026-11-{day:02d}T{hour:02d}:00"]
    lines.append(f'  location: "{rng.choice(["Мэрия", "Дом культуры", "Пресс-центр"])}"')
    if rng.random() < 0.3:
        lines.append(f'  changes: [{{at: 2026-11-{day:02d}T08:00, note: "Перенесено {n}."}}]')
    if rng.random() < 0.2:
        lines += ["  status: cancelled", '  cancel_reason: "По техническим причинам."']
    return "\n".join(lines) + f"\n---\n\nПриглашаем журналистов {n}.\n"


FIXES: dict[int, dict[str, tuple[str, str]]] = {}  # by the files' dict: name → (good, broken)


def step(rng: random.Random, files: dict[str, str], counter: int) -> tuple[str, int]:
    """One random editorial change to the site's files; the action and the new counter."""
    names = sorted(n for n in files if n.startswith("content/press-releases/") and n.endswith(".md"))
    stems = [n.removeprefix("content/press-releases/") for n in names]

    # Only an item no other file links to may go away: a dangling link fails the build.
    def linked(rel: str) -> bool:
        marks = (f"({rel})", f"(../{rel})", f"ref: press-releases/{rel}}}")
        return any(mark in text for text in files.values() for mark in marks)

    unlinked = [n for n in names if not linked(n.removeprefix("content/press-releases/"))]
    action = rng.choice(ACTIONS)
    if action == "break":  # one item put in error; the good text kept to fix it with
        name = rng.choice(names) if names else None
        pattern, replacement = rng.choice(MISTAKES)
        if name is not None and name not in FIXES.get(id(files), {}):
            broken = re.sub(pattern, replacement, files[name], count=1)
            FIXES.setdefault(id(files), {})[name] = (files[name], broken)
            files[name] = broken
        return action, counter
    if action == "fix":  # the last mistake still in its file fixed: the good text again
        fixes = FIXES.get(id(files), {})
        for name, (good, broken) in reversed(list(fixes.items())):
            del fixes[name]
            if files.get(name) == broken:
                files[name] = good
                break
        return action, counter
    if action == "add" or not names:
        counter += 1
        files[f"content/press-releases/n{counter}.md"] = item(rng, counter, stems)
    elif action == "edit":
        files[rng.choice(names)] = item(rng, rng.randint(100, 200), stems)
    elif action == "reword":  # new title, summary and text, same place: no entry moves
        name = rng.choice(names)
        marks = f"{rng.randint(0, 10**6)}"
        text = re.sub(r'(?m)^title: "(.*)"$', rf'title: "\1 (правка {marks})"', files[name], count=1)
        text = re.sub(r'(?m)^summary: ".*"$', f'summary: "Уточнено {marks}."', text, count=1)
        files[name] = text + f"\nДобавлено {marks}.\n"
    elif action == "delete" and len(unlinked) > 1:
        gone = rng.choice(unlinked)
        for name in [n for n in files if n.startswith(gone.removesuffix("index.md") + "prikaz")]:
            del files[name]
        del files[gone]
    elif action == "rename" and unlinked:
        old = rng.choice(unlinked)
        counter += 1
        suffix = ".ky.md" if old.endswith(".ky.md") else ".md"
        files[f"content/press-releases/renamed-{counter}{suffix}"] = files.pop(old)
    elif action == "translate":  # a Kyrgyz version of an item: both pages link each other
        original = rng.choice([n for n in names if not n.endswith(".ky.md")] or names)
        files[original.replace(".ky.md", ".md").removesuffix(".md") + ".ky.md"] = item(rng, 300 + counter)
    elif action == "attach":  # an item as a folder with a document beside it
        counter += 1
        folder = f"content/press-releases/doc-{counter}"
        files[f"{folder}/index.md"] = item(rng, counter, [f"../{s}" for s in stems])
        files[f"{folder}/prikaz.csv"] = f"номер,дата\n{rng.random()},2026-11-01\n"
    elif action == "event":  # a new announcement, or one of them edited
        events = sorted(n for n in files if n.startswith("content/announcements/"))
        chance = rng.random()
        if chance < 0.4:
            counter += 1
            files[f"content/announcements/e{counter}.md"] = event(rng, counter)
        elif chance < 0.8 or len(events) < 2:
            files[rng.choice(events)] = event(rng, rng.randint(100, 200))
        else:  # one taken away: it leaves every calendar it was in
            del files[rng.choice(events)]
    elif action == "plan":
        refs = [n.removeprefix("content/") for n in names if n.endswith(".md")]
        files["content/media-plans/plan.md"] = plan(rng, refs)
    return action, counter


def apply(root: Path, old: dict[str, str], new: dict[str, str], preview: Preview) -> None:
    """Write only what changed from `old` to `new`, and report it to the preview as its
    file watcher would: each Markdown file rewritten in place, or that content/ changed
    in another way (a file added, deleted or renamed, an attachment rewritten)."""
    for rel in old.keys() - new.keys():
        (root / rel).unlink()
    for rel, text in new.items():
        if old.get(rel) != text:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    changed = {rel for rel in new.keys() & old.keys() if old[rel] != new[rel] and rel.startswith("content/")}
    if old.keys() != new.keys() or any(not rel.endswith(".md") for rel in changed):
        preview.touch(None)
    for rel in changed:
        preview.touch(rel.removeprefix("content/"))


def materialise(root: Path, files: dict[str, str]) -> None:
    if (root / "content").exists():
        shutil.rmtree(root / "content")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def exit_code(result) -> int:
    """`site-builder build`'s exit code for this result (commands/build.py)."""
    return 1 if not result.publishable else 0 if result.ok else 3


def exit_code_said(output: Path) -> int:
    """Its exit code when it finds output/ current: from the problems the last build recorded."""
    recorded = _recorded_problems(output) or []
    return 3 if any(p.is_error for p in recorded) else 0


def held(result) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in result.problems if p.is_error or p.code.startswith("HELD")]


HELD_CODES: dict[int, set[int]] = {seed: set() for seed in range(8)}
VERSION_PAGES: dict[int, int] = dict.fromkeys(range(8), 0)  # published versions' pages the steps made


@pytest.mark.parametrize("seed", range(8))
def test_incremental_build_equals_clean_build(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    site = tmp_path / "site"
    site.mkdir()
    files: dict[str, str] = {}
    counter = 0
    for _ in range(6):
        counter += 1
        files[f"content/press-releases/n{counter}.md"] = item(rng, counter)
    files["content/announcements/briefing.md"] = EVENT
    extra, title = "", "Пресс-служба"
    now = NOW
    repository(site, (now - timedelta(days=400)).isoformat())  # (history: what went out, when)
    # The preview server's way: its folder updated in place, parsed items, judgements and
    # the folder's manifest kept in memory, the cache written after each rebuild.
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: now)
    preview.watched = True  # told of each change, as by its file watcher (`apply`)
    written: dict[str, str] = {}
    for number in range(12):
        action, counter = step(rng, files, counter)
        if action == "template":
            files["templates/partials/footer_extra.html"] = f"<p>Шаг {number}: {rng.random()}</p>\n"
        elif action == "config":
            extra = rng.choice([f"calendar:\n  country: {rng.choice(['KG', 'RU'])}\n", ""])
            title = rng.choice(["Пресс-служба", "Пресс-служба мэрии"])
        elif action == "time":  # scheduled builds: embargoes lift, events stop being upcoming
            now += rng.choice([timedelta(minutes=rng.randint(10, 70)), timedelta(days=rng.randint(1, 40))])
        apply(site, written, files, preview)
        written = dict(files)
        (site / "config.yaml").write_text(CONFIG.format(extra=extra, title=title), encoding="utf-8")
        commit_changes(site, now.isoformat(), f"step {number}: {action}")
        # `build` on the command line first asks whether output/ is already current.
        current = uptodate.current(site, site / "output", now)
        before = tree(site / "output") if current else None
        said = exit_code_said(site / "output") if current else None  # what `build` answers unparsed
        incremental = build(site, now, site / "output", session=Session.of(site, 2))
        previewed = preview.rebuild()
        preview.settle()
        assert not preview.pending.is_set(), "the content listed from the reports was not content/'s"
        clean = build(site, now, tmp_path / f"clean-{number}", session=Session.of(site, 1, False))
        codes = (exit_code(incremental), exit_code(clean))
        assert codes[0] == codes[1] and previewed == clean.publishable, (action, codes, held(incremental))
        assert said in (None, codes[1]), f"step {number}: {action} (said current, exit code {said})"
        HELD_CODES[seed] |= {codes[1]}
        if clean.publishable:
            VERSION_PAGES[seed] += len(list((tmp_path / f"clean-{number}").glob("*/*/v[0-9]*/index.html")))
            expected = tree(tmp_path / f"clean-{number}")
            assert tree(site / "output") == expected, f"step {number}: {action}"
            assert tree(tmp_path / "preview") == expected, f"step {number}: {action} (in place)"
            assert before in (None, expected), f"step {number}: {action} (said current)"
        shutil.rmtree(tmp_path / f"clean-{number}", ignore_errors=True)


def test_the_incremental_runs_held_items_back() -> None:
    """The runs above (when they ran) built sites with items held back and sites without."""
    seen = set().union(*HELD_CODES.values())
    if not seen:
        pytest.skip("the incremental runs did not run")
    assert {0, 3} <= seen, HELD_CODES


def test_the_incremental_runs_make_version_pages() -> None:
    """The runs above (when they ran) published versions' pages, which they compared too."""
    if not any(HELD_CODES.values()):
        pytest.skip("the incremental runs did not run")
    assert sum(VERSION_PAGES.values()) > 0, VERSION_PAGES


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2026-11-22T12:40:00+06:00", "2026-11-22T12:50:00+06:00"),  # a correction becomes public
        ("2026-11-22T13:50:00+06:00", "2026-11-22T14:10:00+06:00"),  # the event stops being upcoming
        ("2026-11-22T23:50:00+06:00", "2026-11-23T00:10:00+06:00"),  # a new day
    ],
)
def test_rebuild_later_the_same_day_equals_clean_build(tmp_path: Path, first: str, second: str) -> None:
    """Scheduled builds every few minutes, and a preview server left running: output that
    depends on the time must follow it (judgements kept in memory included)."""
    site = tmp_path / "site"
    site.mkdir()
    materialise(site, {"content/announcements/briefing.md": EVENT, "content/press-releases/noon.md": NOON})
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    now = datetime.fromisoformat(first)
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: now)
    assert build(site, now, site / "output").ok
    assert preview.rebuild()
    preview.settle()
    assert build(site, now, tmp_path / "clean-first", session=Session.of(site, cache=False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean-first")
    now = datetime.fromisoformat(second)
    assert build(site, now, site / "output").ok
    assert preview.rebuild()
    assert build(site, now, tmp_path / "clean", session=Session.of(site, cache=False)).ok
    assert tree(site / "output") == tree(tmp_path / "clean")
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


# Embargoed until 12:45 (Bishkek) on the day the tests above move through.
NOON = """\
---
title: "Итоги совещания"
date: 2026-11-22T12:45
author: ps-transport
division: transport
status: approved
approval: {by: pr-head, at: 2026-11-22T12:00}
---

Текст выходит в 12:45.
"""


def approved(title: str) -> str:
    """A press release by this title, approved and out long before NOW."""
    return EVENT.split("event:")[0].replace("Брифинг о подготовке к зиме", title) + "---\n\nТекст.\n"


def preview_step(preview: Preview, site: Path, files: dict[str, str]) -> bool:
    """Write the content, then rebuild and settle as the preview server does after a change."""
    materialise(site, files)
    ok = preview.rebuild()
    preview.settle()
    return ok


def test_drafts_preview_redates_an_undated_draft_on_every_build(tmp_path: Path) -> None:
    """`serve --drafts` dates an undated draft `now`: a later rebuild must show the new
    date on its page, listings and feeds, as a clean preview build at that time does."""
    site = tmp_path / "site"
    site.mkdir()
    draft = '---\ntitle: "Черновик без даты"\nauthor: ps-transport\nstatus: draft\n---\n\nТекст.\n'
    files = {
        "content/press-releases/old.md": approved("Старая новость"),
        "content/press-releases/d.md": draft,
    }
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    clock = [NOW]
    preview = Preview(site, tmp_path / "preview", Hub(), True, "en", lambda: clock[0])
    assert preview_step(preview, site, files)
    clock[0] = NOW + timedelta(days=1, hours=3)
    assert preview_step(preview, site, files)
    assert build(site, clock[0], tmp_path / "clean", preview=True, session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_preview_takes_over_the_last_sites_entries_while_none_moves(tmp_path: Path) -> None:
    """The preview server keeps the entries (and their groupings) of its last build when
    an edit leaves every entry where it was; the pages still show the edit, as a clean
    build does.  An edit that moves an entry (its date here) makes them all anew."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in range(5)}
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)

    def step_and_compare(number: int) -> list:
        assert preview_step(preview, site, files)
        assert build(site, NOW, tmp_path / f"clean-{number}", session=Session.of(site, 1, False)).ok
        assert tree(tmp_path / "preview") == tree(tmp_path / f"clean-{number}")
        return list(preview.store.recall("site", "").entries)

    first = step_and_compare(0)
    files["content/press-releases/n3.md"] = (
        files["content/press-releases/n3.md"]
        .replace("Новость 3", "Новость три")
        .replace("Текст.", "Другой текст.")
    )
    second = step_and_compare(1)
    assert [id(e) for e in second] == [id(e) for e in first]  # the same entries, in the same order
    assert "Новость три" in (tmp_path / "preview" / "press-releases" / "n3" / "index.html").read_text()
    files["content/press-releases/n3.md"] = files["content/press-releases/n3.md"].replace(
        "date: 2026-11-01T10:00", "date: 2026-11-02T10:00"
    )
    third = step_and_compare(2)
    assert not {id(e) for e in third} & {id(e) for e in second}


def test_preview_after_a_build_that_failed_while_writing_equals_clean_build(tmp_path: Path) -> None:
    """The preview server trusts its folder to hold what it last committed, and writes no
    manifest meanwhile; a build that fails half-way through writing must leave the next
    one checking every file against what was really there before it."""
    site = tmp_path / "site"
    site.mkdir()

    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in (1, 2)}
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    fault = site / "templates/press-release.html"

    assert preview_step(preview, site, files)
    files["content/press-releases/added.md"] = approved("Добавленная новость")
    assert preview_step(preview, site, files)  # a page the manifest on disk does not know of yet
    # A fault in a template only one page uses: the build stops after writing others.
    fault.parent.mkdir(parents=True)
    fault.write_text(
        "{% extends 'item.html' %}{% block content %}{{ nothing.here if entry.url.endswith('/faulty/') }}"
        "{{ super() }}{% endblock %}"
    )
    files["content/press-releases/faulty.md"] = approved("Новость с ошибкой в шаблоне")
    assert not preview_step(preview, site, files)
    fault.unlink()
    del files["content/press-releases/added.md"]
    assert preview_step(preview, site, files)
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_preview_after_a_failed_build_and_its_undo_equals_clean_build(tmp_path: Path) -> None:
    """A template typo fails the build; undoing it makes the very output the folder holds
    (nothing to write): the server must still know what the folder holds, so that an item
    unpublished next has its page removed."""
    site = tmp_path / "site"
    site.mkdir()

    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in (1, 2)}
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    footer = site / "templates/partials/footer_extra.html"
    footer.parent.mkdir(parents=True)
    footer.write_text("<p>footer</p>\n")
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)

    assert preview_step(preview, site, files)
    footer.write_text("<p>footer {% if %}</p>\n")
    assert not preview_step(preview, site, files)
    footer.write_text("<p>footer</p>\n")
    assert preview_step(preview, site, files)
    files["content/press-releases/n2.md"] = files["content/press-releases/n2.md"].replace("approved", "draft")
    assert preview_step(preview, site, files)
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_preview_restores_a_file_removed_from_its_folder(tmp_path: Path, monkeypatch) -> None:
    """The server trusts its folder between builds, but now and then makes sure it still
    holds what it trusts: a page something else deleted comes back on the next build."""
    monkeypatch.setattr("site_builder.commands.serve.CHECK_EVERY", 0.0)
    site = tmp_path / "site"
    site.mkdir()
    materialise(site, {"content/announcements/briefing.md": EVENT})
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    now = NOW
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: now)
    assert preview.rebuild()
    preview.settle()
    page = tmp_path / "preview/announcements/briefing/index.html"
    page.unlink()
    preview.settle()  # what the server does after a rebuild, once in a while
    now += timedelta(minutes=1)  # the next rebuild: nothing changed in the content
    assert preview.rebuild()
    assert page.is_file()
    assert build(site, now, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_preview_follows_an_edited_theme(tmp_path: Path, monkeypatch) -> None:
    """A long-running server imported the code once, but reads the theme's templates on
    every build: a theme edit must change every page it shows on, as a clean build does."""
    from site_builder.outputs import keys, render

    theme = tmp_path / "theme"
    shutil.copytree(render.THEME, theme)
    for module in (render, keys):
        monkeypatch.setattr(module, "THEME", theme)
    site = tmp_path / "site"
    site.mkdir()
    materialise(site, {"content/announcements/briefing.md": EVENT})
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    assert preview.rebuild()
    preview.settle()
    footer = theme / "templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>", "<p>Новая тема</p></footer>"))
    assert preview.rebuild()
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert "Новая тема" in (tmp_path / "clean/index.html").read_text(encoding="utf-8")
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_a_build_into_a_touched_spare_equals_clean_build(tmp_path: Path) -> None:
    """The tree a build swaps out becomes the next build's spare, which it stages into.
    What someone changed or added in output/ meanwhile must not survive that: a page
    edited by hand, a stray file, an empty folder."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in (1, 2, 3, 4)}
    materialise(site, files)
    output = site / "output"
    assert build(site, NOW, output).ok
    # The page of an item no build changes: its key stays, so only its stat gives it away.
    page = next(p for p in output.glob("press-releases/*/index.html") if "Новость 4" in p.read_text())
    page.write_bytes(page.read_bytes().replace("Новость 4".encode(), "Подделка".encode()))
    (output / "stray.html").write_text("<p>не из сборки</p>", encoding="utf-8")
    (output / "press-releases/empty").mkdir()
    files["content/press-releases/n1.md"] = approved("Новость 1, исправленная")
    materialise(site, files)
    assert build(site, NOW, output).ok  # the touched tree is now the spare
    assert (site / ".output.spare/stray.html").is_file()
    del files["content/press-releases/n3.md"]  # and one page goes: the spare still has it
    files["content/press-releases/n2.md"] = approved("Новость 2, исправленная")
    materialise(site, files)
    assert build(site, NOW, output).ok  # staged into the touched spare
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(output) == tree(tmp_path / "clean")


def test_preview_keeps_page_keys_over_a_rebuild_that_finds_its_folder_current(tmp_path: Path) -> None:
    """A rebuild that changes nothing (a file saved as it was) renders no page, so it asks
    for none of the pages' keys; they must stay remembered for the next real edit."""
    site = tmp_path / "site"
    site.mkdir()
    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in range(4)}
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    assert preview_step(preview, site, files)
    memory = preview.store.memory
    assert memory is not None
    kept = {name for name in memory if name[0] == "keys"}
    assert preview_step(preview, site, files)  # nothing changed: the folder is current
    assert kept <= set(memory)


def test_watcher_reports_rewritten_markdown_files_and_nothing_finer_than_that(tmp_path: Path) -> None:
    """The preview server lists content/ from its watcher's reports only while those are
    Markdown files rewritten in place; any other change to content/ makes it list anew."""
    from watchdog.events import (
        DirModifiedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    from site_builder.commands.serve import _Changes

    told: list[str | None] = []
    pokes: list[int] = []
    changes = _Changes(tmp_path, lambda: pokes.append(1), told.append)
    content = tmp_path / "content" / "press-releases"

    def heard(event) -> list[str | None]:
        told.clear()
        changes.on_any_event(event)
        return list(told)

    assert heard(FileModifiedEvent(str(content / "a.md"))) == ["press-releases/a.md"]
    assert heard(FileClosedEvent(str(content / "a.md"))) == ["press-releases/a.md"]
    assert heard(DirModifiedEvent(str(content))) == []
    assert heard(FileCreatedEvent(str(content / "b.md"))) == [None]
    assert heard(FileDeletedEvent(str(content / "a.md"))) == [None]
    assert heard(FileMovedEvent(str(content / ".a.md.swp"), str(content / "a.md"))) == [None]
    assert heard(FileModifiedEvent(str(content / "doc" / "prikaz.pdf"))) == [None]
    assert heard(FileCreatedEvent(str(content / "doc" / "prikaz.pdf~"))) == [None]  # listed: published
    assert heard(FileModifiedEvent(str(content / ".a.md.swp"))) == []  # never listed
    pokes.clear()
    assert heard(FileModifiedEvent(str(tmp_path / "templates" / "base.html"))) == []
    assert pokes == [1]


def test_preview_finds_and_builds_a_change_its_watcher_did_not_report(tmp_path: Path) -> None:
    """A rebuild lists content/ from the watcher's reports; after it, the preview checks
    content/ against that listing and, if the watcher missed a change, builds again from
    a full listing — ending as a clean build does."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(CONFIG.format(extra="", title="Пресс-служба"), encoding="utf-8")
    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in range(3)}
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    preview.watched = True
    preview.touch(None)
    assert preview_step(preview, site, files)
    assert not preview.pending.is_set()
    page = tmp_path / "preview" / "press-releases" / "n1" / "index.html"
    (site / "content/press-releases/n1.md").write_text(approved("Новость незамеченная"), encoding="utf-8")
    assert preview.rebuild()  # nothing reported: the listing is the last one
    assert "Новость незамеченная" not in page.read_text()
    preview.settle()
    assert preview.pending.is_set() and preview.touched is None
    preview.pending.clear()  # as its loop does before each rebuild
    assert preview.rebuild()
    preview.settle()
    assert not preview.pending.is_set()
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")
    assert "Новость незамеченная" in page.read_text()


def test_preview_keeps_the_watchers_reports_over_a_build_stopped_by_the_settings(tmp_path: Path) -> None:
    """A build that stops at config.yaml lists no content: what the watcher reported
    meanwhile must still be looked at by the build after the settings are mended."""
    site = tmp_path / "site"
    site.mkdir()
    config = CONFIG.format(extra="", title="Пресс-служба")
    (site / "config.yaml").write_text(config, encoding="utf-8")
    files = {f"content/press-releases/n{n}.md": approved(f"Новость {n}") for n in range(3)}
    preview = Preview(site, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    preview.watched = True
    preview.touch(None)
    assert preview_step(preview, site, files)
    (site / "config.yaml").write_text("site: [\n", encoding="utf-8")
    draft = files["content/press-releases/n1.md"].replace("status: approved", "status: draft")
    (site / "content/press-releases/n1.md").write_text(draft, encoding="utf-8")
    preview.touch("press-releases/n1.md")
    for _ in range(2):  # the failed build, and the one settle may ask for
        preview.pending.clear()
        assert not preview.rebuild()
        preview.settle()
    (site / "config.yaml").write_text(config, encoding="utf-8")  # no content reported now
    preview.pending.clear()
    assert preview.rebuild()
    assert not (tmp_path / "preview" / "press-releases" / "n1").exists()
    assert build(site, NOW, tmp_path / "clean", session=Session.of(site, 1, False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")

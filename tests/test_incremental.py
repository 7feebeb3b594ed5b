"""A build that reuses .site-cache and the previous output equals a clean build, byte for byte.

Random edit sequences (add, edit, delete, rename, template change, config change) are
applied to a scratch site; after every step the cached, incremental build is compared
with a clean build of the same tree made without any cache.
"""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from site_builder.build import build

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
CONFIG = """\
site:
  title: "Пресс-служба"
  base_url: "https://press.example.org/"
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
{extra}
"""
TAGS = ["дороги", "автобусы", "культура", "бюджет", "школы"]


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


def item(rng: random.Random, n: int) -> str:
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    status = rng.choice(["approved", "approved", "approved", "draft", "review"])
    tags = rng.sample(TAGS, rng.randint(0, 3))
    return (
        "---\n"
        f'title: "Новость номер {n} — {rng.randint(0, 10**6)}"\n'
        f"date: 2026-{month:02d}-{day:02d}T10:00\n"
        f'summary: "Кратко о событии {n}."\n'
        f"division: {rng.choice(['transport', 'culture'])}\n"
        "author: ps-transport\n"
        f"tags: [{', '.join(tags)}]\n"
        f"status: {status}\n"
        "approval:\n"
        "  by: pr-head\n"
        f"  at: 2026-{month:02d}-{day:02d}T09:00\n"
        "---\n\n"
        f"Текст новости {n}. {rng.random()}\n\n## Подробности\n\n- пункт\n- ещё пункт\n"
    )


def materialise(root: Path, files: dict[str, str]) -> None:
    if (root / "content").exists():
        shutil.rmtree(root / "content")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


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
    extra = ""
    now = NOW
    for step in range(10):
        action = rng.choice(["add", "edit", "delete", "rename", "template", "config", "nothing", "time"])
        names = sorted(files)
        if action == "add" or not names:
            counter += 1
            files[f"content/press-releases/n{counter}.md"] = item(rng, counter)
        elif action == "edit":
            files[rng.choice(names)] = item(rng, rng.randint(100, 200))
        elif action == "delete" and len(names) > 1:
            del files[rng.choice(names)]
        elif action == "rename":
            old = rng.choice(names)
            counter += 1
            files[f"content/press-releases/renamed-{counter}.md"] = files.pop(old)
        elif action == "template":
            files["templates/partials/footer_extra.html"] = f"<p>Шаг {step}: {rng.random()}</p>\n"
        elif action == "config":
            extra = f"calendar:\n  country: {rng.choice(['KG', 'RU'])}\n"
        elif action == "time":  # scheduled builds: embargoes lift, events stop being upcoming
            now += rng.choice([timedelta(minutes=rng.randint(10, 70)), timedelta(days=rng.randint(1, 40))])
        materialise(site, files)
        (site / "config.yaml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
        incremental = build(site, now, site / "output", jobs=2)
        clean = build(site, now, tmp_path / f"clean-{step}", jobs=1, use_cache=False)
        assert incremental.ok == clean.ok, (action, [p.code for p in incremental.problems])
        if clean.ok:
            assert tree(site / "output") == tree(tmp_path / f"clean-{step}"), f"step {step}: {action}"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2026-11-22T12:40:00+06:00", "2026-11-22T12:50:00+06:00"),  # a correction becomes public
        ("2026-11-22T13:50:00+06:00", "2026-11-22T14:10:00+06:00"),  # the event stops being upcoming
        ("2026-11-22T23:50:00+06:00", "2026-11-23T00:10:00+06:00"),  # a new day
    ],
)
def test_rebuild_later_the_same_day_equals_clean_build(tmp_path: Path, first: str, second: str) -> None:
    """Scheduled builds every few minutes: output that depends on the time must follow it."""
    site = tmp_path / "site"
    site.mkdir()
    materialise(site, {"content/announcements/briefing.md": EVENT})
    (site / "config.yaml").write_text(CONFIG.format(extra=""), encoding="utf-8")
    assert build(site, datetime.fromisoformat(first), site / "output").ok
    later = datetime.fromisoformat(second)
    assert build(site, later, site / "output").ok
    assert build(site, later, tmp_path / "clean", use_cache=False).ok
    assert tree(site / "output") == tree(tmp_path / "clean")

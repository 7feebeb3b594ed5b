"""The site view's mutants that survived the tests that build sites (tests/MUTANTS.md).

`collisions` refuses a build whose attachments or calendars would land where the site
writes its own files; `plan_completion` is the per-division score on a plan's page.
The build tests reach both but never with a clash deep enough, nor with a plan whose
rows the score tells apart, so these check them directly.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sitekit import config_text

from site_builder.config import parse_config
from site_builder.site import collisions, plan_completion

CONFIG = parse_config(config_text())
SITE = SimpleNamespace(config=CONFIG)


def clashes(planned: list[tuple[str, str | None]]) -> list[tuple[str, dict[str, str]]]:
    return [(p.path, dict(p.args)) for p in collisions(SITE, planned)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("site_file", "path"),
    [
        ("a", "a/x.pdf"),  # the folder one level up is a file of the site's
        ("a", "a/b/c/x.pdf"),  # three levels up
        ("a/b", "a/b/x.pdf"),
        ("a/b", "a/b/c/x.pdf"),
        ("news/2026", "news/2026/11/x.ics"),
    ],
)
def test_a_site_file_where_an_entry_needs_a_folder_is_a_collision(site_file, path):
    assert clashes([(path, "content/x.md"), (site_file, None)]) == [
        (
            "content/x.md",
            {"name": path.rsplit("/", 1)[-1], "url": "/" + path, "other": "/" + site_file},
        )
    ]


def test_a_folder_the_site_claims_whole_is_a_collision_at_any_depth():
    assert clashes([("static/js/x.pdf", "content/x.md"), ("static/", None)]) == [
        ("content/x.md", {"name": "x.pdf", "url": "/static/js/x.pdf", "other": "/static/"})
    ]


def test_files_beside_the_site_files_do_not_collide():
    # "a" is a file of the site's, "ab/" another folder; "a/b" a file, "a/bc/" another folder
    assert clashes([("ab/x.pdf", "content/x.md"), ("a", None)]) == []
    assert clashes([("a/bc/x.pdf", "content/y.md"), ("a/b", None), ("a/b/c.html", None)]) == []


def row(responsible: str, state: str) -> dict:
    return {"entry": SimpleNamespace(responsible=responsible), "state": state}


def test_plan_completion_counts_done_among_due_per_division():
    rows = [
        row("petrov", "done"),  # a person counts for their division (transport)
        row("transport", "overdue"),
        row("transport", "done"),
        row("education", "overdue"),
        row("education", "planned"),  # not yet due
        row("pr", "cancelled"),  # not due at all
        row("Подрядчик", "done"),  # neither a person nor a division: counted under the name given
    ]
    assert plan_completion(rows, CONFIG) == [
        {"name": "Отдел по связям с общественностью", "done": 0, "due": 0, "percent": None},
        {"name": "Подрядчик", "done": 1, "due": 1, "percent": 100},
        {"name": "Управление образования", "done": 0, "due": 1, "percent": 0},
        {"name": "Управление транспорта", "done": 2, "due": 3, "percent": 67},
    ]

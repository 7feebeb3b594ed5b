"""The site view's mutants that survived the tests that build sites (tests/MUTANTS.md).

`collisions` refuses a build whose attachments or calendars would land where the site
writes its own files; `plan_completion` is the per-division score on a plan's page.
The build tests reach both but never with a clash deep enough, nor with a plan whose
rows the score tells apart, so these check them directly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sitekit import announcement_fields, config_text, make_site
from sitekit import item as sitekit_item

from site_builder.build import build, check
from site_builder.judge.verdict import State, Verdict
from site_builder.load import markdown
from site_builder.load.config import parse_config
from site_builder.load.content import parse
from site_builder.load.discover import read_source
from site_builder.load.model import Announcement, MediaPlan, Period, Rebuttal
from site_builder.speed.session import Session
from site_builder.view.collisions import collisions
from site_builder.view.publish import as_of, build_site, public_face
from site_builder.view.site import Site, plan_completion

CONFIG = parse_config(config_text())
SITE = SimpleNamespace(config=CONFIG)
NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")


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


PLAN_CONFIG = """\
site:
  title: Пресс-служба
  base_url: https://press.example.kg/
  timezone: Asia/Bishkek
  language: ru
  languages: [ru, ky]
divisions:
  - {id: pr, name: Отдел}
people:
  - {id: chief, name: Начальник, roles: [pr_department], division: pr}
  - {id: writer, name: Автор, division: pr}
rules:
  kyrgyz_first: false
  types:
    press-release: {approval_hash: optional}
    media-plan: {approval_hash: optional}
"""


def release(title: str) -> str:
    return f"""---
title: {title}
date: 2026-11-03T10:00:00+06:00
author: writer
status: approved
approval: {{by: chief, at: "2026-11-03T09:00:00+06:00"}}
---
Текст.
"""


def plan(lang: str, rows: str) -> str:
    return f"""---
title: План {lang}
lang: {lang}
date: 2026-11-01T10:00:00+06:00
author: writer
status: approved
approval: {{by: chief, at: "2026-11-01T09:00:00+06:00"}}
period: {{from: 2026-11-01, to: 2026-11-30}}
entries:
{rows}---
План.
"""


def test_plan_rows_state_and_result_per_plan_and_language(tmp_path):
    """Each plan's rows are its own (two plans, one per language); a row's result is the
    published item in the plan's language when it has a translation, and its `ref` may
    name the file with its content/ folder; done, cancelled, overdue and planned rows."""
    ky_rows = (
        "  - {date: 2026-11-03, channel: site, outlet: Сайт, topic: Т1, responsible: pr,"
        " ref: content/press-releases/p.md}\n"  # the Russian file: its Kyrgyz translation is the result
        "  - {date: 2026-11-04, channel: site, outlet: Сайт, topic: Т2, responsible: pr,"
        " ref: press-releases/q.md}\n"
        "  - {date: 2026-11-05, channel: media, outlet: ТВ, topic: Т3, responsible: pr, status: cancelled}\n"
        "  - {date: 2026-11-06, channel: media, outlet: ТВ, topic: Т4, responsible: pr, status: done}\n"
        "  - {date: 2026-11-07, channel: media, outlet: ТВ, topic: Т5, responsible: pr}\n"
        "  - {date: 2026-11-29, channel: media, outlet: ТВ, topic: Т6, responsible: pr}\n"
    )
    ru_rows = (
        "  - {date: 2026-11-08, channel: media, outlet: ТВ, topic: Р1, responsible: pr, status: cancelled}\n"
    )
    root = tmp_path / "site"
    files = {
        "config.yaml": PLAN_CONFIG,
        "content/press-releases/p.md": release("Релиз"),
        "content/press-releases/p.ky.md": release("Релиз ky"),
        "content/press-releases/q.md": release("Только по-русски"),
        "content/media-plans/m.ky.md": plan("ky", ky_rows),
        "content/media-plans/m.md": plan("ru", ru_rows),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = build(root, NOW)
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    found = {}
    for csv_file in sorted((root / "output").rglob("media-plan.csv")):
        for r in csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))):
            found[r["topic"]] = (r["state"], r["result_url"])
    site = "https://press.example.kg"
    assert found == {
        "Т1": ("done", site + "/ky/press-releases/p/"),
        "Т2": ("done", site + "/press-releases/q/"),  # no Kyrgyz translation: the Russian one
        "Т3": ("cancelled", ""),
        "Т4": ("done", ""),
        "Т5": ("overdue", ""),
        "Т6": ("planned", ""),
        "Р1": ("cancelled", ""),
    }


@pytest.mark.parametrize("kind", ["press-releases", "announcements", "rebuttals", "media-plans"])
def test_public_face_keeps_only_title_dates_and_reason(tmp_path, kind):
    """`public_face` itself, field by field: the outputs also hide some of these (templates
    test `withdrawn`), so the build tests alone let a field slip through here unnoticed."""
    from test_withdrawn_face import withdrawn_item

    text = withdrawn_item(kind).replace(
        "status: withdrawn", "translation_exception: Только по-русски\nstatus: withdrawn"
    )
    text = text.replace("  kind: press_conference\n", "  kind: press_conference\n  status: cancelled\n")
    text += "\n![Фото](photo.png) и [другая новость](../../press-releases/other.md)\n"
    root = make_site(
        tmp_path,
        {
            f"content/{kind}/w/index.md": text,
            f"content/{kind}/w/photo.png": b"\x89PNG\r\n\x1a\n",
            f"content/{kind}/w/vlozhenie-skryto-{kind}.pdf": b"%PDF-1.4",
            "content/press-releases/other.md": sitekit_item("Другая"),
        },
    )
    config = parse_config((root / "config.yaml").read_text(encoding="utf-8"))
    source, problems = read_source(root / "content", f"{kind}/w/index.md")
    assert source is not None, problems
    parsed, problems = parse(source, config, markdown.make_parser())
    assert parsed is not None, problems
    meta = parsed.meta
    assert meta.summary and meta.tags and meta.image and meta.image_alt and meta.corrections  # all set
    assert meta.division and meta.author and meta.translation_exception and parsed.attachments and parsed.html
    assert parsed.md_links and parsed.images

    face = public_face(parsed)
    shown = face.meta
    assert (shown.title, shown.date, shown.withdrawn) == (meta.title, meta.date, meta.withdrawn)
    assert (face.source, face.lang, face.key, face.slug) == (
        parsed.source,
        parsed.lang,
        parsed.key,
        parsed.slug,
    )
    assert (shown.summary, shown.tags, shown.image, shown.image_alt, shown.corrections) == (
        "",
        [],
        None,
        None,
        [],
    )
    assert (shown.division, shown.author, shown.translation_exception) == (None, None, None)
    assert (face.attachments, face.md_links, face.images, face.html) == ((), (), (), "")
    if isinstance(meta, Announcement):
        event, was = shown.event, meta.event
        assert (event.kind, event.starts, event.ends, event.status) == (
            was.kind,
            was.starts,
            was.ends,
            was.status,
        )
        assert was.status == "cancelled" or kind != "announcements"
        assert not event.location and not event.speakers and not event.changes
    if isinstance(meta, Rebuttal):
        assert meta.original and meta.facts
        assert (shown.original, shown.facts) == (None, [])
    if isinstance(meta, MediaPlan):
        assert meta.entries and shown.entries == []


def test_links_to_other_items_resolve_to_their_pages_or_become_text(tmp_path):
    """A link to a published item becomes its URL (with the fragment, or none); a link to an
    unpublished one only its text: neither a URL nor the `sb-ref:` placeholder is left."""
    body = "См. [раз](b.md#part), [два](b.md) и [три](c.md).\n"
    root = make_site(
        tmp_path,
        {
            "content/press-releases/a.md": sitekit_item("Первая", body=body),
            "content/press-releases/b.md": sitekit_item("Вторая"),
            "content/press-releases/c.md": sitekit_item("Черновик", status="draft"),
        },
    )
    result = build(root, NOW)
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    page = (root / "output/press-releases/a/index.html").read_text(encoding="utf-8")
    assert '<a href="/press-releases/b/#part">раз</a>' in page
    assert '<a href="/press-releases/b/">два</a>' in page
    assert " и три." in page
    assert "sb-ref:" not in page and "press-releases/c" not in page


def parse_one(tmp_path, rel: str, text: str):
    root = make_site(tmp_path, {f"content/{rel}": text})
    config = parse_config((root / "config.yaml").read_text(encoding="utf-8"))
    source, problems = read_source(root / "content", rel)
    assert source is not None, problems
    parsed, problems = parse(source, config, markdown.make_parser())
    assert parsed is not None, problems
    return parsed


def test_as_of_keeps_notes_up_to_exactly_now_when_a_later_one_is_left_out(tmp_path):
    """The notes at exactly `now` are out (`<=`) also when a later note makes `as_of` filter:
    the boundary tests have one note at `now` and none after it, which returns the item whole."""
    at = "2026-11-21T10:00:0{}+06:00"
    event = announcement_fields()["event"]
    event["changes"] = [{"at": at.format(0), "note": "Перенос 1"}, {"at": at.format(1), "note": "Перенос 2"}]
    text = sitekit_item(
        "Анонс",
        status="withdrawn",
        event=event,
        corrections=[{"at": at.format(0), "note": "П1"}, {"at": at.format(1), "note": "П2"}],
        withdrawn={"at": at.format(0), "reason": "Отменено"},
    )
    parsed = parse_one(tmp_path, "announcements/a.md", text)
    now = datetime.fromisoformat(at.format(0))
    shown = as_of(parsed, now).meta
    assert [c.note for c in shown.corrections] == ["П1"]
    assert [c.note for c in shown.event.changes] == ["Перенос 1"]
    assert shown.withdrawn is not None and shown.withdrawn.reason == "Отменено"
    earlier = as_of(parsed, datetime.fromisoformat("2026-11-21T09:59:59+06:00")).meta
    assert earlier.corrections == [] and earlier.event.changes == [] and earlier.withdrawn is None


def test_the_current_plan_is_the_one_whose_period_has_today_in_the_site_s_time_zone():
    """The home page's plan: not a withdrawn one, not merely the newest; `today` is the
    site's date (02:00 on 1 December in Bishkek is still 30 November in UTC), from the
    period's first day on."""

    def plan(name: str, start: date, end: date, withdrawn: bool = False) -> SimpleNamespace:
        period = Period.model_construct(from_=start, to=end)
        meta = MediaPlan.model_construct(title=name, period=period)
        return SimpleNamespace(lang="ru", kind="media-plan", withdrawn=withdrawn, meta=meta)

    entries = [
        plan("отозван", date(2026, 12, 1), date(2026, 12, 31), withdrawn=True),
        plan("ноябрь", date(2026, 11, 1), date(2026, 11, 30)),
        plan("декабрь", date(2026, 12, 1), date(2026, 12, 31)),
    ]
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # 1 December, 02:00 in Bishkek
    site = Site(CONFIG, now, entries, {}, {})  # type: ignore[arg-type]
    assert site.current_plan("ru").meta.title == "декабрь"


def test_pages_of_another_language_describe_the_site_in_that_language(tmp_path):
    """JSON-LD, Open Graph and the subscribe page are worked out per language (the build tests
    have one language, where a lost or shared `lang` shows nothing)."""
    config = PLAN_CONFIG.replace(
        "  languages: [ru, ky]\n", "  languages: [ru, ky]\n  titles: {ky: Басма сөз кызматы}\n"
    )
    root = tmp_path / "site"
    files = {
        "config.yaml": config,
        "content/press-releases/p.md": release("Релиз"),
        "content/press-releases/p.ky.md": release("Релиз ky"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = build(
        root, NOW, root / "output", session=Session.of(root, 1)
    )  # one process: one Site for both languages
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    out = root / "output"
    page = (out / "ky/press-releases/p/index.html").read_text(encoding="utf-8")
    assert 'content="ky_KG"' in page
    ld = page[page.index('<script type="application/ld+json">') :]
    assert "Басма сөз кызматы" in ld[: ld.index("</script>")]
    ky, ru = ((out / d / "subscribe/index.html").read_text(encoding="utf-8") for d in ("ky", "."))
    assert "/ky/feeds/" in ky and "/ky/feeds/" not in ru


def test_an_edit_of_a_translated_item_renders_its_page_again(tmp_path):
    """An entry's key holds its own state and its translations' (`Site.seal`): with only the
    translations', a cached rebuild would keep the page of an edited item that has one."""
    root = tmp_path / "site"
    files = {
        "config.yaml": PLAN_CONFIG,
        "content/press-releases/p.md": release("Релиз"),
        "content/press-releases/p.ky.md": release("Релиз ky"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert build(root, NOW, session=Session.of(root, 1)).ok
    (root / "content/press-releases/p.md").write_text(release("Релиз").replace("Текст.", "Новый текст."))
    assert build(root, NOW, session=Session.of(root, 1)).ok
    assert "Новый текст." in (root / "output/press-releases/p/index.html").read_text(encoding="utf-8")


def test_as_of_leaves_out_the_one_note_after_now(tmp_path):
    """Two notes, one at `now` and one a second later: the later one is left out (the
    check must look at the last note, not any earlier one)."""
    at = "2026-11-21T10:00:0{}+06:00"
    text = sitekit_item(
        "Новость", corrections=[{"at": at.format(0), "note": "П1"}, {"at": at.format(1), "note": "П2"}]
    )
    parsed = parse_one(tmp_path, "press-releases/a.md", text)
    shown = as_of(parsed, datetime.fromisoformat(at.format(0))).meta
    assert [c.note for c in shown.corrections] == ["П1"]


def test_the_view_keeps_tag_slugs_translation_order_and_the_media_register(tmp_path):
    """A tag with no letters for a slug is `tag`; an entry's translations follow the site's
    language order, not the files' order; the media requests' register reaches the site."""
    config = PLAN_CONFIG.replace("  languages: [ru, ky]\n", "  languages: [ru, ky, en]\n")
    root = tmp_path / "site"
    files = {
        "config.yaml": config,
        "content/press-releases/p/index.md": release("Релиз").replace(
            "status: approved", "tags: ['!!!', вода]\nstatus: approved"
        ),
        "content/press-releases/p/index.ky.md": release("Релиз ky"),
        "content/press-releases/p/index.en.md": release("Release"),
        "content/media-requests/r.md": "---\nreceived: 2026-11-20\noutlet: Газета\ntopic: Тема\n---\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = check(root, NOW, Session.of(root, 1))
    assert result.ok and result.site is not None, result.problems
    site = result.site
    ru = site.by_source["press-releases/p/index.md"]
    assert [(t.slug, t.name) for t in ru.tags] == [("tag", "!!!"), ("voda", "вода")]
    assert [e.lang for e in ru.translations] == ["ky", "en"]
    assert [e.lang for e in site.by_source["press-releases/p/index.en.md"].translations] == ["ru", "ky"]
    assert site.media_requests.total.received == 1


def test_a_site_where_nothing_moved_reuses_the_last_site_s_entries(tmp_path):
    """The preview server's rebuild (`build_site(…, last=…)`): when no entry moved, the last
    site's entries, tags and groupings are taken over with this build's time and media
    register; a change of settings makes new ones."""
    root = tmp_path / "site"
    files = {
        "config.yaml": PLAN_CONFIG,
        "content/press-releases/p/index.md": release("Релиз").replace(
            "status: approved", "tags: [вода]\nstatus: approved"
        ),
        "content/press-releases/q.md": release("Второй"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = check(root, NOW, Session.of(root, 1))
    assert result.ok and result.site is not None, result.problems
    last = result.site
    items = [entry.item for entry in last.entries]
    later = datetime.fromisoformat("2026-11-22T13:00:00+06:00")
    media = last.media_requests
    again = build_site(items, result.judgement, result.config, later, media, last)
    assert again.entries is last.entries and again.by_source is last.by_source
    assert again.tags is last.tags and again._placed is last._placed
    assert again.config is result.config and again.now == later and again.media_requests is media
    other = result.config.model_copy(
        update={"site": result.config.site.model_copy(update={"title": "Другой"})}
    )
    moved = build_site(items, result.judgement, other, later, media, last)
    assert moved.entries is not last.entries and [e.title for e in moved.entries] == [
        e.title for e in last.entries
    ]
    assert moved.config is other


def test_a_rebuild_takes_an_edit_in_and_rebuilds_what_moved(tmp_path):
    """`_moved`: an edit that changes no place (the text) keeps the last site's entries, the
    entry given its new item and forgetting what it showed; a withdrawal, or an edit of
    the date, tags or division, makes new entries.  The entries' keys and preview marks
    are set again by the build."""
    root = tmp_path / "site"
    q = release("Второй")
    files = {
        "config.yaml": PLAN_CONFIG,
        "content/press-releases/p.md": release("Релиз").replace(
            "status: approved", "tags: [вода]\nstatus: approved"
        ),
        "content/press-releases/q.md": q,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = check(root, NOW, Session.of(root, 1))
    assert result.ok and result.site is not None, result.problems
    config, judgement = result.config, result.judgement

    def fresh():
        site = build_site(result.items, judgement, config, NOW)
        for entry in site.entries:
            entry.key, entry.preview = "k", "p"
        return site

    def edited(text: str):
        (root / "content/press-releases/q.md").write_text(text, encoding="utf-8")
        source, problems = read_source(root / "content", "press-releases/q.md")
        assert source is not None, problems
        item, problems = parse(source, config, markdown.make_parser())
        assert item is not None, problems
        return [item if i.source == "press-releases/q.md" else i for i in result.items], item

    last = fresh()
    entry = last.by_source["press-releases/q.md"]
    assert "Текст." in entry.html  # worked out once, kept by the entry
    items, item = edited(q.replace("Текст.", "Новый текст."))
    again = build_site(items, judgement, config, NOW, None, last)
    assert again.entries is last.entries and entry.item is item and entry.updated == item.updated
    assert "Новый текст." in entry.html
    last = fresh()
    entry = last.by_source["press-releases/q.md"]
    assert entry.title == "Второй"  # worked out once, kept by the entry
    items, item = edited(q.replace("title: Второй", "title: Третий"))
    assert build_site(items, judgement, config, NOW, None, last).entries is last.entries
    assert entry.title == "Третий"  # forgotten, worked out again
    assert all((e.key, e.preview) == ("", None) for e in last.entries)

    for change in (
        q.replace("date: 2026-11-03T10:00:00+06:00", "date: 2026-11-03T10:00:01+06:00"),
        q.replace("status: approved", "tags: [новое]\nstatus: approved"),
        q.replace("author: writer", "author: writer\ndivision: pr"),
        q.replace("author: writer", "author: writer\nslug: drugoi"),
        q.replace("author: writer", "author: writer\nlang: ky"),
    ):
        last = fresh()
        items, _ = edited(change)
        assert build_site(items, judgement, config, NOW, None, last).entries is not last.entries, change
    last = fresh()
    withdrawn = dataclasses.replace(
        judgement, verdicts={**judgement.verdicts, "press-releases/q.md": Verdict(State.WITHDRAWN)}
    )
    assert build_site(result.items, withdrawn, config, NOW, None, last).entries is not last.entries

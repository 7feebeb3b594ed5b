"""RSS and Atom (outputs/feeds.py) checked directly on a checked site's view: which feeds a
language has and in what order, each feed's own fields, each entry's fields and enclosures,
a withdrawn entry's notice, corrections, and an empty feed's date.

The feed tests build whole sites and look at a few fields; the mutation run
(tests/MUTANTS.md) found the rest unchecked.  One `check` (no rendering) per module, then
`build_feed` for each feed: fast and in-process, the module's mutation selection.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import attachkit
import feedparser
import pytest
from sitekit import make_site

from site_builder.build import check
from site_builder.outputs import Context, feeds, jsonfeed
from site_builder.speed.session import Session

NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")
ATOM = "{http://www.w3.org/2005/Atom}"
CONFIG = """\
site:
  title: Пресс-служба
  base_url: https://press.example.kg/
  timezone: Asia/Bishkek
  language: ru
  languages: [ru, ky]
  titles: {ky: Басма сөз}
  description: Новости мэрии
  feed_size: 3
divisions:
  - {id: pr, name: Отдел, names: {ky: Бөлүм}}
  - {id: empty, name: Пустой}
  - {id: transport, name: Транспорт}
people:
  - {id: chief, name: Начальник, roles: [pr_department], division: pr}
  - {id: writer, name: Автор, division: pr}
rules:
  kyrgyz_first: false
  types:
    press-release: {approval_hash: optional}
    announcement: {approval_hash: optional}
"""


def release(title: str, day: int, extra: str = "", body: str = "Текст.\n") -> str:
    return f"""---
title: {title}
date: 2026-11-{day:02d}T10:00:00+06:00
author: writer
{extra}status: approved
approval: {{by: chief, at: "2026-11-{day:02d}T09:00:00+06:00"}}
---
{body}"""


FILES = {
    "config.yaml": CONFIG,
    "content/press-releases/old.md": release("Старый", 1, "division: transport\n"),
    "content/press-releases/a/index.md": release(
        "Вода",
        10,
        "summary: Вода & <b>свет</b>\ntags: [вода, Город]\ndivision: pr\n"
        "corrections:\n  - {at: 2026-11-11T09:30:00+06:00, note: Время <i>исправлено</i> & уточнено}\n",
        "См. [отчёт](report.pdf) и [схему](/press-releases/old/).\n",
    ),
    "content/press-releases/a/report.pdf": attachkit.MINI_PDF,
    "content/press-releases/a/plan.png": attachkit.png(),
    "content/press-releases/gone.md": release(
        "Отозван",
        12,
        "summary: Скрытое\ntags: [тайна]\ndivision: pr\n"
        "withdrawn: {at: 2026-11-13T10:00:00+06:00, reason: Ошибка <script>x</script> & всё}\n",
    ).replace("status: approved", "status: withdrawn"),
    "content/press-releases/new.md": release("Новый", 14),
    "content/press-releases/a/index.ky.md": release(
        "Суу",
        10,
        "lang: ky\ndivision: pr\ncorrections:\n  - {at: 2026-11-11T09:00:00+06:00, note: Биринчи}\n"
        "  - {at: 2026-11-11T09:30:00+06:00, note: Экинчи}\n",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = make_site(tmp_path_factory.mktemp("feeds"), FILES)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    result = check(root, NOW, Session.of(root, 1))
    assert result.ok and result.site is not None, result.problems
    return result.site


def spec(site, lang: str, stem: str) -> feeds.FeedSpec:
    [found] = [s for s in feeds.feed_specs(site, lang) if s.stem == stem]
    return found


def parsed(site, lang: str, stem: str) -> tuple[feedparser.FeedParserDict, feedparser.FeedParserDict]:
    rss, atom = feeds.build_feed(site, spec(site, lang, stem))
    return feedparser.parse(rss), feedparser.parse(atom)


def test_each_language_has_its_feeds_in_order(site) -> None:
    ru = [(s.stem, s.title, s.group, s.lang) for s in feeds.feed_specs(site, "ru")]
    assert ru == [
        ("all", "Все публикации", "all", "ru"),
        ("press-releases", "Пресс-релизы", "type", "ru"),
        ("rebuttals", "Опровержения", "type", "ru"),
        ("announcements", "Анонсы", "type", "ru"),
        ("media-plans", "Медиапланы", "type", "ru"),
        ("questions", "Вопросы и ответы", "type", "ru"),
        ("divisions/pr", "Отдел", "division", "ru"),  # config order; no feed for a division without items
        ("divisions/transport", "Транспорт", "division", "ru"),
        ("tags/gorod", "#Город", "tag", "ru"),  # by slug; a withdrawn item's tags are gone
        ("tags/voda", "#вода", "tag", "ru"),
    ]
    ky = [(s.stem, s.title, s.group) for s in feeds.feed_specs(site, "ky")]
    assert ky[0] == ("all", "Бардык жарыялоолор", "all") and ky[1][0] == "press-releases"
    assert [s.lang for s in feeds.feed_specs(site, "ky")] == ["ky"] * len(ky)
    assert ky[6:] == [("divisions/pr", "Бөлүм", "division")]  # its name in Kyrgyz; no tags in ky


def test_a_division_s_feed_is_named_in_the_language(site) -> None:
    data = {s.stem: s for s in feeds.feed_specs(site, "ru")}
    assert data["divisions/pr"].title == "Отдел"
    assert [e.title for e in data["divisions/pr"].entries] == ["Вода"]  # a withdrawn item has none
    assert [e.title for e in data["tags/voda"].entries] == ["Вода"]
    assert [e.title for e in data["all"].entries] == ["Новый", "Отозван", "Вода", "Старый"]


def test_listing_and_feed_urls(site) -> None:
    assert feeds.listing_url(site, spec(site, "ru", "all")) == "https://press.example.kg/"
    assert feeds.listing_url(site, spec(site, "ky", "all")) == "https://press.example.kg/ky/"
    assert feeds.listing_url(site, spec(site, "ru", "tags/voda")) == "https://press.example.kg/tags/voda/"
    assert (
        feeds.listing_url(site, spec(site, "ky", "press-releases"))
        == "https://press.example.kg/ky/press-releases/"
    )
    assert feeds.feed_url(site, spec(site, "ky", "all"), "atom") == "/ky/feeds/all.atom.xml"
    assert feeds.feed_url(site, spec(site, "ru", "divisions/pr"), "rss") == "/feeds/divisions/pr.rss.xml"


def test_feed_links_and_the_page_s_feeds(site) -> None:
    links = feeds.feed_links(site, "ru")
    assert links[0] == {
        "title": "Все публикации",
        "group": "all",
        "stem": "all",
        "count": 4,
        "rss": "/feeds/all.rss.xml",
        "atom": "/feeds/all.atom.xml",
    }
    assert [link["count"] for link in links] == [4, 4, 0, 0, 0, 0, 1, 1, 1, 1]
    head = feeds.page_feeds(site, "ru")
    assert head == [{k: v for k, v in link.items() if k != "count"} for link in links[:6]]
    assert feeds.HEAD_GROUPS == ("all", "type")


def test_paths_are_every_feed_in_both_formats(site) -> None:
    paths = list(feeds.paths(site, Path("/nowhere")))
    assert ("feeds/all.rss.xml", None) in paths and ("feeds/all.atom.xml", None) in paths
    assert ("ky/feeds/press-releases.atom.xml", None) in paths
    assert ("feeds/tags/gorod.rss.xml", None) in paths
    count = len(feeds.feed_specs(site, "ru")) + len(feeds.feed_specs(site, "ky"))
    assert len(paths) == len(set(paths)) == 2 * count


def test_a_feed_is_dated_by_its_newest_entry_among_those_it_carries(site) -> None:
    assert feeds.feed_updated(site, spec(site, "ru", "all")) == datetime.fromisoformat(
        "2026-11-14T10:00:00+06:00"
    )
    # the withdrawal (13th) is the newest change of the type's feed
    assert feeds.feed_updated(site, spec(site, "ru", "divisions/transport")) == datetime.fromisoformat(
        "2026-11-01T10:00:00+06:00"
    )
    # the correction (11th) of the tag's one entry
    assert feeds.feed_updated(site, spec(site, "ru", "tags/voda")) == datetime.fromisoformat(
        "2026-11-11T09:30:00+06:00"
    )


def test_only_the_first_entries_up_to_the_feed_size_count(site) -> None:
    rss, atom = parsed(site, "ru", "all")
    assert [e.title for e in rss.entries] == ["Новый", "[Отозвано] Отозван", "Вода"]  # feed_size: 3
    assert [e.title for e in atom.entries] == ["Новый", "[Отозвано] Отозван", "Вода"]
    older = feeds.FeedSpec("x", "X", list(reversed(spec(site, "ru", "all").entries)), "ru", "all")
    assert feeds.feed_updated(site, older) == datetime.fromisoformat(
        "2026-11-13T10:00:00+06:00"
    )  # not the 14th
    assert feeds.feed_parts(site, spec(site, "ru", "all")) == [
        "all",
        "Все публикации",
        *(e.key for e in spec(site, "ru", "all").entries[:3]),
    ]


def test_an_empty_feed_is_dated_by_the_start_of_the_build_s_day(site) -> None:
    empty = spec(site, "ru", "rebuttals")
    day = datetime.fromisoformat("2026-11-22T00:00:00+06:00")
    assert feeds.feed_updated(site, empty) == day == feeds.build_day(site)
    assert feeds.build_day(site).utcoffset() == day.utcoffset()
    rss, atom = parsed(site, "ru", "rebuttals")
    assert not rss.entries and rss.feed.updated_parsed[:6] == (2026, 11, 21, 18, 0, 0)
    assert atom.feed.updated_parsed[:6] == (2026, 11, 21, 18, 0, 0)


def test_the_feed_s_own_fields(site) -> None:
    for lang, home, title in (
        ("ru", "https://press.example.kg/", "Пресс-служба"),
        ("ky", "https://press.example.kg/ky/", "Басма сөз"),
    ):
        rss, atom = parsed(site, lang, "press-releases")
        assert rss.bozo == 0 and atom.bozo == 0
        name = spec(site, lang, "press-releases").title
        for feed in (rss.feed, atom.feed):
            assert feed.title == f"{title} — {name}"
            assert feed.subtitle == "Новости мэрии"
            assert feed.language == lang
            assert feed.generator == "site_builder"
        assert rss.feed.link == home + "press-releases/"
        selves = [link.href for link in rss.feed.links if link.rel == "self"]
        assert selves == [
            f"https://press.example.kg{'/ky' if lang == 'ky' else ''}/feeds/press-releases.rss.xml"
        ]
        atom_links = {(link.rel, link.href) for link in atom.feed.links}
        own = f"https://press.example.kg{'/ky' if lang == 'ky' else ''}/feeds/press-releases.atom.xml"
        assert atom_links == {("alternate", home + "press-releases/"), ("self", own)}
        assert atom.feed.id == own
        assert atom.feed.author == title
        assert rss.feed.updated_parsed[:6] == atom.feed.updated_parsed[:6]


def test_a_site_without_a_description_is_described_by_its_title(site, monkeypatch) -> None:
    settings = site.config.site.model_copy(update={"description": ""})
    monkeypatch.setattr(site, "config", site.config.model_copy(update={"site": settings}))
    rss, atom = parsed(site, "ru", "all")
    assert rss.feed.subtitle == "Пресс-служба" == atom.feed.subtitle


def test_each_entry_s_fields(site) -> None:
    rss, atom = parsed(site, "ru", "press-releases")
    url = "https://press.example.kg/press-releases/a/"
    for feed in (rss, atom):
        [entry] = [e for e in feed.entries if e.title == "Вода"]
        assert entry.id == url and entry.link == url
        assert entry.published_parsed[:6] == (2026, 11, 10, 4, 0, 0)
        assert [t.term for t in entry.tags] == ["вода", "Город"]
    [entry] = [e for e in atom.entries if e.title == "Вода"]
    assert entry.author == "Отдел"
    assert entry.updated_parsed[:6] == (2026, 11, 11, 3, 30, 0)  # the correction
    items = list(
        ElementTree.fromstring(feeds.build_feed(site, spec(site, "ru", "press-releases"))[0]).iter("item")
    )
    assert len(items) == 3
    for item in items:
        guid = item.find("guid")
        assert guid is not None and guid.text == item.findtext("link") and guid.get("isPermaLink") == "true"


def test_an_entry_without_a_division_is_the_site_s_and_without_a_summary_has_none(site) -> None:
    rss, atom = parsed(site, "ru", "all")
    for feed in (rss, atom):
        [entry] = [e for e in feed.entries if e.title == "Новый"]
        assert not entry.get("tags")
    [entry] = [e for e in atom.entries if e.title == "Новый"]
    assert entry.author == "Пресс-служба"
    atom_bytes = feeds.build_feed(site, spec(site, "ru", "all"))[1]
    [new] = [
        e
        for e in ElementTree.fromstring(atom_bytes).iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") == "Новый"
    ]
    assert new.find(f"{ATOM}summary") is None


def test_a_summary_is_escaped_once(site) -> None:
    rss, _ = feeds.build_feed(site, spec(site, "ru", "press-releases"))
    [description] = [
        i.findtext("description")
        for i in ElementTree.fromstring(rss).iter("item")
        if i.findtext("title") == "Вода"
    ]
    assert description == "Вода &amp; &lt;b&gt;свет&lt;/b&gt;"


def test_a_withdrawn_entry_is_its_notice(site) -> None:
    rss, atom = parsed(site, "ru", "all")
    for feed in (rss, atom):
        [entry] = [e for e in feed.entries if "Отозван" in e.title]
        assert entry.title == "[Отозвано] Отозван"
    html = feeds.entry_html(site, site.by_source["press-releases/gone.md"], "ru")
    assert html == "<p><strong>Отозвано.</strong> Ошибка &lt;script&gt;x&lt;/script&gt; &amp; всё</p>"
    ky = feeds.entry_html(site, site.by_source["press-releases/gone.md"], "en")
    assert ky.startswith("<p><strong>Withdrawn.</strong> Ошибка &lt;script&gt;")


def test_corrections_follow_the_text_with_their_time_in_the_site_s_zone(site) -> None:
    html = feeds.entry_html(site, site.by_source["press-releases/a/index.md"], "ru")
    assert html.endswith(
        "<h2>Исправления</h2><ul><li>2026-11-11 09:30: "
        "Время &lt;i&gt;исправлено&lt;/i&gt; &amp; уточнено</li></ul>"
    )
    assert 'href="https://press.example.kg/press-releases/old/"' in html  # links made absolute
    assert 'href="https://press.example.kg/press-releases/a/report.pdf"' in html
    plain = feeds.entry_html(site, site.by_source["press-releases/new.md"], "ru")
    assert "<h2>" not in plain and "<ul>" not in plain and "Текст." in plain


def test_attachments_are_enclosures(site) -> None:
    rss_bytes, atom_bytes = feeds.build_feed(site, spec(site, "ru", "press-releases"))
    url = "https://press.example.kg/press-releases/a/"
    [item] = [i for i in ElementTree.fromstring(rss_bytes).iter("item") if i.findtext("title") == "Вода"]
    [enclosure] = item.findall("enclosure")  # RSS allows one per item: the first
    first = sorted(["plan.png", "report.pdf"])[0]
    entry_of = site.by_source["press-releases/a/index.md"]
    files = [(url + a.href, a.mime, a.size) for a in entry_of.files]
    assert (enclosure.get("url"), enclosure.get("type"), enclosure.get("length")) == (
        files[0][0],
        files[0][1],
        str(files[0][2]),
    )
    assert {f[0].rsplit("/", 1)[1] for f in files} >= {"report.pdf"} and first
    [entry] = [
        e
        for e in ElementTree.fromstring(atom_bytes).iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") == "Вода"
    ]
    links = [
        (link.get("rel"), link.get("href"), link.get("type"), link.get("length"))
        for link in entry.iter(f"{ATOM}link")
    ]
    assert [link for link in links if link[0] != "enclosure"] == [(None, url, None, None)]  # alternate
    assert [link[1:] for link in links if link[0] == "enclosure"] == [(u, m, str(s)) for u, m, s in files]
    others = [
        e
        for e in ElementTree.fromstring(atom_bytes).iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") != "Вода"
    ]
    assert others and all(link.get("rel") is None for e in others for link in e.iter(f"{ATOM}link"))


def test_atom_without_enclosures_is_left_as_it_is() -> None:
    atom = b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id></entry></feed>"
    assert feeds.atom_enclosures(atom, {}) is atom
    out = feeds.atom_enclosures(atom, {"y": [("u", "m", 1)]})
    root = ElementTree.fromstring(out)
    assert not list(root.iter(f"{ATOM}link"))
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_each_language_has_its_own_links(site) -> None:
    assert feeds.feed_links(site, "ru")[0]["rss"] == "/feeds/all.rss.xml"
    assert feeds.feed_links(site, "ky")[0]["rss"] == "/ky/feeds/all.rss.xml"
    assert feeds.page_feeds(site, "ru")[0]["atom"] == "/feeds/all.atom.xml"
    assert feeds.page_feeds(site, "ky")[0]["atom"] == "/ky/feeds/all.atom.xml"


def test_the_build_s_day_is_the_site_s_not_the_machine_s(site, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        # 21 Nov 20:00 UTC is already the 22nd in Bishkek
        monkeypatch.setattr(site, "now", datetime.fromisoformat("2026-11-21T20:00:00+00:00"))
        assert feeds.build_day(site) == datetime.fromisoformat("2026-11-22T00:00:00+06:00")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_each_correction_is_its_own_line(site) -> None:
    html = feeds.entry_html(site, site.by_source["press-releases/a/index.ky.md"], "ky")
    assert "<ul><li>2026-11-11 09:00: Биринчи</li><li>2026-11-11 09:30: Экинчи</li></ul>" in html


def test_the_entry_s_content_summary_and_categories_are_html_and_labelled(site) -> None:
    rss_bytes, atom_bytes = feeds.build_feed(site, spec(site, "ru", "press-releases"))
    entries = {e.findtext(f"{ATOM}title"): e for e in ElementTree.fromstring(atom_bytes).iter(f"{ATOM}entry")}
    for title, source in (("Вода", "press-releases/a/index.md"), ("Новый", "press-releases/new.md")):
        content = entries[title].find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert content.text == feeds.entry_html(site, site.by_source[source], "ru")
    summary = entries["Вода"].find(f"{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"
    assert summary.text == "Вода &amp; &lt;b&gt;свет&lt;/b&gt;"
    labels = [(c.get("term"), c.get("label")) for c in entries["Вода"].iter(f"{ATOM}category")]
    assert labels == [("вода", "вода"), ("Город", "Город")]
    items = {i.findtext("title"): i for i in ElementTree.fromstring(rss_bytes).iter("item")}
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    assert items["Вода"].findtext(encoded) == feeds.entry_html(
        site, site.by_source["press-releases/a/index.md"], "ru"
    )
    assert items["Новый"].findtext("description") == feeds.entry_html(
        site, site.by_source["press-releases/new.md"], "ru"
    )


def test_the_rss_self_link_names_its_type(site) -> None:
    rss_bytes, _ = feeds.build_feed(site, spec(site, "ru", "all"))
    [own] = [
        link for link in ElementTree.fromstring(rss_bytes).iter(f"{ATOM}link") if link.get("rel") == "self"
    ]
    assert own.get("type") == "application/rss+xml"
    assert own.get("href") == "https://press.example.kg/feeds/all.rss.xml"


def test_render_writes_every_feed_in_both_formats_each_keyed_apart(site) -> None:
    out = feeds.render(site, Context(Path("/nowhere"), {}))
    assert sorted(out) == sorted(path for path, _ in feeds.paths(site, Path("/nowhere")))
    for lang in ("ru", "ky"):
        prefix = "" if lang == "ru" else "ky/"
        for each in feeds.feed_specs(site, lang):
            rss, atom = feeds.build_feed(site, each)
            assert out[f"{prefix}feeds/{each.stem}.rss.xml"] == rss
            assert out[f"{prefix}feeds/{each.stem}.atom.xml"] == atom
    keyed = feeds.render(site, Context(Path("/nowhere"), {}, keys={"ru": "k-ru", "ky": "k-ky"}))
    keys = {path: page.key for path, page in keyed.items()}
    assert len(set(keys.values())) == len(keys)  # every file its own key
    assert keyed["feeds/all.atom.xml"].render() == out["feeds/all.atom.xml"]
    assert keyed["ky/feeds/all.rss.xml"].render() == out["ky/feeds/all.rss.xml"]
    again = feeds.render(site, Context(Path("/nowhere"), {}, keys={"ru": "k-ru", "ky": "other"}))
    assert again["feeds/all.rss.xml"].key == keys["feeds/all.rss.xml"]  # the language's own key
    assert again["ky/feeds/all.rss.xml"].key != keys["ky/feeds/all.rss.xml"]


def test_the_json_feed_of_each_language(site) -> None:
    paths = [path for path, _ in jsonfeed.paths(site, Path("/nowhere"))]
    assert "feeds/all.json" in paths and "ky/feeds/all.json" in paths and len(paths) == len(set(paths))
    ky = json.loads(jsonfeed.build_json_feed(site, spec(site, "ky", "all")))
    assert ky["version"] == jsonfeed.VERSION == "https://jsonfeed.org/version/1.1"
    [item] = ky["items"]
    assert item["authors"] == [{"name": "Бөлүм"}]  # the division's name in Kyrgyz
    assert item["content_html"] == feeds.entry_html(
        site, site.by_source["press-releases/a/index.ky.md"], "ky"
    )

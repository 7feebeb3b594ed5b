"""End-to-end builds of scratch sites through the real CLI: pages, feeds, links, reproducibility."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from sitekit import NOW, announcement_fields, item, make_site, rebuttal_fields, run_cli, tree

BASE = "https://press.example.kg/"

FILES = {
    "content/press-releases/remont-dorog.md": item(
        "Ремонт дорог начат", date="2026-11-18T10:00:00+06:00", tags=["дороги", "ремонт"]
    ),
    "content/press-releases/Новый автобусный маршрут.md": item(
        "Новый автобусный маршрут", date="2026-11-21T10:00:00+06:00", tags=["дороги"]
    ),
    "content/press-releases/2025/shkola.md": item(
        "Школа открыта", date="2025-09-01T10:00:00+06:00", division="education", tags=["школы"]
    ),
    "content/rebuttals/shkoly.md": item(
        "Школы работают", date="2026-11-19T12:00:00+06:00", **rebuttal_fields()
    ),
    "content/announcements/press.md": item(
        "Пресс-конференция мэра", date="2026-11-20T10:00:00+06:00", **announcement_fields()
    ),
    "content/press-releases/draft.md": item("Черновик", status="draft", approval=None),
}

TITLES = {
    "Ремонт дорог начат": "press-releases/remont-dorog/",
    "Новый автобусный маршрут": "press-releases/novyi-avtobusnyi-marshrut/",
    "Школа открыта": "press-releases/shkola/",
    "Школы работают": "rebuttals/shkoly/",
    "Пресс-конференция мэра": "announcements/press/",
}
TAGS = {
    "Ремонт дорог начат": {"дороги", "ремонт"},
    "Новый автобусный маршрут": {"дороги"},
    "Школа открыта": {"школы"},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("pipeline"), FILES)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    return root / "output"


def test_pages_exist(built: Path):
    expected = [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "subscribe/index.html",
        "press-releases/index.html",
        "rebuttals/index.html",
        "announcements/index.html",
        "media-plans/index.html",
        "divisions/index.html",
        "divisions/transport/index.html",
        "divisions/education/index.html",
        "tags/index.html",
        "archive/2026/index.html",
        "archive/2025/index.html",
        *(url + "index.html" for url in TITLES.values()),
    ]
    missing = [rel for rel in expected if not (built / rel).is_file()]
    assert not missing


def test_cyrillic_file_name_gets_latin_slug(built: Path):
    assert (built / "press-releases/novyi-avtobusnyi-marshrut/index.html").is_file()
    for path in built.rglob("*"):
        assert path.relative_to(built).as_posix().isascii(), path


def test_draft_is_nowhere(built: Path):
    files = [path for path in built.rglob("*") if path.is_file()]
    assert len(files) > 30
    for path in files:
        assert "Черновик".encode() not in path.read_bytes(), path


def test_tag_pages_have_latin_slugs(built: Path):
    tags = sorted(p.name for p in (built / "tags").iterdir() if p.is_dir())
    assert tags == ["dorogi", "remont", "shkoly"]


def feeds(built: Path) -> list[Path]:
    return sorted(built.glob("feeds/**/*.xml"))


def test_every_kind_of_feed_exists(built: Path):
    names = {p.relative_to(built).as_posix() for p in feeds(built)}
    for stem in (
        "all",
        "press-releases",
        "rebuttals",
        "announcements",
        "divisions/transport",
        "divisions/education",
        "tags/dorogi",
        "tags/remont",
        "tags/shkoly",
    ):
        assert f"feeds/{stem}.rss.xml" in names
        assert f"feeds/{stem}.atom.xml" in names


def _expected_for(stem: str) -> list[str]:
    dates = {
        "Ремонт дорог начат": "2026-11-18",
        "Новый автобусный маршрут": "2026-11-21",
        "Школа открыта": "2025-09-01",
        "Школы работают": "2026-11-19",
        "Пресс-конференция мэра": "2026-11-20",
    }
    division = {"Школа открыта": "education"}
    titles = list(TITLES)
    if stem == "all":
        chosen = titles
    elif stem.startswith("divisions/"):
        chosen = [t for t in titles if division.get(t, "transport") == stem.split("/")[1]]
    elif stem.startswith("tags/"):
        slug = stem.split("/")[1]
        names = {"dorogi": "дороги", "remont": "ремонт", "shkoly": "школы"}
        chosen = [t for t in titles if names[slug] in TAGS.get(t, set())]
    else:
        chosen = [t for t in titles if TITLES[t].startswith(stem + "/")]
    return sorted(chosen, key=lambda t: dates[t], reverse=True)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feeds_parse_and_match_entries(built: Path, fmt: str):
    checked = 0
    for path in feeds(built):
        if not path.name.endswith(f".{fmt}.xml"):
            continue
        stem = path.relative_to(built / "feeds").as_posix().removesuffix(f".{fmt}.xml")
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        titles = [e.title for e in parsed.entries]
        assert titles == _expected_for(stem), stem
        stamps = [e.get("published_parsed") or e.get("updated_parsed") for e in parsed.entries]
        assert stamps == sorted(stamps, reverse=True)
        for entry in parsed.entries:
            assert entry.link == BASE + TITLES[entry.title], entry.link
            assert entry.id, entry
            assert entry.id.startswith(("https://", "tag:", "urn:")), entry.id
            categories = {t.term for t in entry.get("tags", [])}
            assert categories == TAGS.get(entry.title, set()), (stem, entry.title, categories)
            content = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
            assert content.strip()
        checked += 1
    assert checked >= 9


def test_feed_ids_stable_across_builds(tmp_path: Path, built: Path):
    root = make_site(tmp_path, FILES)
    code, _out, err = run_cli("build", "--now", "2026-11-23T12:00:00+06:00", cwd=root)
    assert code == 0, err
    for name in ("all.rss.xml", "all.atom.xml"):
        first = {e.title: e.id for e in feedparser.parse((built / "feeds" / name).read_bytes()).entries}
        second = {
            e.title: e.id for e in feedparser.parse((root / "output/feeds" / name).read_bytes()).entries
        }
        assert first == second


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "srcset" and value:
                self.links += [part.strip().split(" ")[0] for part in value.split(",")]


def _resolves(built: Path, url: str) -> bool:
    path = unquote(urlsplit(url).path)
    target = built / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target.is_file() or (target / "index.html").is_file()


def test_every_internal_link_resolves(built: Path):
    broken: list[str] = []
    count = 0
    for page in built.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.links:
            if url.startswith(BASE):
                url = "/" + url[len(BASE) :]
            if not url.startswith("/") or url.startswith("//"):
                continue
            count += 1
            if not _resolves(built, url):
                broken.append(f"{page.relative_to(built)} → {url}")
    assert count > 100
    assert not broken, "\n".join(sorted(set(broken))[:30])


def test_links_in_feeds_and_sitemap_resolve(built: Path):
    index = re.findall(r"<loc>([^<]+)</loc>", (built / "sitemap.xml").read_text(encoding="utf-8"))
    assert index and all(url.startswith(BASE + "sitemaps/") for url in index)
    assert f"Sitemap: {BASE}sitemap.xml" in (built / "robots.txt").read_text(encoding="utf-8")
    urls = []
    for sitemap in index:
        urls += re.findall(r"<loc>([^<]+)</loc>", (built / sitemap[len(BASE) :]).read_text(encoding="utf-8"))
    pages = {p.relative_to(built).as_posix().removesuffix("index.html") for p in built.rglob("index.html")}
    assert {url[len(BASE) :] for url in urls} == pages  # every page once, listings and tags included
    for url in urls:
        assert url.startswith(BASE)
        assert _resolves(built, url[len(BASE) - 1 :]), url
    entries = [e for path in feeds(built) for e in feedparser.parse(path.read_bytes()).entries]
    assert len(feeds(built)) >= 18 and len(entries) > 20
    for entry in entries:
        assert _resolves(built, entry.link[len(BASE) - 1 :]), entry.link


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = make_site(tmp_path / "a", FILES)
    second = make_site(tmp_path / "b", FILES)
    for root in (first, second):
        code, _out, err = run_cli("build", "--now", NOW, cwd=root)
        assert code == 0, err
    assert tree(first / "output") == tree(second / "output")
    code, _out, err = run_cli("build", "--now", NOW, cwd=first)
    assert code == 0
    assert tree(first / "output") == tree(second / "output")


def test_no_machine_path_in_output(built: Path):
    marker = str(built.parent).encode()
    files = [path for path in built.rglob("*") if path.is_file()]
    assert len(files) > 30
    for path in files:
        assert marker not in path.read_bytes(), path


def test_stale_files_vanish(tmp_path: Path):
    root = make_site(tmp_path, FILES)
    assert run_cli("build", "--now", NOW, cwd=root)[0] == 0
    assert (root / "output/press-releases/remont-dorog/index.html").is_file()
    (root / "content/press-releases/remont-dorog.md").unlink()
    code, _out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, err
    assert not (root / "output/press-releases/remont-dorog").exists()
    assert not (root / "output/tags/remont").exists()
    files = [path for path in (root / "output").rglob("*") if path.is_file()]
    assert len(files) > 30
    for path in files:
        assert "Ремонт дорог начат".encode() not in path.read_bytes(), path
    # No temporary tree is left; the spare (the tree taken out, kept for the next build to
    # stage into) holds nothing of what was taken down once that build is done.
    assert not [p for p in root.glob(".output.*") if p.is_dir() and p.name != ".output.spare"]
    code, _out, err = run_cli("build", "--now", NOW, "--no-cache", cwd=root)
    assert code == 0, err
    assert not [p for p in root.glob(".output.*") if p.is_dir()]  # --no-cache keeps no spare


def test_slug_stable_when_title_changes(tmp_path: Path):
    root = make_site(tmp_path, {"content/press-releases/Отчёт мэра.md": item("Отчёт мэра за год")})
    assert run_cli("build", "--now", NOW, cwd=root)[0] == 0
    assert (root / "output/press-releases/otchiot-mera/index.html").is_file() or (
        root / "output/press-releases/otchet-mera/index.html"
    ).is_file()
    before = sorted(p.name for p in (root / "output/press-releases").iterdir() if p.is_dir())
    (root / "content/press-releases/Отчёт мэра.md").write_text(item("Другой заголовок"), encoding="utf-8")
    assert run_cli("build", "--now", NOW, cwd=root)[0] == 0
    after = sorted(p.name for p in (root / "output/press-releases").iterdir() if p.is_dir())
    assert before == after

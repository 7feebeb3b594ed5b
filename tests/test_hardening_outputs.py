"""Issue 22, outputs: formulas in CSV cells (S3), collisions of output paths (T3),
a withdrawn item's files in feeds (W1), and URLs of files with any name (W2).

Outputs are read back with the parsers their readers use (csv, json, feedparser, lxml).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import attachkit
import feedparser
import pytest
from attachkit import MINI_PDF
from sitekit import NOW, approve_records, config_dict, item, make_site, run_cli, tree

from site_builder.speed.session import Session

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a spreadsheet takes such a cell for a formula


def build(site: Path) -> Path:
    code, out, err = run_cli("build", "--now", NOW, cwd=site)
    assert code == 0, out + err
    return site / "output"


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


# S3 -------------------------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
    tab = "\t=ТАБ(1)"  # a tag is trimmed (W4), so the tab goes: the summary keeps one
    plan = item(
        "=1+2 план",
        date="2026-11-01T10:00:00+06:00",
        period={"from": "2026-11-01", "to": "2026-11-30"},
        entries=[
            {
                "date": "2026-11-28",
                "channel": "media",
                "outlet": "=cmd|x",
                "topic": "@import",
                "format": "-",
                "responsible": "pr",
            },
        ],
    )
    request = (
        "---\nreceived: 2026-11-02\noutlet: '+7 ТВ'\ntopic: '=WEBSERVICE(\"http://x\")'\n"
        "answered: 2026-11-03\nanswer_summary: '-ответ'\npublic: true\n---\nТекст.\n"
    )
    site = make_site(
        tmp_path,
        {
            "content/press-releases/a.md": item("@Заголовок", tags=[*hostile, tab], summary=tab),
            "content/media-plans/plan.md": plan,
            "content/media-requests/r.md": request,
        },
    )
    approve_records(site)
    data = build(site) / "data"
    found = {}
    for name in ("items", "events", "media-plan", "media-requests"):
        rows = csv_cells(data / f"{name}.csv")
        records = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
        assert len(rows) == len(records) + 1
        for row in rows:
            for value in row:
                assert not value.startswith(DANGEROUS), (name, value)
        found[name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    release = next(r for r in found["items"] if r["type"] == "press-release")
    assert release["title"] == "'@Заголовок"
    assert release["tags"] == "'" + "; ".join([*hostile, tab.strip()])
    assert release["summary"] == "'" + tab
    (entry,) = found["media-plan"]
    assert (entry["outlet"], entry["topic"], entry["format"]) == ("'=cmd|x", "'@import", "'-")
    (asked,) = [r for r in found["media-requests"] if r["row_type"] == "request"]
    assert (asked["outlet"], asked["topic"]) == ("'+7 ТВ", '\'=WEBSERVICE("http://x")')
    assert asked["answer_summary"] == "'-ответ"
    # The JSON files keep the text as it was written: only spreadsheets read CSV this way.
    items = json.loads((data / "items.json").read_text(encoding="utf-8"))
    assert any(r["title"] == "@Заголовок" for r in items)


def test_the_status_csv_export_makes_formulas_text(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/press-releases/a.md": item('=HYPERLINK("http://evil")')})
    code, out, err = run_cli("status", "--format", "csv", "--now", NOW, cwd=site)
    assert code == 0, out + err
    rows = csv_cells_text(out)
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert not any(value.startswith(DANGEROUS) for row in rows for value in row)


def csv_cells_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# W1 -------------------------------------------------------------------------------------------


WITHDRAWN = {
    "status": "withdrawn",
    "withdrawn": {"at": "2026-11-21T10:00:00+06:00", "reason": "Ошибка в данных"},
}


def test_a_withdrawn_items_files_leave_every_feed(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/press-releases/gone/index.md": item(
                "Отозванный", image="photo.png", tags=["тег"], **WITHDRAWN
            ),
            "content/press-releases/gone/report.pdf": MINI_PDF + b"% old\n",
            "content/press-releases/gone/photo.png": attachkit.png(private=b"old"),
            "content/press-releases/kept/index.md": item("Живой", tags=["тег"]),
            "content/press-releases/kept/kept.pdf": MINI_PDF + b"% kept\n",
        },
    )
    out = build(site)
    assert not (out / "press-releases/gone/report.pdf").exists()
    assert (out / "press-releases/gone/index.html").exists()  # the withdrawal notice
    feeds = sorted((out / "feeds").rglob("*.xml"))
    assert len(feeds) >= 6
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            links = [link.href for link in entry.get("links", []) if link.get("rel") == "enclosure"]
            links += [e.href for e in entry.get("enclosures", [])]
            assert not any("gone/" in link for link in links), (path, links)
            if "kept/" in entry.link and "changes" not in path.name:
                assert any(link.endswith("kept/kept.pdf") for link in links), (path, links)
    json_feeds = sorted((out / "feeds").rglob("*.json"))
    gone = [
        entry
        for path in json_feeds
        for entry in json.loads(path.read_text(encoding="utf-8"))["items"]
        if "gone/" in entry["url"]
    ]
    assert len(json_feeds) >= 3 and gone  # the withdrawn item is in them, as a notice
    assert not [entry for entry in gone if "attachments" in entry]
    page = (out / "press-releases/gone/index.html").read_text(encoding="utf-8")
    assert "photo.png" not in page and "report.pdf" not in page  # no og:image, JSON-LD image
    everything = b"".join(path.read_bytes() for path in out.rglob("*") if path.is_file())
    assert b"gone/report.pdf" not in everything and b"gone/photo.png" not in everything


# W2 -------------------------------------------------------------------------------------------

HOSTILE_NAMES = ("отчёт #1 итог.pdf", "100% план.pdf", "a?b=c.docx", "пробел и %41.txt", "plain.pdf")
IMAGE = "схема уборки #2.png"
ORIGIN = "https://xn--e1atdfa.example.kg"  # "пресс.example.kg" as a URI names it
BASE = "/%D0%BF%D1%80%D0%B5%D1%81%D1%81-%D1%86%D0%B5%D0%BD%D1%82%D1%80/"  # "/пресс-центр/"
HEX = "0123456789ABCDEFabcdef"


def hostile_bytes(name: str) -> bytes:
    """A valid file of the name's format (the check reads each) that says which it is."""
    said = f"file {name}".encode()
    if name.endswith(".pdf"):
        return MINI_PDF + b"% " + said + b"\n"
    if name.endswith(".docx"):
        return attachkit.docx(f"file {name}", stored=True)
    return attachkit.png(private=said) if name.endswith(".png") else said


def hostile_site(tmp_path: Path) -> Path:
    """Items whose attachments have every awkward name, in two languages, at a base URL
    with a Cyrillic host and path; front-matter URLs in Cyrillic."""
    config = config_dict()
    config["site"] = {
        **config["site"],
        "base_url": "https://пресс.example.kg/пресс-центр/",
        "languages": ["ru", "ky"],
        "image": "static/герб города.svg",  # from the site's base: "/…" is from the host's root
    }
    body = (
        f"Смотрите [отчёт](<{HOSTILE_NAMES[0]}>), [план](100%25%20план.pdf) и схему:\n\n"
        f"![Схема уборки](<{IMAGE}>)\n"
    )
    files: dict[str, str | bytes] = {
        "static/герб города.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content/press-releases/x/index.md": item("Отчёт", image=IMAGE, tags=["отчёт"], body=body),
        "content/press-releases/x/index.ky.md": item("Отчёт ky", image=IMAGE, body=body),
        "content/announcements/e/index.md": item(
            "Брифинг",
            event={
                "kind": "briefing",
                "starts": "2026-11-25T11:00:00+06:00",
                "online_url": "https://пример.kg/эфир",
                "accreditation": {"how": "Письмом", "url": "https://пример.kg/аккредитация?id=1"},
            },
            body=f"[Программа](<{HOSTILE_NAMES[1]}>)\n",
        ),
        "content/rebuttals/r.md": item(
            "Опровержение",
            original={
                "outlet": "Газета",
                "title": "Ложь",
                "url": "https://газета.kg/статья/1",
                "published": "2026-11-19T08:00:00+06:00",
            },
            detected_at="2026-11-19T09:00:00+06:00",
            facts=[{"claim": "Ложь", "fact": "Правда", "evidence": ["https://пример.kg/доказательство"]}],
        ),
    }
    for folder in ("content/press-releases/x/", "content/announcements/e/"):
        for name in (*HOSTILE_NAMES, IMAGE):
            files[folder + name] = hostile_bytes(name)
    return make_site(tmp_path, files, config)


class Links:
    """Every URL in the output files, by the file it is in, read with each format's parser."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.found: list[tuple[str, str]] = []  # (file, url)

    def add(self, rel: str, url: str) -> None:
        self.found.append((rel, url))

    def crawl(self) -> Links:
        for path in sorted(self.out.rglob("*")):
            rel = path.relative_to(self.out).as_posix()
            if not path.is_file() or rel.startswith("static/") or path.name in (*HOSTILE_NAMES, IMAGE):
                continue  # not the files themselves
            reader = {
                ".html": self.html,
                ".xml": self.xml,
                ".json": self.json,
                ".ics": self.ics,
                ".csv": self.csv,
                ".txt": self.text,
            }.get(path.suffix)
            if reader is not None:
                reader(rel, path)
        return self

    def html(self, rel: str, path: Path) -> None:
        from lxml import html

        tree = html.fromstring(path.read_bytes())
        for element in tree.iter():
            for attr in ("href", "src", "action"):
                if element.get(attr) is not None:
                    self.add(rel, element.get(attr))
            if element.tag == "meta" and (element.get("property") or element.get("name") or "").endswith(
                (":image", ":url")
            ):
                self.add(rel, element.get("content"))
        for script in tree.iter("script"):
            if script.get("type") == "application/ld+json":
                self.walk(rel, json.loads(script.text))

    def xml(self, rel: str, path: Path) -> None:
        from lxml import etree

        data = path.read_bytes()
        if "feeds/" in rel:
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        for element in etree.fromstring(data).iter():
            for attr in ("href", "url"):
                if element.get(attr) is not None:
                    self.add(rel, element.get(attr))
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if tag in ("loc", "link", "guid", "id") and (element.text or "").strip():
                self.add(rel, element.text.strip())
            if tag in ("content", "description", "summary") and element.text and "<" in element.text:
                self.html_fragment(rel, element.text)

    def html_fragment(self, rel: str, text: str) -> None:
        from lxml import html

        for element in html.fragment_fromstring(text, create_parent="div").iter():
            for attr in ("href", "src"):
                if element.get(attr) is not None:
                    self.add(rel, element.get(attr))

    def json(self, rel: str, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        if rel.startswith("search/") and "/d/" in rel:
            for row in data:
                self.add(rel, row[0])
        elif rel.startswith("feeds/") or "/feeds/" in rel:
            for entry in data["items"]:
                self.html_fragment(rel, entry["content_html"])
            self.walk(rel, data)
        else:
            self.walk(rel, data)

    def walk(self, rel: str, value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                self.walk(rel, item)
        elif isinstance(value, list):
            for item in value:
                self.walk(rel, item)
        elif isinstance(value, str) and value.startswith(("http://", "https://", "webcal://")):
            self.add(rel, value)

    def ics(self, rel: str, path: Path) -> None:
        from icalendar import Calendar

        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            self.add(rel, str(event["URL"]))
            for word in str(event["DESCRIPTION"]).split():
                if word.startswith(("http://", "https://")):
                    self.add(rel, word)

    def csv(self, rel: str, path: Path) -> None:
        for row in csv_cells(path)[1:]:
            for value in row:
                if value.startswith(("http://", "https://")):
                    self.add(rel, value)

    def text(self, rel: str, path: Path) -> None:
        for word in path.read_text(encoding="utf-8").split():
            if word.startswith(("http://", "https://")):
                self.add(rel, word)


def is_uri(url: str) -> bool:
    """ASCII, no spaces or quotes, and every '%' the start of an escape (RFC 3986)."""
    if not url.isascii() or any(c in url for c in " \"'<>\\^`{|}"):
        return False
    return all(
        url[i + 1 : i + 3] and all(c in HEX for c in url[i + 1 : i + 3])
        for i, c in enumerate(url)
        if c == "%"
    )


def test_every_url_the_site_writes_is_a_uri_that_resolves(tmp_path: Path) -> None:
    site = hostile_site(tmp_path)
    out = build(site)
    links = Links(out).crawl()
    assert len(links.found) > 500
    targets: set[str] = set()
    for rel, url in links.found:
        assert is_uri(url), (rel, url)
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel") or url.startswith("#"):
            continue
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" not in (
            ORIGIN,
            ORIGIN.replace("https", "webcal"),
        ):
            continue  # another site's address: a URI too (checked above), not ours to resolve
        assert parts.path.startswith(BASE), (rel, url)
        # How a web server finds the file: the path decoded once.
        target = unquote(parts.path)[len(unquote(BASE)) :]
        file = out / target / "index.html" if target.endswith("/") or not target else out / target
        assert file.is_file(), (rel, url, target)
        targets.add(target)
    for prefix in ("press-releases/x/", "ky/press-releases/x/", "announcements/e/"):
        for name in (*HOSTILE_NAMES, IMAGE):
            assert (out / prefix / name).read_bytes() == hostile_bytes(name)
    # Every hostile attachment is linked from somewhere, and by its encoded name.
    for prefix in ("press-releases/x/", "ky/press-releases/x/", "announcements/e/"):
        assert {prefix + name for name in HOSTILE_NAMES} <= targets, sorted(targets)
    assert "press-releases/x/" + IMAGE in targets  # og:image, JSON-LD, the body's <img>
    assert "static/герб города.svg" in targets  # the site's picture (config), as JSON-LD logo
    page = (out / "press-releases/x/index.html").read_text(encoding="utf-8")
    encoded = quote(HOSTILE_NAMES[0], safe="")
    assert f'href="{BASE}press-releases/x/{encoded}"' in page
    assert f">{HOSTILE_NAMES[0]}</a>" in page  # shown by its own name
    feed = feedparser.parse((out / "feeds/all.atom.xml").read_bytes())
    (release,) = [e for e in feed.entries if e.title == "Отчёт"]
    enclosures = {link.href for link in release.links if link.rel == "enclosure"}
    home = f"{ORIGIN}{BASE}press-releases/x/"
    assert enclosures == {home + quote(name, safe="") for name in (*HOSTILE_NAMES, IMAGE)}
    external = {url for _, url in links.found if "xn--e1afmkfd.kg" in url or "xn--80aahjj1e.kg" in url}
    assert external, "the front matter's Cyrillic URLs are written as URIs"


def test_the_preview_server_serves_a_file_by_its_encoded_name(tmp_path: Path) -> None:
    """`serve` decodes an address once, as a web server does: names with '%', '?' and '#'
    are found, and the site is served under a Cyrillic base path."""
    import http.client
    import threading
    from http.server import ThreadingHTTPServer

    from site_builder.commands.livereload import Hub, make_handler

    folder = tmp_path / "out" / "press-releases" / "x"
    folder.mkdir(parents=True)
    for name in HOSTILE_NAMES:
        (folder / name).write_bytes(f"file {name}".encode())
    texts = {"overlay": "", "waiting": ""}
    handler = make_handler(tmp_path / "out", BASE, Hub(), texts)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for name in HOSTILE_NAMES:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.request("GET", f"{BASE}press-releases/x/{quote(name, safe='')}")
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, f"file {name}".encode()), name
            connection.close()
    finally:
        server.shutdown()
        server.server_close()


# T3 -------------------------------------------------------------------------------------------


def releases(count: int) -> dict[str, str]:
    return {f"content/press-releases/r{n}.md": item(f"Релиз {n}") for n in range(count)}


@pytest.mark.parametrize(
    ("files", "where", "line", "url", "other"),
    [
        (  # the case: a folder named "page", an attachment named "2"
            {
                "content/press-releases/2026/page/index.md": item("Страница"),
                "content/press-releases/2026/page/2": b"x",
            },
            "content/press-releases/2026/page/index.md",
            1,
            "/press-releases/page/2",
            "/press-releases/page/2/",
        ),
        (  # slug: page, in Kyrgyz; its line is blamed
            {
                "content/press-releases/k/index.ky.md": item("Бет", slug="page"),
                "content/press-releases/k/3": b"x",
                **{f"content/press-releases/k{n}.ky.md": item(f"Ky {n}") for n in range(11)},
            },
            "content/press-releases/k/index.ky.md",
            4,
            "/ky/press-releases/page/3",
            "/ky/press-releases/page/3/",
        ),
        (  # the site's static/ with a folder where the theme has a file
            {"static/search.js/x.txt": b"x"},
            "static/search.js/x.txt",
            0,
            "/static/search.js/x.txt",
            "/static/search.js",
        ),
    ],
)
def test_a_file_where_the_site_writes_another_is_reported_by_check(
    tmp_path: Path, files: dict, where: str, line: int, url: str, other: str
) -> None:
    config = config_dict()
    config["site"] = {**config["site"], "languages": ["ru", "ky"]}
    site = make_site(tmp_path, releases(6), config)
    out = build(site)
    before = tree(out)
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    for command in ("check", "build"):
        code, stdout, stderr = run_cli(command, "--now", NOW, "--format", "json", cwd=site)
        assert code == 1 and "Traceback" not in stderr, stdout + stderr
        found = [p for p in json.loads(stdout) if p["code"] == "URL_COLLISION"]
        assert [(p["path"], p["line"]) for p in found] == [(where, line)], stdout
        assert url in found[0]["message"] and other in found[0]["message"]
    assert tree(out) == before  # the failed build left output/ as it was


def test_a_draft_whose_file_collides_is_reported_by_the_preview(tmp_path: Path) -> None:
    """`serve --drafts` shows drafts as if published: their files are checked the same way."""
    from site_builder.build import build as build_in_process

    files = {
        **releases(6),
        "content/press-releases/page/index.md": item("Черновик", status="draft", approval=None),
        "content/press-releases/page/2": b"x",
    }
    site = make_site(tmp_path, files)
    now = datetime.fromisoformat(NOW)
    assert build_in_process(site, now, tmp_path / "published").ok  # a draft is not published
    result = build_in_process(
        site, now, tmp_path / "preview", preview=True, session=Session.of(site, cache=False)
    )
    found = [(p.path, p.code) for p in result.problems if p.is_error]
    assert found == [("content/press-releases/page/index.md", "URL_COLLISION")]
    assert not (tmp_path / "preview").exists()


def test_every_file_the_build_writes_is_planned_before_it_is_written(tmp_path: Path) -> None:
    """`outputs.kinds.planned` knows each output kind's paths without rendering: the collision
    check can only be as good as this list, so it must be the build's exact file list."""
    from site_builder.build import check
    from site_builder.outputs.kinds import planned

    example = tmp_path / "example"
    example.mkdir()
    for name in ("config.yaml", "content", "templates", "static"):
        source = Path(__file__).parent.parent / name
        if source.is_dir():
            shutil.copytree(source, example / name)
        else:
            shutil.copy(source, example / name)
    for site in (example, hostile_site(tmp_path)):
        out = build(site)
        result = check(site, datetime.fromisoformat(NOW), session=Session.of(site, cache=False))
        assert result.site is not None
        paths = list(planned(result.site, site))
        files = {path for path, _ in paths if not path.endswith("/")}
        folders = [path for path, _ in paths if path.endswith("/")]
        assert len(files) + len(folders) == len(paths)  # nothing twice
        written = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
        assert files <= written
        assert {path for path in written - files if not path.startswith(tuple(folders))} == set()
        assert all(any(path.startswith(folder) for path in written) for folder in folders)

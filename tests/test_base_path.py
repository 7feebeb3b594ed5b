"""A site whose base_url has a path (a GitHub Pages project site: https://org.github.io/press/)
works there: output/ served under that prefix only, every link of every page, feed,
sitemap, calendar and data file answers, and none leads out of the prefix to the bare root."""

from __future__ import annotations

import functools
import http.client
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitekit import NOW, announcement_fields, config_dict, item, make_site, run_cli

from site_builder.build import build

MOMENT = datetime.fromisoformat(NOW)
REPO = Path(__file__).resolve().parent.parent
ORIGIN = "https://example.org"
PREFIX = "/press/"
BASE_URL = ORIGIN + PREFIX


class _Prefixed(http.server.SimpleHTTPRequestHandler):
    """Serves a folder under PREFIX only, as GitHub Pages serves a project site: an address
    outside it is 404, a folder's address is its index.html."""

    def translate_path(self, path: str) -> str:
        bare = urlsplit(path).path
        if not bare.startswith(PREFIX):
            return str(Path(self.directory) / ".no-such-file")
        return super().translate_path("/" + bare[len(PREFIX) :])

    def log_message(self, *args) -> None:  # quiet
        pass


class Served:
    """output/ served under PREFIX on a local port, for the length of a `with`."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_Prefixed, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def status(self, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


def links(out: Path) -> Iterator[tuple[str, str]]:
    """(file under output/, link) for every link a reader, a feed reader or a crawler follows:
    href/src/srcset/action in pages (link rel=alternate and the JSON-LD's URLs included),
    feed and sitemap links and locs, robots.txt's sitemap, calendar URLs, the search page's
    index address, open data's URLs."""
    from lxml import etree
    from lxml import html as lxml_html

    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file():
            continue
        if path.suffix == ".html":
            tree = lxml_html.fromstring(path.read_bytes())
            for element in tree.iter():
                for attr in ("href", "src", "action"):
                    if element.get(attr) is not None:
                        yield rel, element.get(attr)
                if element.get("data-index") is not None:  # what search.js fetches first
                    yield rel, element.get("data-index") + "index.json"
                for candidate in (element.get("srcset") or "").split(","):
                    if candidate.strip():
                        yield rel, candidate.split()[0]
                if element.tag == "meta" and element.get("http-equiv") == "refresh":
                    yield rel, element.get("content").split("url=", 1)[1]
                if element.tag == "meta" and (element.get("property") or "").endswith((":url", ":image")):
                    yield rel, element.get("content")
            for script in tree.iter("script"):
                if script.get("type") == "application/ld+json":
                    yield from ((rel, url) for url in _strings(json.loads(script.text)))
        elif path.suffix == ".xml":
            for element in etree.fromstring(path.read_bytes()).iter():
                if element.get("href") is not None:
                    yield rel, element.get("href")
                tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
                if tag in ("loc", "link", "url") and (element.text or "").strip():
                    yield rel, element.text.strip()
        elif path.suffix == ".json" and rel.startswith("search/") and "/d/" in rel:
            for row in json.loads(path.read_text(encoding="utf-8")):
                yield rel, row[0]  # a result's address, as search.js links it
        elif path.suffix == ".json" and (rel.startswith("data/") or "feeds/" in rel):
            yield from ((rel, url) for url in _strings(json.loads(path.read_text(encoding="utf-8"))))
        elif path.suffix == ".ics":
            from icalendar import Calendar

            for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
                text = f"{event.get('URL', '')} {event.get('DESCRIPTION', '')}"
                yield from ((rel, found) for found in re.findall(r"https?://[^\s\",;<>]+", text))
        elif path.suffix in (".txt", ".csv"):
            text = path.read_text(encoding="utf-8")
            for found in re.findall(r"(?:https?|webcal)://[^\s\",;<>]+", text):
                yield rel, found


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str) and value.startswith(("http://", "https://", "webcal://", "/")):
        yield value


def crawl(out: Path) -> tuple[set[str], list[str]]:
    """Every internal address linked from output/ (as a path under the host), and the links
    that go wrong: out of the prefix, or not answering 200 under it."""
    wrong: list[str] = []
    targets: set[str] = set()
    for rel, link in links(out):
        page = BASE_URL + rel
        if link.startswith(("mailto:", "tel:", "#", "data:", "javascript:")):
            continue
        absolute = urljoin(page, link.replace("webcal://", "https://", 1))
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            continue  # another site's address
        if not parts.path.startswith(PREFIX):
            wrong.append(f"{rel}: {link} leaves {PREFIX}")
            continue
        targets.add(parts.path)
    with Served(out) as server:
        for target in sorted(targets):
            status = server.status(target)
            if status != 200:
                wrong.append(f"{target}: {status} (linked from {_linked_from(out, target)})")
    return targets, wrong


def _linked_from(out: Path, target: str) -> str:
    for rel, link in links(out):
        if unquote(urlsplit(urljoin(BASE_URL + rel, link)).path) == unquote(target):
            return rel
    return "?"


def example_site(tmp_path: Path, base_url: str) -> Path:
    """The example site (the repository root) copied with another base_url."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("content", "static", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "settings.approval.yaml", root)
    text = (REPO / "config.yaml").read_text(encoding="utf-8")
    was = re.search(r'^  base_url: "([^"]+)"$', text, re.M)
    assert was, "the example's config.yaml names its base_url on one line"
    (root / "config.yaml").write_text(text.replace(was.group(0), f'  base_url: "{base_url}"'), "utf-8")
    return root


def test_the_example_site_works_under_a_path(tmp_path: Path) -> None:
    root = example_site(tmp_path, BASE_URL)
    out = tmp_path / "output"
    result = build(root, MOMENT, out)
    assert result.ok, result.problems
    targets, wrong = crawl(out)
    assert not wrong, "\n".join(wrong)
    for needed in ("", "feeds/all.atom.xml", "sitemap.xml", "search/", "404.html", "keys/allowed_signers"):
        assert PREFIX + needed in targets, needed
    assert any(t.endswith("/approval.txt") for t in targets)
    assert any(t.endswith(".ics") for t in targets)
    assert any(t.startswith(PREFIX + "data/") for t in targets)
    assert PREFIX + "search/ru/index.json" in targets, "the search index, as search.js fetches it"
    code, said, err = run_cli("verify", str(out), cwd=tmp_path)  # each page's keys found above it
    counted = re.search(r"страниц с верными подписями: (\d+), с неверными: 0", said)
    assert code == 0 and counted and int(counted.group(1)) >= 20, said + err


def test_verify_checks_a_page_of_a_site_under_a_path(tmp_path: Path) -> None:
    """`verify ADDRESS` fetches the keys the page names under the prefix, and finds the page
    where it says it is."""
    out = tmp_path / "output"
    out.mkdir()
    with Served(out) as server:
        here = f"http://127.0.0.1:{server.server.server_address[1]}{PREFIX}"
        result = build(example_site(tmp_path, here), MOMENT, out)
        assert result.ok
        page = next(p for p in sorted(out.glob("press-releases/*/approval.sig"))).parent
        address = here + page.relative_to(out).as_posix() + "/"
        code, said, err = run_cli("verify", address, cwd=tmp_path)
    assert code == 0, said + err
    assert f"{here}keys/allowed_signers" in said


SCHEME = "<svg xmlns='http://www.w3.org/2000/svg'/>"
# An editor's links written from the site's root: on a site under /press/ they lie under it.
FROM_ROOT = "См. [брифинг](/announcements/b/), [архив](/archive/) и схему:\n\n![Схема](/static/shema.svg)\n"


def test_a_small_site_with_aliases_works_under_a_path(tmp_path: Path) -> None:
    config = config_dict()
    config["site"] = {**config["site"], "base_url": BASE_URL, "languages": ["ru", "en"]}
    files = {
        "static/shema.svg": SCHEME,
        "content/press-releases/a.md": item(
            "Первый",
            tags=["город"],
            aliases=["/old/first/"],
            image="/static/shema.svg",
            image_alt="Схема",
            body=FROM_ROOT,
        ),
        "content/press-releases/a.en.md": item("First"),
        "content/announcements/b.md": item("Брифинг", event=announcement_fields()["event"]),
    }
    root = make_site(tmp_path, files, config)
    code, _, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, err
    out = root / "output"
    targets, wrong = crawl(out)
    assert not wrong, "\n".join(wrong)
    assert PREFIX + "old/first/" not in targets  # an alias is linked from nowhere, but it works:
    with Served(out) as server:
        assert server.status(PREFIX + "old/first/") == 200
    moved = (out / "old/first/index.html").read_text(encoding="utf-8")
    assert f"url={PREFIX}press-releases/" in moved
    page = (out / "press-releases/a/index.html").read_text(encoding="utf-8")
    assert f'href="{PREFIX}announcements/b/"' in page and f'src="{PREFIX}static/shema.svg"' in page
    assert f'content="{BASE_URL}static/shema.svg"' in page  # og:image, from the site's root too


def test_the_404_page_works_at_any_depth(tmp_path: Path) -> None:
    """A host serves 404.html for any missing address, at any depth: its links are absolute."""
    root = make_site(tmp_path, {"content/press-releases/a.md": item("Первый")}, _config(BASE_URL))
    assert run_cli("build", "--now", NOW, cwd=root)[0] == 0
    page = (root / "output/404.html").read_text(encoding="utf-8")
    found = [link for rel, link in links(root / "output") if rel == "404.html"]
    assert found
    for link in found:
        if not link.startswith(("#", "mailto:")):
            assert link.startswith((BASE_URL, PREFIX)) or "://" in link, link
    assert 'href="' + PREFIX in page or 'href="' + BASE_URL in page


def _config(base_url: str) -> dict:
    config = config_dict()
    config["site"] = {**config["site"], "base_url": base_url}
    return config

"""Hostile text in every published field, read back from every output format.

Each text field of a scratch site (front matter, body, config) holds its own hostile
string: a numbered tag, a script element, both quotes, `&`, `]]>`, `</script`, an HTML
comment, a Jinja expression and statement, and a newline followed by what would be a
calendar property.  Every format is read back with its own parser and must (1) parse,
(2) hold no markup, property or row that came from content, and (3) give the editor's text
back exactly where the field is shown — so the check cannot pass by leaving a field out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import attachkit
import feedparser
import pytest
from hardkit import NOW
from icalendar import Calendar
from lxml import etree
from lxml import html as lxml_html
from sitekit import announcement_fields, approve_records, config_dict, item, make_site, rebuttal_fields

from site_builder.build import build
from site_builder.speed.session import Session


def hostile(n: int) -> str:
    return (
        f"Ж{n:02d}ж <script>alert({n})</script>\"'&amp;&]]></script <!-- {{{{ 7*191 }}}}"
        f"{{% if true %}}JINJA{{% endif %}}\nBEGIN:VALARM\nX-INJECTED-{n}:1"
    )


FIELDS = {
    "site title": 1,
    "division name": 2,
    "person name": 3,
    "person position": 4,
    "press centre accreditation": 5,
    "title": 10,
    "summary": 11,
    "tag": 12,
    "body": 13,
    "correction note": 14,
    "translation title": 16,
    "withdrawn title": 20,
    "withdrawal reason": 21,
    "rebuttal title": 30,
    "outlet": 31,
    "original title": 32,
    "claim": 33,
    "fact": 34,
    "announcement title": 40,
    "place": 41,
    "speaker": 42,
    "speaker position": 43,
    "accreditation": 44,
    "event change note": 45,
    "cancel reason": 46,
    "withdrawn event reason": 47,
    "plan outlet": 50,
    "plan topic": 51,
    "plan format": 52,
    "request outlet": 60,
    "request topic": 61,
    "request answer": 62,
    "question title": 70,
    "question": 71,
    "asker": 72,
    "answer": 73,
}
H = {name: hostile(n) for name, n in FIELDS.items()}
# Markdown reads "&amp;" in a body as the entity it is: the reader sees "&".
H["body"] = H["body"].replace("&amp;", "&")
H["answer"] = H["answer"].replace("&amp;", "&")
APPROVED = {"by": "aliev", "at": "2026-11-19T10:00:00+06:00"}
DATE = "2026-11-20T10:00:00+06:00"


def _config() -> dict:
    config = config_dict()
    config["site"] = config["site"] | {"title": H["site title"], "languages": ["ru", "ky"]}
    config["divisions"][1] = config["divisions"][1] | {"name": H["division name"]}
    config["people"][1] = config["people"][1] | {
        "name": H["person name"],
        "position": H["person position"],
        "contact": {"phone": "+996 555 000 000", "public": ["phone"]},
    }
    config["press_centre"] = {"accreditation": H["press centre accreditation"], "address": "ул. Ленина, 1"}
    return config


def _files() -> dict[str, str | bytes]:
    event = announcement_fields()["event"] | {
        "location": H["place"],
        "speakers": [{"name": H["speaker"], "position": H["speaker position"]}],
        "accreditation": {"how": H["accreditation"], "deadline": "2026-11-24T18:00:00+06:00"},
        "changes": [{"at": "2026-11-21T10:00:00+06:00", "note": H["event change note"]}],
    }
    cancelled = announcement_fields()["event"] | {"status": "cancelled", "cancel_reason": H["cancel reason"]}
    original = rebuttal_fields()["original"] | {"outlet": H["outlet"], "title": H["original title"]}
    plan_entry = {
        "date": "2026-11-25",
        "channel": "media",
        "outlet": H["plan outlet"],
        "topic": H["plan topic"],
        "format": H["plan format"],
        "responsible": "transport",
    }
    raw = hostile(FIELDS["body"])
    body = f"Абзац: {raw}\n\n`{raw}` и [ссылка {raw}](https://example.kg/a)\n"
    return {
        "content/press-releases/vrazhdebnyi/index.md": item(
            H["title"],
            DATE,
            approval=APPROVED,
            summary=H["summary"],
            tags=[H["tag"], "город"],
            body=body,
            image="foto.png",
            corrections=[{"at": "2026-11-21T10:00:00+06:00", "note": H["correction note"]}],
        ),
        "content/press-releases/vrazhdebnyi/foto.png": attachkit.png(private=b"\0" * 64),
        "content/press-releases/vrazhdebnyi/index.ky.md": item(
            H["translation title"], DATE, approval=APPROVED
        ),
        "content/press-releases/otozvan.md": item(
            H["withdrawn title"],
            DATE,
            status="withdrawn",
            approval=APPROVED,
            withdrawn={"at": "2026-11-21T10:00:00+06:00", "reason": H["withdrawal reason"]},
        ),
        "content/rebuttals/oproverzhenie.md": item(
            H["rebuttal title"],
            DATE,
            approval=APPROVED,
            **(
                rebuttal_fields()
                | {"original": original, "facts": [{"claim": H["claim"], "fact": H["fact"]}]}
            ),
        ),
        "content/announcements/anons.md": item(H["announcement title"], DATE, approval=APPROVED, event=event),
        "content/announcements/otmena.md": item("Отменено", DATE, approval=APPROVED, event=cancelled),
        "content/announcements/otozvan.md": item(
            "Отозванный анонс",
            DATE,
            status="withdrawn",
            approval=APPROVED,
            event=announcement_fields()["event"],
            withdrawn={"at": "2026-11-21T10:00:00+06:00", "reason": H["withdrawn event reason"]},
        ),
        "content/media-plans/plan.md": item(
            "План",
            DATE,
            approval=APPROVED,
            division="pr",
            period={"from": "2026-11-01", "to": "2026-11-30"},
            entries=[plan_entry],
        ),
        "content/questions/vopros.md": item(
            H["question title"],
            DATE,
            approval=APPROVED,
            body=f"{hostile(FIELDS['answer'])}\n".replace("&amp;", "&"),
            question=H["question"],
            asker={"name": H["asker"], "public": True},
            asked="2026-11-15",
            answered_by="aliev",
        ),
        "content/media-requests/zapros.md": (
            "---\nreceived: 2026-11-18\n"
            + "".join(
                f"{key}: {json.dumps(H[field], ensure_ascii=False)}\n"
                for key, field in (
                    ("outlet", "request outlet"),
                    ("topic", "request topic"),
                    ("answer_summary", "request answer"),
                )
            )
            + "answered: 2026-11-20\npublic: true\n---\n"
        ),
    }


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("hostile-outputs"), _files(), _config())
    approve_records(root)
    result = build(root, NOW, root / "output", session=Session.of(root, cache=False))
    assert result.ok, [(p.path, p.code) for p in result.problems if p.is_error]
    return root / "output"


def _files_of(output: Path, pattern: str) -> list[Path]:
    found = sorted(output.glob(pattern))
    assert found, f"no {pattern} in the output"
    return found


def _everything(output: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in output.rglob("*") if p.is_file())


def test_no_template_expression_of_content_is_evaluated(output: Path) -> None:
    everything = _everything(output)
    assert b"1337" not in everything  # {{ 7*191 }}
    assert b"JINJA" in everything and not re.search(rb"(?<!%\})JINJA", everything)


# --- HTML ------------------------------------------------------------------------------------------

THEME_SCRIPTS = {"/static/a11y.js", "/static/search.js"}


def _html_problems(path: Path) -> list[str]:
    """Elements and attributes that did not come from the theme."""
    tree = lxml_html.document_fromstring(path.read_bytes())
    bad = []
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json":
            block = script.text or ""
            if "</script" in block.lower() or "<!--" in block:
                bad.append("</script or <!-- inside JSON-LD")
            json.loads(block)  # all of it, not cut short by a </script> in a value
        elif script.get("src") not in THEME_SCRIPTS or (script.text or "").strip():
            bad.append(f"<script {dict(script.attrib)}>")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("iframe", "object", "embed", "base", "style"):
            bad.append(f"<{element.tag}>")
        for name in element.attrib:
            if name.startswith("on") or re.match(r"x-injected|begin:", name):
                bad.append(f"<{element.tag} {name}=…>")
    return bad


def test_html_holds_no_markup_from_content(output: Path) -> None:
    pages = _files_of(output, "**/*.html")
    assert len(pages) > 20
    bad = {p.relative_to(output).as_posix(): _html_problems(p) for p in pages}
    assert not {k: v for k, v in bad.items() if v}


HTML_SHOWN = {
    "press-releases/vrazhdebnyi/index.html": [
        "site title",
        "division name",
        "title",
        "summary",
        "tag",
        "body",
        "correction note",
    ],
    "ky/press-releases/vrazhdebnyi/index.html": ["translation title"],
    "press-releases/otozvan/index.html": ["withdrawn title", "withdrawal reason"],
    "rebuttals/oproverzhenie/index.html": ["rebuttal title", "outlet", "original title", "claim", "fact"],
    "announcements/anons/index.html": [
        "announcement title",
        "place",
        "speaker",
        "speaker position",
        "accreditation",
        "event change note",
    ],
    "announcements/otmena/index.html": ["cancel reason"],
    "media-plans/plan/index.html": ["plan outlet", "plan topic", "plan format"],
    "media-requests/index.html": ["request outlet", "request topic", "request answer"],
    "questions/vopros/index.html": ["question title", "question", "asker", "answer"],
    "press-centre/index.html": ["person name", "person position", "press centre accreditation"],
}


@pytest.mark.parametrize("page", sorted(HTML_SHOWN))
def test_html_gives_each_field_back_as_text(output: Path, page: str) -> None:
    tree = lxml_html.document_fromstring((output / page).read_bytes())
    texts = [tree.text_content()] + [
        v for e in tree.iter() if isinstance(e.tag, str) for v in e.attrib.values()
    ]
    missing = [field for field in HTML_SHOWN[page] if not any(H[field] in t for t in texts)]
    assert not missing


def test_html_attributes_give_the_title_back_whole(output: Path) -> None:
    tree = lxml_html.document_fromstring((output / "press-releases/vrazhdebnyi/index.html").read_bytes())
    assert tree.xpath("//meta[@property='og:title']/@content") == [H["title"]]
    assert tree.xpath("//meta[@property='og:description']/@content") == [H["summary"]]


# --- JSON-LD ---------------------------------------------------------------------------------------


def _json_ld(page: Path) -> list:
    tree = lxml_html.document_fromstring(page.read_bytes())
    return [json.loads(s.text) for s in tree.iter("script") if s.get("type") == "application/ld+json"]


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize(
    ("page", "fields"),
    [
        ("press-releases/vrazhdebnyi/index.html", ["title", "summary", "correction note", "site title"]),
        ("rebuttals/oproverzhenie/index.html", ["rebuttal title", "claim", "outlet"]),
        ("announcements/anons/index.html", ["announcement title", "place", "speaker"]),
        ("questions/vopros/index.html", ["question title", "question"]),
    ],
)
def test_json_ld_gives_each_field_back(output: Path, page: str, fields: list[str]) -> None:
    raw = (output / page).read_bytes()
    blocks = re.findall(rb'<script type="application/ld\+json">(.*?)</script>', raw, re.DOTALL)
    assert blocks and all(b"<" not in block for block in blocks)  # nothing that could end the element
    strings = [s for data in _json_ld(output / page) for s in _strings(data)]
    assert [f for f in fields if H[f] not in strings] == []


# --- RSS, Atom -------------------------------------------------------------------------------------


def _feed_html(root: etree._Element) -> list[str]:
    """The parts a feed reader renders as HTML: Atom type="html", an RSS item's description
    (the channel's is plain text)."""
    parts = []
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.text:
            continue
        name = etree.QName(element).localname
        in_item = element.getparent() is not None and element.getparent().tag == "item"
        if element.get("type") in ("html", "xhtml") or (in_item and name in ("description", "encoded")):
            parts.append(element.text)
    return parts


def _fragment_problems(html: str) -> list[str]:
    bad = []
    for element in lxml_html.fragments_fromstring(html, no_leading_text=False):
        if not isinstance(element, etree._Element):
            continue
        for e in element.iter():
            if isinstance(e.tag, str) and (
                e.tag in ("script", "iframe", "object", "style") or any(a.startswith("on") for a in e.attrib)
            ):
                bad.append(f"<{e.tag} {dict(e.attrib)}>")
    return bad


def test_rss_and_atom_parse_and_hold_no_markup_from_content(output: Path) -> None:
    feeds = _files_of(output, "**/feeds/**/*.xml")
    assert any(p.name == "changes.atom.xml" for p in feeds)
    for path in feeds:
        root = etree.fromstring(path.read_bytes())
        assert feedparser.parse(path.read_bytes()).bozo == 0, path
        for html in _feed_html(root):
            assert not _fragment_problems(html), (path.relative_to(output), html[:200])


@pytest.mark.parametrize(
    ("feed", "fields"),
    [
        ("feeds/all.atom.xml", ["title", "body", "correction note", "withdrawal reason", "rebuttal title"]),
        ("feeds/all.rss.xml", ["title", "summary", "withdrawal reason", "tag"]),
        (
            "feeds/changes.atom.xml",
            ["correction note", "withdrawal reason", "event change note", "cancel reason"],
        ),
        ("feeds/changes.rss.xml", ["correction note", "withdrawal reason", "event change note"]),
        ("feeds/questions.atom.xml", ["question title", "answer"]),
        ("feeds/questions.rss.xml", ["question title"]),
    ],
)
def test_rss_and_atom_give_each_field_back(output: Path, feed: str, fields: list[str]) -> None:
    root = etree.fromstring((output / feed).read_bytes())
    texts = [e.text or "" for e in root.iter() if isinstance(e.tag, str)]
    texts += [e.get("term") or "" for e in root.iter() if isinstance(e.tag, str)]
    texts += [lxml_html.fromstring(f"<div>{h}</div>").text_content() for h in _feed_html(root)]
    assert [f for f in fields if not any(H[f] in t for t in texts)] == []


# --- JSON Feed, open data JSON, search index ---------------------------------------------------------


def test_json_files_parse(output: Path) -> None:
    for path in _files_of(output, "**/*.json"):
        json.loads(path.read_bytes())


def test_json_feed_gives_text_back_and_its_html_holds_no_markup(output: Path) -> None:
    for path in _files_of(output, "**/feeds/**/*.json"):
        for entry in json.loads(path.read_bytes())["items"]:
            assert not _fragment_problems(entry.get("content_html") or "<p></p>"), path
    items = {
        i["url"].rsplit("/", 2)[-2]: i for i in json.loads((output / "feeds/all.json").read_bytes())["items"]
    }
    assert items["vrazhdebnyi"]["title"] == H["title"]
    assert items["vrazhdebnyi"]["summary"] == H["summary"]
    assert H["tag"] in items["vrazhdebnyi"]["tags"]
    assert H["body"] in lxml_html.fromstring(items["vrazhdebnyi"]["content_html"]).text_content()
    assert H["withdrawal reason"] in lxml_html.fromstring(items["otozvan"]["content_html"]).text_content()


def test_open_data_json_gives_text_back(output: Path) -> None:
    data = _strings([json.loads(p.read_bytes()) for p in _files_of(output, "data/*.json")])
    for field in (
        "title", "summary", "tag", "place", "plan topic", "plan outlet", "request topic",
        "question title", "question", "asker",
    ):  # fmt: skip
        assert any(H[field] in s for s in data), field


def test_search_index_gives_titles_back(output: Path) -> None:
    docs = _strings([json.loads(p.read_bytes()) for p in _files_of(output, "search/ru/d/*.json")])
    texts = [p.read_text(encoding="utf-8") for p in _files_of(output, "search/ru/f/*.txt")]
    for field in ("title", "withdrawn title", "rebuttal title", "announcement title", "question title"):
        assert H[field] in docs, field
    assert any(H["summary"] in text for text in texts)  # the excerpts' text, as it was written
    docs += texts
    assert not any(H["withdrawal reason"] in s and "alert(21)" not in s for s in docs)


# --- calendars ------------------------------------------------------------------------------------

ICS_PROPERTIES = {
    "UID", "DTSTAMP", "LAST-MODIFIED", "CREATED", "SEQUENCE", "DTSTART", "DTEND", "STATUS",
    "SUMMARY", "LOCATION", "URL", "DESCRIPTION",
}  # fmt: skip


def test_calendars_parse_and_no_newline_makes_a_property(output: Path) -> None:
    calendars = _files_of(output, "**/*.ics")
    for path in calendars:
        raw = path.read_bytes().decode()
        unfolded = raw.replace("\r\n ", "")
        assert "\n" not in raw.replace("\r\n", ""), path  # every line ends in CRLF
        for line in unfolded.split("\r\n"):
            assert not re.match(r"(?i)(x-injected|begin:valarm|end:valarm)", line), (path, line)
        calendar = Calendar.from_ical(raw)
        for component in calendar.walk():
            assert component.name in ("VCALENDAR", "VEVENT"), (path, component.name)
            if component.name == "VEVENT":
                assert set(component) <= ICS_PROPERTIES, (path, set(component) - ICS_PROPERTIES)


def test_calendars_give_each_field_back(output: Path) -> None:
    events = {}
    for component in Calendar.from_ical((output / "calendar/events.ics").read_bytes()).walk("VEVENT"):
        events[str(component["URL"]).rsplit("/", 2)[-2]] = component
    anons = events["anons"]
    assert str(anons["SUMMARY"]) == H["announcement title"]
    assert str(anons["LOCATION"]) == H["place"]
    for field in ("accreditation", "event change note"):
        assert H[field] in str(anons["DESCRIPTION"]), field
    assert H["cancel reason"] in str(events["otmena"]["DESCRIPTION"])
    assert H["withdrawn event reason"] in str(events["otozvan"]["DESCRIPTION"])


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_parses_with_its_columns_and_gives_text_back(output: Path) -> None:
    cells: list[str] = []
    for path in _files_of(output, "data/*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
        assert len(rows) > 1, path
        assert {len(row) for row in rows} == {len(rows[0])}, path
        cells += [cell for row in rows[1:] for cell in row]
    for field in (
        "title",
        "summary",
        "place",
        "plan topic",
        "plan outlet",
        "request topic",
        "request answer",
        "question title",
        "question",
        "asker",
    ):
        assert any(H[field] in cell for cell in cells), field

"""Citizens' questions and answers (type `question`): a public type like the others — its own
listing, page, feeds, QAPage JSON-LD, open data, search and sitemap entry — with the asker
anonymous unless they agreed, attached to an event's page once the event took place,
checked file and line (an unknown event, contact data in the public text), scaffolded by
`new question`, typed in JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml
from search_reader import Reader
from sitekit import announcement_fields, config_dict, item, make_site, run_cli

TYPES = {
    kind: {"approval_hash": "optional", "approver_roles": ["pr_department"], "four_eyes": True}
    for kind in ("press-release", "rebuttal", "announcement", "media-plan", "question")
}
CONFIG = config_dict(rules={"types": TYPES})
SECRET = "Засекреченко"  # an asker's name without consent: never in output/
PUBLIC = "Открытова Жылдыз"
ANSWER = "Освещение установят до 1 июля: 46 светодиодных светильников."


def question(
    title: str = "Когда на улице Гебзе появится освещение?",
    *,
    name: str = SECRET,
    public: bool = False,
    event: str | None = None,
    text: str = "На улице Гебзе нет ни одного фонаря. Когда установят освещение?",
    body: str = ANSWER + "\n",
    date: str = "2026-11-20T10:00:00+06:00",
    status: str = "approved",
) -> str:
    return item(
        title,
        date,
        status,
        body=body,
        question=text,
        asker={"name": name, "public": public},
        asked="2026-11-15",
        answered_by="sydykova",
        event=event,
    )


def _event(ends: str = "2026-11-25T12:00:00+06:00") -> str:
    fields = announcement_fields()
    fields["event"] |= {"kind": "live_stream", "starts": "2026-11-25T11:00:00+06:00", "ends": ends}
    return item("Прямой эфир мэра", "2026-11-18T10:00:00+06:00", **fields)


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    return make_site(tmp_path, files, CONFIG)


def _build(root: Path, now: str = "2026-11-22T12:00:00+06:00", *extra: str) -> tuple[int, str]:
    code, out, err = run_cli("build", "--now", now, *extra, cwd=root)
    return code, out + err


def _all_bytes(output: Path) -> bytes:
    return b"".join(p.read_bytes() + p.name.encode() for p in output.rglob("*") if p.is_file())


def test_a_question_is_published_like_every_type(tmp_path):
    root = _site(
        tmp_path,
        {
            "content/questions/2026/gebze.md": question(),
            "content/questions/2026/avtobus.md": question(
                "Почему не ходит автобус № 3?",
                name=PUBLIC,
                public=True,
                text="Продлите маршрут № 3 до 22:00.",
            ),
        },
    )
    code, said = _build(root)
    assert code == 0, said
    out = root / "output"
    page = (out / "questions/gebze/index.html").read_text(encoding="utf-8")
    assert "На улице Гебзе нет ни одного фонаря" in page and ANSWER in page
    assert "Житель города (имя не публикуется)" in page and "Сыдыкова Айгуль" in page
    listing = (out / "questions/index.html").read_text(encoding="utf-8")
    assert "/questions/gebze/" in listing and "Вопросы и ответы" in listing
    for feed in ("questions.rss.xml", "questions.atom.xml", "questions.json"):
        assert "Когда на улице Гебзе" in (out / "feeds" / feed).read_text(encoding="utf-8"), feed
    graph = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    qa = next(node for node in graph["@graph"] if node["@type"] == "QAPage")
    assert qa["mainEntity"]["@type"] == "Question" and qa["mainEntity"]["answerCount"] == 1
    assert qa["mainEntity"]["acceptedAnswer"]["text"] == ANSWER
    assert qa["mainEntity"]["acceptedAnswer"]["author"]["name"] == "Сыдыкова Айгуль"
    assert "author" not in qa["mainEntity"]  # anonymous: no name, no invented one
    records = {r["url"].rsplit("/", 2)[-2]: r for r in json.loads((out / "data/questions.json").read_text())}
    assert records["gebze"]["asker"] is None and records["avtobus"]["asker"] == PUBLIC
    assert records["gebze"]["answer"] == ANSWER and records["gebze"]["asked"] == "2026-11-15"
    schema = json.loads((out / "data/schema/questions.schema.json").read_text())
    jsonschema.validate(list(records.values()), schema)
    assert "https://press.example.kg/questions/gebze/" in (out / "sitemaps/ru.xml").read_text()
    assert Reader(out, "ru").titles("фонаря") == ["Когда на улице Гебзе появится освещение?"]
    public_page = (out / "questions/avtobus/index.html").read_text(encoding="utf-8")
    assert PUBLIC in public_page


def test_the_asker_is_anonymous_unless_they_agreed(tmp_path):
    root = _site(tmp_path, {"content/questions/2026/gebze.md": question()})
    assert _build(root)[0] == 0
    assert SECRET.encode() not in _all_bytes(root / "output")


def test_a_site_template_cannot_show_an_asker_who_did_not_agree(tmp_path):
    """The view drops the name, so a site's own template that prints it prints nothing."""
    root = _site(
        tmp_path,
        {
            "content/questions/2026/gebze.md": question(),
            "templates/question.html": '{% extends "item.html" %}{% block specific %}'
            "<p>[{{ entry.meta.asker.name }}]</p>{% endblock %}",
        },
    )
    code, said = _build(root)
    assert code == 0, said
    assert "<p>[None]</p>" in (root / "output/questions/gebze/index.html").read_text(encoding="utf-8")
    assert SECRET.encode() not in _all_bytes(root / "output")


def test_event_questions_appear_on_its_page_once_it_took_place(tmp_path):
    root = _site(
        tmp_path,
        {
            "content/announcements/efir.md": _event(),
            "content/questions/2026/gebze.md": question(event="announcements/efir"),
            "content/questions/2026/other.md": question("Без мероприятия", text="Вопрос."),
        },
    )
    event_page = root / "output/announcements/efir/index.html"
    assert _build(root, "2026-11-25T11:59:00+06:00")[0] == 0
    assert "/questions/gebze/" not in event_page.read_text(encoding="utf-8")
    # The same inputs, later the same day: the event's end is a moment the up-to-date check
    # knows, so this build renders again rather than say "up to date".
    code, said = _build(root, "2026-11-25T12:01:00+06:00")
    assert code == 0 and "актуальн" not in said, said
    shown = event_page.read_text(encoding="utf-8")
    assert "/questions/gebze/" in shown and "/questions/other/" not in shown
    assert 'href="/announcements/efir/"' in (root / "output/questions/gebze/index.html").read_text()


def test_a_cancelled_event_shows_no_questions(tmp_path):
    fields = announcement_fields()
    fields["event"] |= {"status": "cancelled", "cancel_reason": "Болезнь"}
    root = _site(
        tmp_path,
        {
            "content/announcements/efir.md": item("Эфир", "2026-11-18T10:00:00+06:00", **fields),
            "content/questions/2026/gebze.md": question(event="content/announcements/efir.md"),
        },
    )
    assert _build(root, "2026-11-28T12:00:00+06:00")[0] == 0
    assert "/questions/gebze/" not in (root / "output/announcements/efir/index.html").read_text()


def test_bad_questions_are_named_by_file_and_line(tmp_path):
    root = _site(
        tmp_path,
        {
            "content/questions/2026/a.md": question(
                event="announcements/nowhere",
                text="Пишите мне на ivan.petrov@mail.example.kg или звоните +996 555 12-34-56",
                body="Ответ.\n\nПозвоните нам: 0555 123 456.\n",
            ),
            "content/questions/2026/b.md": question("Без ответчика").replace(
                "answered_by: sydykova", "answered_by: nobody"
            ),
            "content/questions/2026/c.md": question(
                "Сумма", text="Бюджет 1 500 000 сомов на 2026-11-20, дом 14, кв. 120?"
            ),
        },
    )
    code, out, err = run_cli("check", "--now", "2026-11-22T12:00:00+06:00", cwd=root)
    said = out + err
    assert code == 1, said
    text = (root / "content/questions/2026/a.md").read_text().split("\n")
    line = {
        key: 1 + next(n for n, row in enumerate(text) if row.startswith(key))
        for key in ("event:", "question:")
    }
    assert f"content/questions/2026/a.md:{line['event:']}: error QUESTION_EVENT_REF" in said
    assert f"content/questions/2026/a.md:{line['question:']}: warning QUESTION_EMAIL" in said
    assert f"content/questions/2026/a.md:{line['question:']}: warning QUESTION_PHONE" in said
    body_line = 1 + text.index("Позвоните нам: 0555 123 456.")
    assert f"content/questions/2026/a.md:{body_line}: warning QUESTION_PHONE" in said
    assert re.search(r"content/questions/2026/b\.md:\d+: error UNKNOWN_PERSON", said)
    assert "c.md" not in said  # sums, dates and house numbers are no contact data
    assert "Traceback" not in said


def test_new_question_is_a_skeleton_that_passes_check_and_its_schema(tmp_path):
    root = _site(tmp_path, {})
    code, out, err = run_cli(
        "new",
        "question",
        "Когда откроют каток?",
        "--author",
        "petrov",
        "--now",
        "2026-11-22T12:00:00+06:00",
        cwd=root,
    )
    assert code == 0, out + err
    made = next((root / "content/questions").rglob("*.md"))
    front = yaml.safe_load(made.read_text(encoding="utf-8").split("---\n")[1])
    front = json.loads(json.dumps(front, default=str))  # dates as an editor's YAML writes them
    assert front["question"] and front["asker"] == {"name": None, "public": False}
    assert front["answered_by"] == "petrov" and front["status"] == "draft"
    code, out, err = run_cli("check", "--now", "2026-11-22T12:00:00+06:00", cwd=root)
    assert code == 0, out + err
    assert run_cli("schema", cwd=root)[0] == 0
    schema = json.loads((root / "schemas/question.schema.json").read_text())
    jsonschema.validate(front | {"question": "Вопрос"}, schema)
    try:
        jsonschema.validate(front | {"asker": {"nmae": "x"}}, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the schema accepts a misspelt key")


def test_the_example_site_has_questions_two_for_the_live_stream():
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "content/questions").rglob("*.md"))
    assert len(files) >= 5
    fronts = [yaml.safe_load(f.read_text(encoding="utf-8").split("---\n")[1]) for f in files]
    attached = [f for f in fronts if "pryamoi-efir-mera" in (f.get("event") or "")]
    assert len(attached) == 2

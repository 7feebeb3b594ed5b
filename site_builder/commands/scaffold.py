"""`site-builder new`: write the skeleton of a new item, ready to fill in and to pass `check`."""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from slugify import slugify

from site_builder.commands import console
from site_builder.errors import Problem, problem
from site_builder.judge import authors
from site_builder.load import links
from site_builder.load import skeleton as placeholders
from site_builder.load.config import Config, TypeName
from site_builder.load.fields import EARLIEST, LATEST, in_range
from site_builder.load.model import MONITORING_SECTION, REQUESTS_SECTION, SECTION_OF


def _stamp(moment: datetime, config: Config) -> str:
    return moment.astimezone(config.tz).isoformat(timespec="seconds")


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def git_email(root: Path) -> str | None:
    """`git config user.email` of the site repository, if git and the setting exist."""
    try:
        done = subprocess.run(
            ["git", "config", "user.email"], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


# What `new` writes besides items: the registers' records (no approval workflow of their own
# but a public media request's, no date: of publication), each in its own folder.
RECORDS = {"media-request": REQUESTS_SECTION, "monitoring": MONITORING_SECTION}


@dataclass(frozen=True)
class NewItem:
    """What `site-builder new` was asked for: the kind and title, and what the editor gave of
    the rest (None: the author from the git e-mail, the author's division, now, a slug made
    from the title)."""

    kind: TypeName | Literal["monitoring"]
    title: str
    author: str | None = None
    division: str | None = None
    date: str | None = None
    slug: str | None = None


def skeleton(new: NewItem, author: str, division: str | None, when: datetime, config: Config) -> str:
    """The text of a new draft of this kind: every key the kind needs, with short hints, and
    the placeholders of load/skeleton.py for the editor to replace.  No `date:` unless
    `new.date` was given (then `when`, an embargo): the item goes out when it is approved."""
    kind, title = new.kind, new.title
    example = (when + timedelta(days=1)).astimezone(config.tz).replace(hour=10, minute=0, second=0)
    if new.date:
        zone = config.site.timezone
        dated = f"date: {_stamp(when, config)}  # эмбарго: выйдет не раньше этого времени ({zone})"
    else:
        dated = (
            f"# date: {example.strftime('%Y-%m-%dT%H:%M')}  # эмбарго: уберите «# » в начале строки, "
            "чтобы материал вышел в это время, а не сразу после согласования"
        )
    lines = [
        "---",
        f"title: {_quote(title)}",
        dated,
        f"summary: {_quote(placeholders.SUMMARY.text)}  # одно-два предложения для списков и лент",
        f"division: {division or ''}" + ("" if division else "  # id из divisions: в config.yaml"),
        f"author: {author}",
        "tags: []",
    ]
    if kind == "rebuttal":
        lines += [
            "original:",
            f"  outlet: {_quote(placeholders.OUTLET.text)}",
            f"  title: {_quote(placeholders.ORIGINAL_TITLE.text)}",
            "  url:  # https://…",
            "  published:  # когда вышла публикация, например 2026-11-21T09:00",
            f"detected_at: {_stamp(when, config)}  # когда публикацию обнаружили",
            "verdict: false  # false — ложь; distorted — искажение; accurate — верно",
            "facts:",
            f"  - claim: {_quote(placeholders.CLAIM.text)}  # что утверждается в публикации",
            f"    fact: {_quote(placeholders.FACT.text)}  # как на самом деле",
            "    evidence: []  # ссылки на документы: [https://…]",
        ]
    elif kind == "announcement":
        starts = example
        lines += [
            "event:",
            "  kind: press_conference  # briefing, round_table, live_stream, interview",
            f"  starts: {_stamp(starts, config)}",
            "  ends:  # например " + _stamp(starts + timedelta(hours=1), config),
            "  location:  # адрес; или online_url: https://…",
            "  accreditation:  # как аккредитоваться",
            "  speakers: []  # - name: …, position: …",
        ]
    elif kind == "media-plan":
        day = when.astimezone(config.tz).date()
        monday = day - timedelta(days=day.weekday())
        lines += [
            "period:",
            f"  from: {monday.isoformat()}",
            f"  to: {(monday + timedelta(days=6)).isoformat()}",
            "entries:",
            f"  - date: {monday.isoformat()}",
            "    channel: site  # site, media, social",
            '    outlet: "Официальный сайт"',
            f"    topic: {_quote(placeholders.ENTRY_TOPIC.text)}",
            f"    responsible: {author}",
        ]
    elif kind == "question":
        lines += [
            f"question: {_quote(placeholders.QUESTION.text)}",
            "asker:",
            "  name:  # имя жителя; на сайте — только с его согласия:",
            "  public: false  # true — имя публикуется",
            f"asked: {when.astimezone(config.tz).date().isoformat()}  # когда задан вопрос",
            f"answered_by: {author}  # кто отвечает: id из people: в config.yaml",
            "event:  # вопрос к мероприятию: id или путь анонса (content/announcements/…)",
        ]
    lines += [
        "status: draft  # draft → review → approve (site-builder approve)",
        "---",
        "",
        placeholders.body(kind),
    ]
    return "\n".join(lines)


def record_skeleton(new: NewItem, author: str, division: str | None, when: datetime, config: Config) -> str:
    """The text of a new record of a register: a media request received `when`, or a
    monitoring entry found `when`; every key with a short hint, what is optional commented out."""
    title, stamp = _quote(new.title), _stamp(when, config)
    no_division = "" if division else "  # id из divisions: в config.yaml"
    if new.kind == "monitoring":
        lines = [
            f"found: {stamp}  # когда публикацию обнаружили",
            "source:",
            '  outlet: "Название издания или аккаунта"',
            "  url:  # https://…",
            f"  title: {title}  # заголовок или выдержка",
            "kind: publication  # publication — публикация; social_post — пост в соцсети; complaint — жалоба",
            "tone: neutral  # positive, neutral, negative, false — ложная информация",
            f"division: {division or ''}" + (no_division or "  # ответственное управление"),
            f"author: {author}",
            "# outcome:  # результат — уберите «# » в начале строк и заполните",
            "#   kind: rebuttal  # rebuttal, comment — с ref:; answer — ответ дан (at:); none — reason:",
            "#   ref: rebuttals/2026/slug.md  # опровержение или комментарий на сайте",
            "#   at:  # когда направлен ответ",
            "#   reason:  # почему мер не требуется",
        ]
        notes = "Заметки для пресс-службы (не публикуются): кто сообщил, что предпринято."
    else:
        example = (when + timedelta(days=1)).astimezone(config.tz).replace(hour=10, minute=0, second=0)
        lines = [
            f"title: {title}",
            f"received: {when.astimezone(config.tz).date().isoformat()}",
            'outlet: "Название издания"',
            f"topic: {title}",
            "kind: information  # information, interview — интервью, comment — комментарий, accreditation",
            "channel: written  # oral — устно, written — письменно, email — по электронной почте",
            "contact:  # телефон или e-mail журналиста — не публикуется",
            f"executor: {division or ''}" + (no_division or "  # управление-исполнитель"),
            "contributors: []  # управления, участвующие в ответе: [transport, finance]",
            "# interview:  # для kind: interview — уберите «# » в начале строк",
            f"#   official: {author}",
            f"#   date: {example.strftime('%Y-%m-%dT%H:%M')}",
            "#   outcome:  # чем закончилось интервью",
            "answered:  # дата ответа, ГГГГ-ММ-ДД",
            'answer_summary: ""',
            f"author: {author}",
            "public: false  # true — запись показывается в реестре на сайте после согласования",
        ]
        notes = "Заметки для пресс-службы (не публикуются): ход подготовки ответа."
    return "\n".join(["---", *lines, "---", "", notes, ""])


def create(root: Path, config: Config, new: NewItem, now: datetime) -> tuple[Path | None, list[Problem]]:
    """Write content/<section>/<year>/<slug>.md; never overwrite. Return its path, or None and
    why not (an author neither given nor known by the git e-mail is a refusal)."""
    kind, author, division, date, slug = new.kind, new.author, new.division, new.date, new.slug
    title = " ".join(new.title.split())
    if not title or len(title) > 300:
        return None, [problem("content/", 0, "error", "NEW_BAD_TITLE", length=len(title))]
    when = now
    if date:
        try:
            when = datetime.fromisoformat(date.strip())
        except ValueError:
            return None, [problem("content/", 0, "error", "NEW_BAD_DATE", value=date)]
        if not in_range(when):  # as every date in a file: no time zone shift can overflow
            args = {"key": "--date", "value": date, "earliest": EARLIEST, "latest": LATEST}
            return None, [problem("content/", 0, "error", "DATE_RANGE", **args)]
        if when.tzinfo is None:
            when = when.replace(tzinfo=config.tz)
    when = when.replace(microsecond=0)
    if author is None:  # four-eyes needs an author: a draft without one is not written
        email = git_email(root)
        person = next(
            (p for p in config.people if email and email.lower() in (e.lower() for e in p.emails)), None
        )
        if person is None:
            args = {"email": email or "—", "known": authors.known(config)}
            return None, [problem("content/", 0, "error", "NEW_NO_AUTHOR", **args)]
        author = person.id
    elif config.person(author) is None:
        return None, [authors.unknown_person("content/", 0, "--author", author, config)]
    if division is None:
        person = config.person(author)
        division = person.division if person else None
    elif config.division(division) is None:
        known = ", ".join(d.id for d in config.divisions)
        return None, [
            problem("content/", 0, "error", "UNKNOWN_DIVISION", key="--division", value=division, known=known)
        ]
    name = slug or slugify(title, max_length=80, word_boundary=True)
    if not name or slugify(name, max_length=120) != name:
        return None, [problem("content/", 0, "error", "NEW_NO_SLUG", title=title)]
    year = when.astimezone(config.tz).year
    if kind in RECORDS:  # as the registers' files are named: by the day received or found
        name = f"{when.astimezone(config.tz).date().isoformat()}-{name}"
    section = RECORDS.get(kind) or SECTION_OF[kind]  # type: ignore[index]
    rel = f"content/{section}/{year}/{name}.md"
    target = root / rel
    for folder in reversed(target.relative_to(root).parents[:-1]):  # content/, its section, the year
        if links.is_link(root / folder):  # the new file would land wherever the link leads
            return None, [links.symlink(root, root / folder)]
    asked = replace(new, title=title)
    if kind in RECORDS:
        text = record_skeleton(asked, author, division, when, config)
    else:
        text = skeleton(asked, author, division, when, config)  # before the file exists
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return None, [problem(rel, 0, "error", "NEW_EXISTS")]
    return target, []


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    config = console.site_config(root, args)
    if config is None:
        return console.EXIT_PROBLEMS
    asked = NewItem(args.kind, args.title, args.author, args.division, args.date, args.slug)
    path, problems = create(root, config, asked, now)
    if path is None:
        console.show(problems, args)
        return console.EXIT_PROBLEMS
    console.say(path.relative_to(root).as_posix())
    return console.EXIT_OK

"""`site-builder init DIR`: a new press office's site, ready to check, build and publish.

The files come from site_builder/starter/: config.yaml with every key explained, one
example item of each type and a media-request record (drafts and items under review: a
new office has nobody's keys yet, and nothing goes out unapproved), the CI workflow, the
pre-commit hook, .gitignore and a README.  What the office names (its title, address and
time zone) and the examples' dates, worked out from the day it runs, are filled in.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from site_builder import __version__
from site_builder.commands import console
from site_builder.errors import ConfigError, Problem, problem
from site_builder.i18n import word
from site_builder.load.config import SiteSettings, parse_config
from site_builder.load.fields import problems_from

DEFAULTS = {
    "name": "Пресс-служба администрации района",
    "base_url": "https://press.example.org/",
    "timezone": "Asia/Bishkek",
}
OPTIONS = {
    "name": ("--name", "title"),
    "base_url": ("--base-url", "base_url"),
    "timezone": ("--timezone", "timezone"),
}
# Names kept without their leading dot in the package (package data skips dot files).
DOTTED = {"gitignore": ".gitignore", "pre-commit-config.yaml": ".pre-commit-config.yaml", "github": ".github"}
# The zones of Russia: the calendar counts Russian public holidays there, else Kyrgyz ones.
RUSSIAN_ZONES = frozenset(
    {
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Kirov",
        "Europe/Volgograd",
        "Europe/Astrakhan",
        "Europe/Saratov",
        "Europe/Ulyanovsk",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Omsk",
        "Asia/Novosibirsk",
        "Asia/Barnaul",
        "Asia/Tomsk",
        "Asia/Novokuznetsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Chita",
        "Asia/Yakutsk",
        "Asia/Khandyga",
        "Asia/Vladivostok",
        "Asia/Ust-Nera",
        "Asia/Magadan",
        "Asia/Sakhalin",
        "Asia/Srednekolymsk",
        "Asia/Kamchatka",
        "Asia/Anadyr",
    }
)
MONTHS = (
    ("январь", "yanvar"),
    ("февраль", "fevral"),
    ("март", "mart"),
    ("апрель", "aprel"),
    ("май", "may"),
    ("июнь", "iyun"),
    ("июль", "iyul"),
    ("август", "avgust"),
    ("сентябрь", "sentyabr"),
    ("октябрь", "oktyabr"),
    ("ноябрь", "noyabr"),
    ("декабрь", "dekabr"),
)


def answers(args: argparse.Namespace) -> dict[str, str]:
    """The title, address and time zone: as given, else asked at a terminal, else the defaults."""
    out = {}
    for key, default in DEFAULTS.items():
        given = getattr(args, key)
        if given is None and sys.stdin.isatty():
            prompt = {"name": "Site title", "base_url": "Site address", "timezone": "Time zone"}[key]
            try:
                given = input(f"{word(prompt, args.lang)} [{default}]: ").strip() or None
            except EOFError:
                given = None
        out[key] = " ".join((given or default).split()) if key == "name" else (given or default).strip()
    return out


def option_problems(given: dict[str, str]) -> list[Problem]:
    """Each option checked as config.yaml's `site:` checks it, reported under the option's name."""
    out: list[Problem] = []
    for key, (option, field) in OPTIONS.items():
        settings = {"title": DEFAULTS["name"], "base_url": DEFAULTS["base_url"], field: given[key]}
        try:
            SiteSettings.model_validate(settings)
        except ValidationError as exc:
            out += problems_from(exc, SiteSettings, option, {}, 0)
    return out


def _weekday(day: date) -> date:
    """The day, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def fillings(given: dict[str, str], now: datetime) -> dict[str, str]:
    """Every @NAME@ of the starter files: the office's answers and the examples' dates."""
    from zoneinfo import ZoneInfo

    today = now.astimezone(ZoneInfo(given["timezone"])).date()
    event = _weekday(today + timedelta(days=14))
    eve = event - timedelta(days=3 if event.weekday() == 0 else 1)
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)  # next month's first day
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month, slug = MONTHS[first.month - 1]
    return {
        "TITLE": json.dumps(given["name"], ensure_ascii=False),
        "TITLE_TEXT": given["name"],
        "BASE_URL": json.dumps(given["base_url"], ensure_ascii=False),
        "TIMEZONE": given["timezone"],
        "COUNTRY": "RU" if given["timezone"] in RUSSIAN_ZONES else "KG",
        "VERSION": __version__,
        "YEAR": str(today.year),
        "TODAY": today.isoformat(),
        "YESTERDAY": (today - timedelta(days=1)).isoformat(),
        "EVENT_DAY": event.isoformat(),
        "EVENT_EVE": eve.isoformat(),
        "PLAN_YEAR": str(first.year),
        "PLAN_MONTH": f"{month} {first.year} года",
        "PLAN_SLUG": f"{slug}-{first.year}",
        "PLAN_FROM": first.isoformat(),
        "PLAN_TO": last.isoformat(),
        **{f"PLAN_DAY_{n}": _weekday(first + timedelta(days=7 * n - 3)).isoformat() for n in (1, 2, 3)},
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def starter_files(given: dict[str, str], now: datetime) -> dict[str, str]:
    """Relative path → text of every file of the new site."""
    values = fillings(given, now)
    found: dict[str, str] = {}
    pending = [(resources.files("site_builder") / "starter", "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in folder.iterdir():
            name = DOTTED.get(entry.name, entry.name) if not prefix else entry.name
            rel = _fill(prefix + name, values)
            if entry.is_dir():
                pending.append((entry, rel + "/"))
            else:
                found[rel] = _fill(entry.read_text(encoding="utf-8"), values)
    return dict(sorted(found.items()))


def refusal(target: Path, shown: str) -> Problem | None:
    """Why a site cannot be made in `target`: it is a file, or a folder with something in it."""
    if target.exists() and not target.is_dir():
        return problem(shown, 0, "error", "INIT_NOT_A_FOLDER", dir=shown)
    if target.is_dir():
        inside = sorted(entry.name for entry in target.iterdir())
        if inside:
            return problem(shown, 0, "error", "INIT_NOT_EMPTY", dir=shown, count=len(inside), first=inside[0])
    return None


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    target, shown = args.dir, str(args.dir)
    found = refusal(target, shown)
    given = answers(args) if found is None else {}
    problems = [found] if found else option_problems(given)
    if problems:
        console.show(problems, args)
        return console.EXIT_PROBLEMS
    files = starter_files(given, now)
    try:
        parse_config(files["config.yaml"])  # the options are checked above: this never fails
    except ConfigError as exc:
        console.show(exc.problems, args)
        return console.EXIT_PROBLEMS
    target.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    if not args.quiet:
        console.say(
            word("created a site in {dir}: {count} files", args.lang).format(dir=shown, count=len(files))
        )
        for rel in files:
            console.say(f"  {rel}")
        console.say(word("next: put your divisions and people into config.yaml, then:", args.lang))
        console.say(f"  cd {shown}\n  site-builder check\n  site-builder build")
    return console.EXIT_OK

"""What the command line needs besides the options themselves: the language of its help
and errors (argparse's own words too), "did you mean" for a mistyped command, an example
for each command, and the site folder found upwards, as git finds `.git`."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from site_builder.i18n import translations, word

LANGUAGES = ("ru", "en")
LANG_ENV = "SITE_BUILDER_LANG"
CONFIG = "config.yaml"

# argparse's own words (its gettext msgids), so that they are in the catalog
# (tests/test_cli_options.py checks each one has a Russian translation).
ARGPARSE_WORDS = (
    "usage: ",
    "positional arguments",
    "options",
    "show this help message and exit",
    "argument %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n",
    "the following arguments are required: %s",
    "unrecognized arguments: %s",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "ambiguous option: %(option)s could match %(matches)s",
    "not allowed with argument %s",
    "one of the arguments %s is required",
    "ignored explicit argument %r",
)

# One or two typical command lines per command, shown under its --help.
EXAMPLES = {
    "check": ("site-builder check", "site-builder check --format github --now 2026-12-20T10:00"),
    "build": ("site-builder build", "site-builder build --output /srv/www/press --quiet"),
    "approve": (
        "site-builder approve content/press-releases/2026/budget.md --by aliev",
        "echo y | site-builder approve content/rebuttals/2026/school.md --by aliev --key ~/.ssh/id_ed25519",
    ),
    "serve": ("site-builder serve --drafts", "site-builder serve --port 8080"),
    "new": (
        'site-builder new press-release "Бюджет города на 2027 год"',
        'site-builder new announcement "Пресс-конференция мэра" --date 2026-12-20T10:00',
    ),
    "status": ("site-builder status", "site-builder status --format csv > status.csv"),
    "audit": ("site-builder audit --output audit.csv", "site-builder audit --format json"),
    "schema": ("site-builder schema", "site-builder schema --out .vscode/schemas"),
    "verify": (
        "site-builder verify https://press.example.kg/press-releases/2026/budget/",
        "site-builder verify output/",
    ),
    "report": (
        "site-builder report --month 2026-11",
        "site-builder report --month 2026-11 --format csv --out ~/reports",
    ),
    "log": (
        "site-builder log verify saved.jsonl https://press.example.kg/transparency/log.jsonl",
        "site-builder log verify old.jsonl new.jsonl",
    ),
    "init": (
        'site-builder init press-site --name "Пресс-служба администрации района"',
        "site-builder init press-site --base-url https://press.example.kg/ --timezone Asia/Bishkek",
    ),
}


def language(argv: Sequence[str]) -> str:
    """The language the command line speaks in: the last --lang given, else SITE_BUILDER_LANG,
    else Russian (read before parsing, since the help and argparse's errors need it)."""
    chosen = os.environ.get(LANG_ENV, "ru")
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return chosen if chosen in LANGUAGES else "ru"


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's own words ("usage:", "the following arguments are required" …) in `lang`
    while the parser is made and used: argparse looks them up through gettext at call
    time, and here they come from the site_builder catalog instead."""
    catalog = translations(lang, "site_builder")
    before = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = catalog.gettext, catalog.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = before  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that answers a mistyped command or value with "did you mean"
    (in `lang`; a command's parser, made by `add_parser`, is one too)."""

    def __init__(self, *args: Any, lang: str = "ru", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def _check_value(self, action: argparse.Action, value: object) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        lang = self.lang
        known = [str(choice) for choice in choices]
        text = word("invalid choice: '{value}' (choose from {choices})", lang)
        message = text.format(value=value, choices=", ".join(known))
        close = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
        if close:
            message += ". " + word("Did you mean '{suggestion}'?", lang).format(suggestion=close[0])
        raise argparse.ArgumentError(action, message)


def epilog(command: str, lang: str) -> str | None:
    """The examples shown under a command's --help."""
    lines = EXAMPLES.get(command)
    if not lines:
        return None
    return word("examples:", lang) + "\n" + "\n".join(f"  {line}" for line in lines)


def find_root(start: Path) -> Path:
    """The nearest folder from `start` up that holds config.yaml, as git finds `.git`;
    `start` itself when none does (the command then says config.yaml is missing there).
    `start` is returned as given when it holds config.yaml, so messages name it as before."""
    if os.path.lexists(start / CONFIG):
        return start
    here = start.absolute()
    for folder in here.parents:
        if os.path.lexists(folder / CONFIG):
            return folder
    return start

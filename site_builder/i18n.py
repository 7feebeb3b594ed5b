"""gettext catalogs (read with Babel): editors' messages and the site's interface strings."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from site_builder.diagnostics import CODES
from site_builder.errors import Problem

LOCALE_DIR = Path(__file__).parent / "locale"


# Arguments that are words of the message itself, not an editor's value: chars.name's
# description of a character, fields._EXPECTED's name of a kind of value, sshsig's
# reason a key or signature cannot be read, and where in an attachment a marker is
# (load/attachments.py: "page", "paragraph" …), and a detail that is a library's fixed
# words (PyYAML's syntax errors, diagnostics/values.py; a detail with no translation,
# such as the system's error text, stays as it is).
TRANSLATED_ARGS = {"what", "expected", "why", "where", "detail"}


@cache
def translations(lang: str, domain: str) -> NullTranslations:
    """The catalog of one language and domain; msgids (English) when there is none.

    The .po files are the source of truth and are compiled in memory, so a fresh clone
    needs no compile step.  Cached per process: catalogs are read-only package data.
    """
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def describe(item: Problem, lang: str) -> tuple[str, str]:
    """The message and hint of a problem in `lang` ('ru' or 'en')."""
    gettext = translations(lang, "site_builder").gettext
    message, hint = CODES.get(item.code, (item.code, ""))
    args = dict(item.args)
    for name in TRANSLATED_ARGS & args.keys():
        args[name] = gettext(args[name])
    text = _fill(gettext(message), args)
    advice = _fill(gettext(hint), args) if hint else ""
    if "suggestion" in args:
        advice = _fill(gettext("Did you mean '{suggestion}'?"), args) + " " + advice
    return text, advice


def word(text: str, lang: str) -> str:
    """One command-line message (an English msgid) in `lang`."""
    return translations(lang, "site_builder").gettext(text)


def words(table: dict[str, str], lang: str) -> dict[str, str]:
    """A table of command-line messages (English msgids) in `lang`."""
    return {key: word(text, lang) for key, text in table.items()}


def _fill(template: str, args: dict[str, str]) -> str:
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):
        return template

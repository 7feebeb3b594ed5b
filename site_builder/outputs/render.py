"""The jinja2 environment: site templates over the default theme, strict and escaped."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_date_format, parse_pattern
from babel.numbers import format_decimal
from markupsafe import Markup

from site_builder.errors import TemplateError
from site_builder.i18n import translations
from site_builder.load import links, urls
from site_builder.load.config import Config
from site_builder.outputs import templating
from site_builder.speed import signing

THEME = Path(__file__).parent.parent / "theme"
_ROOT_LINK = re.compile(r'(href|src)="/(?!/)')


def absolutize(html: str, origin: str) -> str:
    """Make root-relative links absolute, for feeds and anything read off the site."""
    return _ROOT_LINK.sub(lambda m: f'{m.group(1)}="{origin}/', html)


def json_script(value: object) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped so no '</script>' can break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def environment(
    config: Config, site_dir: Path, lang: str, bytecode: Path | None = None
) -> jinja2.Environment:
    """One environment per language: the site's templates/ first, then the theme's,
    sandboxed (see templating.py).

    `bytecode` is a folder for compiled templates (keyed by the template's file and
    source checksum), so neither later builds nor worker processes compile them again.
    """
    places = templating.folders(site_dir, THEME / "templates")
    loaders: list[jinja2.BaseLoader] = [templating.Loader(str(THEME / "templates"))]
    if os.path.lexists(site_dir / "templates"):
        loaders.insert(0, NoLinkLoader(site_dir))
    env = templating.Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(bytecode),
        auto_reload=False,  # a build renders with the templates it started with
    )
    env.places = places
    ui = translations(lang, "ui")
    env.install_gettext_translations(ui, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=_fast_gettext(ui.gettext), gettext=_fast_gettext(ui.gettext))
    tz = config.tz
    locale = Locale.parse(LOCALES.get(lang, lang))  # parsed once: Babel parses a name on every call

    memo: dict[tuple[datetime, str], str] = {}  # Babel formatting is slow; listings repeat dates

    def when(value: datetime, style: str = "long") -> str:
        key = (value, style)
        if key not in memo:
            memo[key] = _when(value, style)
        return memo[key]

    long_date = long_date_pattern(lang)
    # Each style's pattern, written by `fast_format` where it can (Babel where not).
    styles = {"date": long_date, "time": "HH:mm", "short": "dd.MM.y HH:mm", "long": f"{long_date}, HH:mm"}
    fast = {style: fast_format(pattern, locale, time=style != "date") for style, pattern in styles.items()}

    babel = {"date": format_date, "time": format_time}  # the rest: format_datetime

    def _when(value: datetime, style: str) -> str:
        style = style if style in styles else "long"  # any other style: the long one
        local = value.astimezone(tz)
        shown = local.date() if style == "date" else local
        written = fast[style]
        if written is not None:
            return written(shown)
        return babel.get(style, format_datetime)(shown, styles[style], locale=locale)

    env.filters.update(
        when=when,
        day=day_format(lang),
        iso=lambda v: v.isoformat(),
        absolute=lambda path: config.origin + path,
        uri=urls.uri,  # an address from front matter, as written but a URI (see urls.py)
        json_script=json_script,
        filesize=lambda size: _filesize(size, lang, locale),
    )
    env.globals.update(config=config, site=config.site, lang=lang, url=lambda p="": config.base_path + p)
    env.globals["signing_keys"] = any(person.keys for person in config.people)  # a /keys/ page exists
    env.globals["log_head"] = ""  # the publication log's head hash (outputs/transparency.py), set per site
    env.globals["card"] = _memo_card(env)
    env.globals["once"] = _once(env)
    return env


class NoLinkLoader(jinja2.BaseLoader):
    """The site's templates/ as jinja2's FileSystemLoader reads it, but never through a
    link (see links.py): the folder, every folder on the way and the file are each looked
    at first, and the file is opened without following one.

    A template that is a link or lies behind one, however it is asked for (`extends`,
    `include`, `import`), is a TemplateError naming the link, never a quiet fall-through
    to the theme's template of that name.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = str(self.site_dir / "templates")
        for piece in ["", *jinja2.loaders.split_template_path(template)]:  # refuses '..'
            path = os.path.join(path, piece) if piece else path
            try:
                found = os.lstat(path)
            except OSError:
                raise jinja2.TemplateNotFound(template) from None
            if stat.S_ISLNK(found.st_mode):
                raise TemplateError([links.symlink(self.site_dir, path)])
        if not stat.S_ISREG(found.st_mode):  # a folder or a named pipe: said, not skipped
            raise templating.TemplateFileError(path, 0, "TEMPLATE_NOT_FILE")
        try:
            data = links.read(path)
        except OSError as exc:
            if links.is_link(path):  # made a link since it was looked at
                raise TemplateError([links.symlink(self.site_dir, path)]) from None
            detail = exc.strerror or exc
            raise templating.TemplateFileError(path, 0, "TEMPLATE_UNREADABLE", detail=detail) from None
        mtime = found.st_mtime

        def uptodate() -> bool:
            try:
                return os.lstat(path).st_mtime == mtime
            except OSError:
                return False

        return templating.decode(data, path), os.path.normpath(path), uptodate


def _once(env: jinja2.Environment) -> Callable[..., Markup]:
    """A partial that is the same on every page of a language (header, footer, the
    visually-impaired panel), rendered once with these values: it sees only them and the
    environment's globals."""
    memo: dict[tuple, Markup] = {}

    def once(name: str, **values: object) -> Markup:
        key = (name, *sorted(values.items()))
        found = memo.get(key)
        if found is None:
            found = memo[key] = Markup(env.get_template(name).render(**values))
        return found

    return once


def _memo_card(env: jinja2.Environment) -> Callable[..., Markup]:
    """macros.html's `card`, rendered once per entry and heading level.

    An entry's card is on every listing it belongs to (its section, division, year and
    tags): the macro sees only its arguments and the environment's globals, so the
    HTML is the same each time.
    """
    memo: dict[tuple[str, int], Markup] = {}

    def card(entry: object, level: int = 3) -> Markup:
        key = (entry.url, level)  # type: ignore[attr-defined]
        found = memo.get(key)
        if found is None:
            found = memo[key] = Markup(env.get_template("macros.html").module.card(entry, level))  # type: ignore[attr-defined]
        return found

    return card


LOCALES = {"ky": "ky_KG", "ru": "ru_RU", "en": "en_GB"}


def long_date_pattern(lang: str) -> str:
    """The Babel pattern of a day written out in `lang`, as every page shows dates.

    Russian without Babel's trailing "г."; other languages in their locale's long form
    (Kyrgyz: "2026-ж., 19-ноябрь", not a Russian-style "19 ноябрь 2026").
    """
    return "d MMMM y" if lang == "ru" else get_date_format("long", locale=LOCALES.get(lang, lang)).pattern


def day_format(lang: str) -> Callable[[date], str]:
    """A day as the pages of `lang` write it (the templates' `day` filter)."""
    locale, pattern = Locale.parse(LOCALES.get(lang, lang)), long_date_pattern(lang)
    return fast_format(pattern, locale) or (lambda value: format_date(value, pattern, locale=locale))


# The fields of a date or time pattern as Babel writes them (ASCII digits, a month's name
# in its "format" context), from the value and its locale's month names.
_FIELDS: dict[str, Callable[[Any, dict[str, dict[int, str]]], str]] = {
    "d": lambda value, months: str(value.day),
    "dd": lambda value, months: f"{value.day:02d}",
    "M": lambda value, months: str(value.month),
    "MM": lambda value, months: f"{value.month:02d}",
    "MMM": lambda value, months: months["abbreviated"][value.month],
    "MMMM": lambda value, months: months["wide"][value.month],
    "y": lambda value, months: str(value.year),
    "yyyy": lambda value, months: f"{value.year:04d}",
    "H": lambda value, months: str(value.hour),
    "HH": lambda value, months: f"{value.hour:02d}",
    "m": lambda value, months: str(value.minute),
    "mm": lambda value, months: f"{value.minute:02d}",
}
_TIME_FIELDS = {"H", "HH", "m", "mm"}


def fast_format(pattern: str, locale: Locale, time: bool = False) -> Callable[[Any], str] | None:
    """Babel's `format_date` (or, with `time`, `format_datetime` of a datetime in its own
    zone) of this pattern, without Babel's set-up on every call (less than half the time:
    a ten-year archive's pages and search index write thousands of dates).  Only patterns
    made of the fields above and text; None for any other (tests/test_i18n.py compares
    both over decades of dates)."""
    template = parse_pattern(pattern).format  # "%(d)s %(MMMM)s %(y)s"
    names = re.findall(r"%\((\w+)\)s", template)
    if not names or any(name not in _FIELDS or (name in _TIME_FIELDS and not time) for name in names):
        return None
    months = {width: dict(locale.months["format"][width]) for width in ("abbreviated", "wide")}
    fields = {name: _FIELDS[name] for name in names}
    return lambda value: template % {name: field(value, months) for name, field in fields.items()}


def _fast_gettext(gettext: Callable[[str], str]) -> Callable[..., Markup]:
    """Jinja's newstyle gettext (escaped, %-formatted), with each message looked up once.

    A listing page calls `_()` hundreds of times; the stock wrapper resolves, translates
    and wraps the same strings on every call.  A message with no '%' and no variables
    is the same string after formatting, so it is not formatted.
    """
    memo: dict[str, Markup] = {}

    def translate(__string: str, **variables: object) -> Markup:
        found = memo.get(__string)
        if found is None:
            found = memo[__string] = Markup(gettext(__string))
        return found % variables if variables or "%" in found else found

    return translate


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return SignedBytecodeCache(str(folder))


class SignedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates, each file signed with this user's key (see signing.py): loading
    one runs it (and jinja2 unpickles its header), so a file that came with the sources
    is never loaded, only compiled anew and overwritten."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = signing.read_file(self._get_cache_filename(bucket))
        if data is None:
            return
        found, body = data[: signing.TAG_BYTES], data[signing.TAG_BYTES :]
        if signing.verify(found, body, b"template", bucket.key.encode()):
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = bucket.bytecode_to_string()
        name = self._get_cache_filename(bucket)
        temporary = f"{name}.{os.getpid()}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(signing.tag(body, b"template", bucket.key.encode()) + body)
            os.replace(temporary, name)
        except OSError:  # a template cache that cannot be written is only a slower build
            with contextlib.suppress(OSError):
                os.remove(temporary)


UNITS = {"en": ("B", "KB", "MB")}  # Russian and Kyrgyz write Б, КБ, МБ


def _filesize(size: int, lang: str, locale: Locale) -> str:
    """A file size as readers of `lang` write it: 512 Б, 1,8 КБ, 1.8 KB."""
    units = UNITS.get(lang, ("Б", "КБ", "МБ"))
    value = float(size)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            if unit == units[0]:
                return f"{size} {unit}"
            return f"{format_decimal(value, '0.0', locale=locale)} {unit}"
        value /= 1024
    return str(size)


def render(env: jinja2.Environment, name: str, **context: object) -> bytes:
    """Render a template; any failure in it becomes a TemplateError naming file and line."""
    return templating.render(env, name, **context).encode("utf-8")

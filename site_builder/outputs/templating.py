"""The jinja2 environment's class and loader, and template failures as problems.

Templates run sandboxed (`jinja2.sandbox`): whoever can edit templates/ may show any of
the site's data, but not reach Python's internals (`''.__class__.__mro__`, a function's
`__globals__`) and through them the machine that builds the site — in CI, its secrets.
Attribute checks are remembered per type and name, so the sandbox costs little.

Whatever goes wrong in a template (a syntax error, a missing include, a file that is not
UTF-8, a division by zero, a partial that includes itself, something the sandbox refuses)
becomes one problem naming the template file, as the editor knows it (`templates/…`, or
the theme's own `site_builder/theme/templates/…`), and its line.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from site_builder.errors import Problem, SiteError, TemplateError, problem

THEME_SHOWN = "site_builder/theme/templates"  # how a problem names the theme's templates
MAX_REPEAT = 10_000_000  # `'x' * n` or `[x] * n` longer than this is refused
MAX_POWER_BITS = 100_000  # `a ** b` with a result larger than this many bits is refused


class TemplateFileError(Exception):
    """A template file that cannot be read as a template: not UTF-8, a NUL byte, a folder;
    `code` and `args` are its problem's."""

    def __init__(self, filename: str, line: int, code: str, **args: object):
        super().__init__(f"{filename}:{line}: {code}")
        self.filename, self.line, self.code, self.args_ = filename, line, code, args


class Loader(jinja2.FileSystemLoader):
    """`FileSystemLoader` that says why a file cannot be a template instead of skipping it
    (a folder or a named pipe where a template should be) or failing without its name
    (bytes that are not UTF-8: the editor's file, not the template that includes it)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            try:
                mode = os.stat(filename).st_mode
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise TemplateFileError(
                    filename, 0, "TEMPLATE_UNREADABLE", detail=exc.strerror or exc
                ) from None
            if not stat.S_ISREG(mode):
                raise TemplateFileError(filename, 0, "TEMPLATE_NOT_FILE")
            try:
                with open(filename, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                raise TemplateFileError(
                    filename, 0, "TEMPLATE_UNREADABLE", detail=exc.strerror or exc
                ) from None
            return decode(data, filename), os.path.normpath(filename), lambda: True
        raise jinja2.TemplateNotFound(template)


def decode(data: bytes, filename: str) -> str:
    """A template's text; TemplateFileError at the line of the first byte that is not text."""
    zero = data.find(b"\0")
    try:
        text = data.decode("utf-8")
        bad = -1
    except UnicodeDecodeError as exc:
        bad = exc.start
    if bad >= 0 and (zero < 0 or bad < zero):
        raise TemplateFileError(filename, data.count(b"\n", 0, bad) + 1, "FILE_ENCODING", position=bad)
    if zero >= 0:
        raise TemplateFileError(filename, data.count(b"\n", 0, zero) + 1, "TEMPLATE_BINARY")
    return text


class Sandbox(SandboxedEnvironment):
    """The sandboxed environment, with its attribute checks remembered per type and name
    (`is_safe_attribute` depends on nothing else) and limits on `*` and `**`, which the
    stock sandbox lets make a value of any size."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}
        self.places: list[tuple[str, str]] = []  # see `folders`

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in ("format", "format_map"):  # str.format is wrapped by the sandbox
            return super().getattr(obj, attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:  # an item (`feed.title` of a dict), as the sandbox has it
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        except Exception:  # a property that fails: the sandbox decides first, then it is raised
            if not self.is_safe_attribute(obj, attribute, None):
                return self.unsafe_undefined(obj, attribute)
            raise
        key = (type(obj), attribute)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = self.is_safe_attribute(obj, attribute, value)
        return value if safe else self.unsafe_undefined(obj, attribute)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, str | bytes | list | tuple) and isinstance(count, int):
                    if len(sized) * count > MAX_REPEAT:
                        raise jinja2.sandbox.SecurityError(f"a value repeated {count} times is too large")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right > 0 and left.bit_length() * right > MAX_POWER_BITS:
                raise jinja2.sandbox.SecurityError(f"{left} ** {right} is too large")
        return super().call_binop(context, operator, left, right)

    def compile(
        self, source: Any, name: str | None = None, filename: str | None = None, *args: Any, **kw: Any
    ):
        """`Environment.compile`, where a template too deeply nested to compile is a syntax
        error of that template (not a RecursionError or Python SyntaxError without a name)."""
        try:
            return super().compile(source, name, filename, *args, **kw)
        except jinja2.TemplateSyntaxError:
            raise
        except (RecursionError, MemoryError, SyntaxError) as exc:
            detail = f"too deeply nested to compile ({type(exc).__name__})"
            raise jinja2.TemplateSyntaxError(detail, 0, name, filename) from None


def folders(site_dir: Path, theme: Path) -> list[tuple[str, str]]:
    """The template folders as the loader reads them, each with how a problem names it."""
    return [(str(site_dir / "templates"), "templates"), (str(theme), THEME_SHOWN)]


def shown(filename: str, places: list[tuple[str, str]]) -> str | None:
    """A template file as the editor knows it (see `folders`); None when it is none."""
    for folder, name in places:
        if filename.startswith(folder + os.sep):
            return name + "/" + os.path.relpath(filename, folder).replace(os.sep, "/")
    return None


def _innermost(exc: BaseException, places: list[tuple[str, str]]) -> tuple[str, int] | None:
    """The template file and line nearest to where `exc` was raised."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:  # template code jinja has not rewritten
            where = shown(template.filename, places)
            if where:
                found = (where, template.get_corresponding_lineno(tb.tb_lineno))
        else:
            where = shown(tb.tb_frame.f_code.co_filename, places)
            if where:
                found = (where, tb.tb_lineno)
        tb = tb.tb_next
    return found


def failure(exc: Exception, name: str, places: list[tuple[str, str]]) -> Problem:
    """The problem a template failure is: which file, which line, what kind, and why."""
    top = shown_name(name, places)
    if isinstance(exc, TemplateFileError):
        return problem(shown(exc.filename, places) or top, exc.line, "error", exc.code, **exc.args_)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = shown(exc.filename or "", places) or top
        return problem(where, exc.lineno or 0, "error", "TEMPLATE_SYNTAX", detail=exc.message or "")
    where, line = _innermost(exc, places) or (top, 0)
    if isinstance(exc, jinja2.TemplateNotFound):  # also TemplatesNotFound: the first name asked
        names = getattr(exc, "templates", None) or [exc.name]
        return problem(where, line, "error", "TEMPLATE_NOT_FOUND", name=str(names[0]))
    if isinstance(exc, RecursionError):
        return problem(where, line, "error", "TEMPLATE_RECURSION")
    if isinstance(exc, jinja2.sandbox.SecurityError):
        return problem(where, line, "error", "TEMPLATE_UNSAFE", detail=str(exc))
    detail = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
    return problem(where, line, "error", "TEMPLATE_ERROR", detail=detail)


def shown_name(name: str, places: list[tuple[str, str]]) -> str:
    """A template asked for by name, as a problem names it: the site's own when it has one."""
    for folder, shown_as in places:
        if os.path.lexists(os.path.join(folder, *name.split("/"))):
            return f"{shown_as}/{name}"
    return f"templates/{name}"


def render(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render a template; any failure becomes a TemplateError with its problem (see `failure`)."""
    try:
        return env.get_template(name).render(**context)
    except SiteError:
        raise
    except Exception as exc:  # whatever a template does: it is the editor's file, not a crash
        raise TemplateError([failure(exc, name, places(env))]) from None


def places(env: jinja2.Environment) -> list[tuple[str, str]]:
    """The template folders of an environment made by `render.environment` (see `folders`)."""
    return getattr(env, "places", [])

"""Field types shared by the config and content models, and pydantic errors → Problems."""

from __future__ import annotations

import difflib
import re
import types
import typing
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from site_builder.errors import Problem, problem
from site_builder.load import chars
from site_builder.load.yamlsafe import LineMap, line_for


class Strict(BaseModel):
    """Frozen model that rejects unknown keys (a typo must never be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# Every date an editor writes lies in these years: far enough from Python's years 1 and
# 9999 that no time zone shift, working-day count or month's window can overflow, and wide
# enough for any press office's archive; a date outside them is a typo.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def in_range(day: date) -> bool:
    """Whether a date (a date-time's own calendar date) lies in the years dates may have."""
    if isinstance(day, datetime):
        day = day.date()
    return EARLIEST <= day <= LATEST


def _out_of_range() -> PydanticCustomError:
    return PydanticCustomError("date_out_of_range", "out of range")


def _aware(value: Any, info: ValidationInfo) -> datetime:
    tz = (info.context or {}).get("tz", UTC)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("bad_date", "not a valid date-time") from None
    else:
        raise PydanticCustomError("bad_date", "not a valid date-time")
    if not in_range(moment):
        raise _out_of_range()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        raise PydanticCustomError("bad_date", "a date without time is expected")
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("bad_date", "not a valid date") from None
    else:
        raise PydanticCustomError("bad_date", "not a valid date")
    if not in_range(day):
        raise _out_of_range()
    return day


# JSON Schema "format: date-time" demands an offset, which editors may leave out (the site's
# time zone is meant): the schema states what _aware accepts instead.
_DATE_TIME_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    "description": "2026-05-14T10:00 (the site's time zone), with an optional offset such as +06:00",
}
AwareDateTime = Annotated[datetime, BeforeValidator(_aware), WithJsonSchema(_DATE_TIME_SCHEMA)]
Day = Annotated[date, BeforeValidator(_day)]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise PydanticCustomError("bad_id", "bad id")
    return value


def _check_url(value: str) -> str:
    if not _URL.match(value.strip()):
        raise PydanticCustomError("bad_url", "bad url")
    return value.strip()


def _no_controls(value: str) -> str:
    """Text: none of the characters no output may hold (chars.py), nor a carriage return."""
    found = chars.first_bad(value) or ("\r" if "\r" in value else None)
    if found:
        raise PydanticCustomError(
            "bad_text", "control character {char}", {"char": chars.label(found), "what": chars.name(found)}
        )
    return value


def _not_blank(value: str) -> str:
    """An entry of a list that must say something: no empty or whitespace-only one."""
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank_entry", "an empty entry")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Url = Annotated[str, AfterValidator(_check_url)]
Text = Annotated[str, AfterValidator(_no_controls)]
# An entry of a list of words (a marker, a tag, an e-mail address): text with something in it.
Entry = Annotated[str, AfterValidator(_no_controls), AfterValidator(_not_blank)]


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation may hold (through Optional, list, dict, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, tuple, set, typing.Union, types.UnionType, dict):
        found = []
        for arg in typing.get_args(annotation):
            found += _unwrap(arg)
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names (as editors write them) of the model found at `loc` inside `model`."""
    current = [model]
    for part in loc:
        if isinstance(part, int) or not current:
            continue
        nxt = []
        for cls in current:
            for name, info in cls.model_fields.items():
                if part in (name, info.alias):
                    nxt += _unwrap(info.annotation)
        current = nxt or current
    keys: list[str] = []
    for cls in current:
        keys += [info.alias or name for name, info in cls.model_fields.items()]
    return sorted(set(keys))


_EXPECTED = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping (key: value)",
    "model": "a mapping (key: value)",
    "tuple": "a list",
    "set": "a list",
}


# pydantic's bounds of a number: (code, the bound's name in the error's ctx).  `gt` and `lt`
# are not used by the models: a number's bounds are written with ge= and le=.
_BOUNDS = {
    "greater_than_equal": ("NUMBER_TOO_SMALL", "ge"),
    "less_than_equal": ("NUMBER_TOO_LARGE", "le"),
}


def problems_from(
    exc: ValidationError, model: type[BaseModel], path: str, lines: LineMap, default_line: int
) -> list[Problem]:
    """Turn pydantic's errors into editors' problems with file lines."""
    out: list[Problem] = []
    errors = [(_in_document(err, lines), err) for err in exc.errors(include_url=False)]
    deeper = {loc[:end] for loc, _err in errors for end in range(len(loc))}
    for loc, err in errors:
        kind = err["type"]
        if kind.endswith("_type") and loc in deeper:
            continue  # a union's other member: `accreditation` is a mapping, so "must be text" misleads
        key = chars.shown(".".join(str(p) for p in loc)) or "(front matter)"
        line = line_for(lines, loc, default_line)
        value = err.get("input")
        shown = _show(value)
        if kind == "missing":
            parent = line_for(lines, loc[:-1], default_line) if len(loc) > 1 else default_line
            out.append(problem(path, parent, "error", "KEY_MISSING", key=key))
        elif kind == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            args = {"key": key, "allowed": ", ".join(allowed)}
            suggestion = _suggest(model, loc, allowed)
            if suggestion:
                args["suggestion"] = suggestion
            out.append(problem(path, line, "error", "KEY_UNKNOWN", **args))
        elif kind == "date_out_of_range":
            args = {"key": key, "value": _show(value), "earliest": EARLIEST, "latest": LATEST}
            out.append(problem(path, line, "error", "DATE_RANGE", **args))
        elif kind == "bad_date" or kind.startswith(("date_", "datetime_", "time_")):
            out.append(problem(path, line, "error", "BAD_DATE", key=key, value=shown))
        elif kind in ("literal_error", "enum"):
            # pydantic's "'ru', 'ky' or 'en'", without the English "or"
            head, _or, last = str(err.get("ctx", {}).get("expected", "")).rpartition(" or ")
            allowed = f"{head}, {last}" if head else last
            out.append(problem(path, line, "error", "BAD_VALUE", key=key, value=shown, allowed=allowed))
        elif kind == "bad_timezone":
            out.append(problem(path, line, "error", "BAD_TIMEZONE", key=key, value=shown))
        elif kind in _BOUNDS:
            code, name = _BOUNDS[kind]
            limit = err.get("ctx", {}).get(name, "?")
            out.append(problem(path, line, "error", code, key=key, value=shown, limit=limit))
        elif kind == "string_pattern_mismatch":
            pattern = err.get("ctx", {}).get("pattern", "?")
            out.append(problem(path, line, "error", "BAD_VALUE", key=key, value=shown, allowed=pattern))
        elif kind in ("string_too_long", "too_long"):
            limit = err.get("ctx", {}).get("max_length", "?")
            length = len(value) if hasattr(value, "__len__") else "?"
            out.append(problem(path, line, "error", "TOO_LONG", key=key, length=length, limit=limit))
        elif kind in ("string_too_short", "too_short"):
            out.append(problem(path, line, "error", "EMPTY_VALUE", key=key))
        elif kind == "bad_id":
            out.append(problem(path, line, "error", "BAD_ID", key=key, value=shown))
        elif kind == "bad_url":
            out.append(problem(path, line, "error", "BAD_URL", key=key, value=shown))
        elif kind == "bad_text":
            ctx = err.get("ctx", {})
            out.append(problem(path, line, "error", "BAD_TEXT", key=key, char=ctx["char"], what=ctx["what"]))
        elif kind == "blank_entry":
            out.append(problem(path, line, "error", "EMPTY_ENTRY", key=key))
        elif kind.endswith(("_type", "_parsing")) or kind in ("model_attributes_type",):
            if any(p.code == "WRONG_TYPE" and p.line == line and dict(p.args)["key"] == key for p in out):
                continue  # a union's second member (`Speaker | Text`): the first one says it
            base = kind.split("_")[0]
            expected = _EXPECTED.get(base, base)
            out.append(problem(path, line, "error", "WRONG_TYPE", key=key, expected=expected, value=shown))
        else:
            out.append(problem(path, line, "error", "BAD_VALUE", key=key, value=shown, allowed=err["msg"]))
    return out


def _in_document(err: Any, lines: LineMap) -> tuple[Any, ...]:
    """An error's location as keys of the document: without pydantic's validator names and
    union members (`event.accreditation.Accreditation.deadline` is `event.accreditation.deadline`)."""
    raw = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    kept: list[Any] = []
    for index, part in enumerate(raw):
        last = index == len(raw) - 1
        if (
            isinstance(part, int)
            or (*kept, part) in lines
            or (last and err["type"] == "missing")
            or not lines
        ):
            kept.append(part)
    return tuple(kept)


def _suggest(model: type[BaseModel], loc: tuple[Any, ...], allowed: list[str]) -> str | None:
    """The key the editor probably meant, also across one level (`aproved_by` → `approval.by`)."""
    nested: dict[str, str] = {}
    for key in allowed:
        inner = allowed_keys(model, (*loc[:-1], key))
        if inner != allowed:
            nested |= {f"{key}_{sub}": f"{key}.{sub}" for sub in inner}
    # In any letter case: `Title:` or `APPROVED_BY:` is as close to a known key as `aproved_by:`.
    known = {key.casefold(): key for key in [*allowed, *nested]}
    close = difflib.get_close_matches(str(loc[-1]).casefold(), list(known), n=1, cutoff=0.6)
    return nested.get(known[close[0]], known[close[0]]) if close else None


def _show(value: Any) -> str:
    text = chars.shown(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"

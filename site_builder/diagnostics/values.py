"""Values in config.yaml and front matter of the right type that are not allowed: a time
zone nobody knows, a number out of its bounds.  And the words PyYAML (libyaml) uses for
a syntax error, which YAML_SYNTAX quotes as its {detail}: translated like a message."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "SITE_PICTURE_MISSING": (
        "{key} names {file}, which the site does not have",
        "Put the picture in static/ and write its path from the site's folder (static/emblem.png), or give its full https:// address.",
    ),
    "SITE_PICTURE_UNREADABLE": (
        "{key} {file} cannot be read as a picture: {why}",
        "Save the picture again as PNG or JPEG (or SVG for the emblem) and put it in static/.",
    ),
    "SITE_IMAGE_SMALL": (
        "{key} {file} is {width} px wide: search engines show a page's picture only from {least} px",
        "Give a picture at least {least} px wide, or leave site.image out: pages without a picture of their own then use site.emblem.",
    ),
    "BAD_TIMEZONE": (
        "'{key}' is not a known time zone: '{value}'",
        "Write a name of the tz database, such as Asia/Bishkek, Asia/Almaty or Europe/Moscow.",
    ),
    "NUMBER_TOO_SMALL": (
        "'{key}' must be at least {limit}: '{value}'",
        "Write a number no less than {limit}.",
    ),
    "NUMBER_TOO_LARGE": (
        "'{key}' must be at most {limit}: '{value}'",
        "Write a number no greater than {limit}.",
    ),
}

# libyaml's own problem strings (scanner, parser) and PyYAML's composer's, as
# load/yamlsafe.py passes them on; each has a translation in the catalog.
YAML_PROBLEMS = (
    "mapping values are not allowed in this context",
    "mapping keys are not allowed in this context",
    "block sequence entries are not allowed in this context",
    "found character that cannot start any token",
    "found unexpected end of stream",
    "did not find expected key",
    "did not find expected node content",
    "did not find expected '-' indicator",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "did not find expected <document start>",
    "did not find expected comment or line break",
    "did not find expected whitespace or line break",
    "could not find expected ':'",
    "found unknown escape character",
    "found undefined alias",
    "found undefined tag handle",
    "but found another document",
    "found a tab character that violates indentation",
    "found a tab character where an indentation space is expected",
    "found unexpected document indicator",
    "found duplicate %YAML directive",
    "found duplicate %TAG directive",
    "found incompatible YAML document",
    "found an indentation indicator equal to 0",
    "control characters are not allowed",
    "invalid leading UTF-8 octet",
    "incomplete UTF-8 octet sequence",
    "invalid trailing UTF-8 octet",
    "invalid Unicode character",
)

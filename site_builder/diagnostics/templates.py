"""The site's and the theme's templates."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "TEMPLATE_ERROR": (
        "template error: {detail}",
        "Fix the template at this line; variables a template uses must exist.",
    ),
    "TEMPLATE_SYNTAX": (
        "template syntax error: {detail}",
        "Check the tags on this line: each tag must be closed, and every if, for, block and macro needs its end tag (endif, endfor, endblock, endmacro).",
    ),
    "TEMPLATE_NOT_FOUND": (
        "the template '{name}' does not exist",
        "Check the name in the include, import or extends on this line: it is a path under templates/ (e.g. partials/footer_extra.html) or one of the theme's templates.",
    ),
    "TEMPLATE_UNREADABLE": (
        "the template cannot be read: {detail}",
        "Check that the file is readable (its permissions) and not damaged.",
    ),
    "TEMPLATE_BINARY": (
        "the template contains binary data (a NUL byte)",
        "A template must be UTF-8 text: put the file back if it was damaged; images and other files belong in static/.",
    ),
    "TEMPLATE_NOT_FILE": (
        "a folder or special file stands where a template is looked for",
        "A template must be a regular file: rename or remove the folder (or move the template out of it).",
    ),
    "TEMPLATE_RECURSION": (
        "the template includes or calls itself without end",
        "Remove the include, import or macro call on this line that leads back to this template.",
    ),
    "TEMPLATE_UNSAFE": (
        "the template uses something templates may not: {detail}",
        "Templates may show the site's data (entry, site, config …) but not Python's internals such as names starting with '_'; remove this expression.",
    ),
}

"""Problems found in a site, and the errors that stop a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Problem:
    """One diagnostic: where, how bad, which rule, what and how to fix it.

    `code` is stable and documented; `args` fill the message and hint templates
    of the code (see diagnostics/), so the text can be shown in any language.
    """

    path: str
    line: int
    severity: Severity
    code: str
    args: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def problem(path: str, line: int, severity: Severity, code: str, **args: object) -> Problem:
    """Build a Problem, turning every argument into text."""
    return Problem(path, max(int(line), 0), severity, code, tuple((k, str(v)) for k, v in args.items()))


class SiteError(Exception):
    """A run that cannot go on; carries the problems that stopped it."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def __reduce__(self):  # rebuilt with its problems when raised in a worker process
        return (type(self), (self.problems,))


class ConfigError(SiteError):
    """config.yaml is missing or wrong."""


class ContentError(SiteError):
    """The content tree has errors."""


class TemplateError(SiteError):
    """A template failed to compile or render."""

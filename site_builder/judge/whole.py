"""The whole site judged as one call: every item's verdict and problems (rules.py) and its
attachments' (attachments.py), which a build may ask again of other items (held.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from site_builder.errors import Problem
from site_builder.judge import attachments, monitoring, rules
from site_builder.judge.history import History
from site_builder.judge.rules import Judgement
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import Config
from site_builder.load.model import Item
from site_builder.speed.session import Session


@dataclass(frozen=True)
class Judged:
    judgement: Judgement
    problems: list[Problem]  # the judgement's and the attachments'
    cleaned: dict[str, tuple[str, int]]  # attachments published without metadata (attachments.py)


@dataclass(frozen=True)
class Judging:
    """What judging needs besides the items: the site, the moment, git history, the session;
    and the monitoring register, for the versions of rebuttals a build holds back (held.py),
    which take their `detected_at` from it as the current ones do (build.Records)."""

    root: Path
    config: Config
    now: datetime
    history: History
    session: Session
    days: WorkingDays
    entries: tuple[monitoring.Entry, ...] = ()

    def __call__(self, items: list[Item]) -> Judged:
        if self.entries:
            items, _reported = monitoring.detected(
                items, list(self.entries)
            )  # (by the check, of the current)
        judgement = rules.check(items, self.config, self.now, self.history, self.session, self.days)
        files = attachments.check(self.root / "content", items, judgement, self.config, self.session)
        return Judged(judgement, judgement.problems + files.problems, files.cleaned)

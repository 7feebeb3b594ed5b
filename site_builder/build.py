"""The orchestrator: config → content → rules → pages and feeds → output/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from site_builder import content, gitverify, rules, search, writer
from site_builder.config import Config, load_config
from site_builder.errors import Problem, SiteError
from site_builder.model import Item
from site_builder.outputs import Context, Files, all_outputs
from site_builder.render import environment
from site_builder.rules import Judgement
from site_builder.site import Site, build_site


@dataclass
class Result:
    problems: list[Problem]
    config: Config | None = None
    judgement: Judgement | None = None
    items: list[Item] = field(default_factory=list)
    files: Files = field(default_factory=dict)
    written: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def check(root: Path, now: datetime) -> Result:
    """Load and judge everything; write nothing."""
    try:
        config = load_config(root)
    except SiteError as exc:
        return Result(exc.problems)
    items, problems = content.load(root / "content", config)
    judgement = rules.check(items, config, now)
    problems += judgement.problems
    if config.rules.verify_git:
        problems += gitverify.verify(root, items, config)
    return Result(sorted(problems, key=_order), config, judgement, items)


def render_site(site: Site, root: Path) -> Files:
    """Every output file of a site, from every output kind."""
    ctx = Context(root, {lang: environment(site.config, root, lang) for lang in site.config.languages})
    files: Files = {}
    for kind in all_outputs():
        produced = kind.render(site, ctx)
        clash = files.keys() & produced.keys()
        if clash:
            raise RuntimeError(f"two outputs write {sorted(clash)[:3]}")
        files |= produced
    # Search indexes the pages just rendered, so it runs last and sees only what is published.
    files |= search.render(site, ctx, files)
    return files


def build(root: Path, now: datetime, output: Path | None = None) -> Result:
    """Check, then render into output/ atomically; on any error write nothing."""
    result = check(root, now)
    if not result.ok or result.config is None or result.judgement is None:
        return result
    site = build_site(result.items, result.judgement, result.config, now)
    try:
        result.files = render_site(site, root)
    except SiteError as exc:
        result.problems += exc.problems
        return result
    result.written = writer.write(output or root / "output", result.files)
    return result


def _order(p: Problem) -> tuple:
    return (p.path, p.line, p.code)

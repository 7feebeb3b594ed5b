"""Scratch-site helpers shared by the tests (a plain module: tests/browser has its own conftest)."""

from __future__ import annotations

import contextlib
import copy
import gzip
import hashlib
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import yaml

NOW = "2026-11-22T12:00:00+06:00"

BASE_CONFIG: dict[str, Any] = {
    "site": {
        "title": "Пресс-служба мэрии",
        "base_url": "https://press.example.kg/",
        "language": "ru",
        "timezone": "Asia/Bishkek",
        "items_per_page": 5,
    },
    "divisions": [
        {"id": "pr", "name": "Отдел по связям с общественностью"},
        {"id": "transport", "name": "Управление транспорта"},
        {"id": "education", "name": "Управление образования"},
    ],
    "people": [
        {
            "id": "aliev",
            "name": "Алиев Марат",
            "roles": ["pr_department"],
            "division": "pr",
            "emails": ["aliev@example.kg"],
        },
        {
            "id": "sydykova",
            "name": "Сыдыкова Айгуль",
            "roles": ["pr_department"],
            "division": "pr",
            "emails": ["sydykova@example.kg"],
        },
        {
            "id": "petrov",
            "name": "Петров Иван",
            "roles": ["press_secretary"],
            "division": "transport",
            "emails": ["petrov@example.kg"],
        },
        {
            "id": "old",
            "name": "Бывший Сотрудник",
            "roles": ["pr_department"],
            "division": "pr",
            "active": {"from": "2020-01-01", "to": "2024-12-31"},
        },
    ],
    "rules": {
        "types": {
            kind: {"approval_hash": "optional", "approver_roles": ["pr_department"], "four_eyes": True}
            for kind in ("press-release", "rebuttal", "announcement", "media-plan", "question")
        }
        | {
            "rebuttal": {
                "approval_hash": "optional",
                "approver_roles": ["pr_department"],
                "four_eyes": True,
                "response_limit_days": 2,
            }
        },
    },
}


def config_dict(**overrides: Any) -> dict[str, Any]:
    """A copy of the default scratch config with top-level sections replaced."""
    data = copy.deepcopy(BASE_CONFIG)
    data.update(overrides)
    return data


def config_text(config: dict[str, Any] | None = None) -> str:
    return yaml.safe_dump(config or BASE_CONFIG, allow_unicode=True, sort_keys=False)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return yaml.safe_dump(value, allow_unicode=True, width=10**9).removesuffix("\n...\n").strip()
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9).strip()


def item(
    title: str,
    date: str | None = "2026-11-20T10:00:00+06:00",
    status: str = "approved",
    *,
    body: str = "Текст материала.\n",
    approval: dict[str, Any] | bool | None = True,
    **extra: Any,
) -> str:
    """Valid front matter + body; `approval=True` means approved by aliev an hour before `date`."""
    lines = ["---", f"title: {_scalar(title)}"]
    if date is not None:
        lines.append(f"date: {date}")
    extra.setdefault("division", "transport")
    extra.setdefault("author", "petrov")
    for key, value in extra.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)) and value:
            dumped = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10**9)
            lines.extend(dumped.rstrip("\n").split("\n"))
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append(f"status: {status}")
    if approval is True and status in ("approved", "withdrawn") and date is not None:
        approval = {"by": "aliev", "at": date.replace("T10:", "T09:") if "T10:" in date else date}
    if isinstance(approval, dict):
        lines.append("approval:")
        for key, value in approval.items():
            lines.append(f"  {key}: {_scalar(value) if key != 'at' else value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def rebuttal_fields() -> dict[str, Any]:
    return {
        "original": {
            "outlet": "Газета «Вести»",
            "title": "Мэрия закрывает школы",
            "url": "https://vesti.example.com/a",
            "published": "2026-11-19T08:00:00+06:00",
        },
        "detected_at": "2026-11-19T09:00:00+06:00",
        "verdict": "false",
        "facts": [{"claim": "Школы закрывают", "fact": "Школы работают"}],
    }


def announcement_fields() -> dict[str, Any]:
    return {
        "event": {
            "kind": "press_conference",
            "starts": "2026-11-25T11:00:00+06:00",
            "ends": "2026-11-25T12:00:00+06:00",
            "location": "Мэрия, зал 1",
        }
    }


def make_site(
    tmp_path: Path, files: dict[str, str | bytes] | None = None, config: dict[str, Any] | str | None = None
) -> Path:
    """Write a scratch site into tmp_path/site and return its root."""
    root = tmp_path / "site"
    root.mkdir(parents=True, exist_ok=True)
    if isinstance(config, str):
        (root / "config.yaml").write_text(config, encoding="utf-8")
    else:
        (root / "config.yaml").write_text(config_text(config), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    for rel, data in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


# The commands whose outcome depends on the time: without --now they would read the real clock
# (run_cli drops SOURCE_DATE_EPOCH), so a test would pass or fail with the date it runs on.
TIMED_COMMANDS = frozenset({"build", "check", "approve", "new", "status", "serve", "report"})


def require_now(args: tuple[str, ...] | list[str]) -> None:
    """Refuse a CLI call that would read the real clock: a timed command without --now."""
    if TIMED_COMMANDS & set(args) and not any(a == "--now" or a.startswith("--now=") for a in args):
        raise AssertionError(f"pass --now to `site-builder {' '.join(args)}`: it would read the real clock")


# Under mutmut's stats phase (MUTANT_UNDER_TEST=stats) a child records which mutated functions it
# ran, as the test process does, and hands the names back through a file; mutmut's trampoline
# needs its configuration, read from the pyproject.toml next to the mutated package.
_STATS_SHIM = """
import atexit, os, runpy, sys
from mutmut.configuration import config
from mutmut.state import state
here = os.getcwd()
os.chdir(os.environ["SITE_BUILDER_MUTMUT_ROOT"])
config()
os.chdir(here)
def _save():
    with open(os.environ["SITE_BUILDER_MUTMUT_HITS"], "a", encoding="utf-8") as hits:
        hits.write("".join(name + "\\n" for name in state()._stats))
atexit.register(_save)
sys.argv[0] = "site_builder"
runpy.run_module("site_builder", run_name="__main__", alter_sys=True)
"""


def _package_parent() -> str:
    import site_builder

    return str(Path(site_builder.__file__).resolve().parent.parent)


def site_builder_argv(*args: str) -> list[str]:
    """The command line of `python -m site_builder ARGS` (see child_env)."""
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        return [sys.executable, "-c", _STATS_SHIM, *args]
    return [sys.executable, "-m", "site_builder", *args]


def child_env(env: dict[str, str]) -> dict[str, str]:
    """`env` for a child that must run the site_builder this process imported, not the installed one.

    The package's parent folder goes first on PYTHONPATH, so a mutation run (mutmut copies the
    sources to mutants/ and picks the mutant through MUTANT_UNDER_TEST, which the child inherits)
    reaches the CLI tests too.
    """
    env = dict(env)
    parent = _package_parent()
    env["PYTHONPATH"] = os.pathsep.join([parent, *filter(None, [env.get("PYTHONPATH")])])
    if env.get("MUTANT_UNDER_TEST") == "stats":
        env["SITE_BUILDER_MUTMUT_ROOT"] = parent
        env["SITE_BUILDER_MUTMUT_HITS"] = os.path.join(parent, f".child-hits-{os.getpid()}")
    return env


def absorb_child_hits(env: dict[str, str]) -> None:
    """Credit the current test with the mutated functions a child ran (mutmut's stats phase only)."""
    hits = Path(env.get("SITE_BUILDER_MUTMUT_HITS", ""))
    if not env.get("SITE_BUILDER_MUTMUT_HITS") or not hits.is_file():
        return
    from mutmut.state import state

    state()._stats.update(filter(None, hits.read_text(encoding="utf-8").split("\n")))
    hits.unlink()


def run_cli(*args: str, cwd: Path, timeout: float = 120, preexec_fn=None) -> tuple[int, str, str]:
    """Run `python -m site_builder ARGS` in `cwd`; return (exit code, stdout, stderr)."""
    require_now(args)
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "SITE_BUILDER_LANG")}
    env["PYTHONIOENCODING"] = "utf-8"
    env = child_env(env)
    done = subprocess.run(
        site_builder_argv(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        env=env,
        preexec_fn=preexec_fn,
    )
    absorb_child_hits(env)
    return done.returncode, done.stdout, done.stderr


def approve_records(
    root: Path, by: str = "aliev", author: str = "petrov", at: str = "2026-11-01T09:00:00+06:00"
) -> None:
    """Give every public media-request record of the site an author (unless it names one)
    and a one-step approval by `by` over its content hash, unsigned, as `site-builder
    approve` would: a public record is published only so.  Records that do not parse are
    left as they are (check reports them)."""
    from site_builder.judge import mediarequests
    from site_builder.load.config import load_config

    config = load_config(root)
    for path in sorted((root / "content" / "media-requests").rglob("*.md")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        if "\npublic: true\n" not in text or "\napproval:" in text:
            continue
        if "\nauthor:" not in text:
            text = text.replace("\npublic: true\n", f"\nauthor: {author}\npublic: true\n", 1)
        rel = path.relative_to(root / "content").as_posix()
        record, _ = mediarequests.parse(rel, text.encode("utf-8", "surrogateescape"), config)
        if record is None:
            continue
        approval = f'approval: {{by: {by}, at: "{at}", hash: "{record.item.digest}"}}\n'
        text = text.replace("\npublic: true\n", "\npublic: true\n" + approval, 1)
        path.write_bytes(text.encode("utf-8", "surrogateescape"))


# The publication log's head (issue 26), in every page's footer and every feed's description:
# it moves whenever anything is published, which `tree` leaves out (with the log's own files).
_LOG_HEAD = re.compile(rb'<p class="log-head">.*?</p>| \xc2\xb7 [^<>\n:]{1,60}: sha256:[0-9a-f]{64}')


def tree(root: Path, log: bool = False) -> dict[str, str]:
    """Every file under root (symlinks as their target text) → SHA-256 of its bytes, but the
    publication log's files and its head (which moves with any item published: issue 26),
    unless `log`: then every byte."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not log and (rel.startswith("transparency/") or rel == "transparency"):
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            data = path.read_bytes()
            out[rel] = hashlib.sha256(data if log else _LOG_HEAD.sub(b"", data)).hexdigest()
        elif path.is_dir():
            out[rel + "/"] = "dir"
    return out


def output_bytes(output: Path) -> list[tuple[str, bytes]]:
    """Every name and file under output/ as (path, bytes): each name on its own, and each
    file's bytes (gzip files opened), for a search of everything a build wrote."""
    found = []
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        found.append((rel, rel.encode()))
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                with contextlib.suppress(OSError, EOFError, zlib.error):
                    data = gzip.decompress(data)
            found.append((rel, data))
    return found

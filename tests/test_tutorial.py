"""docs/tutorial.ru.md, run as written: init → new → approve → build → verify on a site made
from scratch in a temporary folder (never the example site).

The commands and files come from the page's code blocks, so the page cannot drift from what
the tool does:

- a `console` block: each `$ ` line is run (in bash; `cd` moves the test), exit 0 expected,
  and the lines under it must appear in what it prints, in that order (`…` stands for
  anything; lines may be left out);
- a `yaml replace=KEY` block: replaces config.yaml's top-level KEY section, with the SSH key
  the page's ssh-keygen made in place of the shown `AAAA…` line;
- a `markdown file=PATH` block: the file as the editor saves it.

The clock is the page's (SOURCE_DATE_EPOCH), so dates and paths in the output match it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from sitekit import child_env, site_builder_argv

PAGE = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ru.md"
MOMENT = datetime.fromisoformat("2026-12-07T10:00:00+06:00")  # «Даты в примере — 7 декабря 2026 года, 10:00»


@dataclass
class Step:
    kind: str  # "run", "replace" or "file"
    text: str  # the command, the YAML section or the file's text
    target: str = ""  # the section's key or the file's path
    shown: tuple[str, ...] = ()  # what a command prints, as the page shows it


def steps(page: str) -> list[Step]:
    out: list[Step] = []
    for token in MarkdownIt("commonmark").parse(page):
        if token.type != "fence":
            continue
        info = token.info.split()
        options = dict(word.split("=", 1) for word in info[1:])
        if info[0] == "console":
            for line in token.content.splitlines():
                if line.startswith("$ "):
                    out.append(Step("run", line[2:]))
                elif line.strip():
                    out[-1].shown += (line.strip(),)
        elif info[0] == "yaml" and "replace" in options:
            out.append(Step("replace", token.content, options["replace"]))
        elif info[0] == "markdown" and "file" in options:
            out.append(Step("file", token.content, options["file"]))
        else:
            raise AssertionError(f"a code block the test cannot run: ```{token.info}")
    return out


def appears(shown: tuple[str, ...], printed: str) -> str | None:
    """The first shown line that is not in the output (after the lines before it), or None."""
    lines = [line.strip() for line in printed.splitlines()]
    at = 0
    for want in shown:
        if want == "…":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("…")))
        while at < len(lines) and not pattern.fullmatch(lines[at]):
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


def replace_section(config: Path, key: str, section: str) -> None:
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"{key}:\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][0].isspace())
    config.write_text("".join(lines[:start]) + section + "\n" + "".join(lines[end:]), encoding="utf-8")


@pytest.fixture
def shell(tmp_path: Path) -> dict[str, str]:
    """The environment of the page's reader: site-builder on PATH (this checkout's), an
    empty home folder, the page's clock, no settings keys from outside."""
    if shutil.which("ssh-keygen") is None:
        raise AssertionError("the tutorial needs ssh-keygen (OpenSSH)")
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    bin_dir.mkdir()
    home.mkdir()
    shim = bin_dir / "site-builder"
    shim.write_text(f'#!/bin/sh\nexec {shlex.join(site_builder_argv())} "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    drop = (
        "SITE_BUILDER_LANG",
        "SITE_BUILDER_SETTINGS_KEYS",
        "SITE_BUILDER_REQUIRE_SETTINGS",
        "SSH_AUTH_SOCK",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"HOME": str(home), "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    env |= {"SOURCE_DATE_EPOCH": str(int(MOMENT.timestamp())), "PYTHONIOENCODING": "utf-8"}
    # The reader has the gate's tools (the publish workflow installs them); here they are
    # this checkout's, from .ci/install-browser-deps.sh.
    for variable, tool in TOOLS.items():
        if (REPO / tool).is_file():
            env[variable] = str(REPO / tool)
    return child_env(env)


REPO = PAGE.parent.parent
TOOLS = {
    "SITE_BUILDER_VNU": "tests/browser/node_modules/vnu-jar/build/dist/vnu.jar",
    "SITE_BUILDER_AXE": "tests/browser/node_modules/axe-core/axe.min.js",
}
# The gate's lines that need those tools: a developer's run without them
# (SITE_BUILDER_SKIP_BROWSER=1, never in CI) leaves them out; CI has the tools and checks them.
NEEDS_TOOLS = ("Nu Html Checker", "axe-core")


def expected(shown: tuple[str, ...], env: dict[str, str]) -> tuple[str, ...]:
    if os.environ.get("SITE_BUILDER_SKIP_BROWSER") == "1" and not all(
        (REPO / tool).is_file() for tool in TOOLS.values()
    ):
        return tuple(line for line in shown if not any(word in line for word in NEEDS_TOOLS))
    return shown


def test_the_tutorial_runs_as_written(tmp_path, shell):
    work = tmp_path / "work"
    work.mkdir()
    cwd = work
    done: list[str] = []
    for step in steps(PAGE.read_text(encoding="utf-8")):
        if step.kind == "run" and step.text.startswith("cd "):
            cwd = cwd / step.text[3:].strip()
        elif step.kind == "run":
            ran = subprocess.run(
                ["bash", "-c", step.text],
                cwd=cwd,
                env=shell,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                timeout=300,
            )
            assert ran.returncode == 0, f"$ {step.text}\nexit {ran.returncode}:\n{ran.stdout}"
            missing = appears(expected(step.shown, shell), ran.stdout)
            assert missing is None, f"$ {step.text}\nprints no line like «{missing}»:\n{ran.stdout}"
        elif step.kind == "replace":
            keygen = next(c for c in done if c.startswith("ssh-keygen"))
            public = Path(re.search(r"-f (\S+)", keygen)[1].replace("~", shell["HOME"], 1) + ".pub")
            line = public.read_text(encoding="utf-8").strip()
            section = re.sub(r'key: "[^"]*AAAA…[^"]*"', f'key: "{line}"', step.text)
            assert section != step.text, "the page shows no key line to put the key into"
            replace_section(cwd / "config.yaml", step.target, section)
        else:
            (cwd / step.target).write_text(step.text, encoding="utf-8")
        done.append(step.text)
    # The whole way was walked: a site from scratch with one signed, published release.
    ran = [c.split()[1] for c in done if c.startswith("site-builder ")]
    assert ran[0] == "init" and {"new", "approve", "build", "verify"} <= set(ran), ran
    page = cwd / "output/press-releases/v-raionnom-parke-otkrylsia-katok/index.html"
    assert "Лёд заливают и чистят" in page.read_text(encoding="utf-8")
    assert work in cwd.parents  # never the example site


def test_the_tutorial_is_linked():
    for page in ("README.md", "docs/README.md"):
        assert "tutorial.ru.md" in (PAGE.parent.parent / page).read_text(encoding="utf-8"), page

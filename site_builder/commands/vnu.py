"""The Nu Html Checker (vnu.jar) over many HTML files in one Java run.

vnu.jar comes from npm's `vnu-jar` (.ci/install-browser-deps.sh); it is found at
`SITE_BUILDER_VNU`, else node_modules/vnu-jar/build/dist/vnu.jar in the site's folder, the
current folder, or their tests/browser/ (browser.find_tool).  Silence is no pass: a run
that prints no report is an error, not an empty list.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_builder.commands.browser import find_tool

JAR_IN = Path("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run .ci/install-browser-deps.sh"


def jar(bases: Iterable[Path]) -> Path:
    return find_tool("SITE_BUILDER_VNU", JAR_IN, bases)


def java_major_version() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0" -> 8


@dataclass(frozen=True)
class VnuError:
    file: Path
    line: int | None
    column: int | None
    message: str
    extract: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


def check(paths: Iterable[str | os.PathLike[str]], jar_path: Path, *, timeout: float = 600) -> list[VnuError]:
    """Validate HTML files (or directories: their *.html/*.htm/*.xhtml files, recursively) with the
    Nu Html Checker in one JVM run; return the errors (warnings are not reported), in the checker's
    order. Files not named *.html/*.htm/*.xhtml/*.xht are skipped. Raises FileNotFoundError for a
    path that does not exist and RuntimeError if the checker fails or cannot read a file."""
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return []
    missing = [str(p) for p in paths if not p.exists()]
    if missing:  # vnu.jar silently reports nothing for a path that does not exist
        raise FileNotFoundError(f"vnu_check: no such file or directory: {', '.join(missing)}")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError(f"java not found: {INSTALL_HINT}")
    cmd = [
        java,
        "-Xss2m",  # the checker recurses deeply on nested markup
        "-jar",
        str(jar_path),
        "--format",
        "json",
        "--errors-only",
        "--skip-non-html",
        "--exit-zero-always",
        *map(str, paths),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    # vnu writes its JSON report to stderr; the JVM may print notes before it.
    report = proc.stderr[proc.stderr.find("{") :] if "{" in proc.stderr else ""
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError) as e:
        raise RuntimeError(
            f"vnu.jar failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
        ) from e
    errors = []
    for m in messages:
        file = Path(unquote(urlsplit(m.get("url", "")).path)) if m.get("url") else Path("?")
        if m.get("type") == "non-document-error":
            raise RuntimeError(f"vnu.jar could not check {file}: {m.get('message')}")
        if m.get("type") != "error":
            continue
        errors.append(
            VnuError(
                file=file,
                line=m.get("lastLine", m.get("firstLine")),
                column=m.get("firstColumn", m.get("lastColumn")),
                message=m.get("message", ""),
                extract=m.get("extract", ""),
            )
        )
    return errors

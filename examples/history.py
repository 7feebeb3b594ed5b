"""The example site with an editorial git history of its own, so that its corrected items
show their published versions and the publication log has entries.

The example site is the repository's root, and its git history is the project's: commits
by developers, dated after the example's moment (2026-11-22 12:00 in Bishkek), so a build
at that moment knows no version of any item.  This script copies the site's inputs into
DIR and commits them as a press office would have: on 12 November the grants release as
first published (applications until 4 December, approved that morning), with every other
item; on 13 November its correction (until 11 December), as content/ holds it now.

    PYTHONPATH=. .venv/bin/python examples/history.py /tmp/example-history
    SITE_BUILDER_SETTINGS_KEYS=examples/keys/EXAMPLE-settings-admins \\
        site-builder build --root /tmp/example-history --now 2026-11-22T12:00:00+06:00

Then /press-releases/granty-malomu-biznesu/ lists «Версии», v2/ shows the change word by
word, and /transparency/log.jsonl has every publication and the correction.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder.load import markdown  # noqa: E402
from site_builder.load.config import load_config  # noqa: E402
from site_builder.load.content import parse  # noqa: E402
from site_builder.load.discover import Source  # noqa: E402

INPUTS = ("config.yaml", "settings.approval.yaml", "content", "templates", "static")
GRANTS = "press-releases/2026/granty-malomu-biznesu.md"
FIRST = "2026-11-12T10:05:00+06:00"  # the first publication, just after its date
CORRECTED = "2026-11-13T09:35:00+06:00"  # the correction, after its second approval step


def first_version(text: str) -> str:
    """The grants release as it first went out: the wrong deadline, no correction, approved
    before its date (unsigned: the signatures in the file are over the corrected text)."""
    text = text.replace("Заявки принимаются до 11 декабря.", "Заявки принимаются до 4 декабря.")
    text = text.replace("с 12 ноября по 11 декабря 2026 года", "с 12 ноября по 4 декабря 2026 года")
    text = re.sub(r"corrections:\n(?:  .*\n|    .*\n)+", "", text)
    text = re.sub(r"    signature: \|\n(?:      .*\n)+", "", text)
    text = text.replace("at: 2026-11-13T08:30:00+06:00", "at: 2026-11-12T08:30:00+06:00")
    return text.replace("at: 2026-11-13T09:30:00+06:00", "at: 2026-11-12T09:30:00+06:00")


def rehashed(site: Path, rel: str, text: str) -> str:
    """`text` with every approval step's hash set to its own content hash."""
    item, _ = parse(Source(rel, text.encode()), load_config(site), markdown.make_parser())
    assert item is not None, rel
    return re.sub(r'hash: "sha256:[0-9a-f]{64}"', f'hash: "{item.digest}"', text)


def git(site: Path, *args: str, when: str | None = None) -> None:
    env = {
        "GIT_AUTHOR_NAME": "press-office",
        "GIT_AUTHOR_EMAIL": "press@example.kg",
        "GIT_COMMITTER_NAME": "press-office",
        "GIT_COMMITTER_EMAIL": "press@example.kg",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)


def main(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy2(source, target / name)
    (target / ".gitignore").write_text("output/\n.site-cache/\n")
    path = target / "content" / GRANTS
    corrected = path.read_text(encoding="utf-8")
    path.write_text(rehashed(target, GRANTS, first_version(corrected)), encoding="utf-8")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Пресс-релизы и анонсы ноября", when=FIRST)
    path.write_text(corrected, encoding="utf-8")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Исправлен срок приёма заявок на гранты", when=CORRECTED)
    print(f"the example site with its history: {target}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: examples/history.py DIR")
    main(Path(sys.argv[1]))

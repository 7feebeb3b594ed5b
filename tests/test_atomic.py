"""Builds that cannot half-fail: SIGKILL a real build at random moments; output/ stays whole."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sitekit import NOW, child_env, item, make_site, run_cli, site_builder_argv, tree

COUNT = 1500


def many(count: int, title: str) -> dict[str, str]:
    return {
        f"content/press-releases/{n // 100:02d}/item-{n:04d}.md": item(
            f"{title} {n}",
            date=f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}T10:00:00+06:00",
            tags=[f"тема {n % 40}"],
            division=("transport", "education", "pr")[n % 3],
            body=f"Текст {n}.\n\n" + "Абзац текста о работе мэрии. " * 20 + "\n",
        )
        for n in range(count)
    }


def start_build(root: Path) -> subprocess.Popen:
    env = child_env({k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"})
    return subprocess.Popen(
        site_builder_argv("build", "--quiet", "--now", NOW),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: the kill takes its workers with it
    )


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> tuple[Path, dict, dict, float]:
    """A site built once (tree `old`), then edited; `new` is the tree the edited content builds to."""
    root = make_site(tmp_path_factory.mktemp("atomic"), many(COUNT, "Новость"))
    code, out, err = run_cli("build", "--now", NOW, cwd=root, timeout=300)
    assert code == 0, out + err
    old = tree(root / "output")
    for rel, text in many(COUNT - 100, "Обновлённая новость").items():
        (root / rel).write_text(text, encoding="utf-8")
    for n in range(COUNT - 100, COUNT):
        (root / f"content/press-releases/{n // 100:02d}/item-{n:04d}.md").unlink()
    started = time.monotonic()
    code, out, err = run_cli("build", "--now", NOW, "--output", str(root.parent / "expected"), cwd=root)
    duration = time.monotonic() - started
    assert code == 0, out + err
    new = tree(root.parent / "expected")
    assert old != new
    return root, old, new, duration


def test_sigkill_never_leaves_a_partial_output(big_site):
    root, old, new, duration = big_site
    rng = random.Random(20261122)
    delays = sorted(rng.uniform(0.05, duration * 1.1) for _ in range(6))
    outcomes = []
    for delay in delays:
        process = start_build(root)
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            kill(process)
        state = tree(root / "output")
        assert state in (old, new), f"killed after {delay:.2f} s: output/ is neither build"
        outcomes.append((round(delay, 2), finished, "new" if state == new else "old"))
        if state == new:  # the swap happened: later kills could only show `new` again
            break
    assert any(not finished for _d, finished, _s in outcomes), outcomes
    code, out, err = run_cli("build", "--now", NOW, cwd=root, timeout=300)
    assert code == 0, out + err
    assert tree(root / "output") == new
    assert_no_leftovers(root)


def assert_no_leftovers(root: Path) -> None:
    """No temporary tree is left beside output/; the spare, if any, holds only files its
    manifest lists, each as listed (the next build stages into it; the pages the build
    that made it a spare took down are gone from it)."""
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".output.") and p.is_dir()]
    assert leftovers in ([], [".output.spare"]), leftovers
    if leftovers:
        listed = json.loads((root / ".output.spare.json").read_text(encoding="utf-8"))["files"]
        spare = root / ".output.spare"
        held = {p.relative_to(spare).as_posix() for p in spare.rglob("*") if p.is_file()}
        assert held <= set(listed)
        for rel in held:
            _sha1, size, mtime_ns, *_key = listed[rel]
            found = (spare / rel).stat()
            assert (found.st_size, found.st_mtime_ns) == (size, mtime_ns), rel


def test_kill_right_after_start_and_late(big_site):
    root, _old, new, duration = big_site
    code, _out, err = run_cli("build", "--now", NOW, cwd=root, timeout=300)
    assert code == 0, err
    for delay in (0.01, duration * 0.9):
        process = start_build(root)
        time.sleep(delay)
        if process.poll() is None:
            kill(process)
        assert tree(root / "output") == new
    assert run_cli("build", "--now", NOW, cwd=root, timeout=300)[0] == 0
    assert_no_leftovers(root)


def test_sigkill_while_staging_into_the_spare(big_site):
    """Builds that stage into the spare (the tree the last swap took out): killed at any
    moment, output/ is one build or the other; finished, it equals a fresh build's tree."""
    root, _old, new, duration = big_site
    second = many(COUNT - 300, "Снова обновлённая новость")
    first = many(COUNT - 300, "Обновлённая новость")
    code, out, err = run_cli("build", "--now", NOW, "--output", str(root.parent / "third"), cwd=root)
    assert code == 0, out + err
    for rel, text in second.items():
        (root / rel).write_text(text, encoding="utf-8")
    code, out, err = run_cli("build", "--now", NOW, "--output", str(root.parent / "third"), cwd=root)
    assert code == 0, out + err
    third = tree(root.parent / "third")
    rng = random.Random(20261202)
    for delay in sorted(rng.uniform(0.05, duration) for _ in range(3)):
        for content, expected in ((first, new), (second, third)):  # leaves `new` live, a spare beside
            for rel, text in content.items():
                (root / rel).write_text(text, encoding="utf-8")
            code, out, err = run_cli("build", "--now", NOW, cwd=root, timeout=300)
            assert code == 0, out + err
            assert tree(root / "output") == expected
            assert_no_leftovers(root)
        for rel, text in first.items():
            (root / rel).write_text(text, encoding="utf-8")
        assert (root / ".output.spare").is_dir()
        process = start_build(root)
        time.sleep(delay)
        if process.poll() is None:
            kill(process)
        assert tree(root / "output") in (third, new), f"killed after {delay:.2f} s"
        code, out, err = run_cli("build", "--now", NOW, cwd=root, timeout=300)
        assert code == 0, out + err
        assert tree(root / "output") == new
        assert_no_leftovers(root)


def test_failing_build_leaves_output_untouched(tmp_path: Path):
    root = make_site(tmp_path, {"content/press-releases/a.md": item("Хорошая новость")})
    assert run_cli("build", "--now", NOW, cwd=root)[0] == 0
    before = tree(root / "output")
    (root / "content/press-releases/b.md").write_text(item("Плохая", approval={"by": "nobody", "at": "x"}))
    code, _out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert "ничего не записано" in err
    assert tree(root / "output") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".output.") and p.is_dir()]

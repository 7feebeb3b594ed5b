"""bench/run.py (trash, plain Hugo reference, checks, table), bench/floor.py and bench/phases.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    slept = []
    monkeypatch.setattr(module.time, "sleep", slept.append)
    module.slept = slept
    return module


def _tree(root: Path) -> Path:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "index.html").write_text("x")
    (root / "a" / "c.txt").write_text("y")
    return root


def test_a_run_moves_old_trees_into_its_trash_and_deletes_them_at_the_end(bench, tmp_path):
    work = tmp_path / "work"
    output, cache, loose = _tree(work / "site" / "output"), work / "site" / ".site-cache", work / "f.json"
    cache.mkdir()
    loose.write_text("{}")
    inode = output.stat().st_ino
    bench.TRASH.open(work)
    try:
        assert bench.slept == []  # no trash left by an earlier run: nothing to wait for
        bench.clear(output, cache, loose, work / "missing")
        assert not output.exists() and not cache.exists() and not loose.exists()
        kept = sorted((work / "trash").iterdir())
        assert [p.name for p in kept] == ["1-output", "2-.site-cache", "3-f.json"]
        assert kept[0].stat().st_ino == inode  # renamed, not copied and deleted
        assert (kept[0] / "a" / "b" / "index.html").read_text() == "x"
    finally:
        bench.TRASH.empty()
    assert not (work / "trash").exists()
    # Outside a run, clear deletes at once.
    again = _tree(work / "again")
    bench.clear(again)
    assert not again.exists() and not (work / "trash").exists()


def test_links_are_moved_as_links_and_a_failed_move_deletes(bench, tmp_path, monkeypatch):
    work, target = tmp_path / "work", _tree(tmp_path / "kept")
    link = work / "site" / "output"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    other = _tree(work / "other")
    bench.TRASH.open(work)
    try:
        bench.clear(link)
        assert (work / "trash" / "1-output").is_symlink() and not link.is_symlink()
        real_rename = Path.rename

        def cross_device(self, to):
            if self == other:
                raise OSError(18, "Invalid cross-device link")
            return real_rename(self, to)

        monkeypatch.setattr(Path, "rename", cross_device)
        bench.clear(other)  # cannot be moved (another disk): deleted, and not counted
        assert not other.exists() and bench.TRASH.count == 1
    finally:
        bench.TRASH.empty()
    assert (target / "a" / "b" / "index.html").read_text() == "x"  # never followed


def test_a_run_waits_until_the_last_trash_was_deleted_long_enough_ago(bench, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    clock = [1_000_000.0]
    monkeypatch.setattr(bench.time, "time", lambda: clock[0])
    (work / "trash.emptied").write_text(str(clock[0] - 100))
    bench.TRASH.open(work)
    bench.TRASH.empty()
    assert bench.slept == [bench.RECENT_DELETE - 100]
    assert float((work / "trash.emptied").read_text()) == clock[0]  # this run's trash, just deleted
    clock[0] += bench.RECENT_DELETE + 1
    bench.TRASH.open(work)
    bench.TRASH.empty()
    assert bench.slept == [bench.RECENT_DELETE - 100]  # long enough ago: no second wait


def test_the_edit_loop_scripts_keep_their_folders_in_the_trash(bench, tmp_path, monkeypatch):
    work = tmp_path / "work"
    args = type("Args", (), {"repeat": 1, "timeout": 1.0})()
    tools = bench.Tools(Path(sys.executable), ["site-builder"], hugo=Path("hugo"))
    run = bench.Bench(args, tools, work, tmp_path)
    seen = []
    monkeypatch.setattr(run, "edit_loop", lambda size, key, cmd: seen.append(cmd))
    corpus = tmp_path / "corpus"
    item = corpus / "contract" / "content" / "a.md"
    item.parent.mkdir(parents=True)
    item.write_text("x")
    (corpus / "hugo" / "content").mkdir(parents=True)
    (corpus / "hugo" / "content" / "a.md").write_text("x")
    bench.TRASH.open(work)
    try:
        run.serve_edit(5, tmp_path / "site", item)
        run.hugo_serve_edit(5, corpus)
        assert [cmd[cmd.index("--scratch") + 1] for cmd in seen] == [work / "trash"] * 2
    finally:
        bench.TRASH.empty()


def test_a_trash_an_interrupted_run_left_is_deleted_and_waited_out(bench, tmp_path):
    work = tmp_path / "work"
    _tree(work / "trash" / "7-output")
    bench.TRASH.open(work)
    try:
        assert list((work / "trash").iterdir()) == []
        assert len(bench.slept) == 1 and bench.slept[0] > bench.RECENT_DELETE - 60  # the inodes it freed
    finally:
        bench.TRASH.empty()


# ── issue 29: an honest harness ──────────────────────────────────────────────────────────────

BENCH = RUN.parent


def _load(name: str, monkeypatch):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, f"bench_{name}", module)
    spec.loader.exec_module(module)
    return module


def _args(**more):
    base = {"repeat": 2, "timeout": 60.0, "settle": 0, "sample_interval": 0.05, "no_languages": False}
    return type("Args", (), {**base, **more})()


def _fake_hugo(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for the hugo binary that records its argv and whether it leads a session."""
    calls = tmp_path / "calls.jsonl"
    script = tmp_path / "hugo"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(calls)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'leader': os.getsid(0) == os.getpid()}) + '\\n')\n"
    )
    script.chmod(0o755)
    return script, calls


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    for folder in ("contract/content/press-releases", "hugo/content/press-releases"):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "a.md").write_text("---\ntitle: a\n---\nText.\n")
    (corpus / "contract" / "roster.yaml").write_text("divisions: []\npeople: []\n")
    return corpus


def test_hugo_is_run_as_users_run_it_beside_a_bare_plain_run(bench, tmp_path):
    import json

    hugo, calls = _fake_hugo(tmp_path)
    corpus, work = _corpus(tmp_path), tmp_path / "work"
    run = bench.Bench(_args(), bench.Tools(Path(sys.executable), ["sb"], hugo=hugo), work, tmp_path / "logs")
    bench.TRASH.open(work)
    try:
        assert run.hugo_round(5, corpus, 0) and run.hugo_round(5, corpus, 1)
    finally:
        bench.TRASH.empty()
    seen = [json.loads(line) for line in calls.read_text().splitlines()]
    out, source = work / "out" / "n5", str(corpus / "hugo")
    plain = ["--source", source, "--destination", str(out / "hugo-plain"), "--quiet"]
    harness = [
        "--source",
        source,
        "--destination",
        str(out / "hugo"),
        "--quiet",
        "--cacheDir",
        str(out / "hugo-cache"),
    ]
    # Round 0: plain first; round 1: plain after the harness's build (and its edit run).
    assert [call["argv"] for call in seen] == [plain, harness, harness, harness, plain, harness]
    assert "--gc" not in str(seen)  # a clean-up users run now and then: extra work flatters us
    # The plain run is a bare child of the harness (no session of its own); every other run leads its own.
    assert [call["leader"] for call in seen] == [False, True, True, True, False, True]
    for key in ("hugo-plain", "hugo-cold"):
        samples = run.samples[(5, key)]
        assert len(samples) == 2 and all(
            s.ok and s.user is not None and s.system is not None for s in samples
        )
        assert all(abs(s.cpu - s.user - s.system) < 1e-9 for s in samples)
    assert all(s.tree_mib is None and s.procs == 0 for s in run.samples[(5, "hugo-plain")])  # no sampler


def _sample(bench, cpu: float, wall: float, user: float | None = None):
    return bench.Sample(
        wall, cpu, 100.0, None, 1, 0, user=user if user is not None else cpu * 0.9, system=cpu * 0.1
    )


def test_the_report_checks_hugo_against_its_plain_run_within_five_percent(bench, tmp_path):
    run = bench.Bench(_args(), bench.Tools(Path(sys.executable), ["sb"]), tmp_path, tmp_path)
    run.samples[(5, "hugo-plain")] = [
        _sample(bench, 10.0, 6.0),
        _sample(bench, 10.2, 6.2),
        _sample(bench, 9.0, 5.0),
    ]
    run.samples[(5, "hugo-cold")] = [_sample(bench, 10.4, 6.1)] * 3
    run.samples[(9, "hugo-plain")] = [_sample(bench, 10.0, 6.0)]
    run.samples[(9, "hugo-cold")] = [_sample(bench, 20.0, 6.0)]  # twice the CPU, as issue 29 saw
    lines = bench.checks(run, [5, 9, 7], {"hugo"})
    assert "CPU 10.40 vs 10.00 s (+4.0%)" in lines[0] and lines[0].endswith("agree within 5%")
    assert "(+100.0%)" in lines[1] and lines[1].endswith("DO NOT agree within 5%")
    assert lines[2] == "- n=7 hugo cold vs plain: not measured"
    # The same for wall time alone.
    assert bench.compare("a", {"cpu": 1.0, "wall": 1.2}, {"cpu": 1.0, "wall": 1.0}, "b", 0.05).endswith(
        "DO NOT agree within 5%"
    )


def test_the_report_sets_three_languages_against_one_and_shows_user_cpu(bench, tmp_path):
    run = bench.Bench(_args(repeat=1), bench.Tools(Path(sys.executable), ["sb"]), tmp_path, tmp_path)
    run.samples[(5, "sb-cold")] = [_sample(bench, 20.0, 10.0, user=18.0)]
    run.samples[(5, "sb-cold-3lang")] = [_sample(bench, 23.0, 12.0, user=20.0)]
    lines = bench.checks(run, [5], {"site_builder"})
    assert lines == [
        "- n=5 site_builder cold, ru+ky+en against ru only: CPU 23.00 vs 20.00 s (+15.0%), "
        "user 20.00 vs 18.00 s (+11.1%), wall 12.00 vs 10.00 s (+20.0%) — DO NOT agree within 5%"
    ]
    # Only CPU counts for the languages' cost: a noisy wall time does not fail it.
    run.samples[(5, "sb-cold-3lang")] = [_sample(bench, 20.5, 15.0, user=18.0)]
    assert bench.checks(run, [5], {"site_builder"})[0].endswith("— agree within 5%")
    run.samples[(5, "sb-cold-3lang")] = [_sample(bench, 23.0, 12.0, user=20.0)]
    text, _notes = bench.table(run, [5], {"site_builder"}, 2)
    head, _rule, *rows = text.splitlines()
    assert "| CPU s | user s |" in head
    assert rows[0].startswith("| 5 | site_builder cold | 10.00 | 20.00 | 18.00 | 100 |")
    assert rows[-1].startswith("| 5 | site_builder cold, ru+ky+en (ru-only items) | 12.00 | 23.00 | 20.00 |")
    assert len(head.split("|")) == len(rows[0].split("|")) == len(_rule.split("|"))


def test_the_three_language_site_has_the_same_items(bench, tmp_path, monkeypatch):
    import yaml

    corpus = _corpus(tmp_path)
    run = bench.Bench(
        _args(), bench.Tools(Path(sys.executable), ["sb"], country="site"), tmp_path / "w", tmp_path
    )
    keys = []
    monkeypatch.setattr(run, "run", lambda size, key, cmd, **kw: keys.append(key) or _sample(bench, 1, 1))
    assert run.site_builder_round(5, corpus, 0) and run.site_builder_round(5, corpus, 1)
    one, three = (tmp_path / "w" / "site" / name for name in ("n5", "n5-3lang"))
    # Alternating: after the single-language builds in even rounds, before them in odd ones.
    rest = ["sb-nochange", "sb-edit", "sb-edit-again"]
    assert keys == ["sb-cold", *rest, "sb-cold-3lang", "sb-cold-3lang", "sb-cold", *rest]
    config1 = yaml.safe_load((one / "config.yaml").read_text())
    config3 = yaml.safe_load((three / "config.yaml").read_text())
    assert "languages" not in config1["site"] and config1["site"]["country"] == "RU"
    assert config3["site"]["languages"] == ["ru", "ky", "en"] and set(config3["site"]["titles"]) == {
        "ky",
        "en",
    }
    assert {k: v for k, v in config3["site"].items() if k not in ("languages", "titles")} == config1["site"]
    assert sorted(p.name for p in (three / "content").rglob("*.md")) == ["a.md"]
    keys.clear()
    run.args.no_languages = True
    run.site_builder_round(5, corpus, 0)
    assert "sb-cold-3lang" not in keys


def test_a_plain_measure_leaves_the_child_in_the_harness_session(bench, tmp_path):
    import os

    probe = "import os; print('sid', os.getsid(0), os.getpid())"
    plain = bench.measure_plain([sys.executable, "-c", probe], logfile=tmp_path / "p.log", timeout=60)
    bench.measure([sys.executable, "-c", probe], logfile=tmp_path / "h.log", timeout=60, interval=0)
    sid, pid = (int(x) for x in (tmp_path / "p.log").read_text().split("sid ")[1].split())
    assert sid == os.getsid(0) != pid
    sid, pid = (int(x) for x in (tmp_path / "h.log").read_text().split("sid ")[1].split())
    assert sid == pid
    assert plain.ok and plain.user is not None and plain.tree_mib is None
    failed = bench.measure_plain(
        [sys.executable, "-c", "raise SystemExit(3)"], logfile=tmp_path / "f.log", timeout=60
    )
    assert failed.rc == 3 and not failed.ok


def test_the_floor_renders_with_pyrs_as_site_builder_does(monkeypatch, tmp_path):
    floor = _load("floor", monkeypatch)
    pytest.importorskip("markdown_it_pyrs")
    from site_builder.speed import markdown_rs

    fast, slow = floor.make_markdown("pyrs"), floor.make_markdown("py")
    assert not isinstance(fast, floor.MarkdownIt) and floor.PYRS_RULES == markdown_rs._RULES
    body = "# Заголовок\n\nТекст с *акцентом* и [ссылкой](https://example.org/).\n\n"
    body += "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert fast.render(body) == slow.render(body)
    content = tmp_path / "content" / "x"
    content.mkdir(parents=True)
    (content / "a.md").write_text("---\ntitle: T\ntags: [t]\n---\n" + body)
    assert floor.main(["--content", str(tmp_path / "content"), "--out", str(tmp_path / "out")]) == 0
    assert "<table>" in (tmp_path / "out" / "x" / "a.html").read_text()


def test_phases_give_a_stack_to_its_innermost_named_frame(monkeypatch):
    phases = _load("phases", monkeypatch)
    jinja = "root (site_builder/theme/templates/base.html:4)"
    feeds = "render (site_builder/outputs/feeds.py:10)"
    assert phases.classify(["main (site_builder/cli.py:1)", feeds, jinja]) == "templates (Jinja2)"
    assert phases.classify(["main (site_builder/cli.py:1)", feeds]) == "feeds"
    imp = "_find_and_load (<frozen importlib._bootstrap>:1165)"
    assert phases.classify([imp, "load (site_builder/load/content.py:5)"]) == "imports"
    assert phases.classify(["main (x.py:1)"]) == "other"
    lines = [
        'process 1:"python";process 1:"python";main (site_builder/cli.py:1);' + feeds + " 3",
        'process 1:"python";process 2:"python";main (site_builder/cli.py:1);' + jinja + " 1",
        "garbage",
    ]
    counts, processes, _other = phases.parse(lines)
    assert counts == {"feeds": 3, "templates (Jinja2)": 1} and processes == {"main": 3, "workers": 1}


def test_work_beside_the_plain_run_in_the_harness_session_is_seen_and_reported(bench, tmp_path):
    import os
    import subprocess

    busy = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"
    busy += "print(1, flush=True)\ntime.sleep(60)"
    before = bench.session_cpu(os.getsid(0), {os.getpid()})
    # In the same session, as a shell's other job; it says when it has burnt its 0.4 s.
    child = subprocess.Popen([sys.executable, "-c", busy], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"1\n"
        used = bench.session_cpu(os.getsid(0), {os.getpid()}) - before
        assert used >= 0.3
        assert bench.session_cpu(os.getsid(0), {os.getpid(), child.pid}) - before < 0.3
    finally:
        child.kill()
        child.wait()
    run = bench.Bench(_args(), bench.Tools(Path(sys.executable), ["sb"]), tmp_path, tmp_path)
    plain = _sample(bench, 10.0, 10.0)
    plain.neighbours = 5.0
    run.samples[(5, "hugo-plain")] = [plain]
    run.samples[(5, "hugo-cold")] = [_sample(bench, 10.0, 10.0)]
    lines = bench.checks(run, [5], {"hugo"})
    assert (
        lines[0].startswith("- n=5 hugo plain shared the harness's session") and "50% of a core" in lines[0]
    )
    assert lines[1].endswith("agree within 5%")

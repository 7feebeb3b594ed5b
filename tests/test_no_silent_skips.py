"""No test passes by not running: a missing tool fails the tests that need it.

The browser tests fail when Playwright or Chromium is missing (they skip only with
SITE_BUILDER_SKIP_BROWSER=1), test_markdown_paths.py fails without markdown-it-pyrs (a hard
dependency), and the Nu Html Checker's silence is an error, not an empty report.  The tools are
made "missing" for a pytest run in a subprocess: a package that refuses to import, put first on
PYTHONPATH, and SITE_BUILDER_CHROMIUM pointing nowhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[1]
BROWSER = ROOT / "tests" / "browser"
sys.path.insert(0, str(BROWSER))  # browser_helpers (a plain module, as tests/browser imports it)

from browser_helpers import vnu_check  # noqa: E402


def shadow(tmp_path: Path, package: str) -> Path:
    """A folder holding a package of that name whose import fails, as if it were not installed."""
    folder = tmp_path / "shadow"
    (folder / package).mkdir(parents=True)
    (folder / package / "__init__.py").write_text(
        f"raise ModuleNotFoundError('{package} is made missing by tests/test_no_silent_skips.py', "
        f"name={package!r})\n"
    )
    return folder


def run_pytest(tmp_path: Path, target: Path, *, pythonpath: list[Path] = (), **env: str) -> dict:
    """Run pytest on target in a subprocess; the outcome of every test case it reported."""
    report = tmp_path / "report.xml"
    environ = {
        k: v for k, v in os.environ.items() if k not in ("SITE_BUILDER_SKIP_BROWSER", "PYTEST_ADDOPTS")
    }
    environ["PYTHONPATH"] = os.pathsep.join(map(str, [*pythonpath, ROOT]))
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", str(target)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    outcomes: dict[str, Counter[str]] = {}  # module -> outcome -> number of test cases
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        outcome = "failed" if "failure" in kinds else kinds.pop() if kinds else "passed"
        module = (case.get("classname") or case.get("name", "")).rsplit(".", 1)[
            -1
        ]  # name: a collection error
        outcomes.setdefault(module, Counter())[outcome] += 1
    return {"code": done.returncode, "output": done.stdout + done.stderr, "modules": outcomes}


def assert_all_fail(result: dict, reason: str, modules: set[str], at_least: int | dict[str, int] = 1) -> None:
    tail = result["output"][-3000:]
    assert result["code"] != 0, tail
    assert set(result["modules"]) == modules, (result["modules"], tail)
    for module, outcomes in result["modules"].items():
        assert not outcomes["skipped"] and not outcomes["passed"], (module, outcomes, tail)
        least = at_least if isinstance(at_least, int) else at_least[module]
        assert outcomes["failed"] + outcomes["error"] >= least, (module, outcomes, tail)
    assert reason in result["output"], tail


BROWSER_MODULES = {"test_site", "test_infra", "test_gate", "test_search_page", "test_record_pages"}
# How many tests each has at least (so a module that loses its tests is noticed).
BROWSER_TESTS = {
    "test_site": 5,
    "test_infra": 5,
    "test_gate": 2,
    "test_search_page": 20,
    "test_record_pages": 1,
}


def test_browser_tests_fail_without_chromium(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, BROWSER, SITE_BUILDER_CHROMIUM=str(tmp_path / "no-chromium"))
    assert_all_fail(result, "no-chromium", BROWSER_MODULES, at_least=BROWSER_TESTS)


def test_browser_tests_fail_without_playwright(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, BROWSER, pythonpath=[shadow(tmp_path, "playwright")])
    assert_all_fail(result, "`playwright`", BROWSER_MODULES, at_least=BROWSER_TESTS)


def test_browser_tests_skip_only_when_asked(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        BROWSER,
        pythonpath=[shadow(tmp_path, "playwright")],
        SITE_BUILDER_SKIP_BROWSER="1",
        SITE_BUILDER_CHROMIUM=str(tmp_path / "no-chromium"),
    )
    assert result["code"] == 0, result["output"][-3000:]
    # Every module of tests/browser/ is one of these: a new one is counted here too.
    assert {p.stem for p in BROWSER.glob("test_*.py")} == BROWSER_MODULES
    assert set(result["modules"]) == BROWSER_MODULES, result["modules"]
    for module, outcomes in result["modules"].items():
        assert outcomes["skipped"] >= BROWSER_TESTS[module], (module, outcomes)
        assert outcomes.total() == outcomes["skipped"], (module, outcomes)


def test_report_screenshot_fails_without_chromium_and_skips_only_when_asked(tmp_path: Path) -> None:
    """The monthly report's browser test (tests/test_report.py) keeps the same rule."""
    target = ROOT / "tests" / "test_report.py::test_report_in_a_browser"
    result = run_pytest(tmp_path, target, SITE_BUILDER_CHROMIUM=str(tmp_path / "no-chromium"))
    assert_all_fail(result, "no-chromium", {"test_report"})
    skipped = run_pytest(tmp_path, target, SITE_BUILDER_SKIP_BROWSER="1")
    assert skipped["code"] == 0 and skipped["modules"]["test_report"]["skipped"] == 1, skipped["output"][
        -3000:
    ]


def test_markdown_paths_fail_without_pyrs(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path, ROOT / "tests" / "test_markdown_paths.py", pythonpath=[shadow(tmp_path, "markdown_it_pyrs")]
    )
    # An import error fails the module's collection: no test of it runs, none is skipped.
    assert_all_fail(result, "markdown_it_pyrs is made missing", {"test_markdown_paths"})


def fake_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """A `java` first on PATH that runs this shell script instead of the Nu Html Checker."""
    folder = tmp_path / "bin"
    folder.mkdir()
    java = folder / "java"
    java.write_text("#!/bin/sh\n" + script)
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.parametrize(
    "script",
    [
        "exit 0\n",  # prints nothing at all
        "exit 1\n",
        "echo 'Picked up JAVA_TOOL_OPTIONS: -Xmx1g' >&2\n",  # a JVM note, no report
        "echo '{\"messages\": [' >&2\n",  # a report cut short
        "echo '{\"messages\": []}'\n",  # on stdout: vnu writes its report to stderr
    ],
)
def test_vnu_silence_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang=ru><title>x</title></html>\n")
    fake_java(tmp_path, monkeypatch, script)
    with pytest.raises(RuntimeError, match=r"vnu\.jar failed"):
        vnu_check([page])


def test_vnu_report_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake checker is read like the real one: an empty report passes, an error is one."""
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang=ru><title>x</title></html>\n")
    fake_java(tmp_path, monkeypatch, "echo '{\"messages\": []}' >&2\n")
    assert vnu_check([page]) == []
    (tmp_path / "bin").rename(tmp_path / "old-bin")
    error = json.dumps(
        {"messages": [{"type": "error", "url": f"file:{page}", "lastLine": 1, "message": "Bad"}]}
    )
    fake_java(tmp_path, monkeypatch, f"echo '{error}' >&2\n")
    [found] = vnu_check([page])
    assert (found.file, found.line, found.message) == (page, 1, "Bad")

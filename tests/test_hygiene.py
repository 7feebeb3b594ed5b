"""The tests depend neither on the real clock nor on luck.

A CLI call whose outcome depends on the time passes --now (sitekit.require_now refuses one
that does not), and no helper reserves a port by binding it, closing it and hoping to get it
back: servers bind port 0 themselves and report the port they got.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from sitekit import require_now

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    "args",
    [
        ("approve", "content/a.md", "--by", "aliev", "--at", "2026-11-20T09:00", "--yes"),
        ("build",),
        ("check", "--root", "site"),
        ("new", "press-release", "Заголовок", "--date", "2026-12-01T10:00"),
        ("status", "--format", "csv"),
        ("serve", "--port", "0"),
    ],
)
def test_a_timed_command_without_now_is_refused(args: tuple[str, ...]) -> None:
    with pytest.raises(AssertionError, match="--now"):
        require_now(args)
    require_now((*args, "--now", "2026-11-22T12:00:00+06:00"))
    require_now((*args, "--now=2026-11-22T12:00:00+06:00"))


def test_untimed_commands_need_no_now() -> None:
    require_now(("schema", "--root", "site"))
    require_now(("--version",))


@pytest.mark.parametrize(
    "module",
    ["sitekit", "test_cli_workflow", "test_init", "test_publish_on_approval", "test_skeleton_placeholders"],
)
def test_every_cli_runner_refuses_a_timed_command_without_now(module: str, tmp_path: Path, capsys) -> None:
    """The runners the tests call the CLI through check their arguments before running it."""
    runner = importlib.import_module(module)
    with pytest.raises(AssertionError, match="--now"):
        if module == "sitekit":
            runner.run_cli(
                "approve", "content/a.md", "--by", "aliev", "--at", "2026-11-20T09:00", cwd=tmp_path
            )
        else:
            runner.run(
                capsys,
                "approve",
                "content/a.md",
                "--by",
                "aliev",
                "--at",
                "2026-11-20T09:00",
                "--root",
                str(tmp_path),
            )


def _binds_port_zero(call: ast.Call) -> bool:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "bind" and call.args):
        return False
    address = call.args[0]
    return (
        isinstance(address, ast.Tuple)
        and len(address.elts) == 2
        and isinstance(address.elts[1], ast.Constant)
        and address.elts[1].value == 0
    )


def port_reservations(source: str) -> list[str]:
    """Functions that bind port 0 and hand the port number out (return or yield getsockname())."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = list(ast.walk(function))
        binds = any(isinstance(n, ast.Call) and _binds_port_zero(n) for n in nodes)
        handed = [n.value for n in nodes if isinstance(n, ast.Return | ast.Yield) and n.value is not None]
        hands_out = any("getsockname" in ast.unparse(value) for value in handed)
        if binds and hands_out:
            found.append(f"{function.name} (line {function.lineno})")
    return found


def test_port_reservations_are_recognised() -> None:
    free_port = (
        "def free_port():\n"
        "    with socket.socket() as sock:\n"
        "        sock.bind(('127.0.0.1', 0))\n"
        "        return sock.getsockname()[1]\n"
    )
    assert port_reservations(free_port) == ["free_port (line 1)"]
    server = "def serve():\n    server = Server(('127.0.0.1', 0))\n    return server.server_address[1]\n"
    assert port_reservations(server) == []


def test_no_test_reserves_a_port_by_closing_it() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 20
    found = {
        path.relative_to(TESTS).as_posix(): hits
        for path in files
        if "node_modules" not in path.parts and (hits := port_reservations(path.read_text(encoding="utf-8")))
    }
    assert not found, f"bind port 0 in the server itself and read the port it got: {found}"


def random_property_tests(source: str) -> list[str]:
    """Hypothesis tests that draw new examples on each run: a `@given` test whose `@settings`
    does not say `derandomize=True` (or that has no `@settings` at all)."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        calls = [d for d in function.decorator_list if isinstance(d, ast.Call)]
        names = {ast.unparse(d.func).rsplit(".", 1)[-1]: d for d in calls}
        if "given" not in names:
            continue
        fixed = "settings" in names and any(
            k.arg == "derandomize" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in names["settings"].keywords
        )
        if not fixed:
            found.append(f"{function.name} (line {function.lineno})")
    return found


def test_random_property_tests_are_recognised() -> None:
    head = "@given(st.text())\ndef test_a(text):\n    pass\n"
    assert random_property_tests(head) == ["test_a (line 2)"]
    assert random_property_tests("@settings(max_examples=5)\n" + head) == ["test_a (line 3)"]
    assert random_property_tests("@hypothesis.settings(derandomize=False)\n" + head) == ["test_a (line 3)"]
    assert random_property_tests("@settings(deadline=None, derandomize=True)\n" + head) == []


def test_every_property_test_draws_the_same_examples_each_run() -> None:
    """A property test that draws anew on each run passes or fails by luck: CI must not."""
    files = sorted(TESTS.rglob("test_*.py"))
    assert len(files) > 20
    found = {
        path.relative_to(TESTS).as_posix(): hits
        for path in files
        if (hits := random_property_tests(path.read_text(encoding="utf-8")))
    }
    assert not found, f"give each @given test @settings(..., derandomize=True): {found}"

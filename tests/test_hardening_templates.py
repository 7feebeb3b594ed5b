"""Template errors (issue 22, T5): whatever a template does wrong, `check` and `build` report
it as a problem naming the template's own file and line, with no traceback; `build`
leaves output/ as it was; templates run sandboxed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site, rebuttal_fields, run_cli, tree

FOOTER = "templates/partials/footer_extra.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with a press release and a rebuttal, built once (each test takes a copy)."""
    base = tmp_path_factory.mktemp("templates")
    root = make_site(
        base,
        {
            "content/press-releases/news.md": item("Новость", tags=["город"]),
            "content/rebuttals/reply.md": item("Опровержение", **rebuttal_fields()),
            FOOTER: "<p>Подвал</p>\n",
        },
    )
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    return root


def copy(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built, root, symlinks=True)
    return root


def problems(root: Path, command: str) -> tuple[int, list[tuple[str, int, str]], str]:
    code, out, err = run_cli(command, "--now", NOW, "--format", "json", cwd=root)
    assert "Traceback" not in out + err, out + err
    found = json.loads(out) if out.strip() else []
    return code, [(p["path"], p["line"], p["code"]) for p in found if p["severity"] == "error"], out + err


DEEP = "{% if true %}" * 3000 + "x" + "{% endif %}" * 3000

CASES = {
    "undefined variable": (FOOTER, "<p>\n{{ no_such_variable }}\n", (FOOTER, 2, "TEMPLATE_ERROR")),
    "division by zero": (FOOTER, "<p>\n{{ 1 // 0 }}\n", (FOOTER, 2, "TEMPLATE_ERROR")),
    "includes itself": (
        FOOTER,
        "<p>\n{% include 'partials/footer_extra.html' %}\n",
        (FOOTER, 2, "TEMPLATE_RECURSION"),
    ),
    "endless macro": (
        FOOTER,
        "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}\n{{ down(0) }}\n",
        (FOOTER, 1, "TEMPLATE_RECURSION"),
    ),
    "not UTF-8": (FOOTER, b"<p>\n\n\xcf\xf0\xe8\xe2\xe5\xf2</p>\n", (FOOTER, 3, "FILE_ENCODING")),
    "NUL byte": (FOOTER, b"<p>\n\x00</p>\n", (FOOTER, 2, "TEMPLATE_BINARY")),
    "missing include": (
        FOOTER,
        "<p>\n{% include 'partials/nope.html' %}\n",
        (FOOTER, 2, "TEMPLATE_NOT_FOUND"),
    ),
    "syntax error": (FOOTER, "<p>\n{% if %}\n", (FOOTER, 2, "TEMPLATE_SYNTAX")),
    "too deeply nested": (FOOTER, DEEP, (FOOTER, 0, "TEMPLATE_SYNTAX")),
    "python internals": (
        FOOTER,
        "<p>\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
        (FOOTER, 2, "TEMPLATE_UNSAFE"),
    ),
    "huge value": (FOOTER, "<p>\n{{ 'x' * 10 ** 10 }}\n", (FOOTER, 2, "TEMPLATE_UNSAFE")),
    # A template only rebuttals use: `check` must render one to find it.
    "one page kind": (
        "templates/rebuttal.html",
        "{% extends 'item.html' %}\n{% block content %}\n{{ entry.no_such_field }}\n{% endblock %}\n",
        ("templates/rebuttal.html", 3, "TEMPLATE_ERROR"),
    ),
    "listing": (
        "templates/list.html",
        "{% for entry in entries %}\n{{ entry.title }}{{ entry.no_such_field }}\n{% endfor %}\n",
        ("templates/list.html", 2, "TEMPLATE_ERROR"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_template_error_is_a_problem_with_its_file_and_line(built: Path, tmp_path: Path, case: str) -> None:
    rel, data, expected = CASES[case]
    root = copy(built, tmp_path)
    (root / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    before = tree(root / "output")
    for command in ("check", "build"):
        code, found, text = problems(root, command)
        assert code == 1, text
        assert found == [expected], text
    assert tree(root / "output") == before


def test_a_template_that_is_a_folder_is_a_problem(built: Path, tmp_path: Path) -> None:
    """A folder where a template is looked for is not passed over for the theme's."""
    root = copy(built, tmp_path)
    (root / "templates/item.html").mkdir()
    before = tree(root / "output")
    for command in ("check", "build"):
        code, found, text = problems(root, command)
        assert code == 1, text
        assert found == [("templates/item.html", 0, "TEMPLATE_NOT_FILE")], text
    assert tree(root / "output") == before


def test_an_unused_template_with_a_syntax_error_fails_check(built: Path, tmp_path: Path) -> None:
    root = copy(built, tmp_path)
    (root / "templates/old.html").write_text("<p>\n{{ title }\n", encoding="utf-8")
    (root / "templates/.old.html.swp").write_bytes(b"\x00\xff not a template")  # an editor's
    code, found, text = problems(root, "check")
    assert code == 1, text
    assert found == [("templates/old.html", 2, "TEMPLATE_SYNTAX")], text


def test_a_template_cannot_run_commands(built: Path, tmp_path: Path) -> None:
    """An insider who can edit templates/ must not get to run code on the CI machine."""
    root = copy(built, tmp_path)
    pwned = tmp_path / "pwned"
    attacks = [
        f"{{{{ cycler.__init__.__globals__.os.system('touch {pwned}') }}}}",
        f"{{{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch {pwned}') }}}}",
        "{{ config.__class__.__init__.__globals__['sys'].modules['os'].system('touch " + str(pwned) + "') }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ url.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
    ]
    for attack in attacks:
        (root / FOOTER).write_text(f"<p>\n{attack}\n", encoding="utf-8")
        for command in ("check", "build"):
            code, found, text = problems(root, command)
            assert code == 1, text
            assert found == [(FOOTER, 2, "TEMPLATE_UNSAFE")], (attack, text)
    assert not pwned.exists()


def test_the_theme_still_renders_sandboxed(built: Path) -> None:
    """The theme's templates use nothing the sandbox refuses (the fixture built them)."""
    page = (built / "output/rebuttals/reply/index.html").read_text(encoding="utf-8")
    assert "Опровержение" in page and "<p>Подвал</p>" in page


def test_the_preview_server_shows_a_template_error_and_goes_on(built: Path, tmp_path: Path) -> None:
    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import Preview

    root = copy(built, tmp_path)
    hub = Hub()
    sent: list[tuple[str, dict]] = []
    hub.send = lambda kind, data, problems=None: sent.append((kind, data))  # type: ignore[method-assign]
    preview = Preview(root, tmp_path / "preview", hub, False, "en", lambda: _now())
    assert preview.rebuild()
    (root / FOOTER).write_text("<p>\n{{ 1 // 0 }}\n", encoding="utf-8")
    assert not preview.rebuild()
    kind, data = sent[-1]
    assert kind == "error"
    assert [(p["path"], p["line"], p["code"]) for p in data["problems"]] == [(FOOTER, 2, "TEMPLATE_ERROR")]
    (root / FOOTER).write_text("<p>Подвал снова</p>\n", encoding="utf-8")
    assert preview.rebuild()


def _now():
    from datetime import datetime

    return datetime.fromisoformat(NOW)

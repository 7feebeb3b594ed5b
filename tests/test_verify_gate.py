"""`site-builder verify [output/]` on a built site, without the browser tools: the link
check runs, the checks whose tools are missing say they were skipped and why, and
`--require-all` (CI) fails on them.  With the tools: tests/browser/test_gate.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site, run_cli

from site_builder.build import build


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch site built; the HTML and accessibility tools pointed at nothing."""
    monkeypatch.setenv("SITE_BUILDER_VNU", str(tmp_path / "no-vnu.jar"))
    monkeypatch.setenv("SITE_BUILDER_AXE", str(tmp_path / "no-axe.min.js"))
    root = make_site(tmp_path, {"content/press-releases/a.md": item(title="Новость")})
    result = build(root, datetime.fromisoformat(NOW))
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    return root


def test_a_built_site_passes_with_the_skipped_checks_named(built: Path) -> None:
    code, out, err = run_cli("verify", cwd=built)  # default: ROOT/output
    assert code == 0, out + err
    assert "✓ ссылки: пройдено (страниц:" in out
    assert "– HTML (Nu Html Checker): ПРОПУЩЕНО — не найден vnu.jar" in err
    assert "no-vnu.jar" in err and "SITE_BUILDER_VNU" in err
    assert "– доступность (axe-core в Chromium): ПРОПУЩЕНО — не найден" in err
    code, out, err = run_cli("verify", "output", "--require-all", cwd=built)
    assert code == 1, out + err
    assert "пропущенные проверки считаются непройденными (--require-all)" in err
    assert "НЕ ПРОЙДЕНО: HTML (Nu Html Checker), доступность (axe-core в Chromium)" in err


def test_a_broken_link_and_a_missing_fragment_fail_with_file_line_and_hint(built: Path) -> None:
    page = built / "output/press-releases/index.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if "</main>" in line)
    lines[at] = lines[at].replace(
        "</main>", '<a href="/press-releases/net/">нет</a><a href="/#nowhere">якорь</a></main>'
    )
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("verify", "output/", "--lang", "ru", cwd=built)
    assert code == 1, out + err
    assert (
        f"output/press-releases/index.html:{at + 1}: error GATE_LINK_BROKEN ссылка «/press-releases/net/» "
        "ведёт в никуда: на сайте нет файла output/press-releases/net/" in err
    ), err
    assert f"output/press-releases/index.html:{at + 1}: error GATE_LINK_FRAGMENT" in err
    assert "нет элемента с таким id" in err and "подсказка: Исправьте ссылку" not in err
    assert "подсказка: Если страница показывает материал, исправьте ссылку в его тексте" in err
    assert "✗ ссылки: ошибок: 2" in err and "НЕ ПРОЙДЕНО: ссылки" in err


def test_no_built_site_is_a_usage_error(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    code, _, err = run_cli("verify", cwd=root)
    assert code == 2
    assert "нет собранного сайта" in err and "site-builder build" in err


def test_the_publish_workflow_deploys_only_what_the_gate_passed() -> None:
    import yaml

    workflow = Path(__file__).resolve().parents[1] / ".github/workflows/publish.yml"
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    assert "verify" in jobs["deploy"]["needs"] and "build" in jobs["deploy"]["needs"]
    assert jobs["verify"]["needs"] == "build"
    steps = " ".join(str(step.get("run", "")) for step in jobs["verify"]["steps"])
    assert "site-builder verify output/ --require-all" in steps
    assert "axe-core@" in steps and "vnu-jar@" in steps

"""`site-builder verify output/` with every tool installed: the gate the publish workflow runs.

The example site passes all four checks (signatures, links, HTML, accessibility) once,
module-scoped; then a copy with a broken link, an invalid page and an image without alt
injected into three built pages fails, each check naming its page.  The second run
checks only the three changed pages (the rest are in the build cache by their bytes).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from browser_helpers import AXE_JS, CHROMIUM, VNU_JAR
from sitekit import run_cli

from site_builder.build import build

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")

# No importorskip or skipif here: conftest.py's autouse `browser_tools` fails every test when
# a tool is missing (skipped only with SITE_BUILDER_SKIP_BROWSER=1).


@pytest.fixture(scope="module")
def tools() -> None:
    """The gate finds the tools the browser tests use (as the publish workflow points to its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_BUILDER_AXE", str(AXE_JS))
        patch.setenv("SITE_BUILDER_VNU", str(VNU_JAR))
        patch.setenv("SITE_BUILDER_CHROMIUM", str(CHROMIUM))
        yield


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, tools: None) -> tuple[Path, int, str, str]:
    """The example site built, and `verify --require-all` on it (the cache in a site of its own)."""
    work = tmp_path_factory.mktemp("gate")
    output = work / "output"
    result = build(ROOT, NOW, output)
    assert result.ok, [(p.path, p.line, p.code, p.args) for p in result.problems if p.is_error]
    (work / "config.yaml").write_text("# the gate's cache lives in this site's .site-cache/\n")
    code, out, err = run_cli("verify", "output", "--require-all", cwd=work, timeout=900)
    return work, code, out, err


def test_the_example_site_passes_every_check(example) -> None:
    _, code, out, err = example
    assert code == 0, out + err
    for name in ("ссылки", "HTML (Nu Html Checker)", "доступность (axe-core в Chromium)"):
        assert f"✓ {name}: пройдено" in out, out + err
    assert "страниц с верными подписями:" in out and "с неверными: 0" in out
    assert "ПРОПУЩЕНО" not in out + err
    assert "пройдено: собранный сайт можно публиковать" in out


def inject(page: Path, html: str) -> None:
    """Put `html` at the end of a built page's main content."""
    text = page.read_text(encoding="utf-8")
    assert "</main>" in text
    page.write_text(text.replace("</main>", html + "</main>", 1), encoding="utf-8")


def test_a_broken_link_invalid_html_and_an_image_without_alt_each_fail(example) -> None:
    work, *_ = example
    broken = work / "broken"
    shutil.copytree(work / "output", broken)
    inject(broken / "press-releases/index.html", '<a href="/press-releases/net/">x</a>')
    inject(broken / "rebuttals/index.html", "<ul><div>не элемент списка</div></ul>")
    inject(broken / "index.html", '<img src="/static/favicon.svg">')
    code, out, err = run_cli("verify", "broken", "--require-all", cwd=work, timeout=900)
    assert code == 1, out + err
    assert "broken/press-releases/index.html:" in err
    assert "ссылка «/press-releases/net/» ведёт в никуда" in err
    assert "broken/rebuttals/index.html:" in err and "HTML-разметка с ошибкой" in err
    assert "broken/index.html: error GATE_ACCESSIBILITY доступность:" in err and "image-alt" in err
    assert "подсказка:" in err
    for name in ("ссылки", "HTML (Nu Html Checker)", "доступность (axe-core в Chromium)"):
        assert f"✗ {name}: ошибок:" in err, err
    # Only the pages that changed were opened again (3 for axe, 3 for the checker).
    assert "проверено сейчас: 3" in err, err
    assert "НЕ ПРОЙДЕНО" in err

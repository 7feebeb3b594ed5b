"""Version pages and the publication log's page (issue 26) through the gate the publish
workflow runs: links, the Nu Html Checker and axe-core in Chromium, every tool required."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from browser_helpers import AXE_JS, CHROMIUM, VNU_JAR
from sitekit import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_record import _at, checkout, history

from site_builder.build import build


def test_version_pages_pass_the_gate(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITE_BUILDER_AXE", str(AXE_JS))
    monkeypatch.setenv("SITE_BUILDER_VNU", str(VNU_JAR))
    monkeypatch.setenv("SITE_BUILDER_CHROMIUM", str(CHROMIUM))
    root = history(tmp_path)
    checkout(root, "correction 2")
    result = build(root, datetime.fromisoformat(_at(8)))
    assert result.ok
    assert (root / "output/press-releases/most/v3/index.html").exists()
    assert (root / "output/transparency/index.html").exists()
    code, out, err = run_cli("verify", "output", "--require-all", cwd=root, timeout=900)
    assert code == 0, out + err
    for name in ("ссылки", "HTML (Nu Html Checker)", "доступность (axe-core в Chromium)"):
        assert f"✓ {name}: пройдено" in out, out + err

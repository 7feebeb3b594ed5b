"""The bad-input corpus: every broken file gets one clear message, exit 1, no traceback, output/ untouched."""

from __future__ import annotations

import json
import os
import re
import resource
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from sitekit import NOW, config_text, item, make_site, run_cli, tree

GOOD = item("Хороший материал", tags=["город"])
HEAD = "---\ntitle: Заголовок\ndate: 2026-11-20T10:00:00+06:00\ndivision: transport\nauthor: petrov\n"
APPROVED = "status: approved\napproval:\n  by: aliev\n  at: 2026-11-20T09:00:00+06:00\n"
END = "---\nТекст.\n"
PR = "content/press-releases/bad.md"
BOMB = (
    "---\ntitle: Бомба\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    + "status: draft\n---\nТекст\n"
)
PLAN = (
    "---\ntitle: План\ndate: 2026-11-01T10:00:00+06:00\ndivision: pr\nauthor: petrov\n"
    "period:\n  from: 2026-11-01\n  to: 2026-11-30\nentries:\n  - date: 2026-11-10\n    channel: {channel}\n"
    "    outlet: Сайт\n    topic: Тема\n    responsible: pr\n    ref: {ref}\n"
    "status: approved\napproval:\n  by: aliev\n  at: 2026-10-30T09:00:00+06:00\n---\nПлан.\n"
)
CONFIG = config_text()
CONFIG_LINES = CONFIG.split("\n")
TZ_LINE = CONFIG_LINES.index("  timezone: Asia/Bishkek") + 1


def config_with(old: str, new: str) -> str:
    assert old in CONFIG
    return CONFIG.replace(old, new, 1)


def body_bomb() -> str:
    return HEAD + "status: draft\n" + END + "".join(f"[x{i}]: https://e.example/{i}\n" for i in range(3))


# (id, files to add or replace, expected code (None: the build succeeds), path, line)
CASES: list[tuple[str, dict[str, str | bytes], str | None, str, int]] = [
    # An attachment named like a file the build makes in the item's folder
    (
        "attachment-named-index-html",
        {
            "content/press-releases/bundle/index.md": GOOD,
            "content/press-releases/bundle/index.html": "<p>x</p>",
        },
        "ATTACHMENT_RESERVED",
        "content/press-releases/bundle/index.html",
        0,
    ),
    (
        "attachment-named-event-ics",
        {
            "content/press-releases/bundle/index.md": GOOD,
            "content/press-releases/bundle/event.ics": "BEGIN:VCALENDAR",
        },
        "ATTACHMENT_RESERVED",
        "content/press-releases/bundle/event.ics",
        0,
    ),
    # YAML syntax
    (
        "yaml-unclosed-bracket",
        {PR: "---\ntitle: [Заголовок\nstatus: draft\n---\nТекст\n"},
        "YAML_SYNTAX",
        PR,
        3,
    ),
    (
        "yaml-unclosed-quote",
        {PR: '---\ntitle: "Заголовок\nstatus: draft\n---\nТекст\n'},
        "YAML_SYNTAX",
        PR,
        2,
    ),
    ("yaml-bad-indent", {PR: "---\ntitle: Заголовок\n  status: draft\n---\nТекст\n"}, "YAML_SYNTAX", PR, 3),
    (
        "yaml-colon-in-value",
        {PR: "---\ntitle: Итоги: год\nstatus: draft\n---\nТекст\n"},
        "YAML_SYNTAX",
        PR,
        2,
    ),
    (
        "yaml-python-tag",
        {PR: "---\ntitle: !!python/object:os.system x\nstatus: draft\n---\n"},
        "YAML_SYNTAX",
        PR,
        2,
    ),
    ("yaml-unknown-tag", {PR: "---\ntitle: !secret x\nstatus: draft\n---\nТекст\n"}, "YAML_SYNTAX", PR, 2),
    (
        "yaml-tab-indent",
        {PR: "---\ntitle: Заголовок\napproval:\n\tby: aliev\n---\nТекст\n"},
        "YAML_TAB",
        PR,
        4,
    ),
    (
        "yaml-duplicate-key",
        {PR: "---\ntitle: А\nstatus: draft\ntitle: Б\n---\nТекст\n"},
        "YAML_DUPLICATE_KEY",
        PR,
        4,
    ),
    (
        "yaml-duplicate-nested-key",
        {
            PR: HEAD
            + "status: approved\napproval:\n  by: aliev\n  by: sydykova\n  at: 2026-11-20T09:00\n"
            + END
        },
        "YAML_DUPLICATE_KEY",
        PR,
        9,
    ),
    (
        "yaml-alias",
        {PR: "---\ntitle: &t Заголовок\nsummary: *t\nstatus: draft\n---\nТекст\n"},
        "YAML_ALIAS",
        PR,
        2,
    ),
    ("yaml-billion-laughs", {PR: BOMB}, "YAML_ALIAS", PR, 3),
    (
        "yaml-too-many-values",
        {PR: "---\ntitle: Т\nstatus: draft\ntags:\n" + "  - x\n" * 30_000 + "---\nТекст\n"},
        "YAML_TOO_BIG",
        PR,
        None,
    ),
    (
        "yaml-deep-nesting",
        {PR: "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nТекст\n"},
        "YAML_TOO_DEEP",
        PR,
        2,
    ),
    ("yaml-list-not-mapping", {PR: "---\n- title\n- date\n---\nТекст\n"}, "YAML_NOT_MAPPING", PR, 2),
    ("yaml-scalar-not-mapping", {PR: "---\nпросто текст\n---\nТекст\n"}, "YAML_NOT_MAPPING", PR, 2),
    # keys and types
    ("unknown-key", {PR: HEAD + "status: draft\nsubtitle: x\n" + END}, "KEY_UNKNOWN", PR, 7),
    ("unknown-key-typo", {PR: HEAD + "status: draft\naproved_by: aliev\n" + END}, "KEY_UNKNOWN", PR, 7),
    ("unknown-nested-key", {PR: HEAD + APPROVED + "  when: 2026-11-20\n" + END}, "KEY_UNKNOWN", PR, 10),
    ("missing-title", {PR: "---\nstatus: draft\n---\nТекст\n"}, "KEY_MISSING", PR, 1),
    ("empty-front-matter", {PR: "---\n---\nТекст\n"}, "KEY_MISSING", PR, 1),
    ("title-list", {PR: "---\ntitle: [a, b]\nstatus: draft\n---\nТекст\n"}, "WRONG_TYPE", PR, 2),
    ("title-mapping", {PR: "---\ntitle: {a: b}\nstatus: draft\n---\nТекст\n"}, "WRONG_TYPE", PR, 2),
    ("tags-string", {PR: HEAD + "tags: дороги\nstatus: draft\n" + END}, "WRONG_TYPE", PR, 6),
    (
        "tags-too-many",
        {PR: HEAD + f"tags: [{', '.join(f't{i}' for i in range(100))}]\nstatus: draft\n" + END},
        "TOO_LONG",
        PR,
        6,
    ),
    ("approval-string", {PR: HEAD + "status: approved\napproval: aliev\n" + END}, "WRONG_TYPE", PR, 7),
    ("status-bool", {PR: HEAD + "status: yes\n" + END}, "BAD_VALUE", PR, 6),
    ("status-unknown", {PR: HEAD + "status: published\n" + END}, "BAD_VALUE", PR, 6),
    (
        "confidentiality-unknown",
        {PR: HEAD + "confidentiality: secret\nstatus: draft\n" + END},
        "BAD_VALUE",
        PR,
        6,
    ),
    ("lang-unknown", {PR: HEAD + "lang: fr\nstatus: draft\n" + END}, "BAD_VALUE", PR, 6),
    (
        "division-bad-id",
        {PR: "---\ntitle: Т\ndivision: ../etc\nstatus: draft\n---\nТекст\n"},
        "BAD_ID",
        PR,
        3,
    ),
    # dates
    ("date-feb-30", {PR: "---\ntitle: Т\ndate: 2026-02-30\nstatus: draft\n---\nТекст\n"}, "BAD_DATE", PR, 3),
    (
        "date-month-13",
        {PR: "---\ntitle: Т\ndate: 2026-13-01T10:00\nstatus: draft\n---\nТекст\n"},
        "BAD_DATE",
        PR,
        3,
    ),
    (
        "date-hour-25",
        {PR: "---\ntitle: Т\ndate: 2026-11-01T25:00\nstatus: draft\n---\nТекст\n"},
        "BAD_DATE",
        PR,
        3,
    ),
    ("date-words", {PR: "---\ntitle: Т\ndate: вчера\nstatus: draft\n---\nТекст\n"}, "BAD_DATE", PR, 3),
    ("date-number", {PR: "---\ntitle: Т\ndate: 20261101\nstatus: draft\n---\nТекст\n"}, "BAD_DATE", PR, 3),
    (
        "approval-at-feb-30",
        {PR: HEAD + "status: approved\napproval:\n  by: aliev\n  at: 2026-02-30T09:00\n" + END},
        "BAD_DATE",
        PR,
        9,
    ),
    # files
    (
        "file-20mb",
        {PR: HEAD + "status: draft\n---\n" + "Очень длинный текст. " * 550_000},
        "FILE_TOO_LARGE",
        PR,
        0,
    ),
    ("file-binary", {PR: bytes(range(256)) * 4}, "FILE_BINARY", PR, None),
    ("file-png", {PR: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50}, "FILE_BINARY", PR, None),
    (
        "file-nul-in-body",
        {PR: (HEAD + "status: draft\n---\nТекст\nещё\x00\n").encode()},
        "FILE_BINARY",
        PR,
        9,
    ),
    ("file-cp1251", {PR: (HEAD + "status: draft\n" + END).encode("cp1251")}, "FILE_ENCODING", PR, 2),
    (
        "file-latin1-later",
        {PR: HEAD.encode() + b"summary: caf\xe9\nstatus: draft\n" + END.encode()},
        "FILE_ENCODING",
        PR,
        6,
    ),
    ("file-empty", {PR: b""}, "FILE_EMPTY", PR, 1),
    ("file-blank", {PR: "\n\n   \n"}, "FILE_EMPTY", PR, 1),
    ("file-no-front-matter", {PR: "# Заголовок\n\nТекст\n"}, "FM_MISSING", PR, 1),
    (
        "file-unclosed-front-matter",
        {PR: "---\ntitle: Заголовок\nstatus: draft\n\nТекст\n"},
        "FM_UNCLOSED",
        PR,
        1,
    ),
    ("file-unknown-section", {"content/news/a.md": GOOD}, "UNKNOWN_SECTION", "content/news/a.md", 0),
    ("file-at-content-root", {"content/a.md": GOOD}, "UNKNOWN_SECTION", "content/a.md", 0),
    ("file-bom", {PR: b"\xef\xbb\xbf" + item("С BOM").encode()}, None, PR, 1),
    ("file-crlf", {PR: item("С CRLF").replace("\n", "\r\n").encode()}, None, PR, None),
    ("file-cr-only", {PR: item("Старый Mac").replace("\n", "\r").encode()}, None, PR, None),
    # paths: slug, ref, links
    ("slug-dotdot", {PR: HEAD + "slug: ../../etc\n" + APPROVED + END}, "BAD_SLUG", PR, 6),
    ("slug-absolute", {PR: HEAD + "slug: /etc/passwd\n" + APPROVED + END}, "BAD_SLUG", PR, 6),
    # a NUL written as an escape: no value may hold one (chars.py)
    ("slug-nul", {PR: HEAD + 'slug: "a\\0b"\n' + APPROVED + END}, "BAD_TEXT", PR, 6),
    ("slug-spaces-cyrillic", {PR: HEAD + "slug: Мой адрес\n" + APPROVED + END}, "BAD_SLUG", PR, 6),
    ("slug-backslash", {PR: HEAD + "slug: a\\b\n" + APPROVED + END}, "BAD_SLUG", PR, 6),
    (
        "ref-dotdot",
        {"content/media-plans/p.md": PLAN.format(channel="site", ref="../../../etc/passwd")},
        "BAD_REF",
        "content/media-plans/p.md",
        15,
    ),
    (
        "ref-absolute",
        {"content/media-plans/p.md": PLAN.format(channel="site", ref="/etc/passwd")},
        "BAD_REF",
        "content/media-plans/p.md",
        15,
    ),
    (
        "ref-nul",
        {"content/media-plans/p.md": PLAN.format(channel="site", ref='"a\\0.md"')},
        "BAD_TEXT",
        "content/media-plans/p.md",
        15,
    ),
    (
        "plan-bad-channel",
        {"content/media-plans/p.md": PLAN.format(channel="tv", ref="press-releases/good.md")},
        "BAD_VALUE",
        "content/media-plans/p.md",
        11,
    ),
    ("link-dotdot", {PR: HEAD + APPROVED + "---\n[конфиг](../../config.yaml)\n"}, "BROKEN_LINK", PR, 11),
    (
        "link-file-scheme",
        {PR: HEAD + APPROVED + "---\n![пароль](file:///etc/passwd)\n"},
        "UNSAFE_LINK",
        PR,
        11,
    ),
    ("image-dotdot", {PR: HEAD + APPROVED + "---\n![x](../../../../etc/hosts.png)\n"}, "BROKEN_LINK", PR, 11),
    # text
    ("title-nul-escape", {PR: '---\ntitle: "a\\0b"\nstatus: draft\n---\nТекст\n'}, "BAD_TEXT", PR, 2),
    ("title-control-char", {PR: '---\ntitle: "a\\x1bb"\nstatus: draft\n---\nТекст\n'}, "BAD_TEXT", PR, 2),
    ("title-10000", {PR: "---\ntitle: " + "Д" * 10_000 + "\nstatus: draft\n---\nТекст\n"}, "TOO_LONG", PR, 2),
    ("summary-10000", {PR: HEAD + "summary: " + "С" * 10_000 + "\nstatus: draft\n" + END}, "TOO_LONG", PR, 6),
    ("title-empty", {PR: '---\ntitle: ""\nstatus: draft\n---\nТекст\n'}, "EMPTY_VALUE", PR, 2),
    # config.yaml
    (
        "config-syntax",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "  timezone: [Asia")},
        "YAML_SYNTAX",
        "config.yaml",
        None,
    ),
    (
        "config-tab",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "\ttimezone: Asia/Bishkek")},
        "YAML_TAB",
        "config.yaml",
        TZ_LINE,
    ),
    (
        "config-duplicate-key",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "  timezone: Asia/Bishkek\n  timezone: UTC")},
        "YAML_DUPLICATE_KEY",
        "config.yaml",
        TZ_LINE + 1,
    ),
    (
        "config-alias-bomb",
        {
            "config.yaml": BOMB.split("---\n")[1].replace("title: Бомба\n", "").replace("status: draft\n", "")
            + CONFIG
        },
        "YAML_ALIAS",
        "config.yaml",
        1,
    ),
    (
        "config-unknown-key",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "  timezone: Asia/Bishkek\n  theme: dark")},
        "KEY_UNKNOWN",
        "config.yaml",
        TZ_LINE + 1,
    ),
    (
        "config-wrong-type",
        {"config.yaml": config_with("  items_per_page: 5", "  items_per_page: много")},
        "WRONG_TYPE",
        "config.yaml",
        None,
    ),
    (
        "config-bad-timezone",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "  timezone: Mars/Olympus")},
        "BAD_TIMEZONE",
        "config.yaml",
        TZ_LINE,
    ),
    (
        "config-timezone-dotdot",
        {"config.yaml": config_with("  timezone: Asia/Bishkek", "  timezone: ../../etc/passwd")},
        "BAD_TIMEZONE",
        "config.yaml",
        TZ_LINE,
    ),
    (
        "config-base-url-js",
        {"config.yaml": config_with("https://press.example.kg/", "javascript:alert(1)")},
        "BAD_URL",
        "config.yaml",
        None,
    ),
    (
        "config-title-10000",
        {"config.yaml": config_with("Пресс-служба мэрии", "Д" * 10_000)},
        "TOO_LONG",
        "config.yaml",
        2,
    ),
    (
        "config-title-nul",
        {"config.yaml": config_with("Пресс-служба мэрии", '"a\\0b"')},
        "BAD_TEXT",
        "config.yaml",
        2,
    ),
    ("config-empty", {"config.yaml": b""}, "KEY_MISSING", "config.yaml", 1),
    ("config-list", {"config.yaml": "- site\n- people\n"}, "YAML_NOT_MAPPING", "config.yaml", 1),
    ("config-binary", {"config.yaml": b"\x00\x01\x02" * 100}, "FILE_BINARY", "config.yaml", None),
    ("config-cp1251", {"config.yaml": CONFIG.encode("cp1251")}, "FILE_ENCODING", "config.yaml", None),
    ("config-20mb", {"config.yaml": CONFIG + "#" * 20_000_000 + "\n"}, "FILE_TOO_LARGE", "config.yaml", 0),
    (
        "config-missing-site",
        {"config.yaml": CONFIG.split("divisions:")[0].replace("site:", "sight:") + "divisions: []\n"},
        None,
        "config.yaml",
        None,
    ),
    ("config-bom", {"config.yaml": b"\xef\xbb\xbf" + CONFIG.encode()}, None, "config.yaml", None),
    ("config-crlf", {"config.yaml": CONFIG.replace("\n", "\r\n").encode()}, None, "config.yaml", None),
    (
        "config-duplicate-person",
        {"config.yaml": config_with("id: sydykova", "id: aliev")},
        "DUPLICATE_ID",
        "config.yaml",
        None,
    ),
    (
        "config-unknown-division",
        {"config.yaml": config_with("division: transport", "division: mars")},
        "UNKNOWN_DIVISION",
        "config.yaml",
        None,
    ),
]
# sight: → KEY_MISSING site and KEY_UNKNOWN sight: two problems; checked on its own below.
CASES = [c for c in CASES if c[0] != "config-missing-site"]

LINE = re.compile(r"^(?P<path>\S+?)(?::(?P<line>\d+))?: (?P<severity>error|warning|info) (?P<code>[A-Z_]+) ")
GIB = 1 << 30


def bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def problems(text: str) -> list[tuple[str, int, str, str]]:
    out = []
    for raw in text.splitlines():
        m = LINE.match(raw)
        if m:
            out.append((m["path"], int(m["line"] or 0), m["severity"], m["code"]))
    return out


def scratch(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = make_site(tmp_path, {"content/press-releases/good.md": GOOD})
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    old = root / "output"
    (old / "press-releases/old").mkdir(parents=True)
    (old / "index.html").write_bytes(b"<!doctype html><title>previous build</title>")
    (old / "press-releases/old/index.html").write_bytes(b"previous item")
    (root / ".output.site-builder").touch()  # what a build leaves beside its output/
    return root


def test_corpus_is_big_enough():
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("files", "code", "path", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(tmp_path: Path, files, code, path, line):
    root = scratch(tmp_path, files)
    before = tree(root / "output")
    # --strict: one clear message per broken file, and nothing written.  (A plain `build` of
    # these sites, which have no git history, stops too, adding HELD_NO_HISTORY: test_held.py.)
    exit_code, out, err = run_cli(
        "build", "--strict", "--now", NOW, cwd=root, timeout=60, preexec_fn=bounded_memory
    )
    output = out + err
    assert "Traceback" not in output
    assert "MemoryError" not in output
    found = problems(output)
    if code is None:
        assert exit_code == 0, output
        assert not [p for p in found if p[2] == "error"]
        if line is not None:  # a BOM: accepted, with a warning on line 1
            assert (path, line, "warning", "FILE_BOM") in found, output
        assert (root / "output/press-releases/good/index.html").is_file()
        return
    assert exit_code == 1, output
    errors = [p for p in found if p[2] == "error"]
    assert {p[3] for p in errors} == {code}, output
    assert all(p[0] == path for p in errors), output
    if line is not None:
        assert errors[0][1] == line, output
    assert tree(root / "output") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".output.") and p.is_dir()]


def test_missing_site_section_in_config(tmp_path: Path):
    text = CONFIG.replace("site:", "sight:", 1)
    root = scratch(tmp_path, {"config.yaml": text})
    before = tree(root / "output")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert "Traceback" not in out + err
    codes = {p[3] for p in problems(out + err)}
    assert codes == {"KEY_MISSING", "KEY_UNKNOWN"}
    assert tree(root / "output") == before


def test_missing_config(tmp_path: Path):
    root = scratch(tmp_path, {})
    (root / "config.yaml").unlink()
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert [p[3] for p in problems(out + err)] == ["CONFIG_MISSING"]


def test_symlinked_file_pointing_outside_is_not_followed(tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text(item("Секретный материал снаружи"), encoding="utf-8")
    root = scratch(tmp_path, {})
    (root / "content/press-releases/link.md").symlink_to(secret)
    before = tree(root / "output")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert ("content/press-releases/link.md", 0, "error", "FILE_SYMLINK") in problems(out + err)
    assert tree(root / "output") == before


def test_symlinked_folder_pointing_outside_is_not_followed(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.md").write_text(item("Секретный материал из папки"), encoding="utf-8")
    root = scratch(tmp_path, {})
    (root / "content/press-releases/2026").symlink_to(outside, target_is_directory=True)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert "Traceback" not in out + err
    assert ("content/press-releases/2026", 0, "error", "FILE_SYMLINK") in problems(out + err)


def test_symlinked_config_pointing_outside_is_refused(tmp_path: Path):
    root = scratch(tmp_path, {})
    real = tmp_path / "elsewhere.yaml"
    real.write_text(CONFIG, encoding="utf-8")
    (root / "config.yaml").unlink()
    (root / "config.yaml").symlink_to(real)
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert [p[3] for p in problems(out + err)] == ["FILE_SYMLINK"]


def test_dangling_symlink(tmp_path: Path):
    root = scratch(tmp_path, {})
    os.symlink("/nonexistent/file.md", root / "content/press-releases/dangling.md")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert "Traceback" not in out + err
    assert [p[3] for p in problems(out + err) if p[2] == "error"] == ["FILE_SYMLINK"]


# --- hostile content: it builds, but nothing of it may execute or break out -----------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_TITLE = f"Заголовок {XSS} </script><!--"
HOSTILE_FILES = {
    "content/press-releases/hostile.md": item(
        HOSTILE_TITLE,
        summary=f"Сводка {XSS} </script>",
        tags=[f"тег {XSS}", "</script><script>alert(2)</script>"],
        body=(
            "Текст.\n\n<script>alert(3)</script>\n\n<div onclick=alert(4)>блок</div>\n\n"
            '<a href="javascript:alert(5)">ссылка</a>\n\n<iframe src="https://evil.example/"></iframe>\n\n'
            "`<script>alert(6)</script>` и **<b onmouseover=alert(7)>жирный</b>**\n"
        ),
    ),
    "content/rebuttals/hostile.md": item(
        f"Опровержение {XSS}",
        original={
            "outlet": f"СМИ {XSS}",
            "title": "</script><script>alert(8)</script>",
            "url": "https://evil.example/a?q=%3Cscript%3E&x=1",
            "published": "2026-11-19T08:00:00+06:00",
        },
        detected_at="2026-11-19T09:00:00+06:00",
        facts=[
            {
                "claim": f"Утверждение {XSS}",
                "fact": "Факт </script><script>alert(9)</script>",
                "evidence": ["https://evil.example/?a=1&b=2#x"],
            }
        ],
    ),
    "content/announcements/hostile.md": item(
        f"Анонс {XSS}",
        event={
            "kind": "briefing",
            "starts": "2026-11-25T11:00:00+06:00",
            "location": f"Зал {XSS} </script>",
            "speakers": [f"Спикер {XSS}"],
            "accreditation": {"how": f"Звоните {XSS}"},
        },
    ),
}
THEME_SCRIPTS = ("/static/",)


class _Audit(HTMLParser):
    """Collects what could execute: script elements, event-handler attributes, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.json_blocks: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "srcset", "data") and value:
                cleaned = "".join(ch for ch in value if ord(ch) > 32).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "data:text")):
                    self.bad.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.bad.append(f"<{tag}>")
        if tag == "script":
            kind = attributes.get("type")
            src = attributes.get("src") or ""
            if kind == "application/ld+json":
                self._in_json = True
                self.json_blocks.append("")
            elif not (src and urlsplit(src).path.startswith(THEME_SCRIPTS)) and kind != "module":
                self.bad.append(f"<script {attributes}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_blocks[-1] += data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, str]:
    root = make_site(tmp_path_factory.mktemp("hostile"), HOSTILE_FILES)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    return root / "output", out + err


def test_hostile_content_is_reported(hostile):
    _output, messages = hostile
    assert "RAW_HTML" in messages
    assert "Traceback" not in messages


def test_hostile_content_cannot_execute_in_html(hostile):
    output, _ = hostile
    pages = list(output.rglob("*.html"))
    assert len(pages) > 10
    blocks = 0
    for page in pages:
        audit = _Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        audit.close()
        assert not audit.bad, (page.relative_to(output), audit.bad)
        for block in audit.json_blocks:
            json.loads(block)  # inline JSON stays JSON: nothing broke out of it
        blocks += len(audit.json_blocks)
    assert blocks >= len(pages) // 2  # the JSON-LD blocks were found, and read


def test_hostile_titles_are_shown_as_text(hostile):
    output, _ = hostile
    page = (output / "press-releases/hostile/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page


def _html_parts(path: Path, rss_description: bool) -> list[str]:
    """The feed fields a reader renders as HTML: Atom type="html" text, RSS description."""
    parts = []
    for element in ElementTree.fromstring(path.read_bytes()).iter():  # also: well-formed XML
        name = element.tag.rsplit("}", 1)[-1]
        if not element.text:
            continue
        if element.get("type") in ("html", "xhtml") or (rss_description and name == "description"):
            parts.append(element.text)
    return parts


def _audit_feeds(output: Path, rss_description: bool) -> list:
    bad = []
    paths = list(output.glob("feeds/**/*.xml"))
    assert len(paths) > 4
    parts = 0
    for path in paths:
        assert feedparser.parse(path.read_bytes()).bozo == 0, path
        for html in _html_parts(path, rss_description):
            parts += 1
            audit = _Audit()
            audit.feed(html)
            bad += [(path.name, b) for b in audit.bad]
    assert parts >= len(paths) // 2  # the HTML fields were found (in Atom at least), and audited
    return bad


def test_hostile_content_in_feeds_stays_text(hostile):
    output, _ = hostile
    assert list(output.glob("feeds/**/*.xml"))
    assert not _audit_feeds(output, rss_description=False)


def test_hostile_summary_in_rss_description_stays_text(hostile):
    output, _ = hostile
    assert not _audit_feeds(output, rss_description=True)


def test_hostile_content_in_json_and_calendars(hostile):
    output, _ = hostile
    documents = list(output.rglob("*.json"))
    calendars = list(output.rglob("*.ics"))
    assert len(documents) > 4 and calendars
    for path in documents:
        json.loads(path.read_bytes())
    for path in calendars:
        text = path.read_text(encoding="utf-8")
        assert "BEGIN:VCALENDAR" in text
        for line in text.splitlines():
            assert not line.startswith(("BEGIN:VALARM", "ATTACH")), line


@pytest.mark.parametrize(
    "url",
    ['https://evil.example/"onmouseover="alert(1)', "https://e.example/<script>", "javascript:alert(1)"],
)
def test_urls_that_could_break_out_of_attributes_are_refused(tmp_path: Path, url: str):
    fields = {"outlet": "СМИ", "title": "Т", "url": url}
    root = scratch(tmp_path, {"content/rebuttals/r.md": item("Опровержение", original=fields)})
    before = tree(root / "output")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert ("content/rebuttals/r.md", 7, "error", "BAD_URL") in problems(out + err), out + err
    assert tree(root / "output") == before


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        (b"content/press-releases/bad\xff.md", "content/press-releases/bad\ufffd.md"),
        (b"content/press-releases/dir\xfe/index.md", "content/press-releases/dir\ufffd"),
        (b"content/press-releases/good2/att\xfd.pdf", "content/press-releases/good2/att\ufffd.pdf"),
        (b"static/logo\xfc.svg", "static/logo\ufffd.svg"),
        (b"templates/partials\xfb/x.html", "templates/partials\ufffd"),
    ],
)
def test_a_name_that_is_not_utf8_is_reported(tmp_path: Path, where: bytes, shown: str):
    """A file or folder saved under another system's encoding of its name (cp1251, say)
    cannot become a URL, a cache key or a message: it is an error with the name as far
    as it can be shown, not a traceback, and output/ stays as it was."""
    root = scratch(tmp_path, {"content/press-releases/good2/index.md": GOOD})
    target = os.path.join(os.fsencode(root), where)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(GOOD.encode())
    before = tree(root / "output")
    for command in (["check"], ["build", "--strict"]):  # (all or nothing: the one error only)
        code, out, err = run_cli(*command, "--now", NOW, cwd=root)
        assert code == 1 and "Traceback" not in out + err, out + err
        assert [p for p in problems(out + err) if p[2] == "error"] == [
            (shown, 0, "error", "FILE_NAME_ENCODING")
        ], out + err
    assert tree(root / "output") == before

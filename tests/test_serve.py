"""Drive the real preview server: a subprocess on a free port, its pages and its event stream."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from sitekit import child_env, site_builder_argv

WAIT = 60.0  # upper bound for anything to happen; never a timing assertion
NOW = "2026-11-22T12:00:00+06:00"
CONFIG = {
    "site": {"title": "Пресс-служба", "base_url": "https://press.example.kg/", "timezone": "Asia/Bishkek"},
    "divisions": [{"id": "pr", "name": "Отдел по связям с общественностью"}],
    "people": [
        {"id": "editor", "name": "Айгуль Редактор", "roles": ["press_secretary"], "division": "pr"},
        {"id": "chief", "name": "Бакыт Начальник", "roles": ["pr_department"], "division": "pr"},
    ],
    "rules": {"types": {"press-release": {"approval_hash": "optional"}}},
}
PUBLISHED = """---
title: "Первый выпуск"
date: 2026-11-01T10:00:00+06:00
author: editor
status: approved
approval:
  by: chief
  at: 2026-11-01T09:00:00+06:00
---

{body}
"""
DRAFT = """---
title: "Черновик бюджета"
author: editor
status: draft
---

Ещё не согласовано.
"""


def make_site(root: Path) -> Path:
    (root / "content" / "press-releases").mkdir(parents=True)
    (root / "config.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    (root / "content/press-releases/first.md").write_text(PUBLISHED.format(body="Текст первого выпуска."))
    (root / "content/press-releases/budget.md").write_text(DRAFT, encoding="utf-8")
    return root


PREVIEW_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")


class Server:
    """`site-builder serve` as a user starts it, with its terminal output collected."""

    def __init__(self, site: Path, tmp: Path, *extra: str, now: str | None = NOW) -> None:
        self.tmp = tmp
        tmp.mkdir(exist_ok=True)
        env = child_env({**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp), "CI": "true"})
        # Port 0: the server binds a port the kernel picks and prints it. (Binding a port here,
        # closing it and handing its number over would hope nobody takes it in between.)
        command = site_builder_argv("serve", "--port", "0")
        self.process = subprocess.Popen(
            [*command, "--root", str(site), *(["--now", now] if now else []), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_output("http://127.0.0.1:")
        found = PREVIEW_URL.search(self.output)
        assert found and int(found.group(1)) > 0, self.output
        self.port = int(found.group(1))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_output(self, text: str) -> None:
        deadline = time.monotonic() + WAIT
        while text not in self.output:
            assert self.process.poll() is None or text in self.output, f"server exited:\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output}"
            time.sleep(0.05)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.reader.join(timeout=5)


class Events:
    """A client of the server-sent event stream, collecting (event, data) pairs."""

    def __init__(self, port: int) -> None:
        self.received: queue.Queue[tuple[str, str]] = queue.Queue()
        self.connected = threading.Event()
        self.response = urllib.request.urlopen(f"http://127.0.0.1:{port}/__sb/events", timeout=WAIT)
        threading.Thread(target=self._read, daemon=True).start()
        assert self.connected.wait(WAIT)

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("retry:"):
                    self.connected.set()
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line:
                    if data:
                        self.received.put((name, data))
                    name, data = "message", ""
        except OSError:
            pass  # the server stopped: the stream ends

    def next(self, wanted: str) -> dict:
        deadline = time.monotonic() + WAIT
        while True:
            name, data = self.received.get(timeout=max(0.1, deadline - time.monotonic()))
            if name == wanted:
                return json.loads(data)

    def close(self) -> None:
        self.response.close()


def test_serve_rebuilds_reloads_survives_errors_and_stops_cleanly(tmp_path):
    site = make_site(tmp_path / "site")
    page = site / "content/press-releases/first.md"
    server = Server(site, tmp_path / "tmp")
    try:
        status, html = server.get("/press-releases/first/")
        assert status == 200
        assert "Текст первого выпуска." in html
        assert '<script src="/__sb/live-reload.js"></script></body>' in html.replace("\n", "")
        status, script = server.get("/__sb/live-reload.js")
        assert status == 200 and "EventSource" in script
        assert server.get("/press-releases/cherno/")[0] == 404
        # a draft is not part of a normal preview
        assert server.get("/press-releases/budget/")[0] == 404

        events = Events(server.port)
        page.write_text(PUBLISHED.format(body="Текст после правки."), encoding="utf-8")
        assert events.next("reload")["files"] > 0
        status, html = server.get("/press-releases/first/")
        assert status == 200 and "Текст после правки." in html

        broken = PUBLISHED.format(body="Сломано.").replace('title: "Первый выпуск"', "title: [не закрыто")
        page.write_text(broken, encoding="utf-8")
        # (no git history here: the item cannot be held back, so the preview stops as a build
        # does, with HELD_NO_HISTORY beside the error; with history it would show the rest)
        problems = [p for p in events.next("error")["problems"] if p["code"] != "HELD_NO_HISTORY"]
        assert problems[0]["path"] == "content/press-releases/first.md"
        assert problems[0]["line"] in (2, 3) and problems[0]["code"] == "YAML_SYNTAX"
        assert problems[0]["message"] and problems[0]["hint"]
        server.wait_output("YAML_SYNTAX")
        assert f"content/press-releases/first.md:{problems[0]['line']}" in server.output
        status, html = server.get("/press-releases/first/")
        assert status == 200 and "Текст после правки." in html  # the last good build stays served
        # a tab opened while the site is broken learns the problems at once
        late = Events(server.port)
        assert "YAML_SYNTAX" in [p["code"] for p in late.next("error")["problems"]]
        late.close()

        page.write_text(PUBLISHED.format(body="Исправлено."), encoding="utf-8")
        events.next("reload")
        assert "Исправлено." in server.get("/press-releases/first/")[1]
        events.close()
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert not (site / "output").exists()  # the preview never writes output/
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary build folder is removed


def test_serve_drafts_shows_banner_only_in_preview(tmp_path):
    site = make_site(tmp_path / "site")
    server = Server(site, tmp_path / "tmp", "--drafts")
    try:
        status, html = server.get("/press-releases/budget/")
        assert status == 200
        assert "ЧЕРНОВИК / НЕ ОПУБЛИКОВАНО" in html
        assert "Ещё не согласовано." in html
        status, html = server.get("/press-releases/first/")
        assert status == 200 and "ЧЕРНОВИК" not in html
    finally:
        assert server.stop() == 0, server.output
    built = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
        timeout=WAIT * 2,
    )
    assert built.returncode == 0, built.stderr
    pages = [p.read_text(encoding="utf-8") for p in (site / "output").rglob("*.html")]
    assert pages and not any("ЧЕРНОВИК" in p or "__sb" in p for p in pages)
    assert not (site / "output/press-releases/budget").exists()


EMBARGOED = """---
title: "Новые тарифы на проезд"
date: 2026-12-20T10:00:00+06:00
author: editor
status: approved
approval:
  by: chief
  at: 2026-11-20T09:00:00+06:00
---

С 20 декабря проезд стоит 20 сомов.
"""
RESTRICTED = """---
title: "Служебная записка"
date: 2026-11-10T10:00:00+06:00
author: editor
status: approved
confidentiality: restricted
approval:
  by: chief
  at: 2026-11-10T09:00:00+06:00
---

Только для служебного пользования.
"""
REVIEW = DRAFT.replace("status: draft", "status: review").replace("Черновик бюджета", "Отчёт на согласовании")


def hidden_site(root: Path) -> Path:
    """The test site with an approved release under embargo until 20 December 10:00, a
    restricted item and an item under review besides its draft."""
    site = make_site(root)
    (site / "content/press-releases/tarify.md").write_text(EMBARGOED, encoding="utf-8")
    (site / "content/press-releases/zapiska.md").write_text(RESTRICTED, encoding="utf-8")
    (site / "content/press-releases/otchet.md").write_text(REVIEW, encoding="utf-8")
    return site


def banner(html: str) -> str:
    """The preview banner's words (tags left out), or "" when the page has none."""
    found = re.search(
        r'<div class="preview-banner[^"]*" role="alert" aria-label="[^"]+"[^>]*>(.*?)</div>', html, re.S
    )
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def test_serve_drafts_previews_embargoed_and_restricted_items_with_their_banners(tmp_path):
    site = hidden_site(tmp_path / "site")
    server = Server(site, tmp_path / "tmp", "--drafts")
    try:
        status, html = server.get("/press-releases/tarify/")
        assert status == 200 and "20 сомов" in html
        said = banner(html)
        assert said == "ЭМБАРГО · выйдет 20.12.2026 10:00 (Asia/Bishkek); до этого времени его нет на сайте"
        assert '<time datetime="2026-12-20T10:00:00+06:00">' in html
        status, html = server.get("/press-releases/zapiska/")
        assert status == 200 and "Только для служебного пользования." in html
        assert banner(html) == "ДСП / ОГРАНИЧЕННЫЙ ДОСТУП · этот материал никогда не публикуется на сайте"
        assert banner(server.get("/press-releases/budget/")[1]) == "ЧЕРНОВИК / НЕ ОПУБЛИКОВАНО"
        review = banner(server.get("/press-releases/otchet/")[1])
        assert review == "ЧЕРНОВИК / НЕ ОПУБЛИКОВАНО · на согласовании"
        assert banner(server.get("/press-releases/first/")[1]) == ""  # published: no banner
        assert "Embargoed and restricted items are shown too" in server.output or "эмбарго" in server.output
    finally:
        assert server.stop() == 0, server.output
    assert not (site / "output").exists()  # the preview never writes output/
    # A real build after the preview (with the cache it left) publishes none of it.
    built = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        env=child_env({**os.environ, "CI": "true"}),
        timeout=WAIT * 2,
    )
    assert built.returncode == 0, built.stderr
    output = site / "output"
    files = [p.read_bytes() for p in output.rglob("*") if p.is_file()]
    for words in ("ЭМБАРГО", "ЧЕРНОВИК", "ДСП /", "preview-banner", "20 сомов", "Новые тарифы", "Служебная"):
        assert not any(words.encode() in data for data in files), words
    for slug in ("tarify", "zapiska", "budget", "otchet"):
        assert not (output / "press-releases" / slug).exists(), slug


def test_serve_at_shows_the_site_as_it_will_be_at_that_moment(tmp_path):
    """`--at 2026-12-20T10:00` is read in the site's time zone (+06:00): the embargoed release
    is out then, without a banner; a minute earlier it is not (but --drafts shows it)."""
    site = hidden_site(tmp_path / "site")
    server = Server(site, tmp_path / "tmp", "--at", "2026-12-20T10:00", now=None)
    try:
        status, html = server.get("/press-releases/tarify/")
        assert status == 200 and "20 сомов" in html and banner(html) == ""
        assert "2026-12-20 10:00 +0600" in server.output
        assert server.get("/press-releases/zapiska/")[0] == 404  # restricted: never out
        assert server.get("/press-releases/budget/")[0] == 404
    finally:
        assert server.stop() == 0, server.output
    server = Server(site, tmp_path / "tmp", "--at", "2026-12-20T09:59", now=None)
    try:
        assert server.get("/press-releases/tarify/")[0] == 404
    finally:
        assert server.stop() == 0, server.output
    server = Server(site, tmp_path / "tmp", "--at", "2026-12-20T09:59", "--drafts", now=None)
    try:
        status, html = server.get("/press-releases/tarify/")
        assert status == 200 and banner(html).startswith("ЭМБАРГО · выйдет 20.12.2026 10:00")
    finally:
        assert server.stop() == 0, server.output
    assert not (site / "output").exists()


def test_serve_at_refuses_a_bad_moment_and_at_with_now(tmp_path):
    site = hidden_site(tmp_path / "site")
    env = child_env({**os.environ, "CI": "true"})
    for extra, said in (
        (["--at", "20.12.2026"], "--at"),
        (["--at", "2026-12-20T10:00", "--now", NOW], "--at и --now"),
    ):
        done = subprocess.run(
            [*site_builder_argv("serve", "--port", "0", "--root", str(site)), *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=WAIT,
        )
        assert done.returncode == 2 and said in done.stderr, done.stderr


def test_items_held_back_are_shown_over_the_reloaded_page(tmp_path):
    """A build that holds an item back for its errors publishes the rest and reloads the
    page; the held item's errors are then shown over every page opened (not only in the
    terminal), and a build without errors clears them."""
    from datetime import datetime

    from gitkit import commit, repository

    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import Preview

    root = make_site(tmp_path / "site")
    repository(root, "2026-11-01T12:00:00+06:00")
    draft = root / "content/press-releases/budget.md"
    draft.write_text(DRAFT.replace("status: draft", "date: 09.12.2026\nstatus: draft"), encoding="utf-8")
    commit(root, "2026-11-02T12:00:00+06:00")
    hub = Hub()
    clock = lambda: datetime.fromisoformat(NOW)  # noqa: E731
    preview = Preview(root, tmp_path / "preview", hub, False, "en", clock)
    assert preview.rebuild()  # published: the draft held back
    assert (tmp_path / "preview/press-releases/first/index.html").is_file()
    shown = hub.subscribe().get(timeout=WAIT).decode()
    assert shown.startswith("event: error\n"), shown
    codes = {p["code"] for p in json.loads(shown.split("data: ", 1)[1])["problems"]}
    assert "HELD_OUT" in codes and "content/press-releases/budget.md" in shown, shown
    draft.write_text(DRAFT, encoding="utf-8")
    assert preview.rebuild()
    assert hub.subscribe().empty()  # fixed: nothing is shown over the page any more


def test_serve_drafts_refuses_to_listen_beyond_this_computer(tmp_path):
    """Drafts and restricted (ДСП) items are shown by `serve --drafts`: on 0.0.0.0 the whole
    network would read them, so it refuses before it listens, and says what to do."""
    site = make_site(tmp_path / "site")
    for host in ("0.0.0.0", "::"):
        run = subprocess.run(
            [*site_builder_argv(), "serve", "--root", str(site), "--drafts", "--host", host, "--port", "0"],
            capture_output=True,
            text=True,
            env=child_env(dict(os.environ)),
            timeout=WAIT * 2,
        )
        assert run.returncode == 2, run.stdout + run.stderr
        assert f"не на {host}" in run.stderr and "подсказка" in run.stderr
        assert "Traceback" not in run.stderr and "Предпросмотр" not in run.stdout


def test_loopback_names_only_this_computer():
    from site_builder.commands.serve import loopback

    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost") and loopback("127.0.0.2")
    assert not loopback("0.0.0.0") and not loopback("::") and not loopback("192.168.1.10")
    assert not loopback("no-such-host.invalid")

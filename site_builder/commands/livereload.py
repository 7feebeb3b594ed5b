"""The preview server's web side: files of the preview folder, with a live-reload script
added to HTML responses (never to built files), and the event stream that tells browsers
to reload or to show a failed rebuild's problems."""

from __future__ import annotations

import json
import queue
import re
import threading
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

EVENTS = "/__sb/events"
SCRIPT = "/__sb/live-reload.js"
PING = 15.0  # seconds between keep-alive comments on the event stream
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

LIVE_RELOAD = """(function () {
  "use strict";
  var TITLE = __TITLE__;
  var box = null;
  function hide() { if (box) { box.remove(); box = null; } }
  function line(tag, text, css) {
    var el = document.createElement(tag);
    el.textContent = text;  // text, never HTML: messages quote the editor's input
    if (css) { el.style.cssText = css; }
    return el;
  }
  function show(problems) {
    hide();
    box = document.createElement("div");
    box.id = "sb-error-overlay";
    box.setAttribute("role", "alertdialog");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(40,0,0,.94);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2em";
    var close = line("button", "\\u00d7",
      "float:right;font-size:1.5em;background:none;color:#fff;border:0;cursor:pointer");
    close.setAttribute("aria-label", "close");
    close.onclick = hide;
    box.appendChild(close);
    box.appendChild(line("h2", TITLE, "margin-top:0"));
    problems.forEach(function (p) {
      var item = document.createElement("div");
      item.className = "sb-problem";
      item.style.cssText = "margin:1em 0;padding:.75em 1em;border-left:4px solid " +
        (p.severity === "error" ? "#ff6b6b" : "#ffd166") + ";background:rgba(255,255,255,.06)";
      item.appendChild(line("code", p.path + (p.line ? ":" + p.line : ""), "font-weight:bold"));
      item.appendChild(line("div", p.severity + " " + p.code + ": " + p.message));
      if (p.hint) { item.appendChild(line("div", p.hint, "opacity:.85;font-style:italic")); }
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("ok", hide);
  source.addEventListener("error", function (event) {
    if (typeof event.data !== "string") { return; }  // the connection dropped: EventSource retries
    show(JSON.parse(event.data).problems);
  });
})();
"""


def _event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Hub:
    """The browsers listening for events, and the error state a newly opened page must learn."""

    def __init__(self) -> None:
        self.stopping = threading.Event()  # set when the server stops: event streams end
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[bytes]] = []
        self._error: bytes | None = None

    def subscribe(self) -> queue.Queue[bytes]:
        inbox: queue.Queue[bytes] = queue.Queue()
        with self._lock:
            self._clients.append(inbox)
            if self._error is not None:
                inbox.put(self._error)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[bytes]) -> None:
        with self._lock:
            if inbox in self._clients:
                self._clients.remove(inbox)

    def send(self, name: str, data: object, problems: list[dict] | None = None) -> None:
        """Tell every page `name`; `problems` (with a reload: the items a build held back for
        their errors) are what each page opened from now on shows over itself."""
        message = _event(name, data)
        with self._lock:
            if name == "error":
                self._error = message
            else:
                self._error = _event("error", {"problems": problems}) if problems else None
            for inbox in self._clients:
                inbox.put(message)


def inject(html: bytes) -> bytes:
    """Add the live-reload script before the last </body> (or at the end)."""
    tag = f'<script src="{SCRIPT}"></script>'.encode()
    found = list(_BODY_END.finditer(html))
    if not found:
        return html + tag
    at = found[-1].start()
    return html[:at] + tag + html[at:]


def make_handler(site_dir: Path, base_path: str, hub: Hub, texts: dict):
    """A request handler serving site_dir under base_path, plus the event stream and script."""
    script = (
        LIVE_RELOAD.replace("__TITLE__", json.dumps(texts["overlay"], ensure_ascii=False))
        .replace("__EVENTS__", EVENTS)
        .encode()
    )
    served = unquote(base_path)  # requests are compared decoded; base_path is a URI's path

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal is for the editor's diagnostics, not access logs

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == EVENTS:
                self._events()
            elif path == SCRIPT:
                self._reply(200, "text/javascript; charset=utf-8", script)
            elif not path.startswith(served):
                self._redirect(base_path) if path == "/" else self._missing()
            else:
                self._file(path, path[len(served) :])

        def _file(self, path: str, rel: str) -> None:
            if not site_dir.is_dir():
                waiting = (
                    f"<!DOCTYPE html><meta charset='utf-8'><title>…</title><body><p>{texts['waiting']}</p>"
                )
                self._reply(503, "text/html; charset=utf-8", inject(waiting.encode()))
                return
            # `rel` is decoded: translate_path decodes again, so it is handed encoded (a
            # file named "100%25.pdf", "a?b" or "a#b" is served, not cut or decoded twice).
            target = Path(self.translate_path("/" + quote(rel)))
            if not target.resolve().is_relative_to(site_dir.resolve()):
                self._missing()  # through a link (the build writes none): nothing outside is served
                return
            if target.is_dir():
                if not path.endswith("/"):
                    self._redirect(quote(path) + "/")
                    return
                target = target / "index.html"
            if not target.is_file():
                self._missing()
            elif target.suffix == ".html":
                self._reply(200, "text/html; charset=utf-8", inject(target.read_bytes()))
            else:
                self.path = "/" + quote(rel)
                super().do_GET()

        def _missing(self) -> None:
            page = site_dir / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title><body>404"
            self._reply(404, "text/html; charset=utf-8", inject(body))

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _reply(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self.close_connection = True
            inbox = hub.subscribe()
            try:
                self.wfile.write(b"retry: 1000\n\n")
                self.wfile.flush()
                quiet = 0.0
                while not hub.stopping.is_set():
                    try:
                        message = inbox.get(timeout=0.5)
                    except queue.Empty:
                        quiet += 0.5
                        if quiet < PING:
                            continue
                        message, quiet = b": ping\n\n", 0.0
                    self.wfile.write(message)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab was closed: the stream simply ends
            finally:
                hub.unsubscribe(inbox)

    return Handler

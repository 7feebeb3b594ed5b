"""`site-builder verify [URL|FILE|FOLDER]`: are a published page's approvals validly signed?
And a built site (the default, ROOT/output): may it be published (commands/gate.py)?

What a journalist does with curl and ssh-keygen (the /keys/ page), in one command and
in Python: the page's embedded approvals (commands/pagecheck.py) checked against the
allowed signers of its site — for an address, the site's own keys/allowed_signers; for
a saved page or a folder, `--keys PATH|URL`, or the keys/allowed_signers of the built
site (output/) the file lies in.  A folder has every page in it checked; a built site's
folder (its home page and robots.txt at the top) runs the whole gate: signatures, links,
HTML and accessibility.

Exit codes: 0 every approval is validly signed; 1 not valid or not signed; 2 nothing
could be verified (wrong usage, a file or address that cannot be read).
"""

from __future__ import annotations

import argparse
import http.client
import sys
import unicodedata
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from site_builder import __version__
from site_builder.commands import console, gate, pagecheck, report
from site_builder.errors import Problem, problem
from site_builder.i18n import describe, word
from site_builder.load import allowed
from site_builder.speed import cache

MAX_PAGE = 8 << 20
MAX_KEYS = 2 << 20
TIMEOUT = 30
ALLOWED_SIGNERS = "keys/allowed_signers"
MAX_UP = 40  # folders looked through upwards for keys/allowed_signers


class Stop(Exception):
    """Nothing can be verified; the problem says why."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.code)
        self.problem = found


def is_address(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) addresses only (urllib would follow one to ftp://)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_address(newurl):
            raise urllib.error.URLError(f"redirect to {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, limit: int) -> tuple[bytes, str]:
    """The body at an address and the address it came from after redirects; raises Stop."""
    opener = urllib.request.build_opener(_HttpOnly)
    request = urllib.request.Request(url, headers={"User-Agent": f"site-builder/{__version__} verify"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(limit + 1)
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise Stop(
            problem(url, 0, "error", "VERIFY_FETCH_FAILED", url=url, detail=f"HTTP {exc.code}")
        ) from None
    except urllib.error.URLError as exc:
        raise Stop(
            problem(url, 0, "error", "VERIFY_FETCH_FAILED", url=url, detail=str(exc.reason)[:200])
        ) from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise Stop(
            problem(
                url, 0, "error", "VERIFY_FETCH_FAILED", url=url, detail=str(exc)[:200] or type(exc).__name__
            )
        ) from None
    if len(data) > limit:
        raise Stop(problem(url, 0, "error", "VERIFY_TOO_LARGE", target=url, limit=f"{limit >> 20} MB"))
    return data, final


def read(path: Path, limit: int) -> bytes:
    """A file's bytes; raises Stop."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise Stop(
            problem(str(path), 0, "error", "VERIFY_UNREADABLE", target=path, detail=exc.strerror or exc)
        ) from None
    if len(data) > limit:
        raise Stop(problem(str(path), 0, "error", "VERIFY_TOO_LARGE", target=path, limit=f"{limit >> 20} MB"))
    return data


def load_keys(where: str) -> list[allowed.Allowed]:
    """The allowed signers at an address or in a file; raises Stop."""
    data = download(where, MAX_KEYS)[0] if is_address(where) else read(Path(where), MAX_KEYS)
    try:
        return allowed.parse(data.decode("utf-8", "replace"))
    except allowed.Unreadable as exc:
        raise Stop(
            problem(
                where,
                exc.number,
                "error",
                "VERIFY_KEYS_UNREADABLE",
                number=exc.number,
                keys=where,
                why=exc.why,
            )
        ) from None


def keys_near(path: Path) -> str | None:
    """keys/allowed_signers of the built site a page file or folder lies in."""
    folder = path if path.is_dir() else path.parent
    for _ in range(MAX_UP):
        found = folder / ALLOWED_SIGNERS
        if found.is_file():
            return str(found)
        if folder.parent == folder:
            return None
        folder = folder.parent
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _place(url: str) -> tuple[str, str]:
    """A page's host and path, the same for …/name/, …/name and …/name/index.html."""
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.removesuffix("index.html").rstrip("/")


def check_address(url: str, keys: str | None) -> pagecheck.Verdict:
    """A page at an address, with the keys of its own site (or `keys`); raises Stop."""
    data, final = download(url, MAX_PAGE)
    html = data.decode("utf-8", "replace")
    try:
        record = pagecheck.record_of(html)
    except pagecheck.Malformed:
        record = None  # `check` says so
    signers: list[allowed.Allowed] | None = None
    if record and record["approvals"]:
        if keys is None:
            keys = urljoin(final, record["keys"])
            if _origin(keys) != _origin(final):
                origin = "://".join(_origin(final))
                raise Stop(problem(url, 0, "error", "VERIFY_KEYS_ELSEWHERE", keys=keys[:200], origin=origin))
        signers = load_keys(keys)
    verdict = pagecheck.check(url, html, signers, keys or "")
    claimed = verdict.claimed
    if claimed and _place(claimed) != _place(final):
        args = {"claimed": claimed[:300], "actual": final[:300]}
        verdict.problems.append(problem(url, 0, "error", "VERIFY_ELSEWHERE", **args))
    return verdict


def check_files(target: Path, keys: str | None) -> list[pagecheck.Verdict]:
    """A saved page, or every page in a folder; raises Stop."""
    pages = [target] if target.is_file() else sorted(p for p in target.rglob("*.html") if p.is_file())
    keys = keys or keys_near(target)
    signers: list[allowed.Allowed] | None = None
    verdicts = []
    for page in pages:
        html = read(page, MAX_PAGE).decode("utf-8", "replace")
        if signers is None and pagecheck.has_record(html):
            if keys is None:
                raise Stop(problem(str(target), 0, "error", "VERIFY_NO_KEYS", target=target))
            signers = load_keys(keys)
        verdicts.append(pagecheck.check(str(page), html, signers, keys or ""))
    return verdicts


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    target: str = args.target or str(root / "output")
    try:
        if is_address(target):
            verdicts = [check_address(target, args.keys)]
        elif "://" in target:
            raise Stop(problem(target, 0, "error", "VERIFY_BAD_ADDRESS", target=target[:200]))
        elif Path(target).is_dir() and gate.is_site(Path(target)):
            return _gate(Path(target), target.rstrip("/") or "/", args, root)
        elif Path(target).exists():
            verdicts = check_files(Path(target), args.keys)
        elif args.target is None:
            raise Stop(problem(target, 0, "error", "GATE_NO_OUTPUT", target=target))
        else:
            raise Stop(problem(target, 0, "error", "VERIFY_NOT_FOUND", target=target))
    except Stop as exc:
        _problem(exc.problem, args.lang, sys.stderr)
        return console.EXIT_USAGE
    if not _one_page(target, verdicts):
        return _folder(verdicts, args.lang)
    verdict = verdicts[0] if verdicts else pagecheck.Verdict(target)
    _page(verdict, args.lang)
    return console.EXIT_OK if verdict.valid else console.EXIT_PROBLEMS


def _one_page(target: str, verdicts: list[pagecheck.Verdict]) -> bool:
    """An address, a page's file, or a page's own folder (its index.html, no page below it)."""
    path = Path(target)
    return is_address(target) or path.is_file() or [Path(v.where) for v in verdicts] == [path / "index.html"]


def printable(text: str) -> str:
    """A line as the terminal may show it: what a page says can hold anything, and a control
    or format character (an escape sequence, a carriage return, a bidi override) could
    redraw the verdict; each is written as an escape instead."""
    if text.isprintable():
        return text
    return "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in text)


def _say(text: str, stream=None) -> None:
    console.say(printable(text), stream)


def _problem(found: Problem, lang: str, stream, indent: str = "") -> None:
    message, hint = describe(found, lang)
    _say(f"{indent}{message}", stream)
    if hint:
        _say(f"{indent}    {word('hint', lang)}: {hint}", stream)


def _page(verdict: pagecheck.Verdict, lang: str) -> None:
    """One page's verdict, approval by approval."""
    out = sys.stdout if verdict.valid else sys.stderr
    _say(verdict.where, out)
    if verdict.claimed and verdict.claimed != verdict.where:
        _say("  " + word("the page says it is {url}", lang).format(url=verdict.claimed), out)
    for found in verdict.problems:
        _problem(found, lang, out, "  ")
    for one in verdict.approvals:
        said = word("step {step}: {by}, {at}", lang).format(step=one.step, by=one.by, at=one.at)
        if one.problem is None:
            valid = word("signature valid (key {fingerprint})", lang).format(fingerprint=one.fingerprint)
            _say(f"  ✓ {said} — {valid}", out)
        else:
            _say(f"  ✗ {said}", out)
            _problem(one.problem, lang, out, "    ")
    if verdict.withdrawn:
        _say("  " + word("the publication has been withdrawn; these are its original approvals", lang), out)
    if verdict.valid:
        _say(
            word("valid: every approval of this page is signed with a key of the site ({keys})", lang).format(
                keys=verdict.keys
            ),
            out,
        )
    else:
        _say(word("NOT VALID: this page is not a signed publication of the site", lang), out)


def _folder(verdicts: list[pagecheck.Verdict], lang: str, listed: bool = True) -> int:
    """Every page of a folder: the signed ones, each in a line (`listed`), the invalid ones
    in full.  Exit 1 when one is not valid, or none is signed."""
    signed = [v for v in verdicts if v.signed or any(p.code != "VERIFY_UNSIGNED" for p in v.problems)]
    bad = [v for v in signed if not v.valid]
    for verdict in signed:
        if not verdict.valid:
            _page(verdict, lang)
        elif listed:
            _say(f"✓ {verdict.where}")
    counts = {"valid": len(signed) - len(bad), "bad": len(bad), "unsigned": len(verdicts) - len(signed)}
    text = word("{valid} page(s) validly signed, {bad} not valid, {unsigned} without signatures", lang)
    _say(text.format(**counts), sys.stderr if bad or not signed else sys.stdout)
    return console.EXIT_PROBLEMS if bad or not signed else console.EXIT_OK


def _gate(output: Path, shown: str, args: argparse.Namespace, root: Path) -> int:
    """A built site's whole gate (commands/gate.py): the signed approvals of its pages, where
    any page is signed (a site may publish its items unsigned), then links, HTML and
    accessibility.  Exit 1 when a check finds a problem, or one is skipped and
    `--require-all` is given."""
    lang = args.lang
    store = cache.Cache(root / cache.FOLDER if (root / "config.yaml").is_file() else None)
    site = gate.Site(output, shown, (root, Path.cwd()), store, lang)
    failed: list[str] = []
    skipped: list[str] = []
    verdicts = check_files(output, args.keys)
    name = word(gate.NAMES["signatures"], lang)
    if any(v.signed or any(p.code != "VERIFY_UNSIGNED" for p in v.problems) for v in verdicts):
        if _folder(verdicts, lang, listed=False) != console.EXIT_OK:
            failed.append(name)
    else:
        _say(word("{check}: no page carries signed approvals", lang).format(check=name))
    for check, runner in gate.RUNNERS.items():
        outcome = runner(site)
        name = word(gate.NAMES[check], lang)
        if outcome.skipped:
            skipped.append(name)
            _say(word("– {check}: SKIPPED — {why}", lang).format(check=name, why=outcome.skipped), sys.stderr)
        elif outcome.problems:
            failed.append(name)
            shown_problems = outcome.problems[: gate.MOST_PROBLEMS]
            _say(report.as_text(shown_problems, lang), sys.stderr)
            text = word("✗ {check}: {count} problem(s) ({seen})", lang)
            _say(text.format(check=name, count=len(outcome.problems), seen=outcome.seen), sys.stderr)
        else:
            _say(word("✓ {check}: passed ({seen})", lang).format(check=name, seen=outcome.seen))
    if skipped and args.require_all:
        failed += skipped
        text = word("skipped checks fail the run (--require-all): {checks}", lang)
        _say(text.format(checks=", ".join(skipped)), sys.stderr)
    if failed:
        _say(word("NOT PASSED: {checks}", lang).format(checks=", ".join(failed)), sys.stderr)
        return console.EXIT_PROBLEMS
    _say(word("passed: the built site may be published", lang))
    return console.EXIT_OK

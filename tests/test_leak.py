"""Property: nothing of an unpublished item appears in any output byte or file name.

Random small sites (statuses, confidentiality, approvers, hashes, dates and `now` a second
apart in different UTC offsets) are built in-process; which items may be seen is worked
out here independently of rules.py, then every output file (decompressed if gzipped) and
every file name is searched for each hidden item's title, slug and a marker planted in its
body — also in lower case, as the search index holds words.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sitekit import config_dict, make_site

from site_builder import yamlsafe
from site_builder.approval import content_hash
from site_builder.build import build

BASE_NOW = datetime(2026, 11, 22, 4, 0, 0, tzinfo=UTC)  # 10:00 in Bishkek (+06:00)
ZONES = [timezone(timedelta(hours=h)) for h in (6, 0, -5, 3, 14)] + [None]  # None: no offset (site zone)
SHIFTS = [-86_400, -3_600, -1, 0, 1, 3_600, 86_400]
APPROVERS = {"aliev": "ok", "sydykova": "ok", "petrov": "role", "old": "inactive"}


@dataclass(frozen=True)
class Spec:
    kind: str  # press-release | announcement
    status: str
    restricted: bool
    date_shift: int  # seconds from now
    date_zone: timezone | None
    approver: str
    author: str
    at_shift: int  # seconds from the date
    hash_mode: str  # none | good | bad
    withdrawn_shift: int  # seconds from now, for status withdrawn


specs = st.builds(
    Spec,
    kind=st.sampled_from(["press-release", "press-release", "announcement"]),
    status=st.sampled_from(["draft", "review", "approved", "approved", "approved", "withdrawn"]),
    restricted=st.sampled_from([False, False, False, True]),
    date_shift=st.sampled_from(SHIFTS),
    date_zone=st.sampled_from(ZONES),
    approver=st.sampled_from(["aliev"] * 10 + ["sydykova"] * 4 + ["petrov", "old"]),
    author=st.sampled_from(["petrov"] * 15 + ["aliev"]),
    at_shift=st.sampled_from([-3_600] * 6 + [-1, -1, 0, 0, 1]),
    hash_mode=st.sampled_from(["none"] + ["good"] * 6 + ["bad", "bad"]),
    withdrawn_shift=st.sampled_from([-60, -1, 0, 1, 60]),
)


def stamp(moment: datetime, zone: timezone | None) -> str:
    if zone is None:  # written without offset: the site's time zone, Asia/Bishkek (+06:00, no DST)
        return moment.astimezone(timezone(timedelta(hours=6))).replace(tzinfo=None).isoformat()
    return moment.astimezone(zone).isoformat()


def write_item(spec: Spec, token: str, now: datetime, with_hash: bool) -> str:
    """The file text of one item: its title, slug (file name) and body all carry `token`."""
    date = now + timedelta(seconds=spec.date_shift)
    lines = [
        f"title: Новость {token} о городе",
        f"date: {stamp(date, spec.date_zone)}",
        "division: transport",
        f"author: {spec.author}",
        f"summary: Кратко {token}",
        f"tags: [метка-{token}, общее]",
    ]
    if spec.restricted:
        lines.append("confidentiality: restricted")
    if spec.kind == "announcement":
        starts = now + timedelta(days=2)
        lines += ["event:", "  kind: briefing", f"  starts: {starts.isoformat()}", f"  location: Зал {token}"]
    if spec.status == "withdrawn":
        at = now + timedelta(seconds=spec.withdrawn_shift)
        lines += ["withdrawn:", f"  at: {at.isoformat()}", "  reason: Отозвано по ошибке"]
    body = f"Текст новости.\n\nМаркер тела: BODY{token}MARK.\n"
    head = "\n".join(lines)
    approval = [f"status: {spec.status}"]
    if spec.status in ("approved", "withdrawn"):
        at = date + timedelta(seconds=spec.at_shift)
        approval += ["approval:", f"  by: {spec.approver}", f"  at: {at.isoformat()}"]
        if spec.hash_mode != "none" and with_hash:
            data, _lines, problems = yamlsafe.load(head, "x")
            assert not problems
            digest = content_hash(data, body)
            if spec.hash_mode == "bad":
                digest = "sha256:" + ("0" if digest[-1] != "0" else "1") * 64
            approval.append(f'  hash: "{digest}"')
    return "---\n" + head + "\n" + "\n".join(approval) + "\n---\n" + body


def expected(spec: Spec, now: datetime, hash_required: bool) -> tuple[str, bool]:
    """(visibility, is_error): visibility is 'full', 'notice' (withdrawn: title only) or 'hidden'."""
    if spec.status in ("draft", "review") or spec.restricted:
        return "hidden", False
    date = now + timedelta(seconds=spec.date_shift)
    at = date + timedelta(seconds=spec.at_shift)
    withdrawn_at = now + timedelta(seconds=spec.withdrawn_shift)
    if spec.status == "withdrawn" and withdrawn_at < date:
        return "hidden", False  # withdrawn before its date: it never went out
    errors = []
    if APPROVERS[spec.approver] != "ok":
        errors.append("approver")
    if spec.approver == spec.author:
        errors.append("four-eyes")
    if hash_required and spec.hash_mode == "none":
        errors.append("hash missing")
    if at > date and not (spec.status == "withdrawn" and date < withdrawn_at <= at):
        errors.append("approved after date")
    if errors:
        return "hidden", True
    if at > now:
        return "hidden", False  # approval itself in the future
    if spec.hash_mode == "bad":
        return "hidden", date <= now  # changed after approval: an error once it is live
    if date > now:
        return "hidden", False  # embargo
    if spec.status == "withdrawn" and withdrawn_at <= now:
        return "notice", False
    return "full", False


def output_texts(output: Path) -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        found.append((rel, rel.encode()))
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                with contextlib.suppress(OSError, EOFError, zlib.error):
                    data = gzip.decompress(data)
            found.append((rel, data))
    return found


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
@given(
    items=st.lists(specs, min_size=3, max_size=8),
    hash_required=st.booleans(),
    now_shift=st.sampled_from([0, 1, -1, 3_600 * 13, -3_600 * 7]),
    now_zone=st.sampled_from([z for z in ZONES if z is not None]),
)
def test_nothing_unpublished_leaks(items: list[Spec], hash_required: bool, now_shift: int, now_zone):
    now = (BASE_NOW + timedelta(seconds=now_shift)).astimezone(now_zone)
    config = config_dict()
    for rule in config["rules"]["types"].values():
        rule["approval_hash"] = "required" if hash_required else "optional"
    files: dict[str, str | bytes] = {}
    tokens: dict[str, tuple[str, bool]] = {}
    for index, spec in enumerate(items):
        token = f"zq{index:02d}x"
        section = "press-releases" if spec.kind == "press-release" else "announcements"
        files[f"content/{section}/{token}.md"] = write_item(spec, token, now, with_hash=True)
        tokens[token] = expected(spec, now, hash_required)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_site(Path(tmp), files, config)
        output = root / "output"
        result = build(root, now, output)
        should_fail = any(error for _visibility, error in tokens.values())
        assert result.ok == (not should_fail), [(p.path, p.code) for p in result.problems if p.is_error]
        event("build ok" if result.ok else "build refused")
        if not result.ok:
            assert not output.exists()
            return
        for visibility, _error in tokens.values():
            event(f"has {visibility}")
        texts = output_texts(output)
        everything = b"\n".join(data for _rel, data in texts)
        index = b"\n".join(data for rel, data in texts if rel.startswith("search/"))
        for token, (visibility, _error) in tokens.items():
            marker = f"BODY{token}MARK".encode()
            if visibility == "full":
                assert marker in everything, f"{token} should be published"
                assert marker.lower() in index, f"{token} should be found by search"
                continue
            forbidden = (
                [marker, marker.lower()]
                if visibility == "notice"
                else [token.encode(), f"Новость {token}".encode()]
            )
            if visibility == "notice":
                assert f"Новость {token}".encode() in everything, f"{token}: withdrawal notice missing"
            for needle in forbidden:
                leaks = sorted({rel for rel, data in texts if needle in data})
                assert not leaks, f"{needle.decode()} ({visibility}) leaks into {leaks[:5]}"


def test_boundary_second_in_another_offset(tmp_path: Path):
    """An item at 10:00+06:00 is not out at 09:59:59+06:00 (03:59:59Z) and is out at 10:00:00+06:00."""
    spec = Spec(
        "press-release",
        "approved",
        False,
        0,
        timezone(timedelta(hours=6)),
        "aliev",
        "petrov",
        -3600,
        "good",
        0,
    )
    at = datetime(2026, 11, 22, 10, 0, 0, tzinfo=timezone(timedelta(hours=6)))
    text = write_item(spec, "zq99x", at, with_hash=True)
    assert "date: 2026-11-22T10:00:00+06:00" in text
    root = make_site(tmp_path, {"content/press-releases/zq99x.md": text})
    before = datetime(2026, 11, 22, 3, 59, 59, tzinfo=UTC)
    assert build(root, before, root / "output").ok
    assert not (root / "output/press-releases/zq99x").exists()
    assert b"zq99x" not in b"".join(d for _r, d in output_texts(root / "output"))
    assert build(root, before + timedelta(seconds=1), root / "output").ok
    assert (root / "output/press-releases/zq99x/index.html").is_file()

"""Signed, multi-step approvals (issue 24, part "sig"), with real keys made by ssh-keygen.

The approver's SSH signature covers the item's path, key, language, the step, the person,
the time and the content hash; `check` verifies it in Python against the keys config.yaml
gives that person on the approval's day.  Two steps, [division_head, pr_department], each
by a different person, in order.
"""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site

from site_builder.build import check
from site_builder.commands.approve import rewrite
from site_builder.judge.signatures import Signed, signed
from site_builder.load import content, discover, markdown, sshsig
from site_builder.load.config import load_config
from site_builder.load.model import Approval

REL = "content/press-releases/remont.md"
MOMENT = datetime.fromisoformat(NOW)
STEP1, STEP2 = "2026-11-20T08:00:00+06:00", "2026-11-20T09:00:00+06:00"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    """Private key files by name (each with its .pub): ed25519, and one RSA."""
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for name in ("head", "pr", "pr_old", "other", "stranger", "rsa"):
        kind = ["-t", "rsa", "-b", "2048"] if name == "rsa" else ["-t", "ed25519"]
        path = folder / name
        subprocess.run(["ssh-keygen", "-q", *kind, "-N", "", "-C", name, "-f", str(path)], check=True)
        made[name] = path
    return made


def pub(keys: dict[str, Path], name: str) -> str:
    return Path(f"{keys[name]}.pub").read_text(encoding="ascii").strip()


def two_step(keys: dict[str, Path], **rule: object) -> dict:
    """The scratch config with a head of transport (boss) and keys: aliev's old key ended on
    2026-06-30 and a new one from 2026-07-01 (rotated); sydykova has an ed25519 and an RSA key."""
    config = config_dict()
    people = {person["id"]: person for person in config["people"]}
    people["aliev"]["keys"] = [
        {"key": pub(keys, "pr_old"), "to": "2026-06-30"},
        {"key": pub(keys, "pr"), "from": "2026-07-01"},
    ]
    people["sydykova"]["keys"] = [{"key": pub(keys, "other")}, {"key": pub(keys, "rsa")}]
    config["people"].append(
        {
            "id": "boss",
            "name": "Начальник управления транспорта",
            "roles": [],
            "division": "transport",
            "heads": ["transport"],
            "keys": [{"key": pub(keys, "head")}],
        }
    )
    config["rules"]["types"]["press-release"] = {
        "steps": ["division_head", "pr_department"],
        "signatures": "required",
        **rule,
    }
    return config


def ssh_sign(key: Path, message: bytes) -> str:
    done = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", sshsig.NAMESPACE, "-f", str(key)],
        input=message,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("ascii")


def parsed(root: Path, rel: str = REL):
    source, _ = discover.read_source(root / "content", rel.removeprefix("content/"))
    assert source is not None
    found, problems = content.parse(source, load_config(root), markdown.make_parser())
    assert found is not None, problems
    return found


def record(root: Path, keys, entries: list[tuple], rel: str = REL, **forged: str) -> None:
    """Write the approval steps [(step, by, at, key name or None)] into the file, each signed
    by that key over its own message (the last one with `forged` fields changed in it)."""
    found = parsed(root, rel)
    approvals = []
    for number, (step, by, at, key) in enumerate(entries, 1):
        approval = Approval(by=by, at=datetime.fromisoformat(at), hash=found.digest, step=step)
        if key is not None:
            what: Signed = signed(found, approval, step)
            what = what._replace(**forged) if number == len(entries) else what
            approval = approval.model_copy(update={"signature": ssh_sign(keys[key], what.message())})
        approvals.append(approval)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(rewrite(text, "approved", tuple(approvals), len(entries) > 1), encoding="utf-8")


def errors(root: Path) -> list[tuple[str, str, int]]:
    """(code, file, line) of every error `check` reports."""
    return [(p.code, p.path, p.line) for p in check(root, MOMENT).problems if p.is_error]


def site(tmp_path: Path, keys, text: str | None = None, **rule: object) -> Path:
    text = text or item("Ремонт дорог", status="review", approval=None)
    return make_site(tmp_path, {REL: text}, two_step(keys, **rule))


BOTH = [("division_head", "boss", STEP1, "head"), ("pr_department", "aliev", STEP2, "pr")]


def test_two_signed_steps_publish(tmp_path, keys):
    root = site(tmp_path, keys)
    record(root, keys, BOTH)
    text = (root / REL).read_text(encoding="utf-8")
    assert "  - step: division_head\n    by: boss\n" in text and "    signature: |\n      -----BEGIN" in text
    result = check(root, MOMENT)
    assert result.ok, result.problems
    assert result.judgement.verdicts["press-releases/remont.md"].state == "published"


@pytest.mark.parametrize(
    ("entries", "forged", "code"),
    [
        # signed with the old key after its window ended (the rotated key is the new one)
        ([BOTH[0], ("pr_department", "aliev", STEP2, "pr_old")], {}, "SIGNATURE_KEY_WINDOW"),
        # by sydykova's key, recorded as aliev's approval
        ([BOTH[0], ("pr_department", "aliev", STEP2, "other")], {}, "SIGNATURE_OTHER_PERSON"),
        # a key nobody has in config.yaml
        ([BOTH[0], ("pr_department", "aliev", STEP2, "stranger")], {}, "SIGNATURE_UNKNOWN_KEY"),
        # made for another path (as if copied from there)
        (BOTH, {"path": "content/press-releases/other.md"}, "SIGNATURE_MISMATCH"),
        # made for another time than the one recorded
        (BOTH, {"at": "2026-11-19T09:00:00+06:00"}, "SIGNATURE_MISMATCH"),
        # over another text's hash
        (BOTH, {"hash": "sha256:" + "0" * 64}, "SIGNATURE_MISMATCH"),
        # the right person, for the wrong step
        (BOTH, {"step": "division_head"}, "SIGNATURE_WRONG_STEP"),
    ],
    ids=[
        "expired-key",
        "other-persons-key",
        "unknown-key",
        "other-path",
        "other-time",
        "other-hash",
        "wrong-step",
    ],
)
def test_a_signature_that_does_not_hold_is_an_error_naming_file_and_line(
    tmp_path, keys, entries, forged, code
):
    root = site(tmp_path, keys)
    record(root, keys, entries, **forged)
    found = errors(root)
    lines = (root / REL).read_text(encoding="utf-8").split("\n")
    signature_lines = [number for number, line in enumerate(lines, 1) if line.strip() == "signature: |"]
    assert found == [(code, REL, signature_lines[-1])], found


def test_rotated_key_signs_within_its_window(tmp_path, keys):
    """aliev's old key (ended 2026-06-30) still verifies what it signed in May; his new key
    signs from July.  An approval dated after the old key's end must use the new one."""
    text = item("Ремонт дорог", date="2026-05-20T10:00:00+06:00", status="review", approval=None)
    root = site(tmp_path, keys, text)
    may = [("division_head", "boss", "2026-05-20T08:00:00+06:00", "head")]
    record(root, keys, [*may, ("pr_department", "aliev", "2026-05-20T09:00:00+06:00", "pr_old")])
    assert errors(root) == []
    record(root, keys, [*may, ("pr_department", "aliev", "2026-05-20T09:00:00+06:00", "pr")])
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_KEY_WINDOW"]  # the new key, before July


def test_rsa_signature_verifies(tmp_path, keys):
    root = site(tmp_path, keys)
    record(root, keys, [BOTH[0], ("pr_department", "sydykova", STEP2, "rsa")])
    assert errors(root) == []


def test_forged_and_garbled_signatures(tmp_path, keys):
    root = site(tmp_path, keys)
    record(root, keys, BOTH)
    path = root / REL
    text = path.read_text(encoding="utf-8")
    armor = text.split("-----BEGIN SSH SIGNATURE-----\n")[2].split("      -----END")[0]
    blob = bytearray(
        sshsig.read_signature("-----BEGIN SSH SIGNATURE-----\n" + armor + "-----END SSH SIGNATURE-----").blob
    )
    blob[-5] ^= 1  # one bit of the signature proper: the key and the layout stay
    forged = (
        "\n".join("      " + line for line in sshsig.armored(bytes(blob)).strip().split("\n")[1:-1]) + "\n"
    )
    path.write_text(text.replace(armor, forged), encoding="utf-8")
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_MISMATCH"]
    path.write_text(
        text.replace(armor, "      bm90IGEgc2lnbmF0dXJl\n"), encoding="utf-8"
    )  # "not a signature"
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_MALFORMED"]
    path.write_text(text.replace(armor, "      ЖЖЖ\n"), encoding="utf-8")
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_MALFORMED"]


def test_a_signature_copied_from_another_item_names_it(tmp_path, keys):
    root = site(tmp_path, keys)
    record(root, keys, BOTH)
    copy = root / "content/press-releases/kopiya.md"
    copy.write_text((root / REL).read_text(encoding="utf-8"), encoding="utf-8")
    problems = [p for p in check(root, MOMENT).problems if p.is_error]
    assert {p.path for p in problems} == {"content/press-releases/kopiya.md"}
    assert [p.code for p in problems] == ["SIGNATURE_COPIED", "SIGNATURE_COPIED"]
    assert dict(problems[0].args)["other"] == REL


@pytest.mark.parametrize(
    ("entries", "codes"),
    [
        ([BOTH[1]], ["STEP_MISSING"]),
        ([BOTH[1], BOTH[0]], ["STEP_ORDER"]),
        ([BOTH[0], (*BOTH[1][:2], "2026-11-20T07:00:00+06:00", "pr")], ["STEP_TIME_ORDER"]),
        (
            [BOTH[0], ("division_head", "aliev", STEP2, "pr")],
            ["NOT_DIVISION_HEAD", "STEP_TWICE", "STEP_MISSING"],
        ),
        ([BOTH[0], ("pr_department", "boss", STEP2, "head")], ["STEP_ROLE", "STEP_SAME_PERSON"]),
        ([("division_head", "sydykova", STEP1, "other"), BOTH[1]], ["NOT_DIVISION_HEAD"]),
        ([("review", "boss", STEP1, "head"), BOTH[1]], ["STEP_UNKNOWN", "STEP_MISSING"]),
    ],
    ids=[
        "missing-step",
        "out-of-order",
        "time-order",
        "step-twice",
        "same-person",
        "not-the-head",
        "unknown-step",
    ],
)
def test_steps_in_order_each_by_a_different_person(tmp_path, keys, entries, codes):
    root = site(tmp_path, keys)
    record(root, keys, entries)
    assert sorted(code for code, *_ in errors(root)) == sorted(codes)


def test_division_head_of_another_division_and_four_eyes(tmp_path, keys):
    root = site(tmp_path, keys, item("Ремонт школ", status="review", approval=None, division="education"))
    record(root, keys, BOTH)
    assert [code for code, *_ in errors(root)] == ["NOT_DIVISION_HEAD"]
    root = site(tmp_path / "b", keys, item("Ремонт дорог", status="review", approval=None, author="boss"))
    record(root, keys, BOTH)
    assert [code for code, *_ in errors(root)] == ["APPROVER_IS_AUTHOR"]


def test_signatures_required_optional_off(tmp_path, keys):
    root = site(tmp_path, keys)
    record(root, keys, [(*BOTH[0][:3], None), (*BOTH[1][:3], None)])
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_MISSING", "SIGNATURE_MISSING"]
    config = two_step(keys, signatures="optional")
    make_site(tmp_path, {}, config)
    assert errors(root) == []
    record(root, keys, [BOTH[0], ("pr_department", "aliev", STEP2, "other")])
    assert [code for code, *_ in errors(root)] == ["SIGNATURE_OTHER_PERSON"]  # present: verified
    make_site(tmp_path, {}, two_step(keys, signatures="off"))
    assert errors(root) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda c: c["people"][0]["keys"].__setitem__(0, {"key": "ssh-ed25519 AAAAnotakey"}),
            "KEY_MALFORMED",
        ),
        (
            lambda c: c["people"][0]["keys"].__setitem__(0, {"key": "ssh-dss AAAAB3NzaC1kc3M="}),
            "KEY_TYPE_UNKNOWN",
        ),
        (lambda c: c["people"][0]["keys"].__setitem__(0, {"key": "нет такого ключа"}), "KEY_MALFORMED"),
        (lambda c: c["people"][1]["keys"].append(dict(c["people"][0]["keys"][1])), "KEY_SHARED"),
        (lambda c: c["people"][0]["keys"][1].update({"to": "2026-01-01"}), "KEY_WINDOW_REVERSED"),
        (lambda c: c["rules"]["types"]["press-release"]["steps"].append("legal"), "STEP_ROLE_UNHELD"),
        (
            lambda c: c["rules"]["types"]["press-release"].update({"approver_roles": ["head"]}),
            "STEPS_AND_ROLES",
        ),
        (lambda c: c["people"][-1].update({"heads": ["nowhere"]}), "UNKNOWN_DIVISION"),
    ],
    ids=[
        "malformed",
        "unknown-type",
        "not-a-key",
        "two-people",
        "window",
        "role-nobody-holds",
        "steps-and-roles",
        "heads",
    ],
)
def test_config_errors_name_the_line(tmp_path, keys, change, code):
    config = two_step(keys)
    change(config)
    root = make_site(tmp_path, {}, config)
    result = check(root, MOMENT)
    [found] = [p for p in result.problems if p.is_error]
    assert (found.code, found.path) == (code, "config.yaml")
    lines = (root / "config.yaml").read_text(encoding="utf-8").split("\n")
    assert 1 < found.line <= len(lines)


def test_verification_is_cached_and_unsigned_sites_never_reach_it(tmp_path, keys, monkeypatch):
    from site_builder.speed import cache as cache_module
    from site_builder.speed.session import Session

    root = site(tmp_path, keys)
    record(root, keys, BOTH)
    calls: list[int] = []
    real = sshsig.verify
    monkeypatch.setattr(sshsig, "verify", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert check(root, MOMENT, Session.of(root)).ok
    assert len(calls) == 2
    assert check(root, MOMENT, Session.of(root)).ok
    assert len(calls) == 2  # a new process's session: read from the cache, nothing verified again
    bucket = root / ".site-cache" / cache_module.code_fingerprint() / "signatures"
    assert bucket.is_dir()
    plain = make_site(tmp_path / "plain", {REL: item("Без подписи")}, config_dict())
    assert check(plain, MOMENT, Session.of(plain)).ok
    assert not (plain / ".site-cache" / cache_module.code_fingerprint() / "signatures").exists()


def test_every_reason_is_translated():
    from site_builder.i18n import translations

    russian = translations("ru", "site_builder").gettext
    assert all(russian(reason) != reason for reason in sshsig.REASONS)


def test_sshsig_reads_and_verifies_every_key_type(tmp_path, keys):
    """ed25519, RSA (rsa-sha2-512 and rsa-sha2-256) and ECDSA nistp256, as ssh-keygen signs them."""
    ecdsa = tmp_path / "ecdsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", str(ecdsa)], check=True)
    message = "site-builder approval 1\nby: тест\n".encode()
    for key in (keys["pr"], keys["rsa"], ecdsa):
        public = sshsig.read_key(Path(f"{key}.pub").read_text(encoding="ascii"))
        signature = sshsig.read_signature(ssh_sign(key, message))
        assert signature.key.blob == public.blob
        assert sshsig.verify(signature, message)
        assert not sshsig.verify(signature, message + b" ")
        assert not sshsig.verify(signature, message, namespace="git")
    sha256 = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", sshsig.NAMESPACE, "-O", "hashalg=sha256", "-f", str(keys["rsa"])],
        input=message,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert sshsig.verify(sshsig.read_signature(sha256), message)
    with pytest.raises(sshsig.UnknownKeyType):
        sshsig.read_key("sk-ssh-ed25519@openssh.com AAAA")
    for bad in ("", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-ed25519 " + pub(keys, "rsa").split()[1]):
        with pytest.raises(sshsig.Invalid):
            sshsig.read_key(bad)


def test_example_site_is_signed_and_its_private_keys_never_reach_output(tmp_path):
    """The example's approvals verify against its EXAMPLE keys, whose private halves lie
    outside every folder a build reads and appear in no byte of output/."""
    from site_builder.build import build
    from site_builder.speed.session import Session

    repo = Path(__file__).resolve().parent.parent
    folder = repo / "examples" / "keys"
    private = sorted(path for path in folder.glob("*") if "PRIVATE KEY" in path.read_text(encoding="utf-8"))
    assert len(private) >= 10 and all(path.name.startswith("EXAMPLE-") for path in private)
    for name in ("content", "static", "templates"):
        assert not folder.resolve().is_relative_to((repo / name).resolve())
    result = build(repo, MOMENT, tmp_path / "out", session=Session.of(repo, cache=False))
    assert result.ok, [p for p in result.problems if p.is_error]
    signed_items = [i for i in result.items if any(a.signature for a in i.meta.approvals)]
    assert len(signed_items) > 30
    body = [line.encode() for path in private for line in path.read_text(encoding="utf-8").splitlines()[1:-1]]
    written = [path for path in (tmp_path / "out").rglob("*") if path.is_file()]
    assert len(written) > 100
    for path in written:
        data = path.read_bytes()
        assert b"PRIVATE KEY" not in data and not any(line in data for line in body), path
        assert "EXAMPLE-" not in path.name


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ("approval:\n  - by: aliev\n    at: 2026-11-20T09:00\n    signature: 123\n", "WRONG_TYPE"),
        ("approval:\n  - by: aliev\n    at: 2026-11-20T09:00\n    signed: yes\n", "KEY_UNKNOWN"),
        ("approval:\n  - 1\n  - 2\n", "WRONG_TYPE"),
        ("approval:\n  - by: aliev\n", "KEY_MISSING"),
        ("approvals:\n  - by: aliev\n    at: 2026-11-20T09:00\n", "KEY_UNKNOWN"),
        ("approval:\n  by: aliev\n  at: 2026-11-20T09:00\n  step: Шаг\n", "BAD_ID"),
        ("approval:\n  by: aliev\n  at: 2026-11-20T09:00\n  reason: ''\n", "EMPTY_VALUE"),
        ("approval:\n  by: aliev\n  at: 2026-11-20T09:00\n  signature: " + "A" * 17000 + "\n", "TOO_LONG"),
    ],
    ids=[
        "signature-number",
        "unknown-key",
        "list-of-numbers",
        "no-at",
        "approvals",
        "step-not-id",
        "empty-reason",
        "huge",
    ],
)
def test_a_bad_approval_block_is_a_problem_with_a_line(tmp_path, block, code):
    text = item("Ремонт дорог", approval=None).replace("---\nТекст", block + "---\nТекст")
    root = make_site(tmp_path, {REL: text}, config_dict())
    found = [p for p in check(root, MOMENT).problems if p.is_error]
    assert found and found[0].code == code and found[0].path == REL and found[0].line > 1, found


def test_the_schemas_take_one_step_or_a_list_of_steps_and_the_keys():
    import jsonschema

    from site_builder.commands.schema import schemas

    found = schemas()
    release, config = found["press-release.schema.json"], found["config.schema.json"]
    step = {"by": "aliev", "at": "2026-11-20T09:00", "step": "pr_department", "signature": "-----BEGIN…"}
    for approval in (step, [step, step]):
        jsonschema.validate({"title": "x", "approval": approval}, release)
    for bad in ({"title": "x", "approval": [{**step, "signed": True}]}, {"title": "x", "approvals": [step]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, release)
    settings = {"site": {"title": "x", "base_url": "https://x.example/"}}
    person = {
        "id": "a",
        "name": "A",
        "heads": ["d"],
        "keys": [{"key": "ssh-ed25519 AAAA", "from": "2026-01-01"}],
    }
    rules = {
        "types": {"press-release": {"steps": ["division_head", "pr_department"], "signatures": "required"}}
    }
    jsonschema.validate({**settings, "people": [person], "rules": rules}, config)
    with pytest.raises(jsonschema.ValidationError):
        bad_rules = {"types": {"press-release": {"signatures": "sometimes"}}}
        jsonschema.validate({**settings, "rules": bad_rules}, config)

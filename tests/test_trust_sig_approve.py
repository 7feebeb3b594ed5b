"""`site-builder approve` for signed, multi-step approvals: it knows and says the next step,
signs with `--key` or with the approver's key in ssh-agent, refuses a step twice or out of
order, a key that is not the approver's, and a back-dated approval without a reason; what it
signs verifies with stock `ssh-keygen -Y verify` as with the Python verifier."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site
from test_trust_signatures import MOMENT, REL, errors, pub, two_step
from test_trust_signatures import keys as keys

from site_builder.build import build, check
from site_builder.cli import main
from site_builder.judge.approvals import steps
from site_builder.judge.signatures import signed
from site_builder.load import content, discover, markdown, sshsig
from site_builder.load.config import load_config


def approve(capsys, root: Path, *args: str) -> tuple[int, str]:
    code = main(
        ["approve", str(root / REL), "--yes", "--root", str(root), "--now", NOW, "--lang", "en", *args]
    )
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def codes(output: str) -> list[str]:
    return re.findall(r"^\S+: (?:error|warning|info) ([A-Z_]+) ", output, re.MULTILINE)


FUTURE = "2026-11-25T10:00:00+06:00"  # the item's date: embargoed at NOW
LATER = datetime.fromisoformat("2026-11-26T12:00:00+06:00")


def review(title: str = "Ремонт дорог") -> str:
    return item(title, date=FUTURE, status="review", approval=None)


def site(tmp_path: Path, keys, **rule) -> Path:
    return make_site(tmp_path, {REL: review()}, two_step(keys, **rule))


def messages(root: Path) -> list[tuple[str, bytes, str]]:
    """Each approval's (person, signed message, armored signature), read back from the file."""
    config = load_config(root)
    source, _ = discover.read_source(root / "content", REL.removeprefix("content/"))
    found, _ = content.parse(source, config, markdown.make_parser())
    names = steps(config, found.kind)
    return [
        (a.by, signed(found, a, a.step or names[-1]).message(), a.signature or "")
        for a in found.meta.approvals
    ]


def ssh_keygen_verifies(tmp_path: Path, signer_key: str, person: str, message: bytes, armored: str) -> bool:
    allowed, signature = tmp_path / "allowed_signers", tmp_path / "approval.sig"
    allowed.write_text(f"{person} {signer_key}\n", encoding="ascii")
    signature.write_text(armored, encoding="ascii")
    command = ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", person, "-n", sshsig.NAMESPACE]
    done = subprocess.run([*command, "-s", str(signature)], input=message, capture_output=True, check=False)
    return done.returncode == 0


def test_two_steps_signed_with_key_files(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    code, out = approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))
    assert code == 0, out
    assert "division_head (1 of 2)" in out and "the next step is pr_department" in out
    text = (root / REL).read_text(encoding="utf-8")
    assert "status: review" in text and "  - step: division_head\n    by: boss\n" in text
    assert text.startswith("---\ntitle: Ремонт дорог\n") and text.endswith("---\nТекст материала.\n")
    found = [p.code for p in check(root, MOMENT).problems if p.code != "HISTORY_UNKNOWN"]
    assert found == ["IN_REVIEW"]  # not out before step 2
    code, out = approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))
    assert code == 0, out
    assert "pr_department (2 of 2)" in out and out.rstrip().endswith("approved")
    assert "status: approved" in (root / REL).read_text(encoding="utf-8")
    assert errors(root) == []
    # What approve signed verifies with stock ssh-keygen and in Python; tampered, with neither.
    for (person, message, armored), key in zip(messages(root), ("head", "pr"), strict=True):
        signature = sshsig.read_signature(armored)
        assert ssh_keygen_verifies(tmp_path, pub(keys, key), person, message, armored)
        assert sshsig.verify(signature, message)
        tampered = message.replace(b"hash: sha256:", b"hash: sha256:0")
        assert not ssh_keygen_verifies(tmp_path, pub(keys, key), person, tampered, armored)
        assert not sshsig.verify(signature, tampered)


def test_steps_in_order_once_each_by_a_different_person(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    path = root / REL
    before = path.read_bytes()
    code, out = approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]), "--step", "pr_department")
    assert (code, codes(out)) == (1, ["APPROVE_STEP_ORDER"]) and "the next step is division_head" in out
    code, out = approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))
    assert (code, codes(out)) == (1, ["NOT_DIVISION_HEAD"])
    assert path.read_bytes() == before
    assert approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))[0] == 0
    after_one = path.read_bytes()
    code, out = approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))
    assert code == 1 and sorted(codes(out)) == ["STEP_ROLE", "STEP_SAME_PERSON"]
    code, out = approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]), "--step", "division_head")
    assert (code, codes(out)) == (1, ["APPROVE_STEP_ORDER"])
    assert path.read_bytes() == after_one
    assert approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))[0] == 0
    code, out = approve(capsys, root, "--by", "sydykova", "--key", str(keys["other"]))
    assert (code, codes(out)) == (1, ["APPROVE_ALL_STEPS_DONE"])
    # An edit starts the steps again.
    path.write_text(path.read_text(encoding="utf-8") + "Дописано.\n", encoding="utf-8")
    code, out = approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))
    assert code == 0 and "division_head (1 of 2)" in out
    assert path.read_text(encoding="utf-8").count("- step:") == 1


@pytest.mark.parametrize(
    ("by", "key", "code"),
    [("aliev", "other", "SIGN_KEY_NOT_LISTED"), ("aliev", "pr_old", "SIGN_KEY_NOT_LISTED")],
    ids=["another-persons-key", "expired-key"],
)
def test_approve_refuses_a_key_that_is_not_the_approvers_that_day(
    tmp_path, keys, capsys, monkeypatch, by, key, code
):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    assert approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))[0] == 0
    before = (root / REL).read_bytes()
    found, out = approve(capsys, root, "--by", by, "--key", str(keys[key]))
    assert (found, codes(out)) == (1, [code])
    assert (root / REL).read_bytes() == before


def test_required_signature_without_a_key_is_refused(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    before = (root / REL).read_bytes()
    code, out = approve(capsys, root, "--by", "boss")
    assert (code, codes(out)) == (1, ["SIGN_NO_KEY"])
    assert (root / REL).read_bytes() == before
    root = site(tmp_path / "optional", keys, signatures="optional")
    code, out = approve(capsys, root, "--by", "boss")
    assert code == 0 and "not signed" in out
    assert "signature" not in (root / REL).read_text(encoding="utf-8")


def test_signs_with_the_key_in_ssh_agent(tmp_path, keys, capsys, monkeypatch):
    folder = tempfile.mkdtemp(prefix="sb-agent-")  # a socket path must be short
    socket = os.path.join(folder, "agent.sock")
    started = subprocess.run(["ssh-agent", "-s", "-a", socket], capture_output=True, text=True, check=True)
    pid = int(re.search(r"SSH_AGENT_PID=(\d+)", started.stdout).group(1))
    try:
        env = {**os.environ, "SSH_AUTH_SOCK": socket}
        subprocess.run(["ssh-add", "-q", str(keys["head"])], env=env, check=True, capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", socket)
        root = site(tmp_path, keys)
        code, out = approve(capsys, root, "--by", "boss")
        assert code == 0, out
        fingerprint = sshsig.read_key(pub(keys, "head")).fingerprint
        assert f"{fingerprint} (ssh-agent)" in out
        code, out = approve(capsys, root, "--by", "aliev")  # the agent holds none of aliev's keys
        assert (code, codes(out)) == (1, ["SIGN_NO_KEY"])
        assert approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))[0] == 0
        assert errors(root) == []
    finally:
        os.kill(pid, signal.SIGTERM)


def test_without_ssh_keygen_approve_refuses_and_build_still_verifies(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    assert approve(capsys, root, "--by", "boss", "--key", str(keys["head"]))[0] == 0
    before = (root / REL).read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out = approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))
    assert (code, codes(out)) == (1, ["SSH_KEYGEN_MISSING"])
    assert out.count("error") == 1 and (root / REL).read_bytes() == before
    monkeypatch.undo()
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    assert approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))[0] == 0
    monkeypatch.setenv("PATH", str(empty))  # verifying needs no ssh-keygen
    result = build(root, LATER, tmp_path / "out")
    assert result.ok, result.problems
    assert (tmp_path / "out/press-releases/remont/index.html").is_file()


def test_back_dated_approval_needs_a_reason_recorded_in_the_block(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    root = site(tmp_path, keys)
    before = (root / REL).read_bytes()
    code, out = approve(capsys, root, "--by", "boss", "--key", str(keys["head"]), "--at", "2026-11-19T16:00")
    assert (code, codes(out)) == (1, ["APPROVE_REASON_NEEDED"])
    assert (root / REL).read_bytes() == before
    reason = 'Согласовано на совещании 19 ноября, "протокол №5"'
    args = ("--at", "2026-11-19T16:00", "--reason", reason)
    assert approve(capsys, root, "--by", "boss", "--key", str(keys["head"]), *args)[0] == 0
    assert approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))[0] == 0
    text = (root / REL).read_text(encoding="utf-8")
    assert "    at: 2026-11-19T16:00:00+06:00\n" in text
    assert '    reason: "Согласовано на совещании 19 ноября, \\"протокол №5\\""\n' in text
    assert errors(root) == []
    config = load_config(root)
    source, _ = discover.read_source(root / "content", REL.removeprefix("content/"))
    found, _ = content.parse(source, config, markdown.make_parser())
    assert found.meta.approvals[0].reason == reason


def test_one_step_type_keeps_one_mapping_and_may_be_signed(tmp_path, keys, capsys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    config = two_step(keys)
    config["rules"]["types"]["press-release"] = {
        "approver_roles": ["pr_department"],
        "signatures": "required",
    }
    root = make_site(tmp_path, {REL: review()}, config)
    assert approve(capsys, root, "--by", "aliev", "--key", str(keys["pr"]))[0] == 0
    text = (root / REL).read_text(encoding="utf-8")
    assert "approval:\n  by: aliev\n" in text and "  signature: |\n    -----BEGIN SSH SIGNATURE-----" in text
    assert "step:" not in text
    assert errors(root) == []
    assert approve(capsys, root, "--by", "sydykova", "--key", str(keys["other"]))[0] == 0  # replaces it
    text = (root / REL).read_text(encoding="utf-8")
    assert "approval:\n  by: sydykova\n" in text and text.count("BEGIN SSH SIGNATURE") == 1
    assert errors(root) == []

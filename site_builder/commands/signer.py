"""Signing an approval: `ssh-keygen -Y sign -n site-builder-approval`, with a key file
(`approve --key PATH`) or with a key of the approver that ssh-agent holds.

ssh-keygen signs with the agent when given a public key whose private half the agent
holds (SSH_AUTH_SOCK), so a key never leaves the agent.  Which keys the agent holds is
asked here over its socket (the "request identities" message of the agent protocol),
so no `ssh-add` is needed.  Every failure is a Problem, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load import sshsig

REQUEST_IDENTITIES = 11  # SSH_AGENTC_REQUEST_IDENTITIES
IDENTITIES_ANSWER = 12  # SSH_AGENT_IDENTITIES_ANSWER
MAX_ANSWER = 1 << 20
TIMEOUT = 600  # a passphrase typed at the terminal, or a hardware key touched


class SignError(Exception):
    def __init__(self, found: Problem) -> None:
        super().__init__(found.code)
        self.problem = found


def keygen() -> str | None:
    """Where ssh-keygen is, on PATH; None when it is not there."""
    return shutil.which("ssh-keygen")


def missing(path: str) -> Problem:
    return problem(path, 0, "error", "SSH_KEYGEN_MISSING")


def agent_keys(environ: dict[str, str] | os._Environ[str] | None = None) -> list[bytes]:
    """The key blobs ssh-agent holds (SSH_AUTH_SOCK); none when there is no agent to ask."""
    where = (environ if environ is not None else os.environ).get("SSH_AUTH_SOCK", "")
    if not where:
        return []
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(where)
            conn.sendall((1).to_bytes(4, "big") + bytes([REQUEST_IDENTITIES]))
            size = int.from_bytes(_receive(conn, 4), "big")
            if not 0 < size <= MAX_ANSWER:
                return []
            answer = _receive(conn, size)
    except OSError:
        return []
    if answer[:1] != bytes([IDENTITIES_ANSWER]):
        return []
    wire = sshsig.Wire(answer[1:], sshsig.KEY_DAMAGED)
    found: list[bytes] = []
    try:
        for _ in range(wire.uint32()):
            found.append(wire.string())
            wire.string()  # its comment
    except sshsig.Invalid:
        return []
    return found


def _receive(conn: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise OSError("the agent closed the connection")
        data += chunk
    return data


def in_agent(keys: list[sshsig.PublicKey], environ=None) -> sshsig.PublicKey | None:
    """The first of these keys that ssh-agent holds."""
    held = set(agent_keys(environ))
    return next((key for key in keys if key.blob in held), None)


def sign(message: bytes, key: Path | sshsig.PublicKey, where: str, namespace: str = sshsig.NAMESPACE) -> str:
    """The armored signature of `message` in `namespace` by `key` (a key file, or a public
    key ssh-agent holds); raises SignError (its problem reported at `where`)."""
    program = keygen()
    if program is None:
        raise SignError(missing(where))
    label = str(key) if isinstance(key, Path) else key.fingerprint
    if isinstance(key, Path) and not key.is_file():
        raise _failed(where, label, "no such file")
    with tempfile.TemporaryDirectory(prefix="site-builder-sign-") as folder:
        data = Path(folder) / "approval.txt"
        data.write_bytes(message)
        if isinstance(key, sshsig.PublicKey):
            public = Path(folder) / "key.pub"
            public.write_text(key.text + "\n", encoding="ascii")
            key = public
        command = [program, "-Y", "sign", "-n", namespace, "-f", str(key), str(data)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise _failed(where, label, str(exc)[:200]) from None
        signature = Path(str(data) + ".sig")
        if done.returncode != 0 or not signature.is_file():
            raise _failed(where, label, _said(done.stderr))
        try:
            return signature.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise _failed(where, label, str(exc)[:200]) from None


def _failed(where: str, label: str, detail: str) -> SignError:
    return SignError(problem(where, 0, "error", "SIGN_FAILED", key=label, detail=detail))


def _said(stderr: bytes) -> str:
    """ssh-keygen's own words, without its progress lines."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith(("Signing file", "Write signature"))
    ]
    return "; ".join(lines)[:300] or "ssh-keygen failed"

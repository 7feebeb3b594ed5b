"""SSH public keys and SSH signatures (OpenSSH's PROTOCOL.sshsig), read and verified in Python.

The format `ssh-keygen -Y sign` writes and `git` signs commits with: an armored blob

    "SSHSIG", uint32 1, string publickey, string namespace, string reserved,
    string hash_algorithm, string signature

whose signature is made, with the key's usual SSH algorithm, over

    "SSHSIG", string namespace, string "" (reserved), string hash_algorithm, string H(message)

(strings and integers in the SSH wire encoding of RFC 4251).  Verified here with the
`cryptography` package, so a build needs neither ssh-keygen nor a process per signature;
stock `ssh-keygen -Y verify` accepts the same signatures.  Keys: ssh-ed25519, ssh-rsa
(signatures rsa-sha2-256 or rsa-sha2-512, never SHA-1; at least 2048 bits) and ECDSA on
nistp256/384/521.  Reading a key or a signature needs no `cryptography` import: only
`verify` does, so a site without signatures never loads it.

Every refusal is an `Invalid` whose text is a short English reason, a message id of the
catalog (diagnostics show it translated).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

NAMESPACE = "site-builder-approval"
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
MAGIC = b"SSHSIG"
VERSION = 1
HASHES = ("sha256", "sha512")
MIN_RSA_BITS, MAX_RSA_BITS = 2048, 16384  # OpenSSL's largest; a public exponent of 64 bits at most
CURVES = {  # key type → (curve name in the key, point length, hash of the signature)
    "ecdsa-sha2-nistp256": ("nistp256", 65, "sha256"),
    "ecdsa-sha2-nistp384": ("nistp384", 97, "sha384"),
    "ecdsa-sha2-nistp521": ("nistp521", 133, "sha512"),
}
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", *CURVES)
RSA_SIGNATURES = {"rsa-sha2-256": "sha256", "rsa-sha2-512": "sha512"}
MAX_ARMORED = 16_000  # a 16384-bit RSA signature is under 6,000 characters

# The reasons a key or a signature is refused (message ids of the catalog).
NOT_A_KEY_LINE = "not an SSH public key line (its type, a space, then base64)"
NOT_BASE64 = "not valid base64"
KEY_DAMAGED = "the key data is damaged"
KEY_TYPE_MISMATCH = "the key data is of another type than the line says"
RSA_SIZE = "an RSA key shorter than 2048 or longer than 16384 bits"
NOT_ARMORED = "not an armored SSH signature (-----BEGIN SSH SIGNATURE----- … -----END SSH SIGNATURE-----)"
NOT_SSHSIG = "not an SSH signature (no SSHSIG preamble)"
BAD_VERSION = "a signature version this program does not know"
SIGNATURE_DAMAGED = "the signature data is damaged"
BAD_HASH = "a hash algorithm other than sha256 or sha512"
SIGNATURE_KEY_TYPE = "signed with a key type that is not supported"
ALGORITHM_MISMATCH = "the signature algorithm does not fit the key (RSA needs rsa-sha2-256 or rsa-sha2-512)"
REASONS = (
    NOT_A_KEY_LINE, NOT_BASE64, KEY_DAMAGED, KEY_TYPE_MISMATCH, RSA_SIZE, NOT_ARMORED,
    NOT_SSHSIG, BAD_VERSION, SIGNATURE_DAMAGED, BAD_HASH, SIGNATURE_KEY_TYPE, ALGORITHM_MISMATCH,
)  # fmt: skip


class Invalid(ValueError):
    """A key or signature that cannot be read; its text is the reason (a message id)."""


class UnknownKeyType(Invalid):
    """A well-formed key line of a type this program does not verify (ssh-dss, sk-…)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Wire:
    """Reads SSH wire-encoded data: uint32, string, mpint (RFC 4251 section 5)."""

    def __init__(self, data: bytes, damaged: str) -> None:
        self.data, self.at, self.damaged = data, 0, damaged

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > len(self.data):
            raise Invalid(self.damaged)
        found = self.data[self.at : self.at + count]
        self.at += count
        return found

    def uint32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def string(self) -> bytes:
        return self.take(self.uint32())

    def text(self) -> str:
        try:
            return self.string().decode("ascii")
        except UnicodeDecodeError:
            raise Invalid(self.damaged) from None

    def mpint(self) -> int:
        raw = self.string()
        negative = bool(raw) and raw[0] >= 0x80
        padded = len(raw) > 1 and raw[0] == 0 and raw[1] < 0x80
        if negative or padded:
            raise Invalid(self.damaged)  # negative, or not in its shortest form
        return int.from_bytes(raw, "big")

    def end(self) -> None:
        if self.at != len(self.data):
            raise Invalid(self.damaged)


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


@dataclass(frozen=True)
class PublicKey:
    """An SSH public key: its type and wire-encoded blob (what identifies it), and a comment."""

    kind: str
    blob: bytes
    comment: str = ""

    @property
    def text(self) -> str:
        """The key as a line of authorized_keys / allowed_signers has it, without the comment."""
        return f"{self.kind} {base64.b64encode(self.blob).decode()}"

    @property
    def fingerprint(self) -> str:
        """As `ssh-keygen -l` shows it: SHA256:<base64 without padding>."""
        return "SHA256:" + base64.b64encode(hashlib.sha256(self.blob).digest()).decode().rstrip("=")

    def fields(self) -> tuple:
        """The key's numbers as read from its blob (checked when the key is read)."""
        return _key_fields(self.blob)[1]


def _key_fields(blob: bytes) -> tuple[str, tuple]:
    """A key blob's type and its parts: (pk,) for ed25519, (e, n) for RSA, (curve, point) for ECDSA."""
    wire = Wire(blob, KEY_DAMAGED)
    kind = wire.text()
    if kind == "ssh-ed25519":
        parts: tuple = (wire.string(),)
        if len(parts[0]) != 32:
            raise Invalid(KEY_DAMAGED)
    elif kind == "ssh-rsa":
        parts = (wire.mpint(), wire.mpint())
        if parts[0] < 3 or parts[0].bit_length() > 64 or parts[0] % 2 == 0 or parts[1] % 2 == 0:
            raise Invalid(KEY_DAMAGED)
        if not MIN_RSA_BITS <= parts[1].bit_length() <= MAX_RSA_BITS:
            raise Invalid(RSA_SIZE)
    elif kind in CURVES:
        curve, size, _ = CURVES[kind]
        parts = (wire.text(), wire.string())
        if parts[0] != curve or len(parts[1]) != size or parts[1][0] != 4:
            raise Invalid(KEY_DAMAGED)  # only uncompressed points, as OpenSSH writes them
    else:
        raise UnknownKeyType(kind)
    wire.end()
    return kind, parts


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(NOT_BASE64) from None


def read_key(line: str) -> PublicKey:
    """A public key from its line, `ssh-ed25519 AAAA… comment`; raises Invalid (UnknownKeyType)."""
    parts = line.strip().split(None, 2)
    if len(parts) < 2 or not parts[0].isascii():
        raise Invalid(NOT_A_KEY_LINE)
    kind = parts[0]
    if kind not in KEY_TYPES:
        raise UnknownKeyType(kind)
    blob = _base64(parts[1])
    found, _ = _key_fields(blob)
    if found != kind:
        raise Invalid(KEY_TYPE_MISMATCH)
    return PublicKey(kind, blob, parts[2].strip() if len(parts) > 2 else "")


@dataclass(frozen=True)
class Signature:
    """An SSH signature, read from its armor."""

    key: PublicKey  # the key that made it (a signature names its key)
    namespace: str
    hash: str  # of the message: sha256 or sha512
    algorithm: str  # of the signature: ssh-ed25519, rsa-sha2-512, ecdsa-sha2-nistp256 …
    value: bytes  # the signature proper
    blob: bytes  # the whole decoded signature (what identifies it, whatever its line breaks)


def read_signature(armored: str) -> Signature:
    """A signature from its armored text (ssh-keygen's .sig file); raises Invalid."""
    text = armored.strip()
    if len(text) > MAX_ARMORED or not text.startswith(BEGIN) or not text.endswith(END):
        raise Invalid(NOT_ARMORED)
    inner = text[len(BEGIN) : -len(END)]
    if not inner.strip() or BEGIN in inner or END in inner:
        raise Invalid(NOT_ARMORED)
    blob = _base64("".join(inner.split()))
    wire = Wire(blob, SIGNATURE_DAMAGED)
    if not blob.startswith(MAGIC):
        raise Invalid(NOT_SSHSIG)
    wire.take(len(MAGIC))
    if wire.uint32() != VERSION:
        raise Invalid(BAD_VERSION)
    key_blob, namespace, _reserved, hash_name, signed = (
        wire.string(),
        wire.text(),
        wire.string(),
        wire.text(),
        wire.string(),
    )
    wire.end()
    try:
        kind, _ = _key_fields(key_blob)
    except UnknownKeyType:
        raise Invalid(SIGNATURE_KEY_TYPE) from None
    except Invalid:
        raise Invalid(SIGNATURE_DAMAGED) from None
    if hash_name not in HASHES:
        raise Invalid(BAD_HASH)
    inner_wire = Wire(signed, SIGNATURE_DAMAGED)
    algorithm, value = inner_wire.text(), inner_wire.string()
    inner_wire.end()
    if algorithm != kind and not (kind == "ssh-rsa" and algorithm in RSA_SIGNATURES):
        raise Invalid(ALGORITHM_MISMATCH)
    return Signature(PublicKey(kind, key_blob), namespace, hash_name, algorithm, value, blob)


def signed_data(namespace: str, hash_name: str, message: bytes) -> bytes:
    """What the key signs for a message (PROTOCOL.sshsig section 3)."""
    digest = hashlib.new(hash_name, message).digest()
    return MAGIC + _string(namespace.encode()) + _string(b"") + _string(hash_name.encode()) + _string(digest)


def verify(signature: Signature, message: bytes, namespace: str = NAMESPACE) -> bool:
    """Whether `signature` is its key's signature of `message` in `namespace`.

    Only the mathematics: whether that key may sign for that person on that day is the
    caller's question (compare `signature.key.blob` with the keys configured).
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

    if signature.namespace != namespace:
        return False
    data = signed_data(namespace, signature.hash, message)
    kind, parts = _key_fields(signature.key.blob)
    try:
        if kind == "ssh-ed25519":
            ed25519.Ed25519PublicKey.from_public_bytes(parts[0]).verify(signature.value, data)
        elif kind == "ssh-rsa":
            key = rsa.RSAPublicNumbers(parts[0], parts[1]).public_key()
            size = (key.key_size + 7) // 8
            if len(signature.value) > size:
                return False
            digest = hashes.SHA256() if signature.algorithm == "rsa-sha2-256" else hashes.SHA512()
            value = signature.value.rjust(size, b"\x00")  # OpenSSH pads a short one the same way
            key.verify(value, data, padding.PKCS1v15(), digest)
        else:
            curve = {"nistp256": ec.SECP256R1, "nistp384": ec.SECP384R1, "nistp521": ec.SECP521R1}[parts[0]]
            point = ec.EllipticCurvePublicKey.from_encoded_point(curve(), parts[1])
            wire = Wire(signature.value, SIGNATURE_DAMAGED)
            r, s = wire.mpint(), wire.mpint()
            wire.end()
            digest = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
            point.verify(utils.encode_dss_signature(r, s), data, ec.ECDSA(digest[CURVES[kind][2]]()))
    except (InvalidSignature, Invalid, ValueError):
        return False  # ValueError: a point off its curve, an RSA key cryptography refuses
    return True


def armored(blob: bytes) -> str:
    """A signature blob in its armor, as ssh-keygen writes it (lines of 70 characters)."""
    text = base64.b64encode(blob).decode()
    return "\n".join([BEGIN, *(text[i : i + 70] for i in range(0, len(text), 70)), END]) + "\n"

"""Who may approve the site settings: the settings administrators' public keys, given from
outside the repository.

Who is an administrator cannot be read from config.yaml: whoever edits config.yaml could
then make themselves one, and approve their own edit.  So CI hands the keys in from
outside, in the environment (a secret of the CI system, which editors of the repository
cannot change):

- `SITE_BUILDER_SETTINGS_KEYS`: the administrators' keys as lines of OpenSSH's
  allowed_signers file (`principal[,principal…] [namespaces="…"] ssh-ed25519 AAAA… [comment]`),
  or the path of such a file (`--settings-keys PATH` on the command line);
- `SITE_BUILDER_REQUIRE_SETTINGS=1` (`--require-signed-settings`): without keys, a build
  fails instead of warning that the settings are unverified.  It is outside the repository
  too: a switch in config.yaml would be turned off by the very edit it should catch.
  Unset (or empty), a build without keys warns; `0` (or false, no, off) says that whoever
  runs the build knows the settings go unverified here, and silences the warning (the
  test suite does so; CI never should).

The same allowed_signers lines work with stock `ssh-keygen -Y verify -f FILE -I PRINCIPAL
-n site-builder-settings`.  Principals are compared literally (no wildcards); the only
option understood is `namespaces=`, and a key whose namespaces leave out
site-builder-settings is not an administrator's here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from site_builder.errors import Problem, problem
from site_builder.load import sshsig
from site_builder.speed.uptodate import OUTSIDE

NAMESPACE = "site-builder-settings"
KEYS_ENV, REQUIRE_ENV = OUTSIDE
MAX_KEYS_BYTES = 1_000_000
OFF = ("0", "false", "no", "off")


@dataclass(frozen=True)
class AdminKey:
    principals: tuple[str, ...]
    key: sshsig.PublicKey


@dataclass(frozen=True)
class Admins:
    """The settings administrators as the environment gives them.

    `given`: whether anything was given at all (an empty variable is nothing: an unset
    CI secret expands to ""); `required`: keys are required (SITE_BUILDER_REQUIRE_SETTINGS
    set and not off); `waived`: set to off, no warning without them; `origin`: where the
    keys came from, as messages name it.
    """

    keys: tuple[AdminKey, ...] = ()
    given: bool = False
    required: bool = False
    waived: bool = False
    origin: str = KEYS_ENV
    problems: tuple[Problem, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Admins:
        env = os.environ if environ is None else environ
        value, switch = env.get(KEYS_ENV, "").strip(), env.get(REQUIRE_ENV, "").strip().lower()
        required, waived = bool(switch) and switch not in OFF, switch in OFF
        if not value:
            return cls(required=required, waived=waived)
        text, origin, refused = _source(value)
        if refused is not None:
            return cls(given=True, required=required, origin=origin, problems=(refused,))
        keys, problems = read_admins(text, origin)
        if not keys and not problems:
            problems = [problem(origin, 0, "error", "SETTINGS_KEYS_EMPTY", variable=KEYS_ENV)]
        return cls(tuple(keys), True, required, waived, origin, tuple(problems))

    def owner(self, key: sshsig.PublicKey) -> AdminKey | None:
        """The administrator's entry of this key, if it is one."""
        return next((admin for admin in self.keys if admin.key.blob == key.blob), None)

    def of(self, principal: str) -> list[sshsig.PublicKey]:
        """The keys of one administrator."""
        return [admin.key for admin in self.keys if principal in admin.principals]


def _source(value: str) -> tuple[str, str, Problem | None]:
    """The allowed_signers text a variable gives, where it came from, or why it cannot be read:
    the path of an existing file, else (with a space in it) the lines themselves."""
    if os.path.isfile(value) or not any(c.isspace() for c in value):
        try:
            with open(value, "rb") as handle:
                data = handle.read(MAX_KEYS_BYTES + 1)
            if len(data) > MAX_KEYS_BYTES:
                raise ValueError("larger than 1 MB")
            return data.decode("utf-8"), value, None
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return "", value, problem(value, 0, "error", "SETTINGS_KEYS_UNREADABLE", why=why[:200])
    return value, KEYS_ENV, None


def read_admins(text: str, origin: str) -> tuple[list[AdminKey], list[Problem]]:
    """The administrators' keys of allowed_signers lines; each line that cannot be read is
    a problem naming `origin` and the line."""
    keys: list[AdminKey] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found = _line(line)
        except sshsig.Invalid as exc:
            problems.append(problem(origin, number, "error", "SETTINGS_KEY_LINE", why=str(exc)))
            continue
        if found is not None:
            keys.append(found)
    return keys, problems


NOT_ALLOWED_SIGNERS = "not an allowed_signers line (principals, then the key: type and base64)"
PATTERN = "a principal with a wildcard (* or ?): name each administrator"
OPTION = (
    "an option other than namespaces= (cert-authority, valid-after, valid-before … are not supported here)"
)
REASONS = (NOT_ALLOWED_SIGNERS, PATTERN, OPTION)


def _line(line: str) -> AdminKey | None:
    """One allowed_signers line; None when its namespaces leave out this one."""
    words = _words(line)
    if len(words) < 3 or words[0] in sshsig.KEY_TYPES:
        raise sshsig.Invalid(NOT_ALLOWED_SIGNERS)
    principals = tuple(p for p in words[0].split(",") if p)
    if not principals:
        raise sshsig.Invalid(NOT_ALLOWED_SIGNERS)
    if any(c in p for p in principals for c in "*?!"):
        raise sshsig.Invalid(PATTERN)
    rest, namespaces = words[1:], None
    if rest[0] not in sshsig.KEY_TYPES and not rest[0].startswith(("sk-", "ssh-", "ecdsa-")):
        namespaces = _namespaces(rest[0])
        rest = rest[1:]
    if len(rest) < 2:
        raise sshsig.Invalid(NOT_ALLOWED_SIGNERS)
    key = sshsig.read_key(" ".join(rest))  # Invalid (UnknownKeyType) as it says
    if namespaces is not None and NAMESPACE not in namespaces:
        return None
    return AdminKey(principals, key)


def _namespaces(options: str) -> list[str]:
    """The namespaces an options word allows (`namespaces="a,b"`); Invalid for any other option."""
    found: list[str] = []
    for option in _split(options, ","):
        name, _, value = option.partition("=")
        if name.lower() != "namespaces" or not value:
            raise sshsig.Invalid(OPTION)
        found += [n.strip() for n in value.strip('"').split(",")]
    return found


def _words(line: str) -> list[str]:
    """A line split at blanks outside double quotes."""
    return [word for word in _split(line, " \t") if word]


def _split(text: str, separators: str) -> list[str]:
    out, word, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char in separators and not quoted:
            out.append(word)
            word = ""
        else:
            word += char
    out.append(word)
    return out

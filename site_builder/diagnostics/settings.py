"""The site settings' approval: config.yaml, templates/ and static/ signed by a settings
administrator whose key CI gives from outside the repository (`approve --settings`)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "SETTINGS_UNVERIFIED": (
        "the site settings (config.yaml, templates/, static/) are not verified: no settings administrators' keys were given",
        "CI gives them in {variable} (a secret) and requires them with SITE_BUILDER_REQUIRE_SETTINGS=1; on your own computer this warning is expected (docs/reference.md, «Settings approval»).",
    ),
    "SETTINGS_KEYS_MISSING": (
        "signed site settings are required ({switch}), but no settings administrators' keys were given",
        "Give the administrators' allowed_signers lines in {variable} (in CI: a secret), or the path of such a file with --settings-keys.",
    ),
    "SETTINGS_KEYS_UNREADABLE": (
        "the settings administrators' keys cannot be read: {why}",
        "Give the path of an allowed_signers file, or the allowed_signers lines themselves, in SITE_BUILDER_SETTINGS_KEYS.",
    ),
    "SETTINGS_KEYS_EMPTY": (
        "{variable} names no key",
        "Give one allowed_signers line per administrator: principal ssh-ed25519 AAAA… (the line of their .pub file after their name).",
    ),
    "SETTINGS_KEY_LINE": (
        "a line of the settings administrators' keys cannot be read: {why}",
        'Write it as allowed_signers has it: admin@example.org ssh-ed25519 AAAA… (optionally namespaces="site-builder-settings" before the key).',
    ),
    "SETTINGS_RECORD_BAD": (
        "settings.approval.yaml cannot be read: {why}",
        "It is written by site-builder approve --settings: restore it from git, or have an administrator sign the settings again.",
    ),
    "SETTINGS_UNSIGNED": (
        "the site settings are not signed by a settings administrator",
        "A settings administrator reviews config.yaml, templates/ and static/, then signs them: site-builder approve --settings --by NAME --key KEY.",
    ),
    "SETTINGS_CHANGED": (
        "the site settings changed since a settings administrator signed them: {changed}",
        "A settings administrator reviews the change (git diff) and signs the settings again: site-builder approve --settings --by NAME --key KEY.",
    ),
    "SETTINGS_SIGNATURE_BAD": (
        "the signature of the settings by {by} is not valid: {why}",
        "A settings administrator signs the settings again: site-builder approve --settings --by NAME --key KEY.",
    ),
    "SETTINGS_NOT_ADMIN": (
        "the site settings are signed, but with no key of a settings administrator ({origin})",
        "Only a key given in SITE_BUILDER_SETTINGS_KEYS approves the settings: a settings administrator signs them: site-builder approve --settings --by NAME --key KEY.",
    ),
    # site-builder approve --settings
    "SETTINGS_SIGN_NO_KEY": (
        "nothing to sign the settings with: no --key, and ssh-agent holds no key of {by} among the administrators' keys",
        "Pass --key with your administrator's private key (e.g. --key ~/.ssh/id_ed25519), or load it into ssh-agent.",
    ),
    "SETTINGS_SIGN_NOT_ADMIN": (
        "key {fingerprint} is not a key of settings administrator {by} ({origin})",
        "Sign with your own administrator's key, under the name its allowed_signers line gives.",
    ),
}

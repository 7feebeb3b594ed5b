"""Signed, multi-step approvals: the approvers' keys in config.yaml, the steps of each type,
each approval's SSH signature, and what `approve` refuses when it signs."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # config.yaml: keys and steps
    "KEY_MALFORMED": (
        "the SSH key of {person} cannot be read: {why}",
        'Copy the whole line of the .pub file as ssh-keygen wrote it, e.g. key: "ssh-ed25519 AAAA… name".',
    ),
    "KEY_TYPE_UNKNOWN": (
        "key type '{kind}' is not supported",
        "Use one of: {allowed}. A new key: ssh-keygen -t ed25519.",
    ),
    "KEY_WINDOW_REVERSED": (
        "the key's window ends ({end}) before it starts ({start})",
        "Check the key's from: and to: (both days included).",
    ),
    "KEY_SHARED": (
        "key {fingerprint} is listed for both {other} and {person}",
        "Each person signs with a key of their own: remove it from one of them.",
    ),
    "STEPS_AND_ROLES": (
        "type {kind} has both steps: and approver_roles:",
        "With steps:, each step's role says who may approve it: remove approver_roles:.",
    ),
    "STEP_LISTED_TWICE": (
        "step {step} is listed twice for type {kind}",
        "Each step is a separate approval by a different person: list it once.",
    ),
    "STEP_ROLE_UNHELD": (
        "nobody can approve step {step} of type {kind}: no person has that role",
        "Give the role to someone under people: (roles:, or heads: for division_head), or correct the step's name.",
    ),
    "ROLE_UNHELD": (
        "nobody can approve type {kind}: no person has role {role}",
        "Give the role to someone under people: (roles:), or correct its name in approver_roles:.",
    ),
    "ROLE_UNKNOWN": (
        "role {role} of {person} is named in no rule, so it gives no right",
        "Correct the role's name, or name it in rules.types (approver_roles: or steps:); roles known: {known}.",
    ),
    # content: the steps of an approval
    "STEP_UNKNOWN": (
        "'{step}' is not an approval step of type {kind} (its steps: {steps})",
        "Correct step:, or approve with the tool, which knows the next step: site-builder approve {source} --by PERSON.",
    ),
    "STEP_TWICE": (
        "step {step} is recorded twice",
        "Each step is approved once: remove the extra approval.",
    ),
    "STEP_ORDER": (
        "step {step} is recorded before step {first}",
        "Steps are approved in this order: {steps}.",
    ),
    "STEP_MISSING": (
        "the approval lacks step {missing} (steps of type {kind}: {steps})",
        "Have the next step approved: site-builder approve {source} --by PERSON.",
    ),
    "STEP_SAME_PERSON": (
        "{person} approved both step {other} and step {step}",
        "Each step needs a different person.",
    ),
    "STEP_TIME_ORDER": (
        "step {step} is dated {at}, before step {previous} that comes first ({before})",
        "Steps are approved in order; check approval.at.",
    ),
    "STEP_ROLE": (
        "{person} may not approve step {step} (roles: {roles})",
        "Step {step} is approved by a person with the role {step}.",
    ),
    "NOT_DIVISION_HEAD": (
        "{person} does not head division {division}, so may not approve step division_head",
        "The head of the item's division approves this step: a person whose heads: lists {division}.",
    ),
    "DIVISION_HEAD_NO_DIVISION": (
        "step division_head needs the item's division, and it has none",
        "Add division: with the id of the division that prepared the item.",
    ),
    # content: signatures
    "SIGNATURE_MISSING": (
        "the approval by {by} (step {step}) is not signed, and type {kind} requires signatures",
        "Approve with your key: site-builder approve {source} --by {by} --key ~/.ssh/id_ed25519 (or with the key loaded in ssh-agent).",
    ),
    "SIGNATURE_MALFORMED": (
        "the signature cannot be read: {why}",
        "A signature is kept whole, as ssh-keygen wrote it, under signature: |. Sign again: site-builder approve {source} --by PERSON --key KEY.",
    ),
    "SIGNATURE_NAMESPACE": (
        "the signature was made for another purpose (namespace '{namespace}', not site-builder-approval)",
        "Approvals are signed by site-builder approve, with ssh-keygen -Y sign -n site-builder-approval.",
    ),
    "SIGNATURE_UNKNOWN_KEY": (
        "the signature was made with key {fingerprint}, which config.yaml lists for nobody",
        "Sign with a key listed under the approver's keys: in config.yaml.",
    ),
    "SIGNATURE_OTHER_PERSON": (
        "the approval is by {by}, but the signature was made with the key of {owner} ({fingerprint})",
        "Each approver signs with their own key: {by} must approve and sign again.",
    ),
    "SIGNATURE_KEY_WINDOW": (
        "the signature was made with key {fingerprint} of {by}, valid from {start} to {end}, but the approval is dated {at}",
        "A key signs only on the days of its window: approve again with the key valid today.",
    ),
    "SIGNATURE_COPIED": (
        "this signature was made for another item: it is the signature of {other}",
        "A signature holds only for the item, step, person and text it was made for: have this item approved and signed: site-builder approve {source} --by PERSON.",
    ),
    "SIGNATURE_WRONG_STEP": (
        "the signature was made for step {signed}, but the approval is recorded as step {step}",
        "Restore step: {signed}, or have step {step} approved and signed by its approver.",
    ),
    "SIGNATURE_MISMATCH": (
        "the signature does not match this approval: its path, item, language, step, approver, time or hash changed after signing, or it is forged",
        "Nothing a signature covers may change: have the item approved and signed again: site-builder approve {source} --by PERSON.",
    ),
    # site-builder approve
    "SSH_KEYGEN_MISSING": (
        "ssh-keygen is not found: approvals are signed with it",
        "Install the OpenSSH client (Debian: apt install openssh-client) or put ssh-keygen on PATH. Nothing was changed.",
    ),
    "SIGN_FAILED": (
        "ssh-keygen could not sign with {key}: {detail}",
        "Check the key file and its passphrase, or the key in ssh-agent. Nothing was changed.",
    ),
    "SIGN_KEY_NOT_LISTED": (
        "key {fingerprint} is not a key of {person} valid on {day}",
        "Sign with a key listed under {person}'s keys: in config.yaml, or add the public key there first.",
    ),
    "SIGN_NO_KEY": (
        "type {kind} requires signed approvals, and no key of {person} was given or found in ssh-agent",
        "Pass --key ~/.ssh/id_ed25519, or load the key into ssh-agent (ssh-add).",
    ),
    "APPROVE_STEP_ORDER": (
        "the next step is {next}, not {step}",
        "Approve the steps in this order: {steps}.",
    ),
    "APPROVE_ALL_STEPS_DONE": (
        "every step of the approval is already done ({steps})",
        "After the text changes, the steps start again from {first}.",
    ),
    "APPROVE_REASON_NEEDED": (
        "the approval is dated in the past ({at}): say why with --reason",
        'A back-dated approval is recorded with its reason: --reason "…".',
    ),
}

"""config.yaml → one frozen, validated settings object."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator

from site_builder.errors import ConfigError, Problem, problem
from site_builder.load import links, sshsig, urls, yamlsafe
from site_builder.load.fields import Day, Entry, Id, Strict, Text, Url, problems_from
from site_builder.load.terms import Term, term_problems
from site_builder.load.zone import DEFAULT_ZONE, MAX_CONFIG_BYTES

# The types of content an approval is for: the items, and media-request records marked public.
TypeName = Literal["press-release", "rebuttal", "announcement", "media-plan", "media-request", "question"]
TYPES: tuple[TypeName, ...] = (
    "press-release",
    "rebuttal",
    "announcement",
    "media-plan",
    "media-request",
    "question",
)
LANGUAGES = ("ru", "ky", "en")
DEFAULT_MARKERS = ("ДСП", "для служебного пользования", "секретно", "совершенно секретно")
# Roles the generator itself gives a meaning to, named in no rule: `pr_department` approves a
# type that lists no approver_roles and is the press centre's contact; `press_secretary`
# writes items and approves nothing.  Any other role a person holds must be named in rules.
BUILT_IN_ROLES = ("pr_department", "press_secretary")


class SiteSettings(Strict):
    title: Text = Field(min_length=1, max_length=200)
    base_url: Url
    language: Literal["ru", "ky", "en"] = "ru"
    languages: list[Literal["ru", "ky", "en"]] = Field(default_factory=list)
    timezone: str = DEFAULT_ZONE
    items_per_page: int = Field(10, ge=1, le=200)
    feed_size: int = Field(20, ge=1, le=1000)
    description: Text = ""
    titles: dict[Literal["ru", "ky", "en"], Text] = Field(default_factory=dict)
    # The picture of a page that has none of its own (at least 1200 px wide), and the
    # publisher's logo; else the emblem (a path from the site's root, as `static/emblem.svg`).
    image: str | None = None
    emblem: str | None = Field(None, max_length=300)
    # Where the site's events are when an address does not say: the postal address's town,
    # region and country (ISO 3166 code; default: the work calendar's), and the currency of
    # an event's (free) admission (ISO 4217; default: the country's).
    locality: Text | None = Field(None, min_length=1, max_length=200)
    region: Text | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError("bad_timezone", "unknown time zone") from None
        return value


class Division(Strict):
    id: Id
    name: Text = Field(min_length=1, max_length=200)
    names: dict[Literal["ru", "ky", "en"], Text] = Field(default_factory=dict)


class Window(Strict):
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


class Contact(Strict):
    phone: Text | None = None
    email: Text | None = None
    telegram: Text | None = None
    public: list[Literal["phone", "email", "telegram"]] = Field(default_factory=list)


class KeyEntry(Strict):
    """One of a person's SSH public keys, with the days it may sign approvals on (both ends
    included): a key that ended still verifies what it signed while it was valid."""

    key: Text = Field(min_length=1, max_length=20_000)
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None

    @cached_property
    def public(self) -> sshsig.PublicKey | None:
        """The key read from its line; None when unreadable (parse_config refuses such a config)."""
        try:
            return sshsig.read_key(self.key)
        except sshsig.Invalid:
            return None

    def valid_on(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class Person(Strict):
    id: Id
    name: Text = Field(min_length=1, max_length=200)
    roles: list[Id] = Field(default_factory=list)
    division: Id | None = None
    position: Text = ""
    emails: list[Entry] = Field(default_factory=list)
    active: Window | None = None
    contact: Contact | None = None
    keys: list[KeyEntry] = Field(default_factory=list, max_length=50)
    heads: list[Id] = Field(default_factory=list)  # divisions this person heads (step division_head)

    def active_on(self, day: date) -> bool:
        if self.active is None:
            return True
        return (self.active.from_ is None or self.active.from_ <= day) and (
            self.active.to is None or day <= self.active.to
        )


class TypeRule(Strict):
    approver_roles: list[Id] = Field(default_factory=lambda: ["pr_department"])
    four_eyes: bool = True
    approval_hash: Literal["required", "optional"] = "required"
    response_limit_days: int | None = Field(None, ge=0, le=3650)
    # The approval's steps in order, each a role (`division_head`: the head of the item's
    # division); none: one step by a person with one of `approver_roles`.
    steps: list[Id] = Field(default_factory=list, max_length=10)
    signatures: Literal["required", "optional", "off"] = "optional"
    # Items of a political type carry the "former head" banner once the term of office they
    # were published under has ended (`terms:`); none: the default, POLITICAL_TYPES.
    political: bool | None = None


# The types that speak for the head of the administration (there is no "statement" type:
# a statement is published as a press release).
POLITICAL_TYPES: tuple[TypeName, ...] = ("press-release", "rebuttal")


class Rules(Strict):
    # An empty marker would match everywhere: every line of every public item an error.
    restricted_markers: list[Entry] = Field(default_factory=lambda: list(DEFAULT_MARKERS))
    verify_git: bool = False
    # Committer e-mails of a forge's merge button (GitHub: noreply@github.com): with verify_git,
    # an approval commit authored by the approver may have been committed by one of these.
    trusted_merge_committers: list[Entry] = Field(default_factory=list)
    kyrgyz_first: bool = False
    # The content repository is readable by the public: no restricted item or marker anywhere.
    public_repository: bool = False
    types: dict[TypeName, TypeRule] = Field(default_factory=dict)

    def for_type(self, kind: TypeName) -> TypeRule:
        return self.types.get(kind) or TypeRule(response_limit_days=2 if kind == "rebuttal" else None)

    def political(self, kind: TypeName) -> bool:
        """Whether items of this type carry the banner of a term of office that has ended."""
        chosen = self.types[kind].political if kind in self.types else None
        return kind in POLITICAL_TYPES if chosen is None else chosen


class WorkCalendar(Strict):
    country: Literal["KG", "RU"] = "KG"
    extra_days_off: list[Day] = Field(default_factory=list)
    extra_working_days: list[Day] = Field(default_factory=list)
    media_request_days: int = Field(14, ge=1, le=365)
    warn_days: int = Field(3, ge=0, le=60)
    # A negative or false report in the monitoring register gets its outcome within these
    # working days of being found (the regulation's daily monitoring: the next working day).
    monitoring_days: int = Field(1, ge=1, le=60)


class PressCentre(Strict):
    accreditation: Text = ""
    address: Text = ""


class Outbox(Strict):
    """Where `build` writes ready-to-post texts of newly published items (outputs/outbox.py):
    a folder outside output/, from the site's folder; "new" is published today or on the
    `days` - 1 days before."""

    folder: str = Field("outbox", min_length=1, max_length=300)
    days: int = Field(2, ge=1, le=31)


class Config(Strict):
    site: SiteSettings
    divisions: list[Division] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    calendar: WorkCalendar = Field(default_factory=WorkCalendar)
    press_centre: PressCentre = Field(default_factory=PressCentre)
    # Heads of the administration, each with the days of their term (the "history mode":
    # view/terms.py); the list is checked to hold no overlap and no gap.
    terms: list[Term] = Field(default_factory=list, max_length=200)
    outbox: Outbox = Field(default_factory=Outbox)

    @property
    def tz(self) -> ZoneInfo:
        return self._derived().tz

    @property
    def languages(self) -> list[str]:
        return list(self._derived().languages)

    @property
    def base_path(self) -> str:
        """Path part of base_url, always ending in '/': every site URL starts with it."""
        return self._derived().base_path

    @property
    def origin(self) -> str:
        return self._derived().origin

    def person(self, person_id: str | None) -> Person | None:
        return self._derived().people.get(person_id)  # type: ignore[arg-type]

    def division(self, division_id: str | None) -> Division | None:
        return self._derived().divisions.get(division_id)  # type: ignore[arg-type]

    @cached_property
    def derived(self) -> Derived:
        """What is worked out from the settings and asked for thousands of times a build."""
        site = self.site
        langs = list(site.languages) or [site.language]
        if site.language not in langs:
            langs.insert(0, site.language)
        parts = urlsplit(urls.uri(site.base_url))  # every URL written starts with it: a URI
        path = parts.path or "/"
        return Derived(
            of=(site, self.people, self.divisions),
            tz=ZoneInfo(site.timezone),
            languages=tuple(langs),
            base_path=path if path.endswith("/") else path + "/",
            origin=f"{parts.scheme}://{parts.netloc}",
            # the first of several with one id wins, as a search in order would find it
            people={p.id: p for p in reversed(self.people)},
            divisions={d.id: d for d in reversed(self.divisions)},
        )

    def _derived(self) -> Derived:
        found = self.derived
        of = found.of
        if of[0] is not self.site or of[1] is not self.people or of[2] is not self.divisions:
            del self.__dict__["derived"]  # a copy with other settings: work them out again
            found = self.derived
        return found


@dataclass(frozen=True)
class Derived:
    of: tuple  # the settings objects these were worked out from
    tz: ZoneInfo
    languages: tuple[str, ...]
    base_path: str
    origin: str
    people: dict[str, Person]
    divisions: dict[str, Division]


def parse_config(text: str, path: str = "config.yaml") -> Config:
    """Validate config text; raise ConfigError with every problem found."""
    data, lines, problems = yamlsafe.load(text, path)
    if problems:
        raise ConfigError(problems)
    if not isinstance(data, dict):
        raise ConfigError([problem(path, 1, "error", "YAML_NOT_MAPPING")])
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from(exc, Config, path, lines, 1)) from None
    cross = _cross_check(config, path, lines)
    if cross:
        raise ConfigError(cross)
    return config


def _cross_check(config: Config, path: str, lines: yamlsafe.LineMap) -> list[Problem]:
    out: list[Problem] = _key_problems(config, path, lines) + _step_problems(config, path, lines)
    out += _role_problems(config, path, lines) + term_problems(config.terms, path, lines)
    division_ids = {d.id for d in config.divisions}
    for group, entries in (("divisions", config.divisions), ("people", config.people)):
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.id in seen:
                out.append(
                    problem(path, lines.get((group, index, "id"), 1), "error", "DUPLICATE_ID", value=entry.id)
                )
            seen.add(entry.id)
    for index, person in enumerate(config.people):
        named = [(("division",), "division", person.division)] if person.division else []
        named += [(("heads", number), "heads", head) for number, head in enumerate(person.heads)]
        for where, key, value in named:
            if value not in division_ids:
                line = lines.get(("people", index, *where), 1)
                known = ", ".join(sorted(division_ids))
                out.append(
                    problem(path, line, "error", "UNKNOWN_DIVISION", key=key, value=value, known=known)
                )
    return out


def _key_problems(config: Config, path: str, lines: yamlsafe.LineMap) -> list[Problem]:
    """Every key readable, of a type that is verified, in a window that does not end before it
    starts, and held by one person only (a shared key would sign for either of them)."""
    out: list[Problem] = []
    holders: dict[bytes, str] = {}
    for index, person in enumerate(config.people):
        for number, entry in enumerate(person.keys):
            where = ("people", index, "keys", number)
            line = lines.get((*where, "key"), lines.get(where, 1))
            try:
                key = sshsig.read_key(entry.key)
            except sshsig.UnknownKeyType as exc:
                allowed = ", ".join(sshsig.KEY_TYPES)
                out.append(
                    problem(path, line, "error", "KEY_TYPE_UNKNOWN", kind=exc.kind[:40], allowed=allowed)
                )
                continue
            except sshsig.Invalid as exc:
                out.append(problem(path, line, "error", "KEY_MALFORMED", person=person.id, why=str(exc)))
                continue
            if entry.from_ and entry.to and entry.to < entry.from_:
                at = lines.get((*where, "to"), line)
                out.append(problem(path, at, "error", "KEY_WINDOW_REVERSED", start=entry.from_, end=entry.to))
            other = holders.setdefault(key.blob, person.id)
            if other != person.id:
                out.append(
                    problem(
                        path,
                        line,
                        "error",
                        "KEY_SHARED",
                        fingerprint=key.fingerprint,
                        person=person.id,
                        other=other,
                    )
                )
    return out


def _step_problems(config: Config, path: str, lines: yamlsafe.LineMap) -> list[Problem]:
    """Each type's steps: no step twice, each a role someone holds, and not beside approver_roles."""
    out: list[Problem] = []
    held = {role for person in config.people for role in person.roles}
    if any(person.heads for person in config.people):
        held.add("division_head")
    for kind, rule in config.rules.types.items():
        where = ("rules", "types", kind)
        if rule.steps and "approver_roles" in rule.model_fields_set:
            line = lines.get((*where, "approver_roles"), 1)
            out.append(problem(path, line, "error", "STEPS_AND_ROLES", kind=kind))
        for number, step in enumerate(rule.steps):
            line = lines.get((*where, "steps", number), lines.get((*where, "steps"), 1))
            if step in rule.steps[:number]:
                out.append(problem(path, line, "error", "STEP_LISTED_TWICE", kind=kind, step=step))
            elif step not in held:
                hint = _closest(step, held)
                out.append(problem(path, line, "error", "STEP_ROLE_UNHELD", kind=kind, step=step, **hint))
    return out


def _role_problems(config: Config, path: str, lines: yamlsafe.LineMap) -> list[Problem]:
    """Every role a rule names is held by someone, and every role someone holds is named by a
    rule or is one of the generator's own: either way, a role nobody can use is a typo
    (`pr_departmnet`) that would leave items nobody may approve, or a person without rights."""
    out: list[Problem] = []
    held = {role for person in config.people for role in person.roles}
    named = set(BUILT_IN_ROLES)
    for kind in TYPES:
        rule = config.rules.for_type(kind)
        named.update(rule.steps or rule.approver_roles)
        if kind not in config.rules.types or rule.steps or "approver_roles" not in rule.model_fields_set:
            continue
        for number, role in enumerate(rule.approver_roles):
            if role not in held:
                where = ("rules", "types", kind, "approver_roles")
                line = lines.get((*where, number), lines.get(where, 1))
                hint = _closest(role, held)
                out.append(problem(path, line, "error", "ROLE_UNHELD", kind=kind, role=role, **hint))
    for index, person in enumerate(config.people):
        for number, role in enumerate(person.roles):
            if role not in named:
                where = ("people", index, "roles")
                line = lines.get((*where, number), lines.get(where, 1))
                known = ", ".join(sorted(named))
                args = {"person": person.id, "role": role, "known": known, **_closest(role, named)}
                out.append(problem(path, line, "error", "ROLE_UNKNOWN", **args))
    return out


def _closest(value: str, known: set[str]) -> dict[str, str]:
    """`{"suggestion": id}` for the known id the editor probably meant, if one is close."""
    found = difflib.get_close_matches(value.casefold(), sorted(known), n=1, cutoff=0.6)
    return {"suggestion": found[0]} if found else {}


def load_config(root: Path) -> Config:
    """Read root/config.yaml; every failure is a ConfigError, never a traceback."""
    path = root / "config.yaml"
    name = "config.yaml"
    if links.is_link(path):  # never read through, wherever it points
        raise ConfigError([links.symlink(root, path)])
    if not path.is_file():
        raise ConfigError([problem(name, 0, "error", "CONFIG_MISSING", root=str(root))])
    raw = links.read(path)
    from site_builder.load.frontmatter import decode

    text, problems = decode(raw, name, MAX_CONFIG_BYTES)
    if text is None:
        raise ConfigError(problems)
    return parse_config(text, name)

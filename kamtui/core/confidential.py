"""Confidential assessments and participants' resume codes (README, "Workshops" and "Confidential
assessments"). Pure rules: the store keeps what they decide, the front ends show what they leave.

* An **anonymous** assessment stores every respondent under a generated code (``respondents.name`` =
  ``respondents.code``), never a name; comments are shown without attribution.
* Its **minimum group size** (``min_group``, default 3) hides small groups: a role's mean, its gaps and
  its column appear only for roles with at least ``min_group`` respondents, and within an element only
  when at least ``min_group`` of them have a score in it (a mean of one or two people is their answer).
  :func:`protect_report` applies this to a scored :class:`~kamtui.core.healthcheck.Report`, and
  :func:`protect_rows` to the answer rows a workbook lists, before any front end sees them. An export
  "without names" applies the same rule to any assessment and writes codes for names.
* A participant who registers gets a **resume code** (6 characters of an alphabet without look-alikes,
  from ``secrets``); only an HMAC-SHA256 of it under a per-database secret is stored
  (``respondents.resume_hash``). Name plus code (in an anonymous assessment: the code alone) resumes;
  every failure gives the same neutral message, so names of others are never confirmed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kamtui.core.agreement import adjust_p_values
from kamtui.core.assessments import AnswerRow, Assessment
from kamtui.core.errors import InvalidValueError, KamError
from kamtui.core.healthcheck import RATED, Answer, Report, element_scores_by_respondent
from kamtui.core.served import JOIN_ASSESSMENT_ENV, JOIN_URL_ENV, SERVED_ENV  # noqa: F401 (re-exported)

DEFAULT_MIN_GROUP = 3
MAX_MIN_GROUP = 1000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or copied from a wall
RESUME_CODE_LENGTH = 6
RESPONDENT_CODE_PREFIX = "R-"
RESPONDENT_CODE_LENGTH = 5
UNKNOWN_CODE = RESPONDENT_CODE_PREFIX + "?????"
DIGEST_SCHEME = "hmac-sha256"
SECRET_BYTES = 32

NAMED_REFUSAL = (
    "That name and code do not match a registration here. Coming back? Type your name and the code you "
    "were given. New here? Register under another name (add an initial, for example)."
)
RESULTS_CLOSED = "The results are not open to participants yet: the workshop lead opens them."
ANONYMOUS_REFUSAL = "That code does not match a registration here: check it (6 characters), or register anew."


class ParticipantRefused(KamError):
    """Registering or resuming was refused; the message is the same whatever the reason."""


@dataclass(frozen=True)
class Confidentiality:
    """How an assessment treats its respondents (``assessments.anonymous``, ``min_group``, ``results_open``)."""

    anonymous: bool = False
    min_group: int = DEFAULT_MIN_GROUP
    results_open: bool = False  # participants may see the Results

    def hides_small_groups(self, conceal: bool = False) -> bool:
        """Small role groups are hidden in anonymous assessments (and in any export without names)."""
        return self.anonymous or conceal


@dataclass(frozen=True)
class ParticipantView:
    """What the participant app knows of its assessment: nothing about other respondents but their roles."""

    assessment: Assessment
    options: Confidentiality
    roles: tuple[str, ...]  # the roles already used in the assessment, most used first


@dataclass(frozen=True)
class Participant:
    """A registered (or resumed) participant: the respondent they answer as."""

    respondent_id: int
    name: str  # the generated code in an anonymous assessment
    role: str | None
    resume_code: str | None = None  # only right after registering: shown once, never stored


def check_min_group(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MIN_GROUP:
        raise InvalidValueError(f"{{min_group}} must be a whole number from 1 to {MAX_MIN_GROUP}, got {value!r}")
    return value


def parse_min_group(text: str) -> int:
    """The minimum group size as typed (blank: the default)."""
    cleaned = text.strip()
    if not cleaned:
        return DEFAULT_MIN_GROUP
    if not cleaned.isdigit():
        raise InvalidValueError(f"{{min_group}} must be a whole number from 1 to {MAX_MIN_GROUP}, got '{cleaned}'")
    return check_min_group(int(cleaned))


# -- codes ----------------------------------------------------------------------------------------------


def new_code(length: int = RESUME_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_respondent_code() -> str:
    """A respondent's public code (``R-K7QX2``): what an anonymous respondent is stored and shown as."""
    return RESPONDENT_CODE_PREFIX + new_code(RESPONDENT_CODE_LENGTH)


def clean_code(text: str) -> str:
    """A code as typed (``k7q x2m``, ``K7Q-X2M``) in its stored form (``K7QX2M``)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def show_code(code: str) -> str:
    """A resume code as shown to the participant: two groups of three (``K7Q X2M``)."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}" if len(code) >= 6 else code


def resume_digest(secret: bytes, assessment_id: int, code: str) -> str:
    """What is stored of a resume code: HMAC-SHA256 under the database's secret, bound to the assessment."""
    message = f"{assessment_id}:{clean_code(code)}".encode()
    return f"{DIGEST_SCHEME}${hmac.new(secret, message, hashlib.sha256).hexdigest()}"


def digest_matches(stored: str | None, computed: str) -> bool:
    """Constant-time comparison; a respondent without a stored digest never matches."""
    if not stored:
        hmac.compare_digest(computed, computed)  # the same work either way
        return False
    return hmac.compare_digest(stored.encode(), computed.encode())


# -- small groups -----------------------------------------------------------------------------------------


def _scoring(rows: Iterable[Any]) -> list[Answer]:
    return [
        Answer(respondent=r.respondent, indicator=r.indicator, value=r.value, status=r.status, role=r.role)
        for r in rows
        if r.status is not None
    ]


def role_sizes(rows: Iterable[Any]) -> dict[str, int]:
    """Respondents per role among those who answered (rows: stored answers with ``respondent``, ``role``)."""
    roles: dict[str, str] = {}
    for row in rows:
        if row.status is not None and row.role:
            roles[row.respondent] = row.role
    sizes: dict[str, int] = defaultdict(int)
    for role in roles.values():
        sizes[role] += 1
    return dict(sizes)


def shown_roles(rows: Iterable[Any], min_group: int) -> set[str]:
    """The roles with at least ``min_group`` respondents: the only ones any output names."""
    return {role for role, size in role_sizes(rows).items() if size >= min_group}


def protect_report(
    report: Report,
    rows: Sequence[Any],
    options: Confidentiality,
    *,
    conceal: bool = False,
    codes: Mapping[str, str] | None = None,
) -> Report:
    """``report`` as it may be shown: the confidentiality in its meta (``anonymous``, ``min_group``), and
    where ``options`` (or ``conceal``) hides small groups: role means and gaps only for roles with at
    least ``min_group`` respondents (per element and per statement: that many with a score in it), no
    respondent-by-element scores in an assessment of fewer respondents, roles of small groups left out
    of comments and those scores. Comments of an anonymous assessment carry no respondent and no role.
    ``codes`` (name -> respondent code) replaces every respondent's name. ``rows`` are the stored answers
    it was scored from. Overall, element scores, agreement and the prescription never change."""
    hiding = options.hides_small_groups(conceal)
    meta = {**report.meta, "anonymous": options.anonymous, "min_group": options.min_group if hiding else None}
    if not hiding and not codes:
        return replace(report, meta=meta)

    def name_of(name: str | None) -> str | None:
        if name is None or not codes:
            return name
        return codes.get(name, UNKNOWN_CODE)  # (every respondent has a code: never the name)

    if not hiding:
        return replace(
            report,
            meta=meta,
            comments=tuple(replace(c, respondent=name_of(c.respondent)) for c in report.comments),
            respondent_scores=tuple(replace(r, respondent=name_of(r.respondent)) for r in report.respondent_scores),
        )
    min_group = options.min_group
    answers = _scoring(rows)
    roles = shown_roles(rows, min_group)
    of_role = {a.respondent: a.role for a in answers if a.role}
    scored = element_scores_by_respondent(report.survey, answers)
    rated: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # indicator -> role -> who
    for a in answers:
        if a.status == RATED and a.value is not None and a.respondent in of_role:
            rated[a.indicator][of_role[a.respondent]].add(a.respondent)

    elements = []
    for element in report.elements:
        counts: dict[str, int] = defaultdict(int)
        for who in scored.get(element.id, {}):
            if who in of_role:
                counts[of_role[who]] += 1
        kept = {r for r in element.by_role if r in roles and counts[r] >= min_group}
        elements.append(
            replace(
                element,
                by_role={role: value for role, value in element.by_role.items() if role in kept},
                gaps=tuple(g for g in element.gaps if g.roles[0] in kept and g.roles[1] in kept),
            )
        )
    adjusted = adjust_p_values([e.gaps for e in elements])  # over the gaps that are shown
    elements = [replace(e, gaps=gaps) for e, gaps in zip(elements, adjusted, strict=True)]
    indicators = tuple(
        replace(
            ind,
            by_role={
                role: value
                for role, value in ind.by_role.items()
                if role in roles and len(rated[ind.id][role]) >= min_group
            },
        )
        for ind in report.indicators
    )

    def role_of(role: str | None) -> str | None:
        return role if role in roles else None

    if options.anonymous:
        comments = tuple(replace(c, respondent=None, role=None) for c in report.comments)
    else:
        comments = tuple(replace(c, respondent=name_of(c.respondent), role=role_of(c.role)) for c in report.comments)
    heatmap = ()
    if report.respondents >= min_group:
        heatmap = tuple(
            replace(r, respondent=name_of(r.respondent) or "", role=role_of(r.role))
            for r in report.respondent_scores
        )
    return replace(
        report, elements=tuple(elements), indicators=indicators, comments=comments, respondent_scores=heatmap, meta=meta
    )


def for_participants(report: Report) -> Report:
    """The Results a participant may see (when the lead opens them): no respondent's scores, comments
    without respondent or role; what ``protect_report`` left of the roles stays."""
    return replace(
        report,
        comments=tuple(replace(c, respondent=None, role=None) for c in report.comments),
        respondent_scores=(),
    )


def protect_rows(
    rows: Sequence[AnswerRow],
    respondents: Sequence[dict],
    options: Confidentiality,
    *,
    no_names: bool = False,
) -> tuple[list[AnswerRow], list[dict]]:
    """The answer rows and respondents a workbook lists: names replaced by codes (``no_names``; an
    anonymous assessment has nothing else), and the roles of small groups left out where they are hidden.
    ``respondents`` are the stored ones (``name``, ``role``, ``answered``, ``code``)."""
    hiding = options.hides_small_groups(no_names)
    roles = shown_roles(rows, options.min_group) if hiding else None
    codes: dict[str, str] = {}
    if no_names:  # a respondent without a stored code (never the case through the service) gets a stand-in
        for number, person in enumerate(respondents, 1):
            codes[person["name"]] = person.get("code") or f"{RESPONDENT_CODE_PREFIX}{number:05d}"

    def name_of(name: str) -> str:
        return codes.setdefault(name, f"{RESPONDENT_CODE_PREFIX}{len(codes) + 1:05d}") if no_names else name

    def role_of(role: str | None) -> str | None:
        return role if roles is None or role in roles else None

    protected_people = [{**p, "name": name_of(p["name"]), "role": role_of(p.get("role"))} for p in respondents]
    protected_rows = [
        AnswerRow(name_of(r.respondent), role_of(r.role), r.indicator, r.value, r.status, r.comment) for r in rows
    ]
    return protected_rows, protected_people

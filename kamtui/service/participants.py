"""The participant's operations (README, "Workshops"): open an assessment to answer, register with a
resume code, resume, and whether the Results are open to participants.

A participant never learns anything about another respondent: registering a name that is taken,
resuming with a wrong code and resuming under an unknown name all fail with the same message
(:class:`~kamtui.core.confidential.ParticipantRefused`). In an anonymous assessment no name is asked:
the respondent is stored under a generated code and resumes with their resume code alone.
"""

from __future__ import annotations

from kamtui.core import confidential as rules
from kamtui.core.confidential import Confidentiality, Participant, ParticipantRefused, ParticipantView
from kamtui.core.errors import InvalidValueError
from kamtui.core.healthcheck import Report
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.service.database import Database
from kamtui.store import healthchecks as assessments
from kamtui.store import participants as store

MAX_DRAWS = 20  # resume codes drawn before giving up (another respondent holding the same one is ~1e-9)


def open_assessment(db: Database, assessment_id: int) -> ParticipantView:
    """The assessment a participant answers, its options and the roles already used in it."""
    assessment = assessments.get_assessment(db, assessment_id)
    return ParticipantView(assessment, store.options(db, assessment_id), tuple(store.roles_used(db, assessment_id)))


def options(db: Database, assessment_id: int) -> Confidentiality:
    return store.options(db, assessment_id)


def set_results_open(db: Database, assessment_id: int, value: bool) -> Confidentiality:
    """Let participants see the Results of the assessment (or not); the options as they now are."""
    store.set_results_open(db, assessment_id, value)
    return store.options(db, assessment_id)


def _role(db: Database, assessment_id: int, role: str | None) -> str | None:
    """The role as typed, spelled as an existing role of the assessment when it is the same by the name rule."""
    role = normalise(role or "") or None
    if role is None:
        return None
    problem = name_problem(role, "a role")
    if problem:
        raise InvalidValueError(problem)
    return next((known for known in store.roles_used(db, assessment_id) if name_key(known) == name_key(role)), role)


def register(db: Database, assessment_id: int, name: str | None, role: str | None = None) -> Participant:
    """A new respondent with a resume code (shown once: only its digest is kept). ``name`` is required,
    and must not be taken, unless the assessment is anonymous (then it is ignored)."""
    options = store.options(db, assessment_id)
    if not options.anonymous:
        name = normalise(name or "")
        if not name:
            raise InvalidValueError("a participant needs {respondent}")
        problem = name_problem(name, "a name")
        if problem:
            raise InvalidValueError(problem)
    role = _role(db, assessment_id, role)
    secret = store.secret(db)
    for _ in range(MAX_DRAWS):
        code = rules.new_code()
        try:
            created = store.create(
                db, assessment_id, None if options.anonymous else name, role, rules.resume_digest(secret, assessment_id, code)
            )
        except store.DigestTaken:
            continue
        if created is None:
            raise ParticipantRefused(rules.NAMED_REFUSAL)
        return Participant(created.id, created.name, created.role, code)
    raise ParticipantRefused(rules.ANONYMOUS_REFUSAL if options.anonymous else rules.NAMED_REFUSAL)


def resume(db: Database, assessment_id: int, name: str | None, code: str) -> Participant:
    """The participant registered as ``name`` with resume ``code`` (in an anonymous assessment: the one
    holding ``code``). Every failure is the same :class:`ParticipantRefused`."""
    options = store.options(db, assessment_id)
    refusal = rules.ANONYMOUS_REFUSAL if options.anonymous else rules.NAMED_REFUSAL
    digest = rules.resume_digest(store.secret(db), assessment_id, code)
    if len(rules.clean_code(code)) != rules.RESUME_CODE_LENGTH:
        raise ParticipantRefused(refusal)
    if options.anonymous:
        found = store.by_digest(db, assessment_id, digest)
    else:
        cleaned = normalise(name or "")
        found = store.by_name(db, assessment_id, cleaned) if cleaned else None
    if found is None or not rules.digest_matches(found.resume_hash, digest):
        raise ParticipantRefused(refusal)
    return Participant(found.id, found.name, found.role)


def assign_missing_codes(db: Database, assessment_id: int) -> int:
    """Give every respondent of the assessment a code (what an export without names writes)."""
    return store.assign_missing_codes(db, assessment_id)


def results(db: Database, assessment_id: int) -> Report:
    """The Results a participant may see while the lead has opened them: the assessment's report (its
    confidentiality applied), without a comparison, any respondent's scores or who commented."""
    from kamtui.service.healthcheck import report

    if not store.options(db, assessment_id).results_open:
        raise ParticipantRefused(rules.RESULTS_CLOSED)
    return rules.for_participants(report(db, assessment_id, compare=None))

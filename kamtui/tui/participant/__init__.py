"""The participant app (README, "Workshops"): ``kamtui participate ID``, and what a join link opens.

One assessment, one respondent: register (or resume with a code), answer, see your progress, a finished
screen, and the Results only when the lead opens them. :func:`make_participant_app` builds it.
"""

from kamtui.tui.participant.app import ParticipantApp, make_participant_app

__all__ = ["ParticipantApp", "make_participant_app"]

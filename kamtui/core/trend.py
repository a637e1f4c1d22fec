"""Which earlier assessment a report's trend compares with, when a person does not say (README,
"Healthcheck"): the programme's previous assessment, the command line and the app alike."""

from __future__ import annotations

from typing import Literal

PREVIOUS: Literal["previous"] = "previous"

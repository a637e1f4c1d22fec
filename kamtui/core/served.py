"""What ``kamtui serve`` tells the app process of a browser tab (README, "Workshops"): that it is served,
and (the lead's app only) the join link to show on the Join screen. Plain names, importable at no cost."""

from __future__ import annotations

SERVED_ENV = "KAMTUI_SERVED"
JOIN_URL_ENV = "KAMTUI_JOIN_URL"
JOIN_ASSESSMENT_ENV = "KAMTUI_JOIN_ASSESSMENT"

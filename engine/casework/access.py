"""Roles: who the lanes of a diagram are, and which roles are medical."""

from __future__ import annotations

import re

CASE_ROLES = (
    "employer",
    "occupational_physician",
    "advisory_physician",
    "rtw_coordinator",
    "regional_counsellor",
    "medical_inspector",
    "employee",
    "treating_physician",
)
"""Roles that appear as lanes in the diagrams."""

STAFF_ROLES = ("process_owner", "compliance_officer", "admin", "supervisor")
"""``supervisor`` (issue 17): told when a term of its organisations expires (``notifications``); no access."""
LANE_STAFF_ROLES = ("compliance_officer",)
"""Staff roles that may also be lanes: a compliance officer reviews what the engine may not decide alone."""
ROLES = CASE_ROLES + STAFF_ROLES
CASE_OPENERS = ("employer", "occupational_physician", "advisory_physician", "rtw_coordinator", "admin")
"""Roles that may open a case (for an organisation they work for; admin for any)."""
MEDICAL_ROLES = frozenset({"occupational_physician", "advisory_physician", "treating_physician", "medical_inspector"})

_LANE_ALIASES = {
    "hr": "employer",
    "oa": "occupational_physician",
    "aa": "advisory_physician",
    "tnwc": "rtw_coordinator",
    "back_to_work_coordinator": "rtw_coordinator",
    "return_to_work_coordinator": "rtw_coordinator",
}


def is_medical(roles: tuple[str, ...] | list[str]) -> bool:
    """Whether any of ``roles`` may see fields classified medical."""
    return bool(MEDICAL_ROLES.intersection(roles))


def role_for_lane(lane_name: str | None) -> str | None:
    """Map a lane's name to a case role ("Occupational physician" → ``occupational_physician``), or to a staff
    role that works on cases (``compliance_officer``)."""
    if not lane_name:
        return None
    key = re.sub(r"[^a-z0-9]+", "_", lane_name.strip().lower()).strip("_")
    key = _LANE_ALIASES.get(key, key)
    return key if key in CASE_ROLES + LANE_STAFF_ROLES else None

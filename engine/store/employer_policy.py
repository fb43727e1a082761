"""An employer's policy as the 2026 rules read it: its headcount and its cadence of contact with absent workers.

Decisions (issue 16):
- The headcount is what the employer declares; unknown stays unknown (``None``): a procedure that needs it
  says so instead of guessing.
- The cadence is the one the employer's work regulations set (art. I.4-71/2); the law sets no number, so an
  employer without one gets ``DEFAULT_CONTACT_EVERY_DAYS``, a product choice. Every instance learns both when it
  starts (``case_context``); a change applies to procedures started after it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..law import deadlines
from .account_models import Organisation

DEFAULT_CONTACT_EVERY_DAYS: int = deadlines.find("T20").regimes[-1].duration
"""The contact cadence of an employer whose work regulations set none: the T20 row's duration in
``processes/deadlines.toml`` (28 days: four weeks, like the first contact, T01), the one place it is set."""
CONTACT_DAYS = (7, 92)
"""The cadences accepted: at least weekly (more often would be control), at most quarterly."""
MAX_HEADCOUNT = 1_000_000


def case_context(session: Session, employer: str) -> dict[str, int | None]:
    """What every instance of a case of ``employer`` learns of its policy (an unknown employer: the defaults)."""
    row = session.scalar(select(Organisation).where(Organisation.name == employer))
    return {"employer_headcount": row.headcount if row else None,
            "contact_every_days": (row.contact_every_days if row else None) or DEFAULT_CONTACT_EVERY_DAYS}


def problems(headcount: int | None, contact_every_days: int | None) -> dict[str, list[str]]:
    """The fields of a policy that are out of range, with why."""
    errors: dict[str, list[str]] = {}
    if headcount is not None and not 0 <= headcount <= MAX_HEADCOUNT:
        errors["headcount"] = [f"headcount_range: 0-{MAX_HEADCOUNT}"]
    if contact_every_days is not None and not CONTACT_DAYS[0] <= contact_every_days <= CONTACT_DAYS[1]:
        errors["contact_every_days"] = [f"contact_days_range: {CONTACT_DAYS[0]}-{CONTACT_DAYS[1]}"]
    return errors

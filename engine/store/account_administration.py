"""The engine's account administration (``Engine.administration``): admins manage accounts and organisations.

Every operation needs an active admin (``NotAllowed`` otherwise), is one unit of work and appends an audit event
to the ``accounts`` stream naming the admin and what changed; never a password or its hash.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..errors import NotAllowed
from ..wiring import Wiring
from . import administration, audit, queries
from .account_models import Organisation
from .administration import AccountView, OrganisationView
from .models import User


class AccountAdministration:
    """Accounts and organisations, for admins. Composed into the facade as ``administration``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def accounts(self, admin_id: int, *, search: str = "") -> list[AccountView]:
        """Every account (or those whose username or name contains ``search``), by username."""
        with self._wiring.database.unit_of_work() as session:
            _admin(session, admin_id)
            return [administration.account_view(u) for u in administration.find_accounts(session, search)]

    def account(self, admin_id: int, user_id: int) -> AccountView:
        """One account; ``NotFound`` when it does not exist."""
        with self._wiring.database.unit_of_work() as session:
            _admin(session, admin_id)
            return administration.account_view(queries.get(session, User, user_id, "user"))

    def add_account(self, admin_id: int, *, username: str, password: str, display_name: str, roles: list[str],
                    organisations: list[str], language: str = "nl") -> AccountView:
        """Create an account; ``InvalidInput`` per field (a weak password, an unknown organisation), ``Conflict``
        for a taken username. Its user must change the password at the first sign-in."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            user = administration.add(session, username=username, password=password, display_name=display_name,
                                      roles=roles, organisations=organisations, language=language)
            self._audit(session, admin, "user_created", user, after={
                "username": user.username, "display_name": user.display_name, "roles": user.roles,
                "organisations": user.organisations, "language": user.language})
            result = administration.account_view(user)
            session.commit()
        return result

    def change_account(self, admin_id: int, user_id: int, changes: dict) -> AccountView:
        """Change display name, roles, organisations or language; ``NotAllowed`` to take the last admin's role."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            user = queries.get(session, User, user_id, "user")
            changed = administration.change(session, user, changes)
            if changed:
                self._audit(session, admin, "user_changed", user, before={k: v[0] for k, v in changed.items()},
                            after={k: v[1] for k, v in changed.items()})
            result = administration.account_view(user)
            session.commit()
        return result

    def disable_account(self, admin_id: int, user_id: int) -> AccountView:
        """Disable an account: its sessions and API tokens stop working at the next request, and its claimed
        ready work items are released."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            user = queries.get(session, User, user_id, "user")
            if user.is_active:
                revoked = administration.disable(session, user, self._wiring.clock.now(), admin.username)
                self._audit(session, admin, "user_disabled", user, after=revoked)
            result = administration.account_view(user)
            session.commit()
        return result

    def enable_account(self, admin_id: int, user_id: int) -> AccountView:
        """Enable a disabled account again (it signs in anew; no old session or token comes back)."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            user = queries.get(session, User, user_id, "user")
            if not user.is_active:
                user.is_active = True
                self._audit(session, admin, "user_enabled", user)
            result = administration.account_view(user)
            session.commit()
        return result

    def reset_password(self, admin_id: int, user_id: int, password: str | None = None) -> str | None:
        """Set a new password, or generate one (returned once); the user's sessions end, and the user must change
        it at the next sign-in. ``InvalidInput`` for a weak password."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            user = queries.get(session, User, user_id, "user")
            generated = administration.reset_password(session, user, password)
            self._audit(session, admin, "password_reset", user, after={"generated": generated is not None})
            session.commit()
        return generated

    def change_password(self, user_id: int, current: str, new: str, *, session_token: str) -> None:
        """Change my own password (the current one first); my other sessions end, this one stays."""
        with self._wiring.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            administration.change_own_password(session, user, current, new, session_token)
            self._audit(session, user, "password_changed", user)
            session.commit()

    def must_change_password(self, user_id: int) -> bool:
        """Whether the user signs in with a password an admin set, which they must change first."""
        with self._wiring.database.unit_of_work() as session:
            return bool(queries.get(session, User, user_id, "user").must_change_password)

    def organisations(self, admin_id: int) -> list[OrganisationView]:
        """Every organisation, by name."""
        with self._wiring.database.unit_of_work() as session:
            _admin(session, admin_id)
            return [administration.organisation_view(row) for row in administration.organisations(session)]

    def add_organisation(self, admin_id: int, *, name: str, kind: str) -> OrganisationView:
        """A new organisation; ``InvalidInput`` per field, ``Conflict`` when the name exists (in any case)."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            row = administration.add_organisation(session, name, kind)
            audit.append(session, "accounts", at=self._wiring.clock.now(), actor=admin.username,
                         action="organisation_created", after={"name": row.name, "kind": row.kind})
            result = administration.organisation_view(row)
            session.commit()
        return result

    def set_organisation_active(self, admin_id: int, organisation_id: int, *, is_active: bool) -> OrganisationView:
        """Deactivate an organisation (accounts can no longer be given it) or reactivate it."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            row = queries.get(session, Organisation, organisation_id, "organisation")
            if row.is_active != is_active:
                row.is_active = is_active
                audit.append(session, "accounts", at=self._wiring.clock.now(), actor=admin.username,
                             action="organisation_reactivated" if is_active else "organisation_deactivated",
                             after={"name": row.name})
            result = administration.organisation_view(row)
            session.commit()
        return result

    def set_employer_policy(self, admin_id: int, organisation_id: int, *, headcount: int | None,
                            contact_every_days: int | None) -> OrganisationView:
        """Record an employer's headcount (T05, T35) and contact cadence (T20; None: the product default)."""
        with self._wiring.database.unit_of_work() as session:
            admin = _admin(session, admin_id)
            row = queries.get(session, Organisation, organisation_id, "organisation")
            before = administration.set_employer_policy(row, headcount, contact_every_days)
            after = {"headcount": row.headcount, "contact_every_days": row.contact_every_days}
            if after != before:
                audit.append(session, "accounts", at=self._wiring.clock.now(), actor=admin.username,
                             action="employer_policy_changed", before={"name": row.name, **before},
                             after={"name": row.name, **after})
            result = administration.organisation_view(row)
            session.commit()
        return result

    def _audit(self, session: Session, actor: User, action: str, user: User, *, before: dict | None = None,
               after: dict | None = None) -> None:
        audit.append(session, "accounts", at=self._wiring.clock.now(), actor=actor.username, action=action,
                     before=before, after={"username": user.username, **(after or {})})


def _admin(session: Session, user_id: int) -> User:
    user = queries.get(session, User, user_id, "user")
    if not user.is_active or "admin" not in user.roles:
        raise NotAllowed("only an admin may manage accounts")
    return user

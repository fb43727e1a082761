"""The REST API of account administration under /api/v1 (admin tokens only; others get 403).

Same conventions as ``api``: a bearer token, JSON bodies, the one error shape. Passwords go in, never out,
except a generated one, which the reset answers once.
"""

from __future__ import annotations

from flask import Blueprint, request

import engine

from .api import _body, _field, _json, _user, authenticate
from .context import current_engine

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
ACCOUNT_FIELDS = {"username", "password", "display_name", "roles", "organisations", "language"}
CHANGE_FIELDS = {"display_name", "roles", "organisations", "language"}


def _only(body: dict, allowed: set[str]) -> dict:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise engine.InvalidInput(f"unknown fields: {', '.join(unknown)}", {key: ["unknown field"] for key in unknown})
    return body


def _names(body: dict, name: str) -> list[str]:
    values = _field(body, name, list)
    if not all(isinstance(v, str) for v in values):
        raise engine.InvalidInput(f"'{name}' must be a list of strings", {name: ["a list of strings"]})
    return values


@bp.get("/accounts")
def accounts():  # type: ignore[no-untyped-def]
    """Every account, or those whose username or display name contains ``search``."""
    return _json(current_engine().administration.accounts(_user().id, search=request.args.get("search", "")))


@bp.post("/accounts")
def add_account():  # type: ignore[no-untyped-def]
    """Create an account; its user must change the password at the first sign-in."""
    body = _only(_body(), ACCOUNT_FIELDS)
    account = current_engine().administration.add_account(
        _user().id, username=_field(body, "username", str), password=_field(body, "password", str),
        display_name=_field(body, "display_name", str), roles=_names(body, "roles"),
        organisations=_names(body, "organisations") if "organisations" in body else [],
        language=_field(body, "language", str, "nl"))
    return _json(account, 201)


@bp.route("/accounts/<int:user_id>", methods=["GET", "PATCH"])
def account(user_id: int):  # type: ignore[no-untyped-def]
    """One account (GET); change its display name, roles, organisations or language (PATCH, the fields sent).

    One rule for both methods: with two, werkzeug answers a PATCH to an id beyond 2^31 - 1 with 405, not 404."""
    if request.method == "GET":
        return _json(current_engine().administration.account(_user().id, user_id))
    body = _only(_body(), CHANGE_FIELDS)
    changes = {name: _names(body, name) for name in ("roles", "organisations") if name in body}
    changes |= {name: _field(body, name, str) for name in ("display_name", "language") if name in body}
    return _json(current_engine().administration.change_account(_user().id, user_id, changes))


@bp.post("/accounts/<int:user_id>/disable")
def disable(user_id: int):  # type: ignore[no-untyped-def]
    """Disable an account: its sessions and tokens stop working now."""
    return _json(current_engine().administration.disable_account(_user().id, user_id))


@bp.post("/accounts/<int:user_id>/enable")
def enable(user_id: int):  # type: ignore[no-untyped-def]
    """Enable a disabled account."""
    return _json(current_engine().administration.enable_account(_user().id, user_id))


@bp.post("/accounts/<int:user_id>/password")
def reset_password(user_id: int):  # type: ignore[no-untyped-def]
    """Set the password sent, or generate one (answered once); the user's sessions end."""
    body = _only(_body(), {"password"}) if request.get_data() else {}
    password = _field(body, "password", str) if "password" in body else None
    generated = current_engine().administration.reset_password(_user().id, user_id, password)
    return _json({"password": generated})


@bp.get("/organisations")
def organisations():  # type: ignore[no-untyped-def]
    """Every organisation."""
    return _json(current_engine().administration.organisations(_user().id))


@bp.post("/organisations")
def add_organisation():  # type: ignore[no-untyped-def]
    """Add an organisation of a kind (employer, prevention_service, sickness_fund, ...)."""
    body = _only(_body(), {"name", "kind"})
    organisation = current_engine().administration.add_organisation(_user().id, name=_field(body, "name", str),
                                                                    kind=_field(body, "kind", str))
    return _json(organisation, 201)


@bp.post("/organisations/<int:organisation_id>/deactivate")
def deactivate(organisation_id: int):  # type: ignore[no-untyped-def]
    """Deactivate an organisation: no account can be given it any more."""
    return _json(current_engine().administration.set_organisation_active(_user().id, organisation_id, is_active=False))


@bp.post("/organisations/<int:organisation_id>/activate")
def activate(organisation_id: int):  # type: ignore[no-untyped-def]
    """Activate an organisation again."""
    return _json(current_engine().administration.set_organisation_active(_user().id, organisation_id, is_active=True))


@bp.put("/organisations/<int:organisation_id>/policy")
def set_policy(organisation_id: int):  # type: ignore[no-untyped-def]
    """Set an employer's headcount and contact cadence in days (null: unknown, or the product default)."""
    body = _only(_body(), {"headcount", "contact_every_days"})
    values = {name: body.get(name) for name in ("headcount", "contact_every_days")}
    wrong = {name: ["a whole number or null"] for name, value in values.items()
             if value is not None and (isinstance(value, bool) or not isinstance(value, int))}
    if wrong:
        raise engine.InvalidInput("a whole number or null", wrong)
    return _json(current_engine().administration.set_employer_policy(_user().id, organisation_id, **values))

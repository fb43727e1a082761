"""Admin pages under /admin: accounts (create, change, disable, reset password), organisations, and which processes
need a second process owner's approval to deploy.

Every page asks the engine, which refuses anyone but an active admin (403). Refused data re-shows the form with
each message at its field, in the reader's language.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

import engine

from .context import current_engine
from .labels import ROLE_NAMES

bp = Blueprint("admin", __name__, url_prefix="/admin")
KIND_NAMES = {
    "employer": lazy_gettext("Employer"),
    "prevention_service": lazy_gettext("Prevention service"),
    "sickness_fund": lazy_gettext("Sickness fund"),
    "regional_service": lazy_gettext("Regional employment service"),
    "inspectorate": lazy_gettext("Medical inspectorate"),
    "other": lazy_gettext("Other"),
}


def _me() -> int:
    return current_user.view.id


@bp.get("/accounts")
@login_required
def accounts():  # type: ignore[no-untyped-def]
    """List the accounts, or those whose username or name holds the search text."""
    search = request.args.get("search", "")
    found = current_engine().administration.accounts(_me(), search=search)
    return render_template("admin/accounts.html", accounts=found, search=search)


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new_account():  # type: ignore[no-untyped-def]
    """Show the form for a new account; create it (its user changes the password at the first sign-in)."""
    eng = current_engine()
    organisations = [o for o in eng.administration.organisations(_me()) if o.is_active]
    if request.method == "GET":
        return _account_form(None, organisations, MultiDict({"language": "nl"}), {})
    form = request.form
    try:
        account = eng.administration.add_account(
            _me(), username=form.get("username", ""), password=form.get("password", ""),
            display_name=form.get("display_name", ""), roles=form.getlist("roles"),
            organisations=form.getlist("organisations"), language=form.get("language", ""))
    except engine.InvalidInput as err:
        return _account_form(None, organisations, form, field_texts(err.fields), 422)
    except engine.Conflict:
        return _account_form(None, organisations, form, {"username": [_("This username is taken.")]}, 409)
    flash(_("Account %(username)s created. Give the user the password; they choose a new one at the first "
            "sign-in.", username=account.username), "info")
    return redirect(url_for("admin.account", user_id=account.id))


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@login_required
def account(user_id: int):  # type: ignore[no-untyped-def]
    """Show one account; save changes to its name, language, roles and organisations."""
    eng = current_engine()
    shown = eng.administration.account(_me(), user_id)
    organisations = eng.administration.organisations(_me())
    if request.method == "GET":
        return _account_form(shown, organisations, _values(shown), {})
    form = request.form
    changes = {"display_name": form.get("display_name", ""), "language": form.get("language", ""),
               "roles": form.getlist("roles"), "organisations": form.getlist("organisations")}
    if "email" in form:
        changes["email"] = form["email"]
    try:
        eng.administration.change_account(_me(), user_id, changes)
    except engine.InvalidInput as err:
        return _account_form(shown, organisations, form, field_texts(err.fields), 422)
    except engine.NotAllowed as err:
        if not _is_last_admin(err):
            raise
        return _account_form(shown, organisations, form, {"roles": [_last_admin()]}, 403)
    flash(_("The account was saved."), "info")
    return redirect(url_for("admin.account", user_id=user_id))


def _values(shown: engine.AccountView) -> MultiDict:
    return MultiDict([("display_name", shown.display_name), ("language", shown.language), ("email", shown.email or ""),
                      *[("roles", r) for r in shown.roles], *[("organisations", o) for o in shown.organisations]])


def _account_form(shown: engine.AccountView | None, organisations: list, values: MultiDict, errors: dict,
                  status: int = 200, password_errors: list | None = None):  # type: ignore[no-untyped-def]
    active = [o.name for o in organisations if o.is_active]
    held = [name for name in (shown.organisations if shown else ()) if name not in active]
    return render_template("admin/account.html", account=shown, organisation_names=active + held, values=values,
                           errors=errors, password_errors=password_errors or [], roles=list(ROLE_NAMES)), status


@bp.post("/accounts/<int:user_id>/disable")
@login_required
def disable(user_id: int):  # type: ignore[no-untyped-def]
    """Disable the account: its sessions and API tokens stop working now."""
    try:
        account = current_engine().administration.disable_account(_me(), user_id)
    except engine.NotAllowed as err:
        if not _is_last_admin(err):
            raise
        flash(_last_admin(), "error")
        return redirect(url_for("admin.account", user_id=user_id))
    flash(_("Account %(username)s disabled; its sessions and API tokens no longer work.",
            username=account.username), "info")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/accounts/<int:user_id>/enable")
@login_required
def enable(user_id: int):  # type: ignore[no-untyped-def]
    """Enable the account again."""
    account = current_engine().administration.enable_account(_me(), user_id)
    flash(_("Account %(username)s enabled.", username=account.username), "info")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/accounts/<int:user_id>/password")
@login_required
def reset_password(user_id: int):  # type: ignore[no-untyped-def]
    """Set the password typed, or generate one and show it once; the user's sessions end."""
    eng = current_engine()
    typed = request.form.get("password", "") if request.form.get("generate") != "yes" else ""
    try:
        generated = eng.administration.reset_password(_me(), user_id, typed or None)
    except engine.InvalidInput as err:
        shown = eng.administration.account(_me(), user_id)
        return _account_form(shown, eng.administration.organisations(_me()), _values(shown), {}, 422,
                             password_errors=field_texts(err.fields).get("password", []))
    shown = eng.administration.account(_me(), user_id)
    flash(_("The password was reset; the user must change it at the next sign-in."), "info")
    if generated is None:
        return redirect(url_for("admin.account", user_id=user_id))
    return render_template("admin/password.html", account=shown, generated=generated)


@bp.route("/organisations", methods=["GET", "POST"])
@login_required
def organisations():  # type: ignore[no-untyped-def]
    """List the organisations; add one."""
    eng = current_engine()
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            added = eng.administration.add_organisation(_me(), name=request.form.get("name", ""),
                                                        kind=request.form.get("kind", ""))
            flash(_("Organisation %(name)s added.", name=added.name), "info")
            return redirect(url_for("admin.organisations"))
        except engine.InvalidInput as err:
            errors, status = field_texts(err.fields), 422
        except engine.Conflict:
            errors, status = {"name": [_("An organisation with this name exists.")]}, 409
    return render_template("admin/organisations.html", organisations=eng.administration.organisations(_me()),
                           errors=errors, values=request.form, kind_names=KIND_NAMES,
                           default_contact_days=engine.DEFAULT_CONTACT_EVERY_DAYS), status


@bp.post("/organisations/<int:organisation_id>/policy")
@login_required
def set_policy(organisation_id: int):  # type: ignore[no-untyped-def]
    """Record an employer's headcount and contact cadence; refused values re-show at their fields."""
    eng = current_engine()
    values = {name: request.form.get(name, "").strip() for name in ("headcount", "contact_every_days")}
    errors = {name: [_("A whole number.")] for name, value in values.items() if value and not value.isdigit()}
    if not errors:
        try:
            eng.administration.set_employer_policy(_me(), organisation_id,
                                                   **{name: int(v) if v else None for name, v in values.items()})
            flash(_("The employer's policy was saved."), "info")
            return redirect(url_for("admin.organisations"))
        except engine.InvalidInput as err:
            errors = field_texts(err.fields)
    return render_template("admin/organisations.html", organisations=eng.administration.organisations(_me()),
                           errors={}, values={}, kind_names=KIND_NAMES, policy_errors={organisation_id: errors},
                           policy_values={organisation_id: values},
                           default_contact_days=engine.DEFAULT_CONTACT_EVERY_DAYS), 422


@bp.post("/organisations/<int:organisation_id>/active")
@login_required
def set_active(organisation_id: int):  # type: ignore[no-untyped-def]
    """Deactivate or reactivate an organisation."""
    current_engine().administration.set_organisation_active(_me(), organisation_id,
                                                             is_active=request.form.get("active") == "yes")
    return redirect(url_for("admin.organisations"))


@bp.route("/approvals", methods=["GET", "POST"])
@login_required
def approvals():  # type: ignore[no-untyped-def]
    """Which processes need a second process owner's approval before a deploy (four eyes); change one."""
    eng = current_engine()
    if request.method == "POST":
        is_required = request.form.get("required") == "yes"
        setting = eng.reviews.set_required(request.form.get("process_id", ""), is_required, user_id=_me())
        flash(_("Deploys of %(process)s now need a second process owner's approval.", process=setting.process_id)
              if is_required else _("Deploys of %(process)s no longer need a second process owner's approval.",
                                    process=setting.process_id), "info")
        return redirect(url_for("admin.approvals"))
    return render_template("admin/approvals.html", settings=eng.reviews.settings(user_id=_me()))


def _is_last_admin(error: engine.NotAllowed) -> bool:
    return {"reason": "last_admin"} in error.details


def _last_admin() -> str:
    return _("The last active administrator can be neither disabled nor lose the administrator role.")


def field_texts(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's messages per field in the reader's language (their code is the part before the colon)."""
    return {name: [_message(m) for m in messages] for name, messages in fields.items()}


def _message(message: str) -> str:
    code, _colon, detail = message.partition(": ")
    texts = {
        "too_short": _("At least 12 characters."),
        "too_long": _("At most 200 characters."),
        "too_personal": _("The password may not contain the username or the name."),
        "too_guessable": _("This password is too easy to guess. Use a few uncommon words."),
        "unknown_organisation": _("Unknown or inactive organisation: %(names)s.", names=detail),
        "wrong_password": _("This is not your current password."),
        "same_password": _("Choose a password other than the current one."),
        "required": _("Required."),
        "required, at most 100 characters": _("Required, at most 100 characters."),
        "required, at most 200 characters": _("Required, at most 200 characters."),
        "unknown roles": _("Unknown role: %(names)s.", names=detail),
        "at least one role": _("Choose at least one role."),
        "one of nl, fr, en": _("Choose a language."),
        "headcount_range": _("Between %(range)s.", range=detail),
        "contact_days_range": _("Between %(range)s days.", range=detail),
        "not_an_employer": _("Only an employer has a headcount and a contact cadence."),
        "not_an_address": _("Not an e-mail address (name@example.be)."),
    }
    if code.startswith("one of "):
        return _("Choose one of the list.")
    return texts.get(code, message)

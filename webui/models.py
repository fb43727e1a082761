"""Process owners' workbench: versions, drafts in the bpmn-js modeler, form editing, validation and deploy."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

import engine

from . import formfields
from .account import LANGUAGES
from .context import current_engine, language
from .inputs import whole_number
from .labels import ROLE_NAMES, rule_text
from .modeler_texts import bpmn_js_texts, element_type_names
from .problem_texts import message_text
from .vendor_files import vendor_response

bp = Blueprint("models", __name__, url_prefix="/models")


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    """List each process with its versions and open drafts."""
    eng, user_id = current_engine(), current_user.view.id
    versions = eng.versions(user_id=user_id)
    processes: dict[str, list[engine.VersionSummary]] = {}
    for summary in versions:
        processes.setdefault(summary.version.process_id, []).append(summary)
    return render_template("models/index.html", processes=processes, drafts=eng.drafts(user_id=user_id),
                           incidents=eng.incidents.find(user_id=user_id))


@bp.post("/<process_id>/drafts")
@login_required
def new_draft(process_id: str):  # type: ignore[no-untyped-def]
    """Start a draft from the newest version of a process."""
    draft = current_engine().create_draft(process_id, user_id=current_user.view.id)
    return redirect(url_for("models.draft", draft_id=draft.id))


@bp.post("/import")
@login_required
def import_model():  # type: ignore[no-untyped-def]
    """Bring a .bpmn file or a zip of BPMN and forms into a new draft, then open it with every problem listed."""
    eng, upload = current_engine(), request.files.get("model")
    if upload is None or not upload.filename:
        flash(_("Choose a BPMN file or a zip to import."), "error")
        return redirect(url_for("models.index"))
    try:
        imported = eng.import_draft(upload.filename, upload.read(), user_id=current_user.view.id)
    except engine.InvalidInput as err:
        flash(_("Nothing was imported: %(reason)s", reason=message_text(err.message)), "error")
        return redirect(url_for("models.index"))
    if imported.made_executable:
        flash(_("Marked executable on import, so that it can run: %(processes)s.",
                processes=", ".join(imported.made_executable)), "info")
    return redirect(url_for("models.draft", draft_id=imported.draft.id, imported=1))


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int):  # type: ignore[no-untyped-def]
    """The modeler on a draft; just after an import (``imported``), with the problems validation finds marked."""
    eng, user_id = current_engine(), current_user.view.id
    view = eng.draft(draft_id, user_id=user_id)
    if request.args.get("imported"):
        return _draft_page(view, eng.validate_draft(draft_id, user_id=user_id), is_imported=True)
    return _draft_page(view, None)


def _draft_page(draft: engine.DraftView, problems: list | None, status: int = 200,  # type: ignore[no-untyped-def]
                *, is_imported: bool = False):
    palette = current_engine().palette(draft.id)
    main_file = next((name for name, xml in sorted(draft.files.items()) if f'id="{draft.process_id}"' in xml),
                     next(iter(sorted(draft.files))))
    urls = {"save": url_for("models.save_file", draft_id=draft.id),
            "validate": url_for("models.validate", draft_id=draft.id),
            "deploy": url_for("models.deploy", draft_id=draft.id),
            "form_editor": url_for("models.draft", draft_id=draft.id) + "/forms/"}
    return render_template("models/draft.html", draft=draft, main_file=main_file, palette=_palette(palette),
                           urls=urls, problems=problems, is_imported=is_imported, bpmn_js_texts=bpmn_js_texts(),
                           element_types=element_type_names()), status


def _palette(palette: engine.Palette) -> dict:
    rules = [{**rule.__dict__, "title": rule_text(rule.id, "title", rule.title),
              "legal_source": rule_text(rule.id, "legal_source", rule.legal_source),
              "acting": str(ROLE_NAMES.get(rule.acting_role, rule.acting_role))} for rule in palette.rules]
    return {"rules": rules, "forms": list(palette.forms),
            "roles": [{"id": role, "label": str(ROLE_NAMES.get(role, role))} for role in palette.roles],
            "messages": list(palette.messages)}


@bp.post("/drafts/<int:draft_id>/files")
@login_required
def save_file(draft_id: int):  # type: ignore[no-untyped-def]
    """Save one BPMN file of a draft (JSON: file, xml, revision); 409 when a colleague saved meanwhile."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("xml"), str) or not isinstance(body.get("revision"), int) or not body.get("file"):
        return jsonify({"error": "invalid_input", "message": _("Send file, xml and revision."), "details": []}), 400
    saved = current_engine().save_draft(draft_id, files={str(body["file"]): body["xml"]},
                                        expected_revision=body["revision"], user_id=current_user.view.id)
    return jsonify({"revision": saved.revision, "updated_by": saved.updated_by,
                    "updated_at": saved.updated_at.isoformat()})


@bp.post("/drafts/<int:draft_id>/validate")
@login_required
def validate(draft_id: int):  # type: ignore[no-untyped-def]
    """The problems a deploy of the saved draft would meet, and the warnings it would give, each with its element
    id."""
    checked = current_engine().check_draft(draft_id, user_id=current_user.view.id)
    return jsonify({"problems": [_problem(p) for p in checked.problems],
                    "warnings": [_problem(p) for p in checked.warnings]})


def _problem(problem: engine.Problem) -> dict:
    return {"element_id": problem.element_id, "message": message_text(problem.message), "file": problem.file,
            "line": problem.line}


@bp.post("/drafts/<int:draft_id>/deploy")
@login_required
def deploy(draft_id: int):  # type: ignore[no-untyped-def]
    """Deploy the saved draft as a new version; the problems are shown on the diagram when it is refused."""
    eng = current_engine()
    if request.form.get("confirmed") != "yes":
        flash(_("Confirm the deploy: a deployed version cannot be withdrawn."), "error")
        return _draft_page(eng.draft(draft_id, user_id=current_user.view.id), None, 422)
    try:
        versions = eng.deploy_draft(draft_id, comment=request.form.get("comment", ""), user_id=current_user.view.id)
    except engine.InvalidModel as err:
        return _draft_page(eng.draft(draft_id), err.problems, 422)
    except engine.InvalidInput:
        flash(_("Say why this version exists: a deploy needs a comment."), "error")
        return _draft_page(eng.draft(draft_id), None, 422)
    except engine.NotAllowed as err:
        flash(message_text(err.message), "error")
        return _draft_page(eng.draft(draft_id, user_id=current_user.view.id), None, 403)
    names = ", ".join(f"{v.process_id} {_('version')} {v.version}" for v in versions) or _("nothing changed")
    flash(_("Deployed: %(names)s.", names=names), "info")
    for warning in versions.warnings:
        flash(_("Warning on %(element)s: %(message)s", element=warning.element_id or warning.file or "-",
                message=message_text(warning.message)), "warning")
    return redirect(url_for("models.index"))


@bp.get("/drafts/<int:draft_id>/forms/<name>")
@login_required
def form(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """Edit one form of a draft as JSON, with the preview case workers will see."""
    eng = current_engine()
    draft_view = eng.draft(draft_id, user_id=current_user.view.id)
    schema = eng.form_source(draft_id, name)
    return _form_page(draft_view, name, json.dumps(schema, indent=2, ensure_ascii=False), schema, [])


def _form_page(draft_view: engine.DraftView, name: str, text: str, schema: dict | None, problems: list[str],
               status: int = 200):  # type: ignore[no-untyped-def]
    chosen = _preview_language()
    return render_template("models/form.html", draft=draft_view, name=name, text=text, problems=problems,
                           preview=_preview(schema, chosen), preview_language=chosen), status


@bp.post("/drafts/<int:draft_id>/forms/<name>")
@login_required
def save_form(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """Save a form into the draft, or show the preview; problems are listed and nothing is lost."""
    eng = current_engine()
    draft_view = eng.draft(draft_id, user_id=current_user.view.id)
    text = request.form.get("schema", "")
    schema, problems = _checked(text)
    if problems or request.form.get("action") == "preview":
        return _form_page(draft_view, name, text, schema, problems, 422 if problems else 200)
    revision = request.form.get("revision", "")
    eng.save_draft(draft_id, forms={name: text}, expected_revision=_revision(revision),
                   user_id=current_user.view.id)
    flash(_("Form saved in the draft."), "info")
    return redirect(url_for("models.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/forms/<name>/preview")
@login_required
def preview_form(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """The live preview of the form being typed (field ``schema``): its HTML in ``language``, and its problems."""
    current_engine().draft(draft_id, user_id=current_user.view.id)
    schema, problems = _checked(request.form.get("schema", ""))
    return jsonify({"html": _preview(schema, _preview_language()), "problems": problems})


def _checked(text: str) -> tuple[dict | None, list[str]]:
    """The form in ``text`` (none unless it is a JSON object) and every problem a deploy would refuse it for."""
    eng = current_engine()
    try:
        schema = eng.form_json(text)
    except engine.InvalidInput as err:
        return None, [_("Not valid JSON: %(error)s", error=message_text(err.message))]
    if not isinstance(schema, dict):
        return None, [_("A form is a JSON object.")]
    return (schema if eng.form_is_drawable(schema) else None), [message_text(p) for p in eng.form_problems(schema)]


def _revision(raw: str) -> int:
    number = whole_number(raw)
    return -1 if number is None else number


def _preview_language() -> str:
    chosen = request.values.get("language", "")
    return chosen if chosen in LANGUAGES else language()


def _preview(schema: dict | None, chosen: str) -> Markup:
    """The form as case workers reading ``chosen`` see it; the page and the live preview both draw it here."""
    if schema is None:
        return Markup("")
    titles = schema.get("x-title")
    with force_locale(chosen):
        return Markup(render_template("models/_form_preview.html", fields=formfields.fields(schema, chosen),
                                      title=titles.get(chosen) if isinstance(titles, dict) else None))


@bp.get("/versions/<int:definition_id>/archive")
@login_required
def version_archive(definition_id: int):  # type: ignore[no-untyped-def]
    """A deployed version as a zip: its BPMN, forms and the deadline rules it runs with."""
    name, content = current_engine().version_archive(definition_id, user_id=current_user.view.id)
    return zip_download(name, content)


@bp.get("/drafts/<int:draft_id>/archive")
@login_required
def draft_archive(draft_id: int):  # type: ignore[no-untyped-def]
    """A draft as last saved, as a zip."""
    name, content = current_engine().draft_archive(draft_id, user_id=current_user.view.id)
    return zip_download(name, content)


def zip_download(name: str, content: bytes) -> Response:
    """A model archive as a download (the pages and the API)."""
    response = Response(content, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.get("/compare")
@login_required
def compare():  # type: ignore[no-untyped-def]
    """What changed between two versions: elements, forms and deadline rules."""
    old, new = request.args.get("old", ""), request.args.get("new", "")
    if not (old.isdigit() and new.isdigit()):
        abort(400)
    if whole_number(old) is None or whole_number(new) is None:
        abort(404)
    found = current_engine().version_comparison(int(old), int(new), user_id=current_user.view.id)
    result = found.comparison
    changes = [{"element_id": c.element_id, "kind": c.kind, "file": c.file} for c in result.changes if c.file]
    return render_template("models/compare.html", result=result, old=int(old), new=int(new),
                           old_files=found.old_files, new_files=found.new_files, main_file=found.main_file,
                           changes=changes)


@bp.get("/vendor/<path:path>")
@login_required
def vendor(path: str):  # type: ignore[no-untyped-def]
    """bpmn-js and its styles, from node_modules (installed by make; never committed)."""
    return vendor_response(path)

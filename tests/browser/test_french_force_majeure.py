"""A medical force-majeure procedure played in French in a real browser, from the notification to the notice to
the sickness fund: every page the occupational physician, the worker and the employer visit is in French, with
none of the English words of the diagrams, the rules or the forms. Screenshots of each step are artifacts."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, SignIn
from tests.browser.english_words import Reader

FR = "fr"


def test_a_force_majeure_procedure_in_french_shows_no_english_word_of_the_law(live_server: LiveServer,
                                                                            sign_in: SignIn, screenshot) -> None:
    live, french = live_server, Reader(FR, screenshot)
    live.add_user("cas.dubois", "Cas Dubois", "employee", language=FR)
    live.add_user("dr.lambert", "Dr Lambert", "occupational_physician", organisations=("Mensura",), language=FR)
    live.add_user("rh.acme", "Hélène (RH Acme)", "employer", organisations=("Acme NV",), language=FR)
    live.until(2027, 3, 1)
    case = live.eng.open_case(reference="MFM-2027-FR", employee="Cas Dubois", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 6, 1),
                              parties={"employee_account": "cas.dubois", "prevention_service": "Mensura"},
                              actor="rh.acme", with_follow_up=False)
    live.eng.start(case.id, "medical_force_majeure", {}, actor="rh.acme")

    physician = sign_in("dr.lambert")
    french.do(physician, "Enregistrer la notification de force majeure médicale",
              {"notified_on": "2027-03-01", "notified_by": "employer", "mandatory_content_included": "yes",
               "adapted_work_requested": "no"}, "notification")
    live.until(2027, 3, 12, 1)
    french.do(physician, "Envoyer la première invitation recommandée",
              {"invited_on": "2027-03-12", "appointment_on": "2027-03-22"}, "invitation")
    live.until(2027, 3, 22)
    french.do(physician, "Enregistrer si le travailleur est venu", {"attended": "yes"}, "attendance")
    french.do(physician, "Déterminer si le travailleur est définitivement inapte",
              {"definitively_unfit": "yes", "decided_on": "2027-03-22", "worker_received_on": "2027-03-22",
               "employer_received_on": "2027-03-22", "medical_justification": "Lésion définitive du dos."},
              "finding")
    french.do(physician, "Informer le médecin-conseil de l'inaptitude définitive",
              {"advisory_physician_informed_on": "2027-03-22"}, "advisory-physician")

    live.until(2027, 3, 31, 1)
    french.do(physician, "Confirmer si une demande tardive de travail adapté est arrivée",
              {"request_arrived": "no"}, "late-request")

    worker = sign_in("cas.dubois")
    worker.goto("/")
    worker.get_by_role("link", name="Décider d'introduire ou non un recours", exact=True).click()
    expect(worker.get_by_role("region", name="Ce sur quoi vous décidez")).to_contain_text("Lésion définitive du dos.")
    french.do(worker, "Décider d'introduire ou non un recours", {"appeal": "no"}, "appeal-choice", confirm=True)

    live.until(2027, 4, 14, 1)
    employer = sign_in("rh.acme")
    french.do(employer, "Confirmer si un recours est arrivé", {"appeal_arrived": "no"}, "appeal-check")
    live.until(2027, 4, 15)
    french.do(employer, "Décider de mettre fin pour force majeure médicale",
              {"terminate": "yes", "terminated_on": "2027-04-15"}, "termination", confirm=True)
    live.until(2027, 4, 20)
    french.do(employer, "Informer l'INAMI et payer le Fonds retour au travail",
              {"notified_on": "2027-04-20", "contribution_paid": "yes"}, "fund")

    french.visit(employer, f"/cases/{case.id}", "case-file-end")
    deadlines = employer.locator("table").filter(has_text="T47")
    for rule in ("T37", "T39", "T40", "T41", "T43", "T47"):
        expect(deadlines.get_by_role("row").filter(has_text=rule).filter(has_text="respectée").first).to_be_visible()

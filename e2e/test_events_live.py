"""Live participation in a real browser (issue #4, point 5): the projector without JavaScript
refreshes itself and shows a vote; a pre-moderated idea wall shows an idea only once approved; a
ranking answered by keyboard on a 320 px phone; a contribution without the participant cookie
is refused, then taken. (The JavaScript projector updated over the WebSocket by a second browser
is in test_events.py.) Every page goes through axe and the Nu checker."""

import re
import time
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, expect_status_message, field, login, path_of, submit, visit

MEETING = "Réunion publique : la santé mentale des jeunes"


def organiser(new_context, **options):
    """The coordinator on the live page of the upcoming public meeting: (page, event path, code)."""
    page = new_context.page(**options)
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    visit(page, "/vitre/evenements")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=MEETING).click()
    event_path = path_of(page)
    visit(page, event_path + "/direct")
    code = page.locator("main .live-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    return page, event_path, code


def open_activity(page, kind: str, question: str, options: str = "", moderated: bool = False):
    page.locator("main").get_by_label(kind).check()
    field(page, "Question", "question").fill(question)
    if options:
        field(page, "Réponses possibles", "options").fill(options)
    if moderated:
        page.locator("main").get_by_label("Mur d'idées : idées affichées après validation").check()
    submit(page, "Ouvrir l'activité")
    expect_status_message(page, "L'activité est ouverte.")


def panel(page, question: str):
    """The participant's section of one activity (several may be open)."""
    return page.locator("main section.panel", has=page.locator("h2", has_text=question))


def test_projector_without_javascript_refreshes_itself_and_shows_a_vote(new_context):
    coordinator, event_path, code = organiser(new_context)
    question = f"Venez-vous en bus ? {uuid.uuid4().hex[:6]}"
    open_activity(coordinator, "Sondage, un seul choix", question, "Oui\nNon")

    # axe needs JavaScript: this page is audited with it (?js=1, the same markup) in the next test.
    projector = new_context.page(java_script_enabled=False)
    visit(projector, "/connexion", check=False)
    field(projector, "Adresse e-mail", "email").fill(DEMO["coordinator"])
    field(projector, "Mot de passe", "password").fill(DEMO_PASSWORD)
    with projector.expect_navigation():
        projector.locator("main").get_by_role("button", name="Se connecter").click()
    response = visit(projector, event_path + "/projection", check=False)
    assert response.headers.get("refresh") == "5", response.headers
    result = projector.locator("#resultats section.live-result", has=projector.locator("h2", has_text=question))
    expect(result).to_contain_text("Réponses (0 vote)")

    phone = new_context.page()
    visit(phone, f"/participer/{code}")
    panel(phone, question).get_by_label("Oui").check()
    submit(phone, "Répondre", scope=f"main section.panel:has(h2:has-text('{question}'))")
    expect_status_message(phone, "Merci")
    # No script on the projector: its Refresh header reloads it, and the vote shows.
    expect(result).to_contain_text("Réponses (moins de 5 votes)", timeout=12_000)
    assert path_of(projector) == event_path + "/projection"


def test_a_pre_moderated_idea_shows_only_once_approved(new_context):
    coordinator, event_path, code = organiser(new_context)
    question = f"Vos idées pour les jeunes {uuid.uuid4().hex[:6]}"
    open_activity(coordinator, "Mur d'idées, avec vote pour classer les idées", question, moderated=True)
    idea = f"Une permanence au lycée le mercredi {uuid.uuid4().hex[:4]}"

    projector = new_context.page()
    login(projector, DEMO["coordinator"], DEMO_PASSWORD)
    visit(projector, event_path + "/projection?js=1")
    results = projector.locator("#resultats")
    expect(results).to_contain_text(question)

    phone = new_context.page()
    visit(phone, f"/participer/{code}")
    section = panel(phone, question)
    expect(section).to_contain_text("Les idées sont affichées après validation")
    section.get_by_label("Votre idée").fill(idea)
    submit(phone, "Envoyer mon idée", scope=f"main section.panel:has(h2:has-text('{question}'))")
    expect_status_message(phone, "attend la validation")
    expect(panel(phone, question).locator(".notice")).to_contain_text(idea)
    # Not on the projector (the WebSocket told it something changed: the fetch is done by then).
    time.sleep(1.5)
    expect(results).not_to_contain_text(idea)

    visit(coordinator, event_path + "/direct")
    expect(coordinator.locator("main")).to_contain_text("1 en attente de validation")
    submit(coordinator, re.compile("^Approuver : " + re.escape(idea)))
    expect_status_message(coordinator, "approuvée")
    # Approved: the projector shows it without a reload.
    expect(results).to_contain_text(idea, timeout=8000)
    # Hidden again, then shown again.
    submit(coordinator, re.compile("^Masquer : " + re.escape(idea)))
    expect(results).not_to_contain_text(idea, timeout=8000)
    submit(coordinator, re.compile("^Afficher à nouveau : " + re.escape(idea)))
    expect(results).to_contain_text(idea, timeout=8000)


def test_a_ranking_answered_by_keyboard_on_a_small_phone(new_context):
    coordinator, event_path, code = organiser(new_context)
    question = f"Nos priorités {uuid.uuid4().hex[:6]}"
    open_activity(coordinator, "Classement : chacun·e choisit ses 3 options préférées, dans l'ordre", question,
                  "Une maison des adolescents\nDes ateliers au lycée\nUne ligne d'écoute")

    phone = new_context.page(viewport={"width": 320, "height": 640})
    visit(phone, f"/participer/{code}")
    section = panel(phone, question)
    selects = section.locator("select")
    expect(selects).to_have_count(3)
    # Keyboard only: the first option for the 1st and the 2nd choice (a mistake), the second for the 3rd.
    selects.nth(0).focus()
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("Tab")
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("Tab")
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("Tab")
    expect(section.get_by_role("button", name="Envoyer mon classement")).to_be_focused()
    with phone.expect_navigation(wait_until="load") as nav:
        phone.keyboard.press("Enter")
    assert nav.value.status == 422, nav.value.status
    audit(phone, nav.value)
    section = panel(phone, question)
    second = section.get_by_label(re.compile("^2e choix"))
    expect(section.locator(".field-error")).to_have_text("Vous avez déjà mis cette option en 1er choix : choisissez-en une autre.")
    # The answer is kept: fix the 2nd choice only (the third option), still by keyboard.
    expect(section.get_by_label(re.compile("^1er choix")).locator("option:checked")).to_have_text("Une maison des adolescents")
    expect(section.get_by_label(re.compile("^3e choix")).locator("option:checked")).to_have_text("Des ateliers au lycée")
    second.focus()
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")
    expect(second.locator("option:checked")).to_have_text("Une ligne d'écoute")
    section.get_by_role("button", name="Envoyer mon classement").focus()
    with phone.expect_navigation(wait_until="load") as nav:
        phone.keyboard.press("Enter")
    audit(phone, nav.value)
    expect_status_message(phone, "Merci, votre classement est enregistré.")
    # Nothing is wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320

    # The organiser sees the options in the order of their Borda points (3 for the first choice, 2
    # for the second, 1 for the third); with one participant, fewer than 5, the points are hidden.
    visit(coordinator, event_path + "/direct")
    table = coordinator.locator("main li", has=coordinator.locator("h3", has_text=question)).locator("table")
    expect(table).to_contain_text("Classement : moins de 5 participant·es")
    expect(table.locator("tbody tr").first).to_contain_text("Une maison des adolescents")
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text("masqué")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("Une ligne d'écoute")


def test_a_contribution_without_the_participant_cookie_is_refused(new_context):
    coordinator, event_path, code = organiser(new_context)
    question = f"Une idée ? {uuid.uuid4().hex[:6]}"
    open_activity(coordinator, "Mur d'idées, avec vote pour classer les idées", question)
    scope = f"main section.panel:has(h2:has-text('{question}'))"

    phone = new_context.page()
    visit(phone, f"/participer/{code}")
    panel(phone, question).get_by_label("Votre idée").fill("Un local pour les jeunes")
    phone.context.clear_cookies(name="agora_participant")
    submit(phone, "Envoyer mon idée", status=400, scope=scope)
    section = panel(phone, question)
    expect(section.locator(".field-error")).to_contain_text("n'a pas envoyé le cookie de participation")
    expect(section.get_by_label("Votre idée")).to_have_value("Un local pour les jeunes")
    # The refusal gave a new cookie: sent again, it is taken.
    assert any(c["name"] == "agora_participant" for c in phone.context.cookies())
    submit(phone, "Envoyer mon idée", scope=scope)
    expect_status_message(phone, "Merci, votre idée est affichée.")
    expect(panel(phone, question)).to_contain_text("Un local pour les jeunes")


def test_a_vote_with_a_forged_participant_cookie_is_refused(new_context):
    """The participant cookie is the server's (signed): one the client invents counts nothing (403),
    and a new signed one is given, with which the same vote is taken once."""
    coordinator, event_path, code = organiser(new_context)
    question = f"Venez-vous à pied ? {uuid.uuid4().hex[:6]}"
    open_activity(coordinator, "Sondage, un seul choix", question, "Oui\nNon")
    scope = f"main section.panel:has(h2:has-text('{question}'))"

    phone = new_context.page()
    visit(phone, f"/participer/{code}")
    issued = next(c for c in phone.context.cookies() if c["name"] == "agora_participant")
    assert "." in issued["value"] and issued["httpOnly"]
    # A script's invented identity: a random value of the old shape.
    forged = {"name": "agora_participant", "value": uuid.uuid4().hex + uuid.uuid4().hex}
    phone.context.add_cookies([{**forged, "domain": issued["domain"], "path": issued["path"]}])
    panel(phone, question).get_by_label("Oui").check()
    submit(phone, "Répondre", status=403, scope=scope)
    expect(panel(phone, question).locator(".field-error")).to_contain_text("n'est pas valable")
    expect(panel(phone, question).locator(".field-error")).to_contain_text("rien n'a été compté")
    visit(coordinator, event_path + "/projection", check=False)
    result = coordinator.locator("#resultats section.live-result", has=coordinator.locator("h2", has_text=question))
    expect(result).to_contain_text("Réponses (0 vote)")
    # The refusal gave a new signed cookie: sent again, the vote is taken, once.
    fresh = next(c for c in phone.context.cookies() if c["name"] == "agora_participant")
    assert fresh["value"] != issued["value"] and "." in fresh["value"]
    panel(phone, question).get_by_label("Oui").check()
    submit(phone, "Répondre", scope=scope)
    expect_status_message(phone, "Merci, c'est enregistré.")
    visit(coordinator, event_path + "/projection", check=False)
    expect(result).to_contain_text("Réponses (moins de 5 votes)")

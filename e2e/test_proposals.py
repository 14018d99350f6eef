"""Proposals in a real browser: propose, find, support, answer, moderate, follow up."""

import re
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, expect_status_message, field, login, named, path_of, submit, visit

LIST = "/vitre/propositions"


# A real (tiny) PDF: the server checks the content, not the name.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def propose(page, title: str, attachment: dict | None = None) -> str:
    visit(page, LIST + "/nouvelle")
    field(page, "Titre", "title").fill(title)
    field(page, "Votre proposition", "body").fill(
        "Les personnes âgées doivent s'arrêter pour souffler entre la place et la pharmacie.\n\nDeux ou trois bancs suffiraient."
    )
    page.get_by_label("Bien vieillir").check()
    page.get_by_label("Vitré", exact=True).check()
    if attachment:
        page.get_by_label("Une image ou un document (facultatif)").set_input_files(attachment)
    submit(page, "Envoyer ma proposition")
    assert re.search(r"/vitre/propositions/\d+$", path_of(page)), page.url
    expect(page.locator("h1")).to_have_text(title)
    expect_status_message(page, "Merci")
    return path_of(page)


def test_propose_find_support_and_answer(new_context, mailbox):
    title = f"Des bancs vers la pharmacie {uuid.uuid4().hex[:6]}"
    resident = new_context.page()
    login(resident, DEMO["resident"], DEMO_PASSWORD)
    path = propose(resident, title, {"name": "plan-des-bancs.pdf", "mimeType": "application/pdf", "buffer": PDF})
    attachment = resident.get_by_role("link", name=re.compile("plan-des-bancs.pdf"))
    expect(attachment).to_be_visible()
    with resident.expect_download() as download:
        attachment.click()
    assert download.value.suggested_filename == "plan-des-bancs.pdf"
    assert open(download.value.path(), "rb").read() == PDF

    # Anyone finds it with another form of a word, without an account.
    visitor = new_context.page()
    visit(visitor, LIST)
    visitor.get_by_label("Mots-clés").fill("PHARMACIES")
    visitor.get_by_label("Commune").select_option(label="Vitré")
    with visitor.expect_navigation() as nav:
        visitor.get_by_role("button", name="Afficher").click()
    audit(visitor, nav.value)
    assert "q=PHARMACIES" in visitor.url, visitor.url
    expect(visitor.locator("main").get_by_role("link", name=title)).to_be_visible()

    # A professional supports it and comments.
    pro = new_context.page()
    login(pro, DEMO["professional"], DEMO_PASSWORD)
    visit(pro, path)
    submit(pro, "Soutenir cette proposition")
    expect(pro.locator("main")).to_contain_text("1 soutien")
    field(pro, "Votre commentaire", "body").fill("Oui, et un près de l'arrêt de bus.")
    submit(pro, "Publier mon commentaire")
    expect(pro.locator(".comments")).to_contain_text("arrêt de bus")
    # The author is told by e-mail, with a link to the comment.
    link = mailbox.wait_for_link(DEMO["resident"], r"/vitre/propositions/\d+#commentaire-\d+")
    assert path_of(link.split("#")[0]) == path

    # Reporting without a reason: the message sits next to the report box, which stays open.
    pro.locator(".report-proposal summary").click()
    submit(pro, "Signaler", scope=".report-proposal", status=422)
    expect(pro.locator("#champ-signalement-erreur")).to_contain_text("ce qui pose problème")
    expect(pro.locator(".report-proposal details[open] #champ-signalement")).to_be_visible()

    # The decision maker answers: a refusal needs a reason, then an acceptance.
    decider = new_context.page()
    login(decider, DEMO["decision_maker"], DEMO_PASSWORD)
    visit(decider, path)
    named(decider, "status").select_option("not_accepted")
    submit(decider, re.compile("Enregistrer et prévenir"), status=422)
    expect(decider.locator("#champ-answer-erreur")).to_contain_text("raison")
    named(decider, "status").select_option("accepted")
    field(decider, "Réponse officielle", "answer").fill("Trois bancs seront posés au printemps.")
    submit(decider, re.compile("Enregistrer et prévenir"))
    expect(decider.locator(".answer")).to_contain_text("Trois bancs seront posés au printemps.")
    expect(decider.locator(".status").first).to_have_text("Retenue")

    # The follow-up: a new action answers it; its page holds the progress and the milestones.
    decider.get_by_label("Titre de la nouvelle action").fill(f"Bancs sur les trajets du quotidien {title[-6:]}")
    submit(decider, "Relier à l'action")
    assert re.search(r"/vitre/actions/\d+$", path_of(decider)), decider.url
    action_path = path_of(decider)
    field(decider, "Portée par", "lead").fill("Ville de Vitré, services techniques")
    field(decider, "Avancement (en %)", "progress").fill("150")
    submit(decider, "Enregistrer l'action", status=422)
    expect(decider.locator("#champ-progress-erreur")).to_contain_text("entre 0 et 100")
    expect(named(decider, "lead")).to_have_value("Ville de Vitré, services techniques")
    field(decider, "Avancement (en %)", "progress").fill("30")
    submit(decider, "Enregistrer l'action")
    field(decider, "Étape", "milestone").fill("Commande des bancs")
    named(decider, "due_on").fill("2027-03-01")
    submit(decider, "Ajouter l'étape")
    expect(decider.locator(".milestones")).to_contain_text("prévu le 1er mars 2027")
    submit(decider, re.compile("Marquer comme faite"))
    expect(decider.locator(".milestones")).to_contain_text("Fait")

    # Anyone sees it on the proposal, and the follow-up page counts it.
    visit(visitor, path)
    expect(visitor.locator(".action-card")).to_contain_text("Ville de Vitré, services techniques")
    expect(visitor.locator(".action-card progress")).to_have_attribute("value", "30")
    visit(visitor, action_path)
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    visit(visitor, "/vitre/actions")
    visit(visitor, "/vitre/suivi-des-propositions")
    expect(visitor.locator("h1")).to_contain_text("voici ce qui a été fait")
    expect(visitor.locator("table").first).to_be_visible()


def test_moderation_hides_with_a_reason(new_context):
    title = f"Proposition à modérer {uuid.uuid4().hex[:6]}"
    author = new_context.page()
    login(author, DEMO["resident"], DEMO_PASSWORD)
    path = propose(author, title)

    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)
    visit(coordinator, path)
    staff = coordinator.locator(".staff")
    staff.locator("summary", has_text="Masquer").click()
    staff.get_by_label("Raison, visible par l'auteur").fill("Hors sujet : merci de reformuler.")
    submit(coordinator, "Masquer", scope=".staff")
    expect_status_message(coordinator, "masqué")

    # The author sees why; a visitor no longer finds it.
    visit(author, path)
    expect(author.locator("main")).to_contain_text("Hors sujet : merci de reformuler.")
    visitor = new_context.page()
    visit(visitor, path, status=404)


def test_bad_proposal_keeps_what_was_typed(page):
    login(page, DEMO["resident"], DEMO_PASSWORD)
    visit(page, LIST + "/nouvelle")
    field(page, "Titre", "title").fill("Une idée sans thème")
    field(page, "Votre proposition", "body").fill("court")
    submit(page, "Envoyer ma proposition", status=422)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#champ-themes-erreur")).to_contain_text("au moins un thème")
    expect(named(page, "title")).to_have_value("Une idée sans thème")


def test_proposal_pages_without_javascript(new_context):
    page = new_context.page(java_script_enabled=False)
    visit(page, LIST, check=False)
    expect(page.locator("main .proposal-list li").first).to_be_visible()
    with page.expect_navigation():
        page.locator("main .proposal-list h2 a").first.click()
    expect(page.locator("h1")).to_be_visible()


def test_actions_read_on_a_small_screen_by_keyboard(page):
    from test_pages import assert_no_horizontal_scroll

    visit(page, "/vitre/actions")
    first = page.locator("main .cards h2 a").first
    first.focus()
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    audit(page, nav.value)
    assert re.search(r"/vitre/actions/\d+$", path_of(page)), page.url
    expect(page.locator(".milestones")).to_be_visible()
    expect(page.locator("main progress")).to_be_visible()
    assert_no_horizontal_scroll(page)

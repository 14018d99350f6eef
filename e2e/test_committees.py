"""Committees in a real browser: create one, seat members, a call for candidates and a draw by
lot, a meeting with attendance, a vote and minutes, and the public record."""

import datetime
import hashlib
import re
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, expect_status_message, field, login, named, path_of, submit, visit


def day(offset: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def test_committee_from_creation_to_public_record(new_context, mailbox):
    name = f"Comité des bourgs {uuid.uuid4().hex[:6]}"
    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)

    # Creating: an error keeps what was typed, then the committee is created.
    visit(coordinator, "/vitre/instances/nouvelle")
    field(coordinator, "Nom", "name").fill(name)
    field(coordinator, "Quorum", "quorum").fill("150")
    submit(coordinator, "Créer l'instance", status=422)
    expect(coordinator.locator("#champ-purpose-erreur")).to_be_visible()
    expect(named(coordinator, "name")).to_have_value(name)
    field(coordinator, "À quoi sert-elle", "purpose").fill("Parler ensemble de l'accès aux soins dans les bourgs.")
    field(coordinator, "Quorum", "quorum").fill("50")
    coordinator.get_by_label("Accès aux soins").check()
    submit(coordinator, "Créer l'instance")
    assert re.search(r"/vitre/instances/\d+/gestion$", path_of(coordinator)), coordinator.url
    manage = path_of(coordinator)
    base = manage.rsplit("/", 1)[0]

    # Two members, seated by the coordinator.
    for email, college in [(DEMO["professional"], "Professionnels"), (DEMO["decision_maker"], "Décideurs")]:
        field(coordinator, "Adresse e-mail de son compte", "email").fill(email)
        named(coordinator, "college").select_option(label=college)
        submit(coordinator, "Ajouter le membre")
        expect_status_message(coordinator, "Membre ajouté")

    # A call for the users' college; the resident applies.
    field(coordinator, "Titre de l'appel", "title").fill("Une place d'usager")
    field(coordinator, "Qui peut candidater", "body").fill("Pour trois ans, une séance par trimestre.")
    call_form = coordinator.locator("form", has=coordinator.get_by_role("button", name="Ouvrir l'appel"))
    call_form.locator('[name="call_college"]').select_option(label="Usagers")
    call_form.locator('[name="seats"]').fill("1")
    call_form.locator('[name="closes_on"]').fill(day(14))
    submit(coordinator, "Ouvrir l'appel")
    call_path = path_of(coordinator)
    expect(coordinator.locator("main")).to_contain_text("encore 14 jours pour candidater")

    resident = new_context.page()
    login(resident, DEMO["resident"], DEMO_PASSWORD)
    visit(resident, call_path)
    submit(resident, "Envoyer ma candidature", status=422)
    expect(resident.locator("#champ-motivation-erreur")).to_contain_text("pourquoi vous souhaitez siéger")
    field(resident, "Pourquoi souhaitez-vous siéger", "motivation").fill("J'habite un bourg sans médecin.")
    submit(resident, "Envoyer ma candidature")
    expect(resident.locator("main")).to_contain_text("numéro 1")

    # The draw by lot, from the seed fixed when the call opened: its SHA-256 is public before the
    # draw, nobody types a seed, and the revealed seed is checked with Python's own hashlib.
    visit(coordinator, call_path)
    fingerprint = coordinator.locator("code.fingerprint").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint), fingerprint
    assert coordinator.locator('[name="seed"]').count() == 0
    submit(coordinator, re.compile("Tirer au sort"))
    expect(coordinator.locator("main")).to_contain_text("Graine publiée : ")
    expect(coordinator.locator("main")).to_contain_text("Numéros tirés : 1")
    seed = re.search(r"Graine publiée : (\d{18})", coordinator.locator("main").inner_text()).group(1)
    assert hashlib.sha256(seed.encode()).hexdigest() == fingerprint

    # A meeting today: members are invited by e-mail with the calendar file.
    visit(coordinator, manage)
    meeting_form = coordinator.locator("form", has=coordinator.get_by_role("button", name="Planifier et inviter les membres"))
    meeting_form.locator('[name="day"]').fill(day(0))
    meeting_form.locator('[name="start"]').fill("18:30")
    meeting_form.locator('[name="end"]').fill("20:00")
    meeting_form.locator('[name="place"]').fill("Mairie de Bais, salle du conseil")
    meeting_form.locator('[name="agenda"]').fill("Transport vers les soins\nQuestions diverses")
    submit(coordinator, "Planifier et inviter les membres")
    meeting = path_of(coordinator)
    assert re.search(r"/seances/\d+$", meeting), meeting
    link = mailbox.wait_for_link(DEMO["professional"], r"/invitation\.ics$")
    response = coordinator.request.get(link)
    assert response.status == 200 and "BEGIN:VEVENT" in response.text()

    # Attendance: the quorum is met once two of three voting members are there.
    expect(coordinator.locator(".quorum")).to_contain_text("n'est pas atteint")
    coordinator.locator("summary", has_text="Noter les présences").click()
    coordinator.get_by_label(re.compile("Professionnels")).select_option("present")
    coordinator.get_by_label(re.compile("Décideurs")).select_option("present")
    submit(coordinator, "Enregistrer les présences")
    expect(coordinator.locator(".quorum")).to_contain_text("Le quorum est atteint")
    submit(coordinator, re.compile("Ouvrir le vote.*Transport"))

    # Two members vote; a second vote is refused.
    for email, choice in [(DEMO["professional"], "Pour"), (DEMO["decision_maker"], "Pour")]:
        member = new_context.page()
        login(member, email, DEMO_PASSWORD)
        visit(member, meeting)
        member.get_by_label(choice, exact=True).check()
        submit(member, "Voter")
        expect_status_message(member, "vote est enregistré")
        expect(member.locator("main")).to_contain_text("Vous avez voté.")

    # The decision closes the vote; the minutes are written, then approved at the next meeting.
    visit(coordinator, meeting)
    item = "#" + coordinator.locator(".agenda > li").first.get_attribute("id")
    coordinator.locator(f"{item} summary", has_text="Enregistrer la décision").click()
    coordinator.locator(f"{item} textarea[name=text]").fill("Prolonger le transport à la demande.")
    submit(coordinator, "Enregistrer la décision", scope=item)
    expect(coordinator.locator(".agenda > li").first).to_contain_text("Adopté par vote")
    field(coordinator, "Compte rendu", "minutes").fill("Le comité demande de prolonger le transport à la demande.")
    submit(coordinator, "Enregistrer le compte rendu")

    # The public record: the decision now, the minutes once approved.
    visitor = new_context.page()
    visit(visitor, base)
    expect(visitor.locator("main")).to_contain_text("Prolonger le transport à la demande.")
    expect(visitor.locator("main")).to_contain_text("Membre usager")
    visit(visitor, meeting)
    expect(visitor.locator("main")).not_to_contain_text("Le comité demande de prolonger")
    expect(visitor.locator("table").first).to_be_visible()


def test_committee_pages_without_javascript_and_on_a_small_screen(new_context):
    from test_pages import assert_no_horizontal_scroll

    # Without JavaScript (axe needs it: the same pages are audited below).
    page = new_context.page(java_script_enabled=False)
    visit(page, "/vitre/instances", check=False)
    with page.expect_navigation():
        page.get_by_role("link", name="Comité local de santé du pays de Vitré").click()
    expect(page.locator("h1")).to_contain_text("Comité local de santé du pays de Vitré")
    committee = path_of(page)
    with page.expect_navigation():
        page.locator("main a", has_text=re.compile(r"\d{4}, 18 h 30")).first.click()
    expect(page.locator(".quorum")).to_be_visible()
    meeting = path_of(page)

    # At 320 px, audited: the record, a meeting, the adopted strategy.
    small = new_context.page()
    for path in (committee, meeting):
        visit(small, path)
        assert_no_horizontal_scroll(small)
    visit(small, committee)
    with small.expect_navigation() as nav:
        small.get_by_role("link", name=re.compile("Stratégie d'accès aux soins")).click()
    audit(small, nav.value)
    expect(small.locator("main")).to_contain_text("Adoptée le")
    assert_no_horizontal_scroll(small)


def test_members_draft_a_strategy(page):
    login(page, DEMO["professional"], DEMO_PASSWORD)
    visit(page, "/vitre/instances")
    with page.expect_navigation():
        page.get_by_role("link", name="Comité local de santé du pays de Vitré").click()
    with page.expect_navigation() as nav:
        page.get_by_role("link", name="Espace des membres").click()
    audit(page, nav.value)
    space = path_of(page)
    # A working document, checked by its content, for members only.
    field(page, "Titre du document", "title").fill("Budget du transport")
    page.get_by_label("Fichier PDF, JPEG ou PNG").set_input_files({"name": "budget.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    submit(page, "Ajouter le document")
    expect(page.get_by_role("link", name="Budget du transport")).to_be_visible()
    visit(page, space)
    field(page, "Titre", "strategy_title").fill(f"Stratégie jeunesse {uuid.uuid4().hex[:6]}")
    submit(page, "Créer le projet")
    field(page, "Titre de la partie", "section_title").fill("Constat")
    submit(page, "Ajouter la partie", status=422)
    expect(page.locator(".error-summary")).to_be_visible()
    field(page, "Texte", "section_body").last.fill("Les jeunes consultent peu.")
    submit(page, "Ajouter la partie")
    expect(page.locator("main")).to_contain_text("Les jeunes consultent peu.")
    expect(page.locator("#versions ~ ul li")).to_have_count(2)

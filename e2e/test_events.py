"""Forums and workshops in a real browser: find an event by commune, register and get the
.ics by e-mail, cancel and see the waiting list move, register someone else, check in, and take
part in a live poll from a second browser while the projector view changes."""

import datetime
import re
import time
import uuid

import icalendar
from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, expect_status_message, field, login, named, path_of, submit, url, visit


def day(offset: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def calendar_at(page, address: str) -> icalendar.Calendar:
    response = page.request.get(address)
    assert response.status == 200, f"{address}: HTTP {response.status}"
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.body())


def test_find_an_event_by_commune_and_subscribe(page):
    visit(page, "/vitre/evenements")
    named(page, "commune").select_option(label="Châteaubourg")
    submit(page, "Filtrer")
    expect(page.locator("main")).to_contain_text("Atelier participatif : bien vieillir chez soi")
    expect(page.locator("main")).not_to_contain_text("la santé mentale des jeunes")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Atelier participatif : bien vieillir chez soi").click()
    expect(page.locator("main")).to_contain_text("Centre social, Place de l'Église, Châteaubourg")
    expect(page.locator("main")).to_contain_text("C'est complet")
    event_path = path_of(page)
    single = calendar_at(page, url(event_path + "/agenda.ics"))
    events = [c for c in single.walk("VEVENT")]
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == "Atelier participatif : bien vieillir chez soi"
    assert "Châteaubourg" in str(events[0]["LOCATION"])
    assert events[0]["DTSTART"].dt.tzinfo is not None  # UTC, shown in the reader's zone

    feed = calendar_at(page, url("/vitre/evenements.ics"))
    summaries = {str(c["SUMMARY"]) for c in feed.walk("VEVENT")}
    assert "Réunion publique : la santé mentale des jeunes" in summaries
    assert "Formation : les droits des patients" not in summaries  # a draft

    visit(page, "/vitre/evenements/mois")
    expect(page.locator("main table caption")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Mois suivant →").click()
    expect(page.locator("main h1")).to_contain_text("Agenda de")


def test_register_cancel_waiting_list_someone_else_and_check_in(new_context, mailbox):
    title = f"Forum e2e {uuid.uuid4().hex[:6]}"
    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)
    visit(coordinator, "/vitre/evenements/nouveau")
    field(coordinator, "Titre", "title").fill(title)
    field(coordinator, "Présentation", "description").fill("Un forum pour parler de l'accès aux soins.")
    field(coordinator, "Jour", "day").fill(day(10))
    field(coordinator, "Début", "start_time").fill("18:00")
    field(coordinator, "Fin", "end_time").fill("17:00")
    named(coordinator, "commune").select_option(label="Vitré")
    field(coordinator, "Adresse", "address").fill("1 place du Château")
    field(coordinator, "Nombre de places", "capacity").fill("1")
    submit(coordinator, "Enregistrer le brouillon", status=422)
    expect(coordinator.locator("#champ-end_time-erreur")).to_contain_text("La fin doit venir après le début")
    expect(named(coordinator, "title")).to_have_value(title)
    field(coordinator, "Fin", "end_time").fill("20:00")
    submit(coordinator, "Enregistrer le brouillon")
    submit(coordinator, "Publier")
    expect_status_message(coordinator, "publiée")
    event_path = path_of(coordinator)

    # The resident registers and gets the confirmation with the calendar file.
    resident = new_context.page()
    login(resident, DEMO["resident"], DEMO_PASSWORD)
    visit(resident, event_path)
    field(resident, "Ce que vous souhaitez que les organisateurs sachent", "needs").fill("Je viens en fauteuil.")
    submit(resident, "M'inscrire")
    expect_status_message(resident, "Vous êtes inscrit")
    expect(resident.locator("main svg")).to_be_visible()  # the check-in QR code
    ics_link = mailbox.wait_for_link(DEMO["resident"], r"/agenda\.ics$")
    calendar = calendar_at(resident, ics_link)
    assert [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")] == [title]
    # The same calendar file is attached to the confirmation (multipart/mixed, text/calendar).
    confirmation = next(m for m in mailbox.messages_to(DEMO["resident"]) if str(m["Subject"]) == f"Inscription confirmée : {title}")
    assert confirmation.get_content_type() == "multipart/mixed"
    files = [part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(files) == 1, [part.get_content_type() for part in confirmation.iter_attachments()]
    assert re.fullmatch(r"rencontre-\d+\.ics", files[0].get_filename() or "")
    attached = icalendar.Calendar.from_ical(files[0].get_payload(decode=True))
    attached_events = list(attached.walk("VEVENT"))
    assert [str(c["SUMMARY"]) for c in attached_events] == [title]
    assert str(attached_events[0]["UID"]) == str(next(iter(calendar.walk("VEVENT")))["UID"])
    assert attached_events[0]["DTSTART"].dt.tzinfo is not None
    cancel_link = mailbox.wait_for_link(DEMO["resident"], r"/evenements/inscriptions/")

    # The professional finds it full and joins the waiting list.
    pro = new_context.page()
    login(pro, DEMO["professional"], DEMO_PASSWORD)
    visit(pro, event_path)
    expect(pro.locator("main")).to_contain_text("C'est complet")
    submit(pro, "M'inscrire sur la liste d'attente")
    expect_status_message(pro, "liste d'attente")

    # One click from the e-mail: the page, then its button; the waiting list moves up.
    visit(resident, cancel_link)
    submit(resident, "Annuler mon inscription")
    expect_status_message(resident, "annulée")
    mine = mailbox.wait_for_link(DEMO["professional"], r"/evenements/inscriptions/")  # the waiting-list mail
    deadline = time.monotonic() + 15
    while not any(f"Une place s'est libérée : {title}" in str(m["Subject"]) for m in mailbox.messages_to(DEMO["professional"])):
        assert time.monotonic() < deadline, "no mail telling the professional a seat freed up"
        time.sleep(0.2)
    visit(pro, mine)
    expect(pro.locator("main")).to_contain_text("Inscrit·e")

    # The coordinator raises the capacity; a patient partner registers someone without e-mail.
    visit(coordinator, event_path + "/modifier")
    field(coordinator, "Nombre de places", "capacity").fill("5")
    submit(coordinator, "Enregistrer")
    partner = new_context.page()
    login(partner, DEMO["partner"], DEMO_PASSWORD)
    visit(partner, event_path)
    field(partner, "Nom", "name").fill("Germaine Test")
    field(partner, "Téléphone", "phone").fill("06 12 34 56 78")
    submit(partner, "Inscrire cette personne")
    expect_status_message(partner, "La personne est inscrite")

    # At the door: search the name and check her in.
    visit(coordinator, event_path + "/inscrits")
    field(coordinator, "Chercher un nom", "nom").fill("germaine")
    submit(coordinator, "Chercher")
    submit(coordinator, re.compile("Accueillir"))
    expect_status_message(coordinator, "accueilli")
    expect(coordinator.locator("main")).to_contain_text("Arrivé·e")
    visit(coordinator, event_path + "/emargement")
    expect(coordinator.locator("main")).to_contain_text("Germaine Test")

    # After the event: minutes, the live results kept, the questionnaire's address, figures.
    visit(coordinator, event_path + "/apres")
    field(coordinator, "Compte rendu", "minutes").fill("Trois pistes retenues.")
    submit(coordinator, "Enregistrer le compte rendu")
    expect_status_message(coordinator, "Compte rendu enregistré")
    # The feedback questionnaire: an open questionnaire of the territory, refused before the event.
    named(coordinator, "questionnaire").select_option(label="Vos besoins de santé sur le territoire")
    submit(coordinator, "Envoyer le questionnaire aux personnes venues", status=409)
    expect(coordinator.locator("#champ-questionnaire-erreur")).to_contain_text("pas encore commencé")
    expect(named(coordinator, "questionnaire")).to_have_value(re.compile(r"^\d+$"))
    visit(coordinator, event_path + "/chiffres")
    expect(coordinator.locator("main")).to_contain_text("moins de 5")
    visit(coordinator, event_path)
    expect(coordinator.locator("main")).to_contain_text("Trois pistes retenues.")


def test_live_poll_from_a_phone_changes_the_projector(new_context):
    partner = new_context.page()
    login(partner, DEMO["partner"], DEMO_PASSWORD)
    visit(partner, "/vitre/evenements")
    with partner.expect_navigation():
        partner.locator("main").get_by_role("link", name="Atelier participatif : bien vieillir chez soi").click()
    event_path = path_of(partner)
    visit(partner, event_path + "/direct")
    code = partner.locator("main .live-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code

    projector = new_context.page()
    login(projector, DEMO["partner"], DEMO_PASSWORD)
    # With JavaScript the projector uses ?js=1 (no Refresh header) and a WebSocket.
    visit(projector, event_path + "/projection?js=1")
    results = projector.locator("#resultats")
    before = results.inner_text()
    match = re.search(r"Réponses \((\d+) votes?\)", before)
    assert match, before
    votes = int(match.group(1))

    # A phone, without an account.
    phone = new_context.page()
    visit(phone, "/participer")
    field(phone, "Code de l'atelier", "code").fill(code.lower())
    submit(phone, "Participer")
    assert path_of(phone) == f"/participer/{code}"
    phone.get_by_label("Les transports").check()
    submit(phone, "Répondre")
    expect_status_message(phone, "Merci")

    # Under five votes the total reads "moins de 5" (the disclosure control, issue #15).
    after = f"Réponses ({votes + 1} votes)" if votes + 1 >= 5 else "Réponses (moins de 5 votes)"
    expect(results).to_contain_text(after, timeout=8000)

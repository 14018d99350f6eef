"""Calls for experiences in a real browser: submit with a co-author, review with two reviewers,
ask for more information, publish to the catalogue (axe + Nu checker on every page visited)."""

import re
import time
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, expect_status_message, field, login, named, path_of, submit, visit

ORGANISER = "organisation@appel-national.example"
REVIEWERS = ["relecture1@appel-national.example", "relecture2@appel-national.example"]
CATALOGUE = "/experiences"


def national_call(page) -> str:
    """The path of the national demo call, found from the list of calls."""
    visit(page, "/appels")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=re.compile("Recueil national")).click()
    audit(page)
    return path_of(page)


def open_submission(page, call: str, title: str) -> str:
    """Opens a submission by its title from the review page; returns its path."""
    visit(page, call + "/evaluation")
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name=title).click()
    audit(page)
    return path_of(page)


def fill_experience(page, title: str) -> None:
    field(page, "Titre", "title").fill(title)
    field(page, "Résumé", "summary").fill("Des patients et des soignants cultivent ensemble un jardin à l'hôpital de jour.")
    named(page, "context").select_option("lieux-de-soins")
    page.get_by_label("Co-construction", exact=True).check()
    page.get_by_label("Parcours de soins").check()
    page.get_by_label("Usagers, patients, personnes accompagnées").check()
    page.get_by_label("Professionnels de santé, du social ou du médico-social").check()
    field(page, "Combien de personnes", "participant_count").fill("45")
    field(page, "Objectifs", "objectives").fill("Retrouver confiance et liens sociaux.")
    field(page, "Ce qui a été fait", "actions").fill("Un atelier chaque jeudi, décidé en conseil de jardin.")
    field(page, "Résultats", "results").fill("Moins d'hospitalisations complètes.")
    field(page, "évalués", "evaluation").fill("Un questionnaire de qualité de vie.")
    field(page, "Difficultés et enseignements", "lessons").fill("Prévoir l'arrosage l'été.")
    named(page, "region").select_option("53")
    field(page, "Année de début", "start_year").fill("2021")
    field(page, "Personne à contacter", "contact_name").fill("Jeanne Lemoine")
    field(page, "Son adresse e-mail", "contact_email").fill("jardin@exemple.fr")


def score_all(page, value: str) -> None:
    groups = page.locator("main form fieldset.group")
    for i in range(groups.count()):
        groups.nth(i).get_by_label(value, exact=True).check()


def test_submit_with_a_co_author(new_context, mailbox):
    title = f"Jardin thérapeutique {uuid.uuid4().hex[:6]}"
    author = new_context.page()
    login(author, DEMO["resident"], DEMO_PASSWORD)
    call = national_call(author)
    expect(author.locator("main")).to_contain_text("pour participer")
    with author.expect_navigation():
        author.locator("main").get_by_role("link", name="Proposer une expérience").click()
    audit(author)
    # A draft needs only a title; sending an incomplete one gets French messages and keeps the text.
    field(author, "Titre", "title").fill(title)
    field(author, "Objectifs", "objectives").fill("Nos objectifs, gardés.")
    submit(author, "Envoyer ma contribution", status=422)
    expect(author.locator("#champ-context-erreur")).to_contain_text("contexte")
    expect(named(author, "objectives")).to_have_value("Nos objectifs, gardés.")
    submit(author, "Enregistrer le brouillon")
    expect_status_message(author, "Enregistré")
    page_path = path_of(author)

    field(author, "Inviter un·e co-auteur·rice", "email").fill(DEMO["professional"])
    submit(author, "Envoyer l'invitation")
    expect_status_message(author, "Invitation envoyée")
    link = mailbox.wait_for_link(DEMO["professional"], r"/coauteurs/")

    coauthor = new_context.page()
    login(coauthor, DEMO["professional"], DEMO_PASSWORD)
    visit(coauthor, link)
    submit(coauthor, "Accepter et rejoindre")
    expect_status_message(coauthor, "co-auteur")
    assert path_of(coauthor) == page_path
    with coauthor.expect_navigation():
        coauthor.locator("main").get_by_role("link", name="Compléter et envoyer").click()
    audit(coauthor)
    fill_experience(coauthor, title)
    submit(coauthor, "Envoyer ma contribution")
    expect_status_message(coauthor, "Merci")
    expect(coauthor.locator("main .status").first).to_have_text("Envoyée")
    # Both authors get the acknowledgement (the same link: each address is checked by subject).
    for address in (DEMO["resident"], DEMO["professional"]):
        deadline = time.monotonic() + 15
        while not any(str(m["Subject"]).startswith("Contribution reçue") for m in mailbox.messages_to(address)):
            assert time.monotonic() < deadline, f"no acknowledgement to {address}"
            time.sleep(0.2)


def test_review_with_two_reviewers(new_context):
    title = "Ligne d'écoute tenue par des parents"
    first = new_context.page()
    login(first, REVIEWERS[0], DEMO_PASSWORD)
    call = national_call(first)
    path = open_submission(first, call, title)
    with first.expect_navigation():
        first.locator("main").get_by_role("link", name="Noter cette contribution").click()
    audit(first)
    score_all(first, "4")
    first.locator("main form textarea").first.fill("Une écoute entre pairs très précieuse.")
    submit(first, "Enregistrer mes notes")
    expect_status_message(first, "notes sont enregistrées")

    second = new_context.page()
    login(second, REVIEWERS[1], DEMO_PASSWORD)
    visit(second, path)
    expect(second.locator("main")).to_contain_text("une fois les vôtres données")
    expect(second.locator("main")).not_to_contain_text("Notes des relecteur·rices")
    with second.expect_navigation():
        second.locator("main").get_by_role("link", name="Noter cette contribution").click()
    audit(second)
    score_all(second, "1")
    submit(second, "Enregistrer mes notes")
    expect(second.locator("main table")).to_be_visible()
    expect(second.locator("main")).to_contain_text("Désaccord entre relecteur·rices")

    # The ranking shows it with its two reviews and the disagreement.
    visit(second, call + "/evaluation")
    row = second.locator("main tr", has_text=title)
    expect(row).to_contain_text("2 / 2")
    expect(row).to_contain_text("désaccord")


def test_more_information_then_publish_to_the_catalogue(new_context, mailbox):
    title = "Recherche participative sur le parcours diabète"
    organiser = new_context.page()
    login(organiser, ORGANISER, DEMO_PASSWORD)
    call = national_call(organiser)
    path = open_submission(organiser, call, title)
    named(organiser, "status").select_option("more_info")
    submit(organiser, "Enregistrer la décision", status=422)
    expect(organiser.locator("#champ-message-erreur")).to_contain_text("précisions")
    named(organiser, "status").select_option("more_info")
    field(organiser, "Message aux auteur·rices", "message").fill("Combien de patients ont participé aux entretiens ?")
    submit(organiser, "Enregistrer la décision")
    expect_status_message(organiser, "Précisions demandées")
    mailbox.wait_for_link(DEMO["resident"], re.escape(path))

    author = new_context.page()
    login(author, DEMO["resident"], DEMO_PASSWORD)
    visit(author, path)
    expect(author.locator("main")).to_contain_text("Combien de patients ont participé aux entretiens ?")
    field(author, "Votre réponse aux relecteur·rices", "message").fill("Trente-deux patients, en 2022 et 2023.")
    submit(author, "Envoyer ma réponse")
    expect_status_message(author, "réponse est transmise")

    visit(organiser, path)
    named(organiser, "status").select_option("remarkable")
    submit(organiser, "Enregistrer la décision")
    named(organiser, "status").select_option("published")
    submit(organiser, "Enregistrer la décision")
    expect(organiser.locator("main .status").first).to_have_text("Publiée au catalogue")

    # Anyone finds it in the catalogue, highlighted, with a clean page that prints.
    visitor = new_context.page()
    visit(visitor, CATALOGUE)
    visitor.get_by_label("Mots-clés").fill("DIABETE")
    visitor.get_by_label("Seulement les expériences remarquables").check()
    with visitor.expect_navigation() as nav:
        visitor.get_by_role("button", name="Afficher").click()
    audit(visitor, nav.value)
    item = visitor.locator("main .proposal-list li", has_text=title)
    expect(item).to_contain_text("Remarquable")
    with visitor.expect_navigation():
        item.get_by_role("link", name=title).click()
    audit(visitor)
    assert re.search(r"/experiences/\d+-recherche-participative-sur-le-parcours-diabete$", visitor.url), visitor.url
    expect(visitor.locator("main")).to_contain_text("Citer cette expérience")
    expect(visitor.locator("main")).to_contain_text("Expérience remarquable")
    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header nav")).to_be_hidden()
    expect(visitor.locator("main h1")).to_be_visible()
    visitor.emulate_media(media="screen")


def test_catalogue_works_without_javascript_and_on_a_small_screen(new_context):
    page = new_context.page(java_script_enabled=False, viewport={"width": 320, "height": 640})
    visit(page, CATALOGUE, check=False)
    named(page, "contexte").select_option("communes-quartiers")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    assert "contexte=communes-quartiers" in page.url
    expect(page.locator("main .proposal-list li").first).to_be_visible()
    with page.expect_navigation():
        page.locator("main .proposal-list h2 a").first.click()
    expect(page.locator("h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px ({width} px)"


def test_organisers_open_calls_and_read_the_figures(new_context):
    organiser = new_context.page()
    login(organiser, ORGANISER, DEMO_PASSWORD)
    visit(organiser, "/appels/nouveau")
    submit(organiser, "Ouvrir l'appel", status=422)
    expect(organiser.locator("#champ-title-erreur")).to_contain_text("titre")
    expect(organiser.locator("#champ-closes_on-erreur")).to_be_visible()
    call = national_call(organiser)
    visit(organiser, call + "/chiffres")
    expect(organiser.locator("main table").first).to_be_visible()
    expect(organiser.locator("main")).to_contain_text("Contributions par région")

    # A territory's coordinator opens a local call, for its members only.
    title = f"Appel local {uuid.uuid4().hex[:6]}"
    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)
    visit(coordinator, "/vitre/appels")
    with coordinator.expect_navigation():
        coordinator.locator("main").get_by_role("link", name="Ouvrir un appel sur le territoire").click()
    audit(coordinator)
    field(coordinator, "Titre de l'appel", "title").fill(title)
    field(coordinator, "Présentation", "body").fill("Racontez-nous vos démarches avec les habitants.")
    field(coordinator, "Ouverture", "opens_on").fill("2026-01-01")
    field(coordinator, "Date limite", "closes_on").fill("2099-12-31")
    coordinator.get_by_label("Les membres du territoire seulement").check()
    field(coordinator, "Relecteur·rices", "reviewers").fill(DEMO["decision_maker"])
    coordinator.get_by_label("Une", exact=True).check()
    submit(coordinator, "Ouvrir l'appel")
    expect_status_message(coordinator, "L'appel est ouvert")
    expect(coordinator.locator("h1")).to_have_text(title)
    # Its coordinator can move the deadline later.
    with coordinator.expect_navigation():
        coordinator.locator("main").get_by_role("link", name=re.compile("Modifier l'appel")).click()
    audit(coordinator)
    field(coordinator, "Date limite", "closes_on").fill("2100-06-30")
    submit(coordinator, "Enregistrer l'appel")
    expect(coordinator.locator("main")).to_contain_text("30 juin 2100")

    # Someone of another territory may read it but not answer it, and never sees its figures.
    outsider = new_context.page()
    login(outsider, DEMO["coordinator_broceliande"], DEMO_PASSWORD)
    visit(outsider, path_of(coordinator))
    expect(outsider.locator("main")).to_contain_text("réservé aux membres du territoire")
    visit(outsider, path_of(coordinator) + "/chiffres", status=403)


def test_the_operator_names_a_national_organiser(tmp_path):
    """`agora national-organiser`: an existing account only; audited; withdrawn with --remove."""
    import sqlite3
    from test_commands import agora

    data = tmp_path / "data"
    assert agora(data, "demo").returncode == 0
    missing = agora(data, "national-organiser", "--email", "personne@nulle-part.example")
    assert missing.returncode != 0 and "Aucun compte" in (missing.stdout + missing.stderr)
    named_ = agora(data, "national-organiser", "--email", "PRO@vitre.example")
    assert named_.returncode == 0, named_
    assert "organise les appels nationaux" in named_.stdout
    with sqlite3.connect(data / "agora.sqlite") as db:
        sql = "SELECT count(*) FROM experience_organisers o JOIN people p ON p.id = o.person_id WHERE p.email = 'pro@vitre.example'"
        assert db.execute(sql).fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'experience_organiser.added'").fetchone()[0] == 1
    assert agora(data, "national-organiser", "--email", "pro@vitre.example", "--remove").returncode == 0
    with sqlite3.connect(data / "agora.sqlite") as db:
        assert db.execute(sql).fetchone()[0] == 0

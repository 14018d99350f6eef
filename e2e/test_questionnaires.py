"""Needs questionnaires in a real browser: build one, answer it online (errors keep every answer,
conditions hide questions with JavaScript), assisted entry by keyboard, a CSV import of paper
answers, results and the users / professionals cross-analysis (axe + Nu checker on every page)."""

import csv
import io
import re
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, expect_status_message, field, login, named, path_of, submit, visit
from test_pages import assert_no_horizontal_scroll

LIST = "/vitre/questionnaires"
USERS_TITLE = "Vos besoins de santé sur le territoire"


def demo_questionnaire(page, title: str = USERS_TITLE) -> str:
    """The path of a demo questionnaire, found from the list."""
    visit(page, LIST)
    with page.expect_navigation():
        page.locator("main h2").get_by_role("link", name=title).click()
    audit(page)
    return path_of(page)


def answer_required(page) -> None:
    """Fills every required question of the users' demo questionnaire."""
    for key in ["q4", "q6", "q8", "q9", "q10", "q11", "q12", "q16"]:
        page.locator(f"#question-{key} input[type=radio]").first.check()
    named(page, "q5").select_option(index=1)
    named(page, "q14-1").select_option(index=1)


def test_build_publish_and_answer_online(new_context):
    coordinator = new_context.page()
    login(coordinator, DEMO["coordinator"], DEMO_PASSWORD)
    visit(coordinator, LIST + "/nouveau")
    title = f"Se soigner sans voiture {uuid.uuid4().hex[:6]}"
    field(coordinator, "Titre", "title").fill(title)
    field(coordinator, "Introduction", "intro").fill("Cinq minutes pour dire comment vous allez chez le médecin.")
    coordinator.get_by_label("Usagers et habitants").check()
    submit(coordinator, "Créer et ajouter les questions")
    expect_status_message(coordinator, "Questionnaire créé")
    builder = path_of(coordinator)

    # A single choice, then a number shown only after "Non".
    with coordinator.expect_navigation():
        coordinator.locator("main").get_by_role("link", name=re.compile("Ajouter une question")).first.click()
    audit(coordinator)
    named(coordinator, "kind").select_option("single")
    field(coordinator, "Question", "label").fill("Avez-vous une voiture ?")
    field(coordinator, "Choix proposés", "choices").fill("Oui")
    submit(coordinator, "Enregistrer la question", status=422)
    expect(coordinator.locator("main")).to_contain_text("Écrivez au moins deux choix")
    expect(field(coordinator, "Question", "label")).to_have_value("Avez-vous une voiture ?")
    field(coordinator, "Choix proposés", "choices").fill("Oui\nNon")
    submit(coordinator, "Enregistrer la question")
    expect_status_message(coordinator, "Enregistré")
    with coordinator.expect_navigation():
        coordinator.locator("main").get_by_role("link", name=re.compile("Ajouter une question")).first.click()
    named(coordinator, "kind").select_option("number")
    field(coordinator, "Question", "label").fill("Combien de kilomètres jusqu'au médecin ?")
    field(coordinator, "Minimum", "min_value").fill("0")
    field(coordinator, "Maximum", "max_value").fill("300")
    named(coordinator, "condition").select_option(label="= Non")
    submit(coordinator, "Enregistrer la question")
    expect(coordinator.locator("main")).to_contain_text("Seulement si vous avez répondu « Non »")
    # The edit page of an existing question keeps what was saved.
    with coordinator.expect_navigation():
        coordinator.locator("main .builder-list").get_by_role("link", name=re.compile("Modifier")).first.click()
    audit(coordinator)
    expect(field(coordinator, "Question", "label")).to_have_value("Avez-vous une voiture ?")
    expect(field(coordinator, "Choix proposés", "choices")).to_have_value("Oui\nNon")
    visit(coordinator, builder)
    # The number depends on the car question: it may not move above it (refused, nothing moved).
    submit(coordinator, re.compile(r"^Monter « Combien de kilomètres"), status=422)
    expect(coordinator.locator(".error-summary")).to_contain_text("Déplacement refusé")
    expect(coordinator.locator("#champ-question-q3")).to_contain_text("Déplacement refusé")
    expect(coordinator.locator("main .builder-list li").first).to_contain_text("Avez-vous une voiture ?")
    submit(coordinator, "Publier : ouvrir aux réponses")
    expect_status_message(coordinator, "publié")
    # The preview hides the conditional question too, until its condition holds.
    visit(coordinator, builder.replace("/construire", "/apercu"))
    expect(coordinator.locator("#question-q3")).to_be_hidden()
    coordinator.get_by_label("Non", exact=True).check()
    expect(coordinator.locator("#question-q3")).to_be_visible()
    coordinator.get_by_label("Oui", exact=True).check()
    expect(coordinator.locator("#question-q3")).to_be_hidden()

    # Waves: a wrong period is refused with the typed input kept, then saved.
    visit(coordinator, builder.replace("/construire", "/vagues"))
    field(coordinator, "Nom", "name").fill("Printemps 2027")
    field(coordinator, "Début", "starts_on").fill("2027-06-30")
    field(coordinator, "Fin", "ends_on").fill("2027-03-01")
    field(coordinator, "Objectif de réponses", "target_total").fill("200")
    submit(coordinator, "Enregistrer la vague", status=422)
    expect(coordinator.locator(".error-summary")).to_contain_text("La fin doit venir après le début.")
    expect(field(coordinator, "Nom", "name")).to_have_value("Printemps 2027")
    field(coordinator, "Début", "starts_on").fill("2027-03-01")
    field(coordinator, "Fin", "ends_on").fill("2027-06-30")
    submit(coordinator, "Enregistrer la vague")
    expect_status_message(coordinator, "Vague enregistrée")
    expect(coordinator.locator("main table")).to_contain_text("Printemps 2027")

    # A resident on a small phone answers; the number appears only after "Non".
    resident = new_context.page(viewport={"width": 320, "height": 720})
    visit(resident, builder.replace("/construire", ""))
    with resident.expect_navigation():
        resident.locator("main").get_by_role("link", name="Répondre au questionnaire").click()
    audit(resident)
    assert_no_horizontal_scroll(resident)
    distance = resident.locator("#question-q3")
    expect(distance).to_be_hidden()
    resident.get_by_label("Non", exact=True).check()
    expect(distance).to_be_visible()
    field(resident, "Combien de kilomètres", "q3").fill("450")
    submit(resident, "Envoyer mes réponses", status=422)
    expect(resident.locator(".error-summary")).to_contain_text("Indiquez un nombre entre 0 et 300.")
    expect(field(resident, "Combien de kilomètres", "q3")).to_have_value("450")
    expect(resident.get_by_label("Non", exact=True)).to_be_checked()
    field(resident, "Combien de kilomètres", "q3").fill("35")
    submit(resident, "Envoyer mes réponses")
    expect_status_message(resident, "Merci")


def test_save_and_resume_later(page):
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/repondre")
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    submit(page, "Enregistrer et reprendre plus tard")
    expect_status_message(page, "Gardez le lien")
    resume = path_of(page)
    assert "/reprendre/" in resume
    page.context.clear_cookies()
    visit(page, resume)
    expect(page.locator("#question-q4").get_by_label("65 à 79 ans")).to_be_checked()
    answer_required(page)
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Merci")
    visit(page, resume, status=404)


def test_assisted_entry_with_the_keyboard(page):
    login(page, DEMO["partner"], DEMO_PASSWORD)
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/saisie")
    named(page, "_canal").select_option("telephone")
    # Sent with nothing answered: every required question says so, the channel stays chosen.
    submit(page, "Enregistrer cette réponse et saisir la suivante", status=422)
    expect(page.locator(".error-summary")).to_contain_text("Choisissez une réponse.")
    expect(named(page, "_canal")).to_have_value("telephone")
    # Keyboard only: focus the first answer of the first question and choose with the arrows.
    page.locator("#question-q4 input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#question-q4 input[type=radio]").nth(1)).to_be_checked()
    answer_required(page)
    submit(page, "Enregistrer cette réponse et saisir la suivante")
    expect_status_message(page, re.compile(r"Réponse n° \d+ enregistrée \(téléphone\)"))
    expect(named(page, "_canal")).to_have_value("telephone")


def test_import_paper_answers(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    questionnaire = demo_questionnaire(page)
    exported = page.request.get(questionnaire + "/reponses.csv")
    assert exported.status == 200
    rows = list(csv.reader(io.StringIO(exported.text())))
    header, first = rows[0], rows[1]
    meta = 6  # reponse, version, vague, canal, public, date
    good = io.StringIO()
    writer = csv.writer(good, delimiter=";")
    writer.writerow(["canal"] + header[meta:])
    writer.writerow(["papier"] + first[meta:])
    writer.writerow(["papier"] + first[meta:])
    bad = good.getvalue() + ";".join(["fax"] + first[meta:]) + "\n"

    visit(page, questionnaire + "/import")
    named(page, "fichier").set_input_files({"name": "papier.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    submit(page, "Importer", status=422)
    expect(page.locator("main")).to_contain_text("Rien n'a été importé")
    expect(page.locator("main table")).to_contain_text("Canal inconnu « fax »")
    named(page, "fichier").set_input_files({"name": "papier.csv", "mimeType": "text/csv", "buffer": good.getvalue().encode()})
    submit(page, "Importer")
    expect_status_message(page, "2 réponses importées")

    # Free-text answers: read, search, code (the coding page is checked like every page).
    visit(page, questionnaire + "/textes")
    expect(page.locator("main")).to_contain_text("Réponses libres")
    field(page, "Rechercher dans les réponses", "q").fill("samedi")
    submit(page, "Afficher")
    expect(page.locator("main .text-answers")).to_contain_text("samedi")


def test_results_participation_and_cross_analysis(page):
    login(page, DEMO["decision_maker"], DEMO_PASSWORD)
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/resultats")
    first = page.locator("main section.result").first
    expect(first.locator("svg.chart")).to_be_visible()
    expect(first.locator("table")).to_be_visible()
    counted = page.locator("main p strong").filter(has_text="Réponses comptées")
    everyone = counted.inner_text()
    named(page, "canal").select_option("papier")
    submit(page, "Filtrer")
    paper = counted.inner_text()
    assert re.search(r"Réponses comptées : \d+", paper), paper
    assert paper != everyone, (everyone, paper)  # the paper answers only: fewer
    assert int(re.sub(r"\D", "", paper)) < int(re.sub(r"\D", "", everyone)), (everyone, paper)
    visit(page, questionnaire + "/participation")
    expect(page.locator("main")).to_contain_text("Pour 1 000 habitants")
    visit(page, LIST + "/croisement")
    main = page.locator("main")
    expect(main).to_contain_text(re.compile(r"Spearman\) : -?\d,\d\d"))
    expect(main).to_contain_text("thèmes communs")
    # What divides the groups is said in words (the pristine demo's sentences are checked in process;
    # answers sent by the other browser tests may hide a measure here).
    expect(main.get_by_role("heading", name="Ce qui sépare les deux groupes")).to_be_visible()
    expect(main.locator("table").first).to_contain_text("Accès aux soins")
    # Satisfaction wordings are turned round before the themes are ranked, and listed.
    expect(main).to_contain_text("Questions au score inversé")
    expect(main).to_contain_text("« Je connais mes droits de patient. »")
    named(page, "vague").select_option("2")
    submit(page, "Croiser")
    expect(main).to_contain_text("vague 2")
    # The aggregated export, read back with Python's CSV reader: no count between 1 and 4.
    aggregated = page.request.get(questionnaire + "/resultats.csv")
    assert aggregated.status == 200 and aggregated.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(aggregated.text())))
    assert rows and {"question", "libelle", "reponse", "nombre", "part_pourcent"} <= set(rows[0])
    counts = [
        r["nombre"] for r in rows
        if r["nombre"] and not r["reponse"].startswith("_") and "_moyenne" not in r["reponse"]
        and "(score" not in r["reponse"]
    ]
    hidden = {"moins de 5", "masqué", "non publié"}
    assert all(c in hidden or int(c) == 0 or int(c) >= 5 for c in counts), counts
    assert "masqué" in counts  # cells hidden with a small one, so that no total gives it away
    assert page.request.get(questionnaire + "/reponses.csv").status == 403  # raw answers: coordinators only


def test_spreadsheet_export_opens_as_is(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    questionnaire = demo_questionnaire(page)
    body = page.request.get(questionnaire + "/reponses-tableur.csv").body().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:6] == ["reponse", "version", "vague", "canal", "public", "date"]
    assert len(rows) > 300 and all(len(r) == len(rows[0]) for r in rows)
    codebook = list(csv.reader(io.StringIO(page.request.get(questionnaire + "/livre-de-codes.csv").text())))
    assert {r[0] for r in codebook[1:]} >= set(rows[0])


def test_paper_version_prints_one_section_a_page(page):
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/papier")
    expect(page.locator("main .paper-section")).to_have_count(3)
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelectorAll('.paper-section')[1]).breakBefore") == "page"
    expect(page.locator("header.site-header")).to_be_hidden()


def test_the_printed_qr_code_reads_back_to_the_questionnaire(page, tmp_path):
    """The QR code the page shows, as Chromium draws the served SVG, is read by Debian's zbarimg
    (a real decoder) and opens the questionnaire's answering page."""
    import subprocess

    path = demo_questionnaire(page)
    figure = page.locator("main figure.qr img")
    expect(figure).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    shot = tmp_path / "qr.png"
    # A white margin around the code, as on a poster: the quiet zone is part of the drawing.
    figure.screenshot(path=str(shot))
    decoded = subprocess.run(["/usr/bin/zbarimg", "--quiet", "--raw", str(shot)], capture_output=True, text=True, timeout=30)
    assert decoded.returncode == 0, decoded.stderr
    target = decoded.stdout.strip()
    assert target.endswith(path + "/repondre"), target
    visit(page, target)
    expect(page.locator("main form").first).to_be_visible()


# ---------------------------------------------------------------------------------------------
# Answers that count once (issue #15, points 3 and 4)


def test_a_signed_in_person_answers_once_and_changes_their_answer(new_context):
    page = new_context.page()
    login(page, DEMO["partner"], DEMO_PASSWORD)
    questionnaire = demo_questionnaire(page)
    # A second tab opened on the empty form before the first answer is sent.
    other = new_context.page()
    other.context.add_cookies(page.context.cookies())
    visit(other, questionnaire + "/repondre")
    answer_required(other)

    visit(page, questionnaire + "/repondre")
    answer_required(page)
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Merci")
    # The questionnaire's page knows: "déjà répondu — modifier ma réponse".
    expect(page.locator("main")).to_contain_text("Vous avez déjà répondu à ce questionnaire pour cette vague.")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Vous avez déjà répondu — modifier ma réponse").click()
    audit(page)
    expect(page.locator("main")).to_contain_text("voici votre réponse")
    expect(page.locator("#question-q4").get_by_label("65 à 79 ans")).to_be_checked()
    page.locator("#question-q4").get_by_label("80 ans ou plus").check()
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Votre réponse est modifiée")
    visit(page, questionnaire + "/repondre")
    expect(page.locator("#question-q4").get_by_label("80 ans ou plus")).to_be_checked()

    # The second tab's blank form is a second answer: refused, nothing counted.
    submit(other, "Envoyer mes réponses", status=409)
    expect(other.locator("main")).to_contain_text("Vous avez déjà répondu à ce questionnaire pour cette vague")


def test_an_anonymous_form_counts_once(page):
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/repondre")
    token = page.locator('main input[name="_jeton"]').get_attribute("value")
    assert token and "." in token
    answer_required(page)
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Merci")

    # The same form sent again (its token replayed): refused, the answers typed kept.
    visit(page, questionnaire + "/repondre")
    answer_required(page)
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    page.locator('main input[name="_jeton"]').evaluate("(e, t) => e.value = t", token)
    submit(page, "Envoyer mes réponses", status=409)
    expect(page.locator("main")).to_contain_text("Ce formulaire a déjà été envoyé")
    expect(page.locator("#question-q4").get_by_label("65 à 79 ans")).to_be_checked()

    # A forged token: refused too.
    page.locator('main input[name="_jeton"]').evaluate("e => e.value = 'abc.def'")
    submit(page, "Envoyer mes réponses", status=403)
    expect(page.locator("main")).to_contain_text("Ce formulaire n'est pas valable")
    expect(page.locator("#question-q4").get_by_label("65 à 79 ans")).to_be_checked()

    # The refusal came with a fresh token: sent as it is now, the answer is taken once.
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Merci")


def test_an_anonymous_draft_is_found_again_from_the_questionnaire_page(page):
    questionnaire = demo_questionnaire(page)
    visit(page, questionnaire + "/repondre")
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    submit(page, "Enregistrer et reprendre plus tard")
    expect_status_message(page, "Gardez le lien")
    draft_cookie = next(c for c in page.context.cookies() if c["name"] == "agora_brouillon")
    assert draft_cookie["httpOnly"]
    visit(page, questionnaire)
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Reprendre mon questionnaire").click()
    audit(page)
    expect(page.locator("#question-q4").get_by_label("65 à 79 ans")).to_be_checked()
    answer_required(page)
    page.locator("#question-q4").get_by_label("65 à 79 ans").check()
    submit(page, "Envoyer mes réponses")
    expect_status_message(page, "Merci")
    # Sent: the draft is gone, the page offers to answer again.
    expect(page.locator("main").get_by_role("link", name="Reprendre mon questionnaire")).to_have_count(0)

"""A territory's coordinator edits its theme list, and every room offers it: a new theme is
proposed in the proposal form and the agenda's filter, a hidden one no longer is, a renamed one
shows its new name. Run on Brocéliande so that the other suites keep Vitré's list."""

import re

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, expect_status_message, login, named, submit, visit
from test_pages import assert_no_horizontal_scroll, assert_skip_link_first


def test_coordinator_adds_renames_and_hides_themes(new_context):
    page = new_context.page()
    login(page, DEMO["coordinator_broceliande"], DEMO_PASSWORD)
    visit(page, "/broceliande/themes")
    assert_skip_link_first(page)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("main table")).to_contain_text("Parcours de soins")

    # No letter in the name: the French message is next to the field, the English name kept.
    page.locator("#champ-add-label_fr").fill("!!")
    page.locator("#champ-add-label_en").fill("Carers' health")
    submit(page, "Ajouter le thème", status=422)
    expect(page.locator("#champ-add-label_fr-erreur")).to_contain_text("Indiquez le nom du thème")
    expect(page.locator("#champ-add-label_en")).to_have_value("Carers' health")

    # By keyboard: type the name, Tab to the English name, Enter sends the form.
    page.locator("#champ-add-label_fr").fill("Santé des aidants")
    page.keyboard.press("Tab")
    expect(page.locator("#champ-add-label_en")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator('[role="status"]')).to_contain_text("ajouté")
    expect(page.locator("main table")).to_contain_text("Santé des aidants")

    named(page, "theme").select_option("jeunesse")
    page.locator("#champ-edit-label_fr").fill("Enfance et jeunesse")
    submit(page, "Enregistrer")
    named(page, "theme").select_option("handicap")
    page.get_by_label(re.compile("^Masqué")).check()
    submit(page, "Enregistrer")
    expect(page.locator("main table tr").filter(has_text="Handicap")).to_contain_text("masqué")

    partner = new_context.page()
    login(partner, "partenaire@broceliande.example", DEMO_PASSWORD)
    visit(partner, "/broceliande/propositions/nouvelle")
    themes = partner.locator("main fieldset").filter(has_text="Thèmes").first
    expect(themes.get_by_label("Santé des aidants")).to_have_count(1)
    expect(themes.get_by_label("Enfance et jeunesse")).to_have_count(1)
    expect(themes.get_by_label("Handicap")).to_have_count(0)
    visit(partner, "/broceliande/evenements")
    options = partner.locator("main select[name=theme] option").all_inner_texts()
    assert "Santé des aidants" in options and "Enfance et jeunesse" in options and "Handicap" not in options

    # Vitré keeps the platform's list; and Vitré's residents cannot edit Brocéliande's.
    visit(partner, "/vitre/evenements")
    assert "Santé des aidants" not in partner.locator("main select[name=theme] option").all_inner_texts()
    visit(partner, "/broceliande/themes", status=403)


def test_coordinator_raises_the_disclosure_threshold_to_eleven(new_context):
    """The threshold of health-data bodies is one choice away, from the themes page; every figure
    of the territory follows it. Set back to 5 at the end for the other suites."""
    page = new_context.page()
    login(page, DEMO["coordinator_broceliande"], DEMO_PASSWORD)
    visit(page, "/broceliande/themes")
    link = page.get_by_role("link", name=re.compile("Diffusion des chiffres"))
    assert link.get_attribute("href") == "/broceliande/diffusion-des-chiffres"
    visit(page, "/broceliande/diffusion-des-chiffres")
    assert_no_horizontal_scroll(page)
    main = page.locator("main")
    expect(main).to_contain_text("moins de 5 personnes")
    expect(page.get_by_label(re.compile("^5 personnes"))).to_be_checked()
    page.get_by_label(re.compile("^11 personnes")).check()
    submit(page, "Enregistrer le seuil")
    expect_status_message(page, "moins de 11 personnes")
    expect(main).to_contain_text("ne porte sur moins de 11 personnes")
    expect(page.get_by_label(re.compile("^11 personnes"))).to_be_checked()
    page.get_by_label(re.compile("^5 personnes")).check()
    submit(page, "Enregistrer le seuil")
    expect(main).to_contain_text("ne porte sur moins de 5 personnes")

"""The pages issue #16 added around mail, in a real browser (axe and the Nu checker see them):
a person whose first confirmation mail was lost asks for a new link from the login page and
confirms with it; an administrator opens the list of undelivered e-mails."""

from __future__ import annotations

from playwright.sync_api import expect

from conftest import (
    DEMO,
    DEMO_PASSWORD,
    expect_status_message,
    field,
    login,
    path_of,
    signup,
    submit,
    unique_email,
    unique_name,
    visit,
)


def test_a_new_confirmation_link_from_the_login_page(page, mailbox):
    email_addr = unique_email("reconfirmer")
    signup(page, display_name=unique_name(), email_addr=email_addr, password="Agora-sante-e2e-2026")
    first = mailbox.wait_for_link(email_addr, r"/confirmer/[^/?#\s]+")  # taken as lost: never opened
    assert first

    visit(page, "/connexion")
    with page.expect_navigation():
        page.get_by_role("link", name="Adresse pas encore confirmée ? Recevoir un nouveau lien de confirmation").click()
    assert path_of(page) == "/confirmation/nouveau-lien"
    field(page, "Adresse e-mail", "email").fill(email_addr)
    submit(page, "Recevoir un lien")
    expect(page.locator("main")).to_contain_text(f"Si un compte attend la confirmation de {email_addr}")

    link = mailbox.wait_for_link(email_addr, r"/confirmer/[^/?#\s]+")
    assert link != first
    visit(page, link)
    submit(page, "Confirmer mon adresse")
    assert path_of(page) == "/connexion"
    expect_status_message(page)

    # An unknown address gets the same answer, and no mail.
    visit(page, "/confirmation/nouveau-lien")
    unknown = unique_email("inconnu")
    field(page, "Adresse e-mail", "email").fill(unknown)
    submit(page, "Recevoir un lien")
    expect(page.locator("main")).to_contain_text(f"Si un compte attend la confirmation de {unknown}")
    assert mailbox.messages_to(unknown) == []


def test_an_administrator_opens_the_undelivered_emails(page):
    login(page, DEMO["admin"], DEMO_PASSWORD)
    visit(page, "/vitre/membres")
    with page.expect_navigation():
        page.get_by_role("link", name="E-mails non distribués de la plateforme").click()
    assert path_of(page) == "/administration/envois"
    visit(page, "/administration/envois")
    expect(page.locator("main h1")).to_have_text("E-mails non distribués")


def test_a_coordinator_may_not_open_the_undelivered_emails(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    visit(page, "/administration/envois", status=403)
    expect(page.locator("main")).to_contain_text("réservée aux administrateur·rices")

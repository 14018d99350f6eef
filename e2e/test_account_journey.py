"""A person's account, from sign-up to deletion; one-time login link; password reset."""

import json
import re

from playwright.sync_api import expect

from conftest import (
    DEMO,
    LOGIN_ERROR,
    NEW_PASSWORD,
    confirm_email,
    create_account,
    disable_browser_validation,
    expect_check_email_page,
    expect_status_message,
    field,
    fill_signup,
    login,
    named,
    path_of,
    select_other_option,
    signup,
    submit,
    unique_email,
    unique_name,
    visit,
)


def open_profile_form(page):
    """The profile form is on /compte (or one link away from it)."""
    if named(page, "display_name").count() == 0:
        link = page.locator("main").get_by_role("link", name=re.compile(r"modifier|profil", re.I)).first
        with page.expect_navigation():
            link.click()
    expect(named(page, "display_name")).to_have_count(1)
    return path_of(page)


def test_account_journey(page, mailbox):
    display_name = unique_name("Zoé")
    email_addr = unique_email("parcours")

    # Sign up: a resident of Vitré.
    signup(page, display_name=display_name, email_addr=email_addr, password=NEW_PASSWORD)

    # The confirmation mail, its page (a button, so link scanners do not confirm), /connexion.
    confirm_email(page, mailbox, email_addr)

    # Log in.
    login(page, email_addr, NEW_PASSWORD)
    expect(page.locator("main")).to_contain_text(display_name)

    # Edit the profile.
    profile_path = open_profile_form(page)
    new_name = unique_name("Zoé-Anne")
    field(page, "Nom ou pseudonyme", "display_name").fill(new_name)
    commune = select_other_option(named(page, "commune"))
    age_band = select_other_option(named(page, "age_band"))
    submit(page, "Enregistrer")
    expect(page.locator(".field-error")).to_have_count(0)
    expect_status_message(page)

    visit(page, profile_path)
    expect(named(page, "display_name")).to_have_value(new_name)
    expect(named(page, "commune")).to_have_value(commune)
    expect(named(page, "age_band")).to_have_value(age_band)

    # Download my data (JSON).
    visit(page, "/compte")
    link = page.locator("main").get_by_role("link", name="Télécharger mes données")
    expect(link).to_have_attribute("href", re.compile(r"/compte/donnees$"))
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json"), download.suggested_filename
    data = json.loads(open(download.path(), encoding="utf-8").read())
    dumped = json.dumps(data, ensure_ascii=False)
    assert email_addr in dumped, f"the export lacks the e-mail address: {dumped[:500]}"
    assert new_name in dumped, f"the export lacks the display name: {dumped[:500]}"

    # Delete the account.
    visit(page, "/compte/supprimer")
    field(page, "Mot de passe", "password").fill(NEW_PASSWORD)
    named(page, "confirm").check()
    submit(page, "Supprimer mon compte")
    assert path_of(page) == "/", f"after deletion: expected /, got {page.url}"
    expect_status_message(page)

    # The same credentials no longer work.
    response = login(page, email_addr, NEW_PASSWORD, expect_success=False)
    assert 400 <= response.status < 500, f"login after deletion: HTTP {response.status}"
    expect(page.locator("main")).to_contain_text(LOGIN_ERROR)


def test_one_time_login_link(page, mailbox):
    visit(page, "/lien-de-connexion")
    field(page, "Adresse e-mail", "email").fill(DEMO["resident"])
    submit(page, "Recevoir un lien")
    expect(page.locator(".field-error")).to_have_count(0)

    link = mailbox.wait_for_link(DEMO["resident"], r"/lien/[^/?#\s]+")
    visit(page, link)
    submit(page, "Me connecter")
    assert path_of(page) == "/compte", f"after the login link: expected /compte, got {page.url}"


def test_password_reset(page, mailbox):
    account = create_account(page, mailbox)
    email_addr = account["email_addr"]
    new_password = "Nouveau-mot-de-passe-2026"

    visit(page, "/mot-de-passe-oublie")
    field(page, "Adresse e-mail", "email").fill(email_addr)
    submit(page, "Recevoir un lien")
    expect(page.locator(".field-error")).to_have_count(0)

    link = mailbox.wait_for_link(email_addr, r"/reinitialiser/[^/?#\s]+")
    visit(page, link)
    field(page, "Mot de passe", "password").fill(new_password)
    submit(page, "Changer mon mot de passe")
    expect(page.locator(".field-error")).to_have_count(0)

    # A fresh visitor logs in with the new password; the old one is refused.
    page.context.clear_cookies()
    response = login(page, email_addr, account["password"], expect_success=False)
    assert 400 <= response.status < 500, f"old password after reset: HTTP {response.status}"
    expect(page.locator("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    login(page, email_addr, new_password)


def test_professional_signup_requires_profession(page, mailbox):
    email_addr = unique_email("pro")
    fill_signup(
        page,
        display_name=unique_name("Camille"),
        email_addr=email_addr,
        password=NEW_PASSWORD,
        role="professional",
    )
    named(page, "profession").evaluate("s => { s.selectedIndex = -1; }")  # nothing chosen
    disable_browser_validation(page)
    response = submit(page, "Créer mon compte")
    assert 400 <= response.status < 500, f"professional without profession: HTTP {response.status}"
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator(".field-error").first).to_be_visible()

    # Typed values are kept; choose "60" (Infirmier) and send again.
    expect(named(page, "email")).to_have_value(email_addr)
    field(page, "Mot de passe", "password").fill(NEW_PASSWORD)
    page.locator('main input[name="role"][value="professional"]').check()
    named(page, "profession").select_option("60")
    if named(page, "accept_terms").count():
        named(page, "accept_terms").check()
    response = submit(page, "Créer mon compte")
    expect_check_email_page(page, response)
    confirm_email(page, mailbox, email_addr)

"""Error handling seen by a person: wrong password, invalid sign-up, tampered form, logout."""

import re

from playwright.sync_api import expect

from conftest import (
    DEMO,
    DEMO_PASSWORD,
    LOGIN_ERROR,
    NEW_PASSWORD,
    audit,
    confirm_email,
    disable_browser_validation,
    field,
    fill_signup,
    login,
    logout,
    named,
    path_of,
    signup,
    submit,
    unique_email,
    unique_name,
    url,
)

# Finds the error message tied to a field: through aria-describedby, or a .field-error in
# the field's own wrapper (up to three levels up, without leaving the form).
FIELD_ERROR_JS = """(el) => {
  for (const id of (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)) {
    const d = document.getElementById(id);
    if (d && d.classList.contains('field-error') && d.textContent.trim()) return d.textContent.trim();
  }
  let p = el.parentElement;
  for (let i = 0; i < 3 && p && p.tagName !== 'FORM'; i++, p = p.parentElement) {
    const d = p.querySelector('.field-error');
    if (d && d.textContent.trim()) return d.textContent.trim();
  }
  return null;
}"""


def field_error(page, name):
    control = named(page, name).first
    return control.evaluate(FIELD_ERROR_JS)


def assert_error_summary_on_top(page):
    alert = page.get_by_role("alert").first
    expect(alert).to_be_visible()
    assert alert.inner_text().strip(), "empty error summary"
    before_form = page.evaluate(
        """() => { const a = document.querySelector('[role="alert"]');
                   const f = document.querySelector('main form [name]:not([type="hidden"])');
                   return !!(a && f && (a.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)); }"""
    )
    assert before_form, "the error summary (role=alert) should come before the form fields"


def test_wrong_password(page):
    response = login(page, DEMO["decision_maker"], "pas-le-bon-mot-de-passe", expect_success=False)
    assert 400 <= response.status < 500, f"wrong password: HTTP {response.status}"
    expect(page.locator("main")).to_contain_text(LOGIN_ERROR)
    expect(field(page, "Adresse e-mail", "email")).to_have_value(DEMO["decision_maker"])
    assert path_of(page) != "/compte"


def test_signup_invalid_email_keeps_values(page):
    name = unique_name("Hélène")
    fill_signup(page, display_name=name, email_addr="pas-un-email", password=NEW_PASSWORD, territory="broceliande")
    disable_browser_validation(page)
    response = submit(page, "Créer mon compte")
    assert 400 <= response.status < 500, f"invalid e-mail: HTTP {response.status}"

    assert_error_summary_on_top(page)
    assert field_error(page, "email"), "no .field-error next to the e-mail field"
    expect(named(page, "display_name")).to_have_value(name)
    expect(named(page, "email")).to_have_value("pas-un-email")
    expect(named(page, "territory")).to_have_value("broceliande")
    expect(page.locator('main input[name="role"][value="resident"]')).to_be_checked()

    # Nothing was saved.
    page.context.clear_cookies()
    login(page, "pas-un-email", NEW_PASSWORD, expect_success=False, novalidate=True)
    expect(page.locator("main")).to_contain_text(re.compile(re.escape(LOGIN_ERROR) + "|e-?mail", re.I))


def test_signup_short_password_saves_nothing(page, mailbox):
    email_addr = unique_email("court")
    name = unique_name("Yann")
    fill_signup(page, display_name=name, email_addr=email_addr, password="onze-carac1")  # 11 characters
    disable_browser_validation(page)
    response = submit(page, "Créer mon compte")
    assert 400 <= response.status < 500, f"short password: HTTP {response.status}"
    assert_error_summary_on_top(page)
    message = field_error(page, "password")
    assert message and "12 caractères" in message, f"password error should mention “12 caractères”: {message!r}"
    expect(named(page, "email")).to_have_value(email_addr)
    expect(named(page, "display_name")).to_have_value(name)

    # Nothing saved: the same address signs up with a good password, confirms, logs in.
    page.context.clear_cookies()
    login(page, email_addr, "onze-carac1", expect_success=False)
    expect(page.locator("main")).to_contain_text(LOGIN_ERROR)
    signup(page, display_name=name, email_addr=email_addr, password=NEW_PASSWORD)
    confirm_email(page, mailbox, email_addr)
    login(page, email_addr, NEW_PASSWORD)


def test_tampered_csrf_token_is_refused(page, mailbox):
    email_addr = unique_email("csrf")
    name = unique_name("Malo")
    fill_signup(page, display_name=name, email_addr=email_addr, password=NEW_PASSWORD)
    changed = page.evaluate(
        """() => { const inputs = [...document.querySelectorAll('main form input[name="_csrf"]')];
                   inputs.forEach(i => { i.value = 'x' + i.value.split('').reverse().join('') + 'x'; });
                   return inputs.length; }"""
    )
    assert changed >= 1, "the sign-up form has no hidden _csrf input"
    response = submit(page, "Créer mon compte", check=False)
    assert response.status == 403, f"tampered CSRF token: expected HTTP 403, got {response.status}"
    audit(page, response)
    expect(page.locator("main")).to_contain_text("formulaire")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # The account was not created: a normal sign-up with the same address goes through.
    signup(page, display_name=name, email_addr=email_addr, password=NEW_PASSWORD)
    confirm_email(page, mailbox, email_addr)
    login(page, email_addr, NEW_PASSWORD)


def test_logout(page):
    login(page, DEMO["resident"], DEMO_PASSWORD)
    logout(page)
    assert path_of(page) != "/compte", f"still on /compte after logout ({page.url})"
    response = page.goto(url("/compte"))
    assert path_of(page) == "/connexion" or response.status in (401, 403), (
        f"after logout, /compte gave HTTP {response.status} at {page.url}"
    )

"""Public pages: accessibility (axe + Nu checker via conftest), small screens, keyboard,
no-JavaScript use, language switch and security headers."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, audit, field, path_of, url, visit

PUBLIC_PAGES = [
    "/",
    "/vitre",
    "/broceliande",
    "/connexion",
    "/inscription",
    "/mot-de-passe-oublie",
    "/lien-de-connexion",
    "/accessibilite",
    "/mentions-legales",
    "/confidentialite",
    "/conditions",
    "/vitre/propositions",
    "/vitre/suivi-des-propositions",
    "/vitre/actions",
    "/broceliande/actions",
    "/vitre/questionnaires",
    "/broceliande/questionnaires",
    "/vitre/evenements",
    "/vitre/evenements?quand=passes",
    "/vitre/evenements/mois",
    "/broceliande/evenements",
    "/participer",
]
NOT_FOUND = "/vitre/nexiste-pas"


def assert_no_horizontal_scroll(page, width=320):
    page.set_viewport_size({"width": width, "height": 800})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """(w) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > w + 0.5)
                 .slice(0, 5)
                 .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                      + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
        raise AssertionError(
            f"{page.url}: horizontal scroll at {width} px (scrollWidth {scroll_width}); "
            f"elements past the edge: {culprits}"
        )


def assert_skip_link_first(page):
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement;
                   return e ? { tag: e.tagName.toLowerCase(), text: (e.innerText || e.textContent || '').trim(),
                                href: e.getAttribute('href') } : null; }"""
    )
    assert focused and focused["tag"] == "a" and "Aller au contenu" in focused["text"], (
        f"{page.url}: the first Tab should focus the “Aller au contenu” link, focused {focused}"
    )
    href = focused["href"] or ""
    assert href.startswith("#") and len(href) > 1, f"skip link href should be #id, got {href!r}"
    assert page.evaluate("(id) => !!document.getElementById(id)", href[1:]), (
        f"{page.url}: skip link target {href} does not exist"
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page(page, path):
    visit(page, path)  # axe + saved for the Nu checker
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    title = page.title().strip()
    assert title, f"{path}: empty <title>"
    assert_skip_link_first(page)
    assert_no_horizontal_scroll(page)


def test_not_found_page(page):
    visit(page, NOT_FOUND, status=404)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("body")).to_contain_text("Page introuvable")
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES + [NOT_FOUND])
def test_security_headers(context, path):
    response = context.request.get(url(path), max_redirects=0)
    assert response.status in (200, 404), f"GET {path}: HTTP {response.status}"
    headers = response.headers  # lower-case names
    csp = headers.get("content-security-policy", "")
    assert csp, f"{path}: no Content-Security-Policy header"
    directives = {}
    for part in csp.split(";"):
        tokens = part.strip().split()
        if tokens:
            directives[tokens[0].lower()] = [t.lower() for t in tokens[1:]]
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"{path}: CSP has neither script-src nor default-src: {csp}"
    assert "'unsafe-inline'" not in script_src, f"{path}: CSP allows inline scripts: {csp}"
    elem = directives.get("script-src-elem")
    assert elem is None or "'unsafe-inline'" not in elem, f"{path}: CSP allows inline scripts: {csp}"
    assert headers.get("x-content-type-options", "").lower() == "nosniff", (
        f"{path}: X-Content-Type-Options should be nosniff, got {headers.get('x-content-type-options')!r}"
    )
    referrer = headers.get("referrer-policy", "").lower()
    assert referrer and "unsafe-url" not in referrer, f"{path}: weak or missing Referrer-Policy {referrer!r}"
    xfo = headers.get("x-frame-options", "").upper()
    assert xfo in ("DENY", "SAMEORIGIN") or "frame-ancestors" in directives, (
        f"{path}: neither X-Frame-Options (DENY/SAMEORIGIN) nor CSP frame-ancestors: {headers}"
    )
    ctype = headers.get("content-type", "")
    assert ctype.startswith("text/html") and "utf-8" in ctype.lower(), f"{path}: Content-Type {ctype!r}"


def test_login_without_javascript(new_context):
    page = new_context.page(java_script_enabled=False)
    # axe needs JavaScript: these pages are audited by the other tests.
    visit(page, "/connexion", check=False)
    assert page.evaluate("1 + 1") == 2  # evaluate still works; page scripts do not run
    field(page, "Adresse e-mail", "email").fill(DEMO["resident"])
    field(page, "Mot de passe", "password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Se connecter").click()
    assert path_of(page) == "/compte", f"without JavaScript, login landed on {page.url}"
    # And out again, still without JavaScript.
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    response = page.goto(url("/compte"))
    assert path_of(page) == "/connexion" or response.status in (401, 403), (
        f"after logout, /compte gave HTTP {response.status} at {page.url}"
    )


def test_language_switch(page):
    visit(page, "/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    skip = page.locator("a[href^='#']").first
    expect(skip).not_to_have_text(re.compile("Aller au contenu"))
    back = page.locator("a[hreflang^='fr'], a[lang^='fr']").or_(
        page.get_by_role("link", name=re.compile(r"^\s*(Français|French)\b", re.I))
    ).first
    expect(back).to_be_visible()
    with page.expect_navigation() as nav:
        back.click()
    audit(page, nav.value)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("body")).to_contain_text("Aller au contenu")

"""Assisted profiles: a coordinator records a person who has no account of their own."""

import re
import uuid

from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, field, first_real_option, login, named, path_of, submit, url, visit

NEW_PROFILE = "/vitre/profils-accompagnes/nouveau"
PROFILES = "/vitre/profils-accompagnes"
FORBIDDEN_TEXT = re.compile(r"accès|autoris|droit|permission|réservé", re.I)


def test_coordinator_creates_assisted_profile(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    visit(page, NEW_PROFILE)
    alias = f"Mamie Jeanne {uuid.uuid4().hex[:6]}"
    field(page, "Prénom ou surnom", "alias").fill(alias)
    first_real_option(named(page, "commune"))
    named(page, "phone").fill("02 99 00 00 00")
    named(page, "consent").check()
    submit(page, "Créer le profil")

    assert path_of(page) == PROFILES, f"after creating the profile: expected {PROFILES}, got {page.url}"
    # The row/item of the list (not the flash message, which also names the profile).
    entry = (
        page.locator("main")
        .locator("tr, li, article")
        .filter(has_text=alias)
        .filter(has_text=re.compile("Profil accompagné"))  # a regex: case-sensitive
    )
    expect(entry.first).to_be_visible()


def test_coordinator_profile_requires_consent(page):
    login(page, DEMO["coordinator"], DEMO_PASSWORD)
    visit(page, NEW_PROFILE)
    alias = f"Sans consentement {uuid.uuid4().hex[:6]}"
    field(page, "Prénom ou surnom", "alias").fill(alias)
    first_real_option(named(page, "commune"))
    page.locator("main form").evaluate_all("fs => fs.forEach(f => f.noValidate = true)")
    response = submit(page, "Créer le profil")
    assert 400 <= response.status < 500, f"profile without consent: HTTP {response.status}"
    expect(page.locator(".field-error").first).to_be_visible()
    visit(page, PROFILES)
    expect(page.locator("main")).not_to_contain_text(alias)


def test_resident_cannot_create_assisted_profile(page):
    login(page, DEMO["resident"], DEMO_PASSWORD)
    visit(page, NEW_PROFILE, status=403)
    expect(page.locator("main")).to_contain_text(FORBIDDEN_TEXT)
    expect(named(page, "alias")).to_have_count(0)


def test_other_territory_coordinator_is_forbidden(page):
    login(page, DEMO["coordinator_broceliande"], DEMO_PASSWORD)
    visit(page, PROFILES, status=403)
    expect(page.locator("main")).to_contain_text(FORBIDDEN_TEXT)


def test_anonymous_visitor_is_sent_to_login(page):
    response = page.goto(url(NEW_PROFILE))
    assert path_of(page) == "/connexion" or response.status in (401, 403), (
        f"anonymous {NEW_PROFILE}: HTTP {response.status} at {page.url}"
    )
    expect(named(page, "alias")).to_have_count(0)

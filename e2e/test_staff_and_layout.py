"""Signed-in pages: an administrator grants a role, every role's pages hold at 320 px and at
200 % zoom, and the navigation follows the person's roles."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO, DEMO_PASSWORD, create_account, field, login, named, submit, visit
from test_pages import assert_no_horizontal_scroll, assert_skip_link_first

SIGNED_IN_PAGES = {
    "resident": ["/compte", "/compte/supprimer", "/vitre"],
    "coordinator": ["/compte", "/vitre/profils-accompagnes", "/vitre/profils-accompagnes/nouveau"],
    "admin": ["/compte", "/vitre/membres"],
}


@pytest.mark.parametrize("who", sorted(SIGNED_IN_PAGES))
def test_signed_in_pages_hold_at_320px_and_by_keyboard(page, who):
    login(page, DEMO[who], DEMO_PASSWORD)
    for path in SIGNED_IN_PAGES[who]:
        visit(page, path)
        assert_skip_link_first(page)
        assert_no_horizontal_scroll(page)
        page.set_viewport_size({"width": 1280, "height": 800})


def test_pages_reflow_at_200_percent_zoom(new_context):
    # 200 % zoom of a 640 px wide window is a 320 CSS px viewport at device scale 2.
    page = new_context.page(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    for path in ["/", "/vitre", "/inscription", "/connexion"]:
        visit(page, path)
        assert_no_horizontal_scroll(page)


def test_navigation_follows_roles(new_context):
    resident = new_context.page()
    login(resident, DEMO["resident"], DEMO_PASSWORD)
    visit(resident, "/vitre")
    nav = resident.locator("nav").first
    expect(nav.get_by_role("link", name=re.compile("Membres"))).to_have_count(0)

    admin = new_context.page()
    login(admin, DEMO["admin"], DEMO_PASSWORD)
    visit(admin, "/vitre")
    expect(admin.locator("nav").get_by_role("link", name=re.compile("Membres")).first).to_be_visible()


def test_admin_grants_and_withdraws_a_role(new_context, mailbox):
    newcomer = new_context.page()
    account = create_account(newcomer, mailbox)

    admin = new_context.page()
    login(admin, DEMO["admin"], DEMO_PASSWORD)
    visit(admin, "/vitre/membres")

    # A wrong address: a French error next to the field, the typed address kept.
    field(admin, "Adresse e-mail du compte", "email").fill("personne@nulle-part.example")
    named(admin, "role").select_option("coordinator")
    submit(admin, "Attribuer le rôle", status=422)
    expect(admin.locator("#champ-email-erreur")).to_contain_text("Aucun compte")
    expect(named(admin, "email")).to_have_value("personne@nulle-part.example")

    field(admin, "Adresse e-mail du compte", "email").fill(account["email_addr"])
    named(admin, "role").select_option("coordinator")
    submit(admin, "Attribuer le rôle")
    expect(admin.locator('[role="status"]')).to_contain_text("attribué")
    row = admin.locator("main table tr").filter(has_text=account["email_addr"])
    expect(row).to_contain_text("Coordinat")

    # The newcomer now reaches the coordinators' page.
    login(newcomer, account["email_addr"], account["password"])
    visit(newcomer, "/vitre/profils-accompagnes")

    field(admin, "Adresse e-mail du compte", "email").fill(account["email_addr"])
    named(admin, "role").select_option("coordinator")
    submit(admin, "Retirer le rôle")
    visit(newcomer, "/vitre/profils-accompagnes", status=403)

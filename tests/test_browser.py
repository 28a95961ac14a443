"""End-to-end in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium)
against a real server on 127.0.0.1. ``make test`` installs Chromium with apt when missing."""

from __future__ import annotations

import os
import re
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


# ---------------------------------------------------------------- every page, phone and desktop
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
EXAMPLES = Path(__file__).parents[1] / "src" / "hepatoboard" / "examples"


def axe_serious(page) -> list[str]:
    """axe-core (the npm package's axe.min.js, shipped in axe-playwright-python) on the page:
    the serious and critical violations, one line each."""
    from axe_playwright_python.base import AXE_FILE_PATH

    page.evaluate(AXE_FILE_PATH.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def submit_example(page, url: str, name: str) -> str:
    page.goto(url + "/ui/cases/new")
    page.locator("details").first.evaluate("d => d.open = true")
    page.fill("#document", (EXAMPLES / f"{name}.yaml").read_text())
    page.click("#submit")
    page.wait_for_url("**/ui/assessments/*")
    return page.url


@pytest.fixture(scope="module")
def examples(server, browser):
    """The three examples stored once; (page URLs by name, the logged-in browser context)."""
    srv, token = server
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, srv.url, token)
    urls = {
        n: submit_example(page, srv.url, n)
        for n in ("seed-father", "second-line-mediastinal", "decompensated")
    }
    # a re-assessment with a change, so that the history has an input change to show
    page.goto(urls["seed-father"].rstrip("/") + "/reassess")
    page.fill("#id", "seed-father-example")
    page.click("#submit")
    page.wait_for_url("**/ui/assessments/*")
    yield urls, context
    context.close()


def _pages(srv_url: str, urls: dict[str, str]) -> dict[str, str]:
    history = srv_url + "/ui/cases/seed-father-example/history"
    return {
        "cases": srv_url + "/ui/",
        "case-form": srv_url + "/ui/cases/new",
        "plan-seed-father": urls["seed-father"],
        "plan-mediastinal": urls["second-line-mediastinal"],
        "plan-decompensated": urls["decompensated"],
        "reassess": urls["second-line-mediastinal"] + "/reassess",
        "history": history,
        "family-vi": urls["seed-father"].replace("/ui/assessments/", "/assessments/")
        + "/family?lang=vi",
        "api-docs": srv_url + "/docs",
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_fits_the_screen_and_passes_axe(server, examples, viewport, tmp_path):
    srv, _ = server
    urls, context = examples
    width, height = VIEWPORTS[viewport]
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    problems: dict[str, list[str]] = {}
    for name, url in _pages(srv.url, urls).items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        folder = SHOTS or tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        found = [f"horizontal overflow: {scroll} px in {width} px"] if scroll > width else []
        if name != "api-docs":  # Swagger UI's own markup is not ours to fix
            found += axe_serious(page)
        if found:
            problems[name] = found
    page.close()
    assert not problems, problems


def test_mediastinal_decision_is_blocked_by_named_questions(examples):
    urls, context = examples
    page = context.new_page()
    page.goto(urls["second-line-mediastinal"])
    first = page.locator("main section").first
    assert first.get_attribute("id") == "recommended"
    box = page.locator("#decision-blocked")
    assert box.count() == 1
    # IMbrave150 excluded recent bleeding: atezolizumab + bevacizumab waits on it (options.yaml)
    atezo = box.locator("[data-option=atezolizumab_bevacizumab]")
    assert "bleeding" in atezo.inner_text()
    assert atezo.locator("a.reassess").count() == 1
    text = page.inner_text("main")
    assert "comorbidities.recent_bleeding" not in text and "not_eligible" not in text
    page.close()


def test_decompensated_leads_with_best_supportive_care(examples):
    urls, context = examples
    page = context.new_page()
    page.goto(urls["decompensated"])
    first = page.locator("main section").first
    assert first.get_attribute("id") == "recommended"
    assert (
        first.locator("[data-option]").first.get_attribute("data-option") == "best_supportive_care"
    )
    page.close()


def test_history_shows_the_input_change_and_compares(server, examples):
    srv, _ = server
    _urls, context = examples
    page = context.new_page()
    page.goto(srv.url + "/ui/cases/seed-father-example/history")
    assert page.locator(".history > li").count() == 2
    page.click("#compare")
    page.wait_for_url("**/compare?*")
    assert "no change in the case" in page.inner_text("#input-changes")
    page.close()


def test_reassess_prefills_and_shows_ecog_change(server, examples):
    srv, _ = server
    urls, context = examples
    page = context.new_page()
    page.goto(urls["second-line-mediastinal"] + "/reassess")
    assert page.input_value("#patient\\.age") == "61"
    assert page.input_value("#varices\\.endoscopy_date") == "01/08/2026"
    page.select_option("#performance\\.ecog", "2") if page.locator(
        "select#performance\\.ecog"
    ).count() else page.fill("#performance\\.ecog", "2")
    page.click("#submit")
    page.wait_for_url("**/ui/assessments/*")
    page.goto(srv.url + "/ui/cases/second-line-mediastinal-example/history")
    inputs = page.locator(".history > li").first.locator(".inputs").inner_text()
    assert "1 → 2" in inputs and "ECOG" in inputs
    page.close()


def test_empty_case_is_refused_with_a_linked_summary(server, examples):
    srv, _ = server
    _urls, context = examples
    page = context.new_page()
    page.goto(srv.url + "/ui/cases/new")
    response_status = []
    page.on(
        "response",
        lambda r: response_status.append(r.status) if r.url.endswith("/ui/assess") else None,
    )
    page.click("#submit")
    page.wait_for_selector("#error-summary")
    assert response_status == [422]
    assert "empty" in page.inner_text("#error-summary")
    page.goto(srv.url + "/ui/?q=no%20id")
    assert page.locator("#case-list").count() == 0
    page.close()


def test_field_error_is_linked_and_described(server, examples):
    srv, _ = server
    _urls, context = examples
    page = context.new_page()
    page.goto(srv.url + "/ui/cases/new")
    page.fill("#labs\\.inr", "35")  # INR above 20 is impossible (case_limits.yaml)
    page.click("#submit")
    link = page.locator("#error-summary a[href='#labs.inr']")
    assert link.count() == 1
    assert page.get_attribute("#labs\\.inr", "aria-describedby") == "err-labs.inr"
    assert "20" in page.inner_text("#err-labs\\.inr")
    page.close()


def test_case_list_search_and_stage_filter(server, examples):
    srv, _ = server
    _urls, context = examples
    page = context.new_page()
    page.goto(srv.url + "/ui/?stage=D")
    cases = {
        page.locator("#case-list tbody tr").nth(i).get_attribute("data-case")
        for i in range(page.locator("#case-list tbody tr").count())
    }
    assert cases == {"decompensated-example"}
    page.goto(srv.url + "/ui/?q=mediastinal")
    assert page.locator("#case-list tbody tr").count() == 1
    page.close()


def test_api_docs_render_an_operation(server, browser):
    srv, _ = server
    page = browser.new_page()
    page.goto(srv.url + "/docs")
    op = page.locator(".opblock-summary-path", has_text="/assessments/{assessment_id}/report.pdf")
    op.first.wait_for(timeout=30_000)
    assert op.count() >= 1
    page.close()


def test_report_pdf_endpoint_is_authorised_and_audited(server, examples):
    import sqlite3

    import httpx

    srv, token = server
    urls, _context = examples
    assessment_id = urls["seed-father"].rsplit("/", 1)[-1]
    pdf_url = f"{srv.url}/assessments/{assessment_id}/report.pdf"
    assert httpx.get(pdf_url, params={"audience": "family", "lang": "vi"}).status_code == 401
    for audience in ("family", "clinician"):
        r = httpx.get(
            pdf_url,
            params={"audience": audience, "lang": "vi"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert r.headers["content-type"] == "application/pdf"
    db = srv.database.removeprefix("sqlite:///")
    with sqlite3.connect(db) as con:
        actions = {
            row[0]
            for row in con.execute(
                "select action from audit_events where target = ?", (assessment_id,)
            )
        }
    assert {"report.pdf.family", "report.pdf.clinician"} <= actions


def test_print_keeps_evidence_and_reasons(examples):
    urls, context = examples
    page = context.new_page()
    page.goto(urls["seed-father"])
    evidence = page.locator("details.evidence p").first
    assert not evidence.is_visible()  # collapsed on screen
    page.emulate_media(media="print")
    assert evidence.is_visible() and page.locator(".reasons li").first.is_visible()
    page.close()


# ---------------------------------------------------------------- page language (issue 15 item 4)
def _intake_message(section: dict) -> str:
    """The intake's message for an invalid case section (what the form shows next to it)."""
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import parse_case

    with pytest.raises(CaseError) as exc:
        parse_case({"format": "hepatoboard-case/1", **section})
    return exc.value.problems[0].message


def test_vietnamese_pages_form_labels_and_linked_errors(server, browser, tmp_path):
    """Tiếng Việt chosen on the login page: it is remembered after login, the form's labels and
    choices come from the Vietnamese catalogue, the error summary is Vietnamese and linked to its
    field, and the Vietnamese form passes axe and fits 390 px."""
    from hepatoboard.web.i18n import translate_message, ui_translations

    vi = ui_translations("vi").gettext
    srv, token = server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(srv.url + "/ui/login")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#lang-vi")
    page.wait_for_url("**/ui/login*")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.inner_text("main h1") == vi("Log in") != "Log in"
    login(page, srv.url, token)
    assert page.inner_text("h1#h-cases") == vi("Cases")  # remembered across the login
    page.goto(srv.url + "/ui/cases/new")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_attribute("#lang-vi", "aria-pressed") == "true"
    ascites = page.inner_text("label[for='clinical.ascites']")
    assert ascites == vi("Ascites (Child-Pugh grading)") and "Cổ trướng" in ascites
    shown = page.locator("#clinical\\.ascites option").all_inner_texts()
    assert shown == [vi("unknown"), vi("None"), vi("Mild"), vi("Moderate or severe")]
    assert "moderate severe" not in page.inner_text("main").lower()
    legend = page.inner_text("#section-lymph_nodes legend")
    assert legend == vi("Lymph nodes (one row per involved station)") and "Hạch" in legend
    station = page.locator("#lymph_nodes\\.0\\.station option[value=porta_hepatis]").inner_text()
    assert station == vi("Porta hepatis") == "Rốn gan"
    page.fill("#labs\\.inr", "35")  # INR above 20 is impossible (case_limits.yaml)
    page.click("#submit")
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.screenshot(path=str((SHOTS or tmp_path) / "case-form-vi-390.png"), full_page=False)
    assert summary.locator("h2").inner_text() == vi("The case has 1 problem")
    link = summary.locator("a[href='#labs.inr']")
    message = translate_message(
        _intake_message({"labs": {"inr": 35.0}}), "vi"
    )  # the form sends a float
    assert message.startswith("Giá trị phải")  # the validator's message, in Vietnamese
    assert link.inner_text() == f"{vi('INR')}: {message}"
    assert page.inner_text("#err-labs\\.inr") == message
    assert page.get_attribute("#labs\\.inr", "aria-describedby") == "err-labs.inr"
    link.click()
    assert page.evaluate("document.activeElement.id") == "labs.inr"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"][0], f"horizontal overflow: {width} px"
    assert axe_serious(page) == []
    context.close()


def test_vietnamese_plan_page_headings_and_reports(server, browser):
    from hepatoboard.web.i18n import ui_translations

    vi = ui_translations("vi").gettext
    srv, token = server
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, srv.url, token)
    page.click("#lang-vi")
    page.wait_for_url("**/ui/")
    url = submit_example(page, srv.url, "second-line-mediastinal")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.inner_text("#h-recommended") == vi("Recommended plan") == "Kế hoạch được khuyến cáo"
    assert page.inner_text("#h-blocked") == vi("Decision blocked by")
    assert page.inner_text("#h-summary") == vi("Stage and scores")
    facts = page.inner_text("#case-facts")  # the example's porta hepatis node, in Vietnamese
    assert vi("Nodes") in facts and vi("Porta hepatis") in facts and "porta" not in facts.lower()
    # the reports in the page's language come first: the clinician report in Vietnamese
    first = page.locator(".actions a[id^=pdf-clinician]").first
    assert first.get_attribute("href").endswith("audience=clinician&lang=vi")
    assert page.locator("#family-vi").count() == 1
    assert axe_serious(page) == []
    page.click("#lang-en")  # back to English, on the same page
    page.wait_for_url(url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("#h-recommended") == "Recommended plan"
    context.close()


def test_language_switch_needs_csrf_and_a_known_language(server):
    import httpx

    srv, _ = server
    with httpx.Client(base_url=srv.url) as client:
        r = client.post("/ui/lang", data={"lang": "vi", "next": "/ui/"})
        assert r.status_code == 403 and "hepatoboard_lang" not in r.headers.get("set-cookie", "")
        page = client.get("/ui/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = client.post("/ui/lang", data={"lang": "fr", "next": "/ui/", "csrf": csrf})
        assert r.status_code == 400
        r = client.post("/ui/lang", data={"lang": "vi", "next": "https://evil/", "csrf": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/ui/"
        assert 'lang="vi"' in client.get("/ui/login").text

"""Family and clinician reports: content drawn from the assessment, Vietnamese that survives the
trip to PDF, a complete translation catalogue, plain language, and the ``report`` command.

PDFs are checked the way a reader meets them: rendered to PNG (pages exist) and text extracted
(diacritics intact). No network is used: fonts are system fonts, the HTML has no external links.
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from hepatoboard.cli.report import report
from hepatoboard.intake import load_case_file
from hepatoboard.pipeline import assess
from hepatoboard.reports.family import family_content
from hepatoboard.reports.family.readability import check, prose, readability
from hepatoboard.reports.i18n import extract_messages, missing_translations, po_path
from hepatoboard.reports.render import render_clinician_html, render_family_html

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-father.yaml"
DECOMPENSATED = ROOT / "examples" / "decompensated.yaml"
AS_OF = "2026-11-25"

app = typer.Typer()
app.command("report")(report)
# A second command keeps Typer in multi-command mode, as in the real CLI (`hepatoboard report`).
app.command("noop")(lambda: None)


def _assess(path: Path) -> dict[str, Any]:
    import datetime as dt

    return assess(load_case_file(path), as_of=dt.date.fromisoformat(AS_OF)).to_json_dict()


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return _assess(SEED)


@pytest.fixture(scope="module")
def decompensated() -> dict[str, Any]:
    return _assess(DECOMPENSATED)


def _run_report(*args: str) -> Any:
    return CliRunner().invoke(app, ["report", *args, "--as-of", AS_OF])


def _pdf_text(pdf: Path) -> str:
    """Text of a PDF with whitespace collapsed (line breaks fall anywhere)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def _pages(pdf: Path, tmp: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page*.png"))


def _norm(s: str) -> str:
    return " ".join(s.split())


def _recommended(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in assessment["plan"]["options"] if o["status"] == "recommended"]


@pytest.fixture(scope="module")
def family_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("family")
    pdfs = {}
    for lang in ("en", "vi"):
        pdf = out / f"family-{lang}.pdf"
        result = _run_report(str(SEED), "--audience", "family", "--lang", lang, "--out", str(pdf))
        assert result.exit_code == 0, result.output
        pdfs[lang] = pdf
    return pdfs


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_family_pdf_pages_and_content(
    family_pdfs: dict[str, Path], seed: dict[str, Any], lang: str, tmp_path: Path
) -> None:
    pdf = family_pdfs[lang]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(_pages(pdf, tmp_path)) >= 2
    text = _pdf_text(pdf)
    content = family_content(seed, lang)
    # Disclaimer (in the reader's language: the document's own wording in English) and the
    # knowledge-base version.
    assert _norm(content["disclaimer"]) in text
    assert (_norm(seed["disclaimer"]) in text) is (lang == "en")
    assert seed["knowledge_base"]["version"] in text
    # Every recommended option of the assessment appears by name.
    recommended = _recommended(seed)
    assert recommended
    for option in recommended:
        assert option["name"] in text
    # The range for the first recommended option comes from the prognosis scenario.
    scenario = next(s for s in seed["prognosis"]["scenarios"] if s["id"] == recommended[0]["id"])
    sep = "," if lang == "vi" else "."
    for value in (scenario["median_months"], *scenario["interval_months"]):
        assert f"{value:.1f}".replace(".", sep).removesuffix(f"{sep}0") in text
    # Stage from the assessment.
    assert re.search(rf"(?:stage|giai đoạn) {seed['staging']['bclc']['stage']}\b", text)


def test_vietnamese_diacritics_survive_pdf(family_pdfs: dict[str, Path]) -> None:
    text = _pdf_text(family_pdfs["vi"])
    for word in ("gan", "hạch", "điều trị", "bạch huyết", "chăm sóc giảm nhẹ", "Ung thư"):
        assert word in text, word
    # No replacement glyphs or decomposed leftovers.
    assert "\ufffd" not in text


def test_clinician_report_in_vietnamese(seed: dict[str, Any], tmp_path: Path) -> None:
    pdf = tmp_path / "board-vi.pdf"
    result = _run_report(str(SEED), "--audience", "clinician", "--lang", "vi", "--out", str(pdf))
    assert result.exit_code == 0, result.output
    text = _pdf_text(pdf)
    for heading in (
        "Báo cáo hội chẩn đa chuyên khoa",
        "Kế hoạch",
        "Lựa chọn đầu tay",
        "Bằng chứng",
    ):
        assert heading in text
    assert "25/11/2026" in text and "2026-11-25" not in text
    assert "Công cụ hỗ trợ quyết định" in text  # the disclaimer, translated
    assert "giữ nguyên bằng tiếng Anh" in text  # says that knowledge-base text stays English
    for option in _recommended(seed):
        assert option["name"] in text
        assert "khuyến cáo" in text
    # Departments by name, never by id.
    html = render_clinician_html(seed, "vi")
    assert "Khoa Chăm sóc giảm nhẹ" in html and "palliative_care" not in html
    assert '<html lang="vi">' in html


def test_cli_family_summary_edition(tmp_path: Path) -> None:
    full, summary = tmp_path / "full.html", tmp_path / "summary.html"
    for out, edition in ((full, "full"), (summary, "summary")):
        result = _run_report(str(SEED), "--lang", "vi", "--edition", edition, "--out", str(out))
        assert result.exit_code == 0, result.output
    assert "Thông tin chi tiết" in full.read_text(encoding="utf-8")
    assert "Thông tin chi tiết" not in summary.read_text(encoding="utf-8")
    assert _run_report(str(SEED), "--edition", "long", "--out", str(full)).exit_code == 2


def test_clinician_pdf(seed: dict[str, Any], tmp_path: Path) -> None:
    pdf = tmp_path / "board.pdf"
    result = _run_report(str(SEED), "--audience", "clinician", "--out", str(pdf))
    assert result.exit_code == 0, result.output
    assert len(_pages(pdf, tmp_path)) >= 1
    text = _pdf_text(pdf)
    assert seed["disclaimer"] in text
    assert seed["knowledge_base"]["version"] in text
    assert f"BCLC {seed['staging']['bclc']['stage']}" in text
    for option in _recommended(seed):
        assert option["name"] in text
        for source in option["evidence"]:
            assert source in text


def test_clinician_html_groups_and_disagreements(seed: dict[str, Any]) -> None:
    html = render_clinician_html(seed)
    for heading in (
        "First choice",
        "Alternatives",
        "Local treatment",
        "Symptom care",
        "Referrals",
        "Checks before starting",
        "Missing data",
        "Disagreements between sources",
        "Evidence",
        "Prognosis",
    ):
        assert heading in html
    # A disagreement is shown with its per-source positions.
    doc = dict(seed)
    doc["plan"] = {
        **seed["plan"],
        "disagreements": [
            {"option": "tace", "positions": {"bclc2022": "not_eligible", "cnlc2022": "recommended"}}
        ],
    }
    html = render_clinician_html(doc)
    assert "cnlc2022" in html and "bclc2022" in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_decompensated_family_focuses_on_comfort(decompensated: dict[str, Any], lang: str) -> None:
    content = family_content(decompensated, lang)
    systemic = {"immunotherapy", "targeted_therapy", "chemotherapy"}
    # The assessment itself rules out every anticancer drug ...
    assert all(
        o["status"] not in ("recommended", "consider")
        for o in decompensated["plan"]["options"]
        if o["modality"] in systemic
    )
    # ... and the family report leads with palliative care as the main care.
    first = content["summary"]["first"]
    assert first["choices"] == []
    assert content["summary"]["palliative"]["badge"] in (
        "The main care now",
        "Hướng chăm sóc chính lúc này",
    )
    html = render_family_html(decompensated, lang)
    assert first["lead"] in html
    bsc = next(
        s for s in decompensated["prognosis"]["scenarios"] if s["id"] == "best_supportive_care"
    )
    sep = "," if lang == "vi" else "."
    assert f"{bsc['median_months']:.1f}".replace(".", sep) in html


def test_catalogue_is_complete() -> None:
    assert extract_messages(), "no msgids found: extraction is broken"
    assert missing_translations("vi") == []


def test_catalogue_placeholders_and_diacritics() -> None:
    from babel.messages.pofile import read_po

    with po_path("vi").open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    fields = string.Formatter()
    accented = 0
    for message in catalog:
        if not message.id:
            continue
        src = {f for _, f, _, _ in fields.parse(message.id) if f}
        dst = {f for _, f, _, _ in fields.parse(message.string) if f}
        assert src == dst, message.id
        assert not message.fuzzy, message.id
        accented += bool(
            re.search(
                r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]",
                message.string,
                re.IGNORECASE,
            )
        )
    assert accented >= len(catalog) * 0.8


def test_no_compiled_catalogue_is_shipped() -> None:
    locale = po_path("vi").parents[2]
    assert not list(locale.rglob("*.mo"))


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("example", [SEED, DECOMPENSATED])
def test_family_content_is_plain(example: Path, lang: str) -> None:
    content = family_content(_assess(example), lang)
    assert check(content) == []


def test_readability_measure() -> None:
    plain = readability("The cancer has spread. Treatment can help. Ask the doctors.", "en")
    assert plain["sentences"] == 3
    assert plain["avg_sentence_words"] < 5
    jargon = readability(
        "Immunotherapeutic combinations demonstrated statistically significant "
        "improvements in overall survival compared with multikinase inhibitors in "
        "unresectable hepatocellular carcinoma with extrahepatic dissemination.",
        "en",
    )
    assert jargon["avg_sentence_words"] > 14 and jargon["long_word_share"] > 0.4
    vi = readability("Ung thư đã lan đến hạch. Điều trị có thể giúp ích.", "vi")
    assert vi["sentences"] == 2 and vi["avg_sentence_words"] == 6
    assert prose(family_content(_assess(SEED), "en"))


def test_unknown_language(seed: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"en, vi"):
        family_content(seed, "fr")
    with pytest.raises(ValueError, match=r"accepted"):
        render_family_html(seed, "xx")
    result = _run_report(str(SEED), "--lang", "fr", "--out", "x.pdf")
    assert result.exit_code == 2


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_family_html_is_standalone(seed: dict[str, Any], lang: str) -> None:
    html = render_family_html(seed, lang)
    assert f'<html lang="{lang}">' in html
    assert "<style>" in html and "@media print" in html
    assert not re.search(r"<(script|link|img)\b", html)
    assert not re.search(r"(src|href)=|url\(|@import|https?://", html)
    assert html.count("<h1") == 1 and "<h2" in html


def test_cli_bad_case(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["performance"]["ecog"] = 9
    data["labs"]["albumin"] = {"value": 3.6, "unit": "mmol/L"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "r.pdf"
    result = _run_report(str(bad), "--out", str(out))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) >= 2
    assert all(line.startswith(f"{bad}: ") for line in lines)
    assert any("performance.ecog" in line for line in lines)
    assert not out.exists()


def test_cli_html_output(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = _run_report(str(SEED), "--lang", "vi", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert '<html lang="vi">' in out.read_text(encoding="utf-8")
    bad = _run_report(str(SEED), "--out", str(tmp_path / "r.docx"))
    assert bad.exit_code == 2


def test_pdf_tools_present() -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "apt-get install poppler-utils"

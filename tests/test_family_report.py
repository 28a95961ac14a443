"""The family report, read the way a family reads it: every example case and cases of our own,
in English and Vietnamese, as HTML text and as the PDF a family is handed.

What is checked (issue 15): survival is stated once and in the right form ("about half of similar
patients were still alive after X months"), with figures read from the assessment document; no
number is invented; palliative care is for everyone; every missing fact becomes one plain
question; no untranslated catalogue entry and no English in the Vietnamese text; no ids or
snake_case in the text; Vietnamese dates; the summary edition has at most 3 pages; and every
wrong phrase of the wording review (shared/reference/family-report-review.md) is gone.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from hepatoboard.intake import load_case_file, parse_case
from hepatoboard.knowledge.load import default_knowledge
from hepatoboard.pipeline import assess
from hepatoboard.reports.family import family_content, texts
from hepatoboard.reports.family import questions as q
from hepatoboard.reports.i18n import format_number, po_path
from hepatoboard.reports.render import render_clinician_html, render_family_html, render_pdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 25)
LANGS = ("en", "vi")


def _doc(case: Any) -> dict[str, Any]:
    return assess(case, as_of=AS_OF).to_json_dict()


def _seed_data() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "examples" / "seed-father.yaml").read_text(encoding="utf-8"))


def _own_cases() -> dict[str, dict[str, Any]]:
    """Cases of our own: nothing known, a declined first choice, distant nodes without the
    comorbidities that decide bevacizumab."""
    declined = _seed_data()
    declined["preferences"]["declines"] = ["atezolizumab_bevacizumab"]
    distant = _seed_data()
    distant["lymph_nodes"].append({"station": "supraclavicular", "count": 1, "short_axis_mm": 15})
    del distant["comorbidities"]
    return {"empty": {"format": "hepatoboard-case/1"}, "declined": declined, "distant": distant}


# The shape of a responder scenario from the prognosis rewrite (kind, population, caveats,
# sources); the figures are test data, not clinical claims.
RESPONDER = {
    "id": "systemic_responder",
    "label": "If targeted or immunotherapy works well (what is possible)",
    "kind": "responder",
    "population": "Test population: good responders to targeted or immunotherapy",
    "median_months": 23.2,
    "interval_months": [15.3, 32.5],
    "survival": {"6": 0.842, "12": 0.704, "24": 0.489},
    "caveats": ["Test caveat: what is possible, not the expectation"],
    "sources": ["seed_article"],
}


def _with_next_prognosis(doc: dict[str, Any]) -> dict[str, Any]:
    """An assessment as the rewritten prognosis will write it: kind, population and caveats on
    every scenario, and a responder scenario."""
    out = copy.deepcopy(doc)
    for sc in out["prognosis"]["scenarios"]:
        sc.update(kind="expected", population="Test cohort, first line", caveats=["Test caveat"])
    out["prognosis"]["scenarios"].append(copy.deepcopy(RESPONDER))
    return out


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, Any]]:
    out = {p.stem: _doc(load_case_file(p)) for p in EXAMPLES}
    for name, data in _own_cases().items():
        out[name] = _doc(parse_case(data, source=name, as_of=AS_OF))
    out["next-prognosis"] = _with_next_prognosis(out["seed-father"])
    return out


ALL = [p.stem for p in EXAMPLES] + [*_own_cases(), "next-prognosis"]


class _Text(HTMLParser):
    """The visible text of an HTML page (no style, no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _text(doc: dict[str, Any], lang: str, edition: str = "full") -> str:
    return visible(render_family_html(doc, lang, edition))


def _catalogue() -> list[Any]:
    from babel.messages.pofile import read_po

    with po_path("vi").open("rb") as fh:
        return [m for m in read_po(fh, locale="vi") if m.id]


# ----------------------------------------------------------------------------- survival


HALF = {
    "en": r"about half of similar patients were still alive after ([\d.]+) months",
    "vi": r"khoảng một nửa số người bệnh tương tự vẫn còn sống sau ([\d,]+) tháng",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ALL)
def test_survival_is_stated_once_in_the_right_form(
    docs: dict[str, Any], name: str, lang: str
) -> None:
    doc = docs[name]
    text = _text(doc, lang)
    content = family_content(doc, lang)
    stated = content["summary"]["expect"]["sentences"]
    medians = [m for s in stated for m in re.findall(HALF[lang], s)]
    expected = {
        format_number(s["median_months"], lang)
        for s in doc["prognosis"]["scenarios"]
        if s.get("kind", "expected") == "expected"
    }
    # Every "still alive after X months" figure is a median of the document, each stated once.
    assert medians, stated
    assert set(medians) <= expected
    for sentence in stated:
        assert text.count(sentence) == 1, sentence
    # The wrong form (a median read as a gain) is gone.
    assert "lived longer than" not in text and "sống lâu hơn khoảng" not in text
    # 1-year and 2-year figures out of 100 are the document's landmarks of the lead scenario.
    counts = re.findall(r"(?:about|khoảng) (\d+) (?:were|người)", " ".join(stated))
    landmarks = {
        str(round(s["survival"][k] * 100))
        for s in doc["prognosis"]["scenarios"]
        for k in ("12", "24")
        if s.get("survival", {}).get(k) is not None
    }
    assert set(counts) <= landmarks


def test_lead_figure_is_the_usual_first_choice_not_the_best_number(docs: dict[str, Any]) -> None:
    doc = docs["seed-father"]
    atezo = next(s for s in doc["prognosis"]["scenarios"] if s["id"] == "atezolizumab_bevacizumab")
    camrelizumab = next(
        s for s in doc["prognosis"]["scenarios"] if s["id"] == "camrelizumab_rivoceranib"
    )
    assert camrelizumab["median_months"] > atezo["median_months"]  # the old league table
    text = _text(doc, "en")
    assert (
        f"With Atezolizumab + bevacizumab, the usual first treatment, about half of similar "
        f"patients were still alive after {atezo['median_months']} months." in text
    )
    assert str(camrelizumab["median_months"]) not in text  # other options carry no figures
    assert "not a ranking of the treatments" in text
    vi = _text(doc, "vi")
    assert "Đây không phải là bảng xếp hạng các cách điều trị" in vi


def test_responder_message_with_its_source(docs: dict[str, Any]) -> None:
    # Today's document has no responder scenario: the seed article's message, without figures.
    for lang, phrase, source in (
        ("en", "With a good response to targeted therapy or immunotherapy", "Tam Anh"),
        ("vi", "Nếu đáp ứng tốt với thuốc điều trị nhắm trúng đích", "Tâm Anh"),
    ):
        text = _text(docs["seed-father"], lang)
        assert phrase in text and source in text
        assert str(default_knowledge().sources["seed_article"].year) in text
    # A responder scenario gives the figures, marked as what is possible.
    nxt = _text(docs["next-prognosis"], "en")
    assert "Among patients who respond well, about half were still alive after 23.2 months." in nxt
    assert "This is what is possible, not what to expect." in nxt
    gain = copy.deepcopy(docs["next-prognosis"])
    gain["prognosis"]["scenarios"][-1]["additional_months"] = [12, 24]
    assert "some patients gain an extra 12 to 24 months" in _text(gain, "en")
    assert "sống thêm được từ 12 đến 24 tháng" in _text(gain, "vi")
    # No medicine against the cancer fits: no responder message.
    assert "good response" not in _text(docs["decompensated"], "en")


def test_population_is_shown_in_english_and_pointed_to_in_vietnamese(docs: dict[str, Any]) -> None:
    doc = docs["next-prognosis"]
    assert "Test cohort, first line" in _text(doc, "en")
    vi = _text(doc, "vi")
    assert "Test cohort" not in vi and "Test caveat" not in vi
    assert "báo cáo dành cho bác sĩ" in vi
    for lang in LANGS:
        board = visible(render_clinician_html(doc, lang))
        assert "Test cohort, first line" in board and "Test caveat" in board
        assert RESPONDER["population"] in board
    assert "what is possible" in visible(render_clinician_html(doc, "en"))
    assert "khả năng có thể đạt" in visible(render_clinician_html(doc, "vi"))


# ----------------------------------------------------------------------------- numbers, ids


def _allowed_numbers(doc: dict[str, Any], lang: str) -> set[str]:
    allowed = {"0", "1", "2", "3", "6", "10", "50", "100"}  # catalogue text: scales, windows
    for sc in doc["prognosis"]["scenarios"]:
        values = [sc["median_months"], *sc["interval_months"], *sc.get("additional_months", [])]
        allowed |= {format_number(v, lang) for v in values}
        allowed |= {str(round(p * 100)) for p in (sc.get("survival") or {}).values()}
        allowed |= set(re.findall(r"\d+", sc.get("population") or ""))  # English report only
    allowed |= set(re.findall(r"\d+", doc["assessed_on"]))
    allowed.add(str(default_knowledge().sources["seed_article"].year))
    return allowed


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ALL)
def test_no_number_is_invented(docs: dict[str, Any], name: str, lang: str) -> None:
    doc = docs[name]
    text = _text(doc, lang).replace(doc.get("case_id") or "\0", "")
    text = text.replace(doc["knowledge_base"]["version"], "")
    numbers = set(re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])", text))
    assert numbers <= _allowed_numbers(doc, lang), numbers - _allowed_numbers(doc, lang)


@pytest.mark.parametrize("edition", ["summary", "full"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ALL)
def test_no_ids_or_snake_case_in_the_text(
    docs: dict[str, Any], name: str, lang: str, edition: str
) -> None:
    doc = docs[name]
    text = _text(doc, lang, edition).replace(doc.get("case_id") or "\0", "")
    assert not re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text)
    ids = {o["id"] for o in doc["plan"]["options"]} | {m["field"] for m in doc["missing_data"]}
    # the study populations are quoted from the knowledge base (English edition): a drug name
    # there ("after sorafenib") is a word, not an id
    for sc in (doc.get("prognosis") or {}).get("scenarios") or []:
        text = text.replace(sc.get("population") or "\0", "")
    assert not [i for i in ids if i in text]
    assert not re.search(r"\b(?:comorbidities|symptoms|labs|varices|tumor)\.[a-z]", text)


# ----------------------------------------------------------------------------- language


def test_catalogue_has_no_untranslated_entry() -> None:
    from hepatoboard.reports.i18n import extract_messages, missing_translations

    assert len(extract_messages()) > 300
    assert missing_translations("vi") == []
    assert not [m.id for m in _catalogue() if m.fuzzy or not m.string]


@pytest.mark.parametrize("name", ALL)
def test_no_english_left_in_the_vietnamese_text(docs: dict[str, Any], name: str) -> None:
    text = _text(docs[name], "vi")
    for message in _catalogue():
        if message.string == message.id:
            continue  # drug names: the same in every language
        for part in re.split(r"\{\w+\}", message.id):
            if len(part.split()) >= 3:
                assert part.strip() not in text, part
    for english in ("single agent", "biosimilar", "(international)", "Source:", "months"):
        assert english not in text


@pytest.mark.parametrize("name", ALL)
def test_dates_in_the_reader_s_format(docs: dict[str, Any], name: str) -> None:
    doc = docs[name]
    day = dt.date.fromisoformat(doc["assessed_on"])
    vi, en = _text(doc, "vi"), _text(doc, "en")
    assert day.strftime("%d/%m/%Y") in vi and doc["assessed_on"] not in vi
    assert f"{day.day} {day.strftime('%B')} {day.year}" in en
    assert day.strftime("%d/%m/%Y") in visible(render_clinician_html(doc, "vi"))


# ----------------------------------------------------------------------------- content


def test_palliative_care_is_for_everyone(docs: dict[str, Any]) -> None:
    doc = docs["seed-father"]
    bsc = next(o for o in doc["plan"]["options"] if o["id"] == "best_supportive_care")
    assert bsc["status"] == "consider"  # the plan weighs palliative care *only* as an option ...
    summary = family_content(doc, "en")["summary"]
    # ... while palliative care itself, alongside treatment, is for everyone (seed article).
    assert summary["palliative"]["badge"] == "For everyone, alongside treatment"
    for lang, badge in (
        ("en", "For everyone, alongside treatment"),
        ("vi", "Dành cho mọi người bệnh, song song với điều trị"),
    ):
        text = _text(doc, lang)
        assert badge in text
        assert "May fit; the doctors will weigh it" not in text
        assert "Có thể phù hợp; bác sĩ sẽ cân nhắc" not in text
    measures = [texts.SUPPORTIVE[m["id"]][0] for m in doc["plan"]["supportive"]]
    assert all(m in summary["palliative"]["includes"] for m in measures)


@pytest.mark.parametrize("lang", LANGS)
def test_end_stage_gets_its_own_text_and_questions(docs: dict[str, Any], lang: str) -> None:
    doc = docs["decompensated"]
    assert doc["staging"]["bclc"]["stage"] == "D"
    assert doc["scores"]["child_pugh"]["class"] == "C"
    content = family_content(doc, lang)
    s = content["summary"]
    assert s["palliative"]["heading"] in (
        "Palliative care: the main care now",
        "Chăm sóc giảm nhẹ: hướng chăm sóc chính lúc này",
    )
    text = _text(doc, lang)
    urgent = {
        "en": "When must we come to hospital at once?",
        "vi": "Khi nào gia đình phải đưa người bệnh đến viện ngay?",
    }
    assert urgent[lang] in text and "BHYT" in text
    # No contradiction: no "treatment can slow it down / live longer" next to comfort care.
    for wrong in ("slow it down", "live longer", "chậm lại", "sống lâu hơn"):
        assert wrong not in " ".join(s["happening"])
    # The cause is said, not "the liver or the body": Child-Pugh C is a weak liver.
    assert ("The liver is now very weak." in text) or (
        "Gan của người bệnh hiện đã rất yếu." in text
    )
    assert "or the body is very tired" not in text and "hoặc cơ thể đã rất mệt" not in text
    # No anticancer medicine is offered.
    drugs = {"immunotherapy", "targeted_therapy", "chemotherapy"}
    names = {content_name(o) for o in doc["plan"]["options"] if o["modality"] in drugs}
    assert not [n for n in names if n in text]


def content_name(option: dict[str, Any]) -> str:
    return texts.OPTIONS[option["id"]][0]


@pytest.mark.parametrize("lang", LANGS)
def test_cost_and_insurance_are_asked(docs: dict[str, Any], lang: str) -> None:
    for name in ALL:
        assert "BHYT" in _text(docs[name], lang, "summary")


def test_other_options_are_listed_briefly(docs: dict[str, Any]) -> None:
    doc = docs["seed-father"]
    details = family_content(doc, "en")["details"]
    first = [
        o["id"] for o in doc["plan"]["options"] if o["status"] == "recommended" and o["systemic"]
    ]
    assert [c["id"] for c in details["cards"]] == first
    others = {o["name"] for o in details["others"]}
    assert "Camrelizumab + rivoceranib" in others and "Radiotherapy to the lymph nodes" in others
    assert all(o["short"] for o in details["others"])


def test_declined_option_is_said_and_not_offered(docs: dict[str, Any]) -> None:
    content = family_content(docs["declined"], "en")
    first = content["summary"]["first"]
    assert "Atezolizumab + bevacizumab" not in [c["name"] for c in first["choices"]]
    assert "Atezolizumab + bevacizumab" in first["declined"]
    assert "Atezolizumab + bevacizumab" not in [c["name"] for c in content["details"]["cards"]]


def test_nothing_known_gives_questions_not_advice(docs: dict[str, Any]) -> None:
    content = family_content(docs["empty"], "en")
    s = content["summary"]
    assert s["first"]["lead"].startswith("The doctors cannot choose a treatment yet")
    assert "not yet known whether the cancer has spread" in " ".join(s["happening"])
    asked = [m["text"] for m in s["questions"]["family"] + s["questions"]["doctors"]]
    assert "How old is the patient?" in asked
    assert any(t.startswith("Are there recent results for these tests:") for t in asked)


# ----------------------------------------------------------------------------- questions


def test_every_missing_fact_becomes_one_plain_question(docs: dict[str, Any]) -> None:
    doc = docs["second-line-mediastinal"]
    blocked = next(o for o in doc["plan"]["options"] if o["id"] == "atezolizumab_bevacizumab")
    assert blocked["status"] == "undetermined"
    assert "comorbidities.recent_bleeding" in blocked["missing"]
    for lang in LANGS:
        s = family_content(doc, lang)["summary"]["questions"]
        asked = s["family"] + s["doctors"]
        texts_ = [m["text"] for m in asked]
        assert len(texts_) == len(set(texts_))  # no repeats
        covered = [f for m in asked for f in m["fields"]]
        assert sorted(covered) == sorted(m["field"] for m in doc["missing_data"])
    en = family_content(doc, "en")["summary"]["questions"]["family"]
    bleeding = [m for m in en if "serious bleeding, vomiting of blood or black stools" in m["text"]]
    assert len(bleeding) == 1 and "Atezolizumab + bevacizumab" in bleeding[0]["affects"]
    # What decides an undetermined medicine comes before what only tunes symptom care.
    order = [m["text"] for m in en]
    assert order.index(bleeding[0]["text"]) < order.index("Has the patient had a fever?")


def test_question_map_covers_every_case_field_of_the_fact_catalogue() -> None:
    kb = default_knowledge()
    paths = {f.case for f in kb.facts.values() if f.case}
    assert not [p for p in paths if q.question_key(p) == "other"]
    assert set(q.FIELDS.values()) | set(q.SECTIONS.values()) <= set(q.QUESTIONS)
    # A question that names a time window says what the knowledge base means by the field.
    for path, key in q.FIELDS.items():
        window = re.search(r"last (\d+) months|past week", q.QUESTIONS[key].text)
        fact = next((f for f in kb.facts.values() if f.case == path), None)
        if window and fact:
            assert (window.group(1) or "week") in fact.description, (path, fact.description)


def test_catalogue_tables_cover_the_knowledge_base() -> None:
    kb = default_knowledge()
    assert set(kb.options) <= set(texts.OPTIONS)
    kinds = {kind for _name, kind in texts.OPTIONS.values() if kind}
    assert kinds <= set(texts.EXPLANATIONS)
    assert {m.id for m in kb.supportive} <= set(texts.SUPPORTIVE)
    assert {r.department for r in kb.referrals} <= set(texts.DEPARTMENTS)
    assert set(kb.profiles) <= set(texts.PROFILES)
    stations = kb.staging.node_stations
    assert {*stations.regional, *stations.distant} <= set(texts.STATIONS)


# ----------------------------------------------------------------------------- the wording review

# Each wrong phrase of shared/reference/family-report-review.md (row number in the comment).
WRONG_VI = [
    "sống lâu hơn khoảng",  # 1, 2
    "Lợi ích có thể có",  # 3
    "Một nửa sống lâu hơn",  # 4
    "trên 100 người",  # 5
    "ước tính trung thực",  # 6
    "có người ngắn hơn.",  # 7
    "tài liệu hướng dẫn",  # 8
    "hỗ trợ quyết định cho bác sĩ bằng lời lẽ",  # 9
    "Hãy đọc cùng với bác sĩ",  # 10
    "Ung thư bắt đầu ở gan",  # 12
    "Nhưng điều trị có thể làm bệnh tiến triển chậm lại",  # 13
    "Giữ chất lượng cuộc sống tốt.",  # 14
    "như thế này",  # 15
    "tia mạnh, không nhìn thấy",  # 16
    "Có thể đi kèm mọi cách điều trị",  # 17
    "dùng cùng một thuốc",  # 18, 19
    "Tác dụng phụ thường gặp là",  # 20
    "đi ngoài phân lỏng",  # 21
    "gây đạm trong nước tiểu",  # 22
    "tấn công cả phần khỏe mạnh",  # 23
    "khi có bất kỳ vấn đề mới nào",  # 24
    "nội soi thực quản để tìm các tĩnh mạch bị giãn",  # 25
    "đau da ở tay và chân",  # 26
    "thay đổi xét nghiệm gan",  # 26
    "Xạ trị vào",  # 28
    "Cần một số lần đến viện ngắn",  # 29
    "tại một chỗ",  # 30
    "Báo cáo này không có con số về thời gian sống",  # 30
    "lấy bỏ các hạch bạch huyết có ung thư",  # 31, 32
    "Cách này chỉ dành cho khi",  # 33
    "vài ngày ngắn",  # 34
    "Nút mạch hóa chất khối u",  # 35
    "thuốc ngủ",  # 36
    "hỗ trợ tốt nhất",  # 37
    "Có thể phù hợp; bác sĩ sẽ cân nhắc",  # 38
    "cũng đi kèm với mọi cách điều trị",  # 39
    "Chăm sóc giảm nhẹ là chăm sóc làm dịu",  # 40
    "Táo bón có thể khiến gan yếu gây lú lẫn",  # 41
    "hằng ngày sẽ giúp ích",  # 42
    "buổi tối muộn",  # 43
    "buồn chán",  # 44
    "Có cách điều trị cho những vấn đề này",  # 45
    "Hãy chọn người sẽ quyết định thay",  # 46
    "có máy chụp hướng dẫn",  # 48
    "Không thiếu thông tin quan trọng nào",  # 49
    "các bệnh khác",  # 50
    "Điều này ảnh hưởng đến",  # 50
    "nội soi thực quản gần đây",  # 51
    "hoặc cơ thể đã rất mệt",  # 52
    "có lẽ",  # 52, 53
    "Ung thư đang ở trong gan",  # 55
    "Hạt phóng xạ vào gan",  # 56
    "Một ống nhỏ (stent) mở",  # 57
    "Thuốc có thể giúp.",  # 58
    ", và ",  # 59
    "Thuốc điều trị đích",  # 61
    "Một số hạch này ở xa gan",  # 62
]
WRONG_EN = [
    "decision support in plain words",
    "What it may gain",
    "lived longer than",
    "Common side effects are",
    "invisible rays",
    "make a weak liver cause confusion",
    "in one place",
    "no survival number",
    "take out the lymph nodes that hold cancer",
    "medicine to sleep or not feel pain",
    "best supportive care",
    "Comfort care",
    "Honest ranges",
    "(of 100)",
    "put protein in the urine",
    "or the body is very tired",
    "It is only for a few lymph nodes",
    "Less salt and water pills",
]


def test_review_phrases_are_gone_from_the_catalogue() -> None:
    catalogue = _catalogue()
    vi = [m.string for m in catalogue]
    en = [m.id for m in catalogue]
    assert not [(w, s) for w in WRONG_VI for s in vi if w in s]
    assert not [(w, s) for w in WRONG_EN for s in en if w.lower() in s.lower()]


@pytest.mark.parametrize("name", ALL)
def test_review_phrases_are_gone_from_the_reports(docs: dict[str, Any], name: str) -> None:
    vi, en = _text(docs[name], "vi"), _text(docs[name], "en")
    assert not [w for w in WRONG_VI if w in vi]
    assert not [w for w in WRONG_EN if w.lower() in en.lower()]


def test_review_medical_fixes() -> None:
    ex = texts.EXPLANATIONS
    # Row 31/32: dissection and selective removal are different operations.
    assert ex["dissection"].what != ex["selective"].what
    assert "whole group" in ex["dissection"].what[0] and "only" in ex["selective"].what[0]
    assert texts.OPTIONS["lymph_node_dissection"][1] == "dissection"
    assert texts.OPTIONS["selective_lymphadenectomy"][1] == "selective"
    # Row 41: constipation brings on confusion when the liver is weak (not the other way round).
    assert (
        "when the liver is weak, constipation can bring on confusion"
        in (texts.SUPPORTIVE["laxative_prophylaxis"][1])
    )
    # Row 36: an anaesthetic or sedation, not sleeping pills.
    assert "sedation" in ex["ablation"].how
    by_id = {m.id: m.string for m in _catalogue()}
    assert "an thần" in by_id[ex["ablation"].how] and "thuốc ngủ" not in by_id[ex["ablation"].how]
    # Row 47: one naming pattern for the departments in Vietnamese.
    assert all(by_id[name].startswith("Khoa ") for name, _why in texts.DEPARTMENTS.values())
    # Row 37 / English row: one name for palliative care.
    assert by_id["Palliative care"] == "Chăm sóc giảm nhẹ"


# ----------------------------------------------------------------------------- the PDF


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ALL)
def test_summary_edition_has_at_most_three_pages(
    docs: dict[str, Any], name: str, lang: str, tmp_path: Path
) -> None:
    pdf = tmp_path / "summary.pdf"
    render_pdf(render_family_html(docs[name], lang, "summary"), pdf)
    assert 1 <= _pages(pdf) <= 3
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    heading = {"en": "What to expect", "vi": "Điều gia đình có thể chờ đợi"}[lang]
    assert heading in text


def test_unknown_edition(docs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="summary, full"):
        family_content(docs["seed-father"], "en", "long")


@pytest.mark.parametrize("lang", LANGS)
def test_a_document_without_prognosis_still_says_so(docs: dict[str, Any], lang: str) -> None:
    doc = copy.deepcopy(docs["decompensated"])
    doc["prognosis"] = None
    sentences = family_content(doc, lang)["summary"]["expect"]["sentences"]
    assert sentences in (
        ["This report has no survival figures for this situation. Ask the doctors."],
        ["Tài liệu này không có số liệu về thời gian sống cho tình trạng này. Hãy hỏi bác sĩ."],
    )
    assert render_clinician_html(doc, lang)

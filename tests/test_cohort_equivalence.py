"""The same rules, proven: thousands of generated cases assessed one by one with
:func:`hepatoboard.pipeline.assess` and as a cohort must agree row by row on every score, stage
field, option status, reason, missing list and invalid row (issue 16).

Flat rows (with broken cells) go through a CSV file and the vectorised validation; case
documents (nodes in any order) through the case intake; the cohort side of both is the Polars
kernel. Prognosis is compared on fewer rows (it is slower per case).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from cohort_strategies import AS_OF, KB, case_documents, flat_rows
from hepatoboard.cohort import facts as cohort_facts
from hepatoboard.cohort import rows
from hepatoboard.cohort.kernel import run_cases
from hepatoboard.cohort.plan import REASON_WORDS, reason_text
from hepatoboard.cohort.read import read_input
from hepatoboard.cohort.rows import row_to_document
from hepatoboard.cohort.run import Options, run
from hepatoboard.contracts.errors import CaseError
from hepatoboard.facts.hcc_scores import POINTS_ONLY
from hepatoboard.intake import parse_case
from hepatoboard.pipeline import TRANSPLANT_CRITERIA, assess, resolve_profile

from casebuild import EARLY, make
from conftest import CASES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LABELS = {
    n.label
    for e in [c.when for c in KB.conditions.values()]
    + [
        r.when
        for o in KB.options.values()
        for k in ("status_rules",)
        for r in KB.option_rules(o, k)
    ]
    for n in e.walk()
    if n.label
}


def _draw(strategy, n: int) -> list:
    out: list = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(x):
        out.append(x)

    collect()
    return out


def per_case(doc: dict, *, prognosis: bool = False):
    """The per-case result: an Assessment, or the intake's problems."""
    try:
        case = parse_case(doc, as_of=AS_OF, kb=KB)
        resolve_profile(case, None, KB)
    except CaseError as exc:
        return exc.problems
    return assess(case, kb=KB, as_of=AS_OF, with_prognosis=prognosis)


def _join(items) -> str | None:
    return None if items is None else ";".join(items)


def expected_row(a) -> dict:
    s, st = a.scores, a.staging
    out = {
        "case_id": a.case_id,
        "scores.child_pugh.points": s.child_pugh.points,
        "scores.child_pugh.class": s.child_pugh.class_,
        "scores.albi.score": s.albi.score,
        "scores.albi.grade": s.albi.grade,
        "scores.albi.malbi_grade": s.albi.malbi_grade,
        "scores.meld.meld": s.meld.meld,
        "scores.meld.meld_na": s.meld.meld_na,
        "scores.meld.meld_3_0": s.meld.meld_3_0,
        "scores.creatinine_clearance_ml_min": s.creatinine_clearance_ml_min,
        "scores.confounded": s.confounded is not None,
        "scores.confounded.child_pugh_points": s.confounded and s.confounded.child_pugh_points,
        "scores.confounded.albi_score": s.confounded and s.confounded.albi_score,
        "staging.tnm.t": st.tnm.t,
        "staging.tnm.n": st.tnm.n,
        "staging.tnm.m": st.tnm.m,
        "staging.tnm.stage": st.tnm.stage,
        "staging.bclc": st.bclc.stage,
        "staging.nodes.regional": _join(st.nodes.regional),
        "staging.nodes.distant": _join(st.nodes.distant),
        "staging.nodes.extra_abdominal": st.nodes.extra_abdominal,
        "staging.nodes.compressive": st.nodes.compressive,
        "staging.nodes.total_count": st.nodes.total_count,
        "staging.nodes.largest_short_axis_mm": st.nodes.largest_short_axis_mm,
        "staging.nodes.indeterminate": _join(st.nodes.indeterminate),
        "plan.intent": a.plan.intent,
        "plan.supportive": _join(m.id for m in a.plan.supportive),
        "plan.referrals": _join(r.department for r in a.plan.referrals),
    }
    for name, h in s.hcc.items():
        out[f"scores.hcc.{name}.points"] = h.points
        if name not in POINTS_ONLY:
            out[f"scores.hcc.{name}.group"] = h.group
    out["scores.tumour_burden_score"] = s.tumour_burden_score
    for key in TRANSPLANT_CRITERIA:
        out[f"staging.transplant_criteria.{key}"] = getattr(st.transplant_criteria, key)
    r = a.response
    out["response.assessable"] = r.assessable
    for key in ("recist", "mrecist", "irecist", "afp_response"):
        out[f"response.{key}"] = getattr(r, key)
    for o in a.plan.options:
        if KB.interactions_for(o.id):
            out[f"interactions.{o.id}"] = ";".join(i.id for i in o.interactions)
        if KB.options[o.id].dose_rules:
            out[f"dose_rules.{o.id}"] = ";".join(_dose_ids(o))
    for o in a.plan.options:
        out[f"status.{o.id}"] = o.status
        out[f"missing.{o.id}"] = _join(o.missing)
        out[f"could_be.{o.id}"] = o.could_be
        out[f"declined.{o.id}"] = o.declined
    return out


def _dose_ids(o) -> list[str]:
    """The per-case dose notes of an option as the cohort's dose-rule ids."""
    texts = {}
    for i, dr in enumerate(KB.options[o.id].dose_rules):
        texts[dr.text] = str(i)
        texts[f"if {dr.if_}: {dr.text}"] = f"if:{i}"
    return [texts[n] for n in o.dose_notes if n in texts]


def _reasons_agree(a, row: dict) -> list[str]:
    """Each reason id's words are the per-case reason (labels aside; the 'could be ... once
    known: <fields>' reasons by their fixed words)."""
    bad = []
    for o in a.plan.options:
        ids = [x for x in row[f"reasons.{o.id}"].split(";") if x]
        got = [reason_text(KB, o.id, x) for x in ids]
        want = [r for r in o.reasons if r not in LABELS]
        if len(got) != len(want):
            bad.append(f"reasons.{o.id}: {ids} vs {want}")
            continue
        for rid, g, w in zip(ids, got, want, strict=True):
            same = g.split("<")[0] == w[: len(g.split("<")[0])] if rid in REASON_WORDS else g == w
            if not same:
                bad.append(f"reasons.{o.id}: {g!r} vs {w!r}")
    return bad


def _missing_data(row: dict) -> dict[str, list[str]]:
    """The assessment's ``missing_data`` rebuilt from the per-decision columns."""
    out: dict[str, list[str]] = {}
    for col, value in row.items():
        if col.startswith("missing.") and value:
            for f in value.split(";"):
                out.setdefault(f, []).append(col.removeprefix("missing."))
    return out


def compare(expected: list, result) -> list[str]:
    """Every disagreement between per-case results and the cohort result (row n = index n-1)."""
    got = {r["row"]: r for r in result.output.to_dicts()}
    invalid = {x.row: x.problems for x in result.invalid}
    bad: list[str] = []
    for n, e in enumerate(expected, start=1):
        if isinstance(e, list):
            if invalid.get(n) != e:
                bad.append(f"row {n}: invalid {invalid.get(n)} vs {e}; assessed: {n in got}")
            continue
        row = got.get(n)
        if row is None:
            bad.append(f"row {n}: not assessed ({invalid.get(n)})")
            continue
        for key, value in expected_row(e).items():
            if row[key] != value:
                bad.append(f"row {n}: {key} = {row[key]!r}, per case {value!r}")
        md = {m.field: m.blocks for m in e.missing_data}
        got_md = _missing_data(row)
        for fld in sorted(set(got_md) | set(md)):
            if got_md.get(fld) != md.get(fld):
                bad.append(f"row {n}: missing_data[{fld}] {got_md.get(fld)} vs {md.get(fld)}")
        bad += [f"row {n}: {x}" for x in _reasons_agree(e, row)]
    return bad


def _write_csv(path, flat: list[dict]) -> None:
    names = sorted({k for r in flat for k in r})
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=names)
        w.writeheader()
        w.writerows(flat)


def test_5000_flat_rows_through_csv_agree_with_per_case_assessment(tmp_path):
    flat = _draw(flat_rows(), 5000)
    assert len(flat) >= 5000
    expected = []
    for r in flat:
        try:
            doc = row_to_document(r)
        except CaseError as exc:
            expected.append(exc.problems)
            continue
        expected.append(per_case(doc))
    path = tmp_path / "registry.csv"
    _write_csv(path, flat)
    result = run(read_input(str(path)), KB, Options(as_of=AS_OF, chunk_rows=1500))
    problems = compare(expected, result)
    assert not problems, "\n".join(problems[:30])
    valid = sum(not isinstance(e, list) for e in expected)
    assert valid > 3000 and len(expected) - valid > 300  # both paths are exercised
    assert result.output.height == valid


def test_1000_case_documents_agree_with_per_case_assessment():
    docs = [EARLY, make(EARLY, medications=[{"class": "nsaid"}]), *_draw(case_documents(), 1000)]
    expected = [per_case(d) for d in docs]
    ok = [
        (n, parse_case(d, as_of=AS_OF, kb=KB))
        for n, (d, e) in enumerate(zip(docs, expected, strict=True), 1)
        if not isinstance(e, list)
    ]
    frame = rows.frame_from_cases([c for _, c in ok])
    result = run_cases(frame, pl.Series([n for n, _ in ok]), KB, AS_OF)
    problems = compare([e for e in expected], result)
    problems = [p for p in problems if "invalid" not in p]  # rejected documents: no row
    assert not problems, "\n".join(problems[:30])
    assert result.output.height == len(ok) > 700


def test_prognosis_medians_agree_within_the_documented_tolerance():
    examples = sorted(EXAMPLES.glob("*.yaml")) + sorted(CASES.glob("*.yaml"))
    docs = [yaml.safe_load(p.read_text()) for p in examples] + _draw(case_documents(), 100)
    docs += [EARLY, make(EARLY, tumor={"nodules": 3, "largest_cm": 4.0})]  # outside, BCLC A/B
    expected = [per_case(d, prognosis=True) for d in docs]
    ok = [
        (n, parse_case(d, as_of=AS_OF, kb=KB))
        for n, (d, e) in enumerate(zip(docs, expected, strict=True), 1)
        if not isinstance(e, list)
    ]
    frame = rows.frame_from_cases([c for _, c in ok])
    result = run_cases(frame, pl.Series([n for n, _ in ok]), KB, AS_OF, prognosis=True)
    got = {r["row"]: r for r in result.output.to_dicts()}
    compared = outsiders = 0
    for n, _ in ok:
        a = expected[n - 1]
        outside = KB.prognosis.population.outside in a.prognosis.warnings
        assert got[n]["prognosis.outside_population"] is outside, n
        outsiders += outside
        for sc in a.prognosis.scenarios:
            cohort = got[n][f"prognosis.{sc.id}.median_months"]
            assert cohort == pytest.approx(sc.median_months, abs=1e-9), (n, sc.id)
            compared += 1
        asked = {c.split(".")[1] for c, v in got[n].items() if c.endswith(".median_months") and v}
        assert asked <= {sc.id for sc in a.prognosis.scenarios}, n
    # best supportive care for those inside the population, active options for some; and
    # early HCC without spread (KB 2026.12.4): no scenario, a warning
    assert compared > len(ok) - outsiders + 5 and outsiders > 0


def test_a_producer_without_a_vectorised_twin_fails_naming_it(monkeypatch):
    from hepatoboard import facts as per_case_facts
    from hepatoboard.facts.registry import Producer

    fake = Producer("frailty", ("frailty_index",), lambda ctx: {})
    monkeypatch.setitem(per_case_facts.PRODUCERS, "frailty", fake)
    with pytest.raises(cohort_facts.MissingTwin, match="frailty"):
        cohort_facts.check_twins()


def test_every_catalogue_fact_has_a_vectorised_twin():
    from hepatoboard.cohort.engine import facts_frame

    f = facts_frame(rows.frame_from_cases([]), KB, AS_OF)
    case_facts = {n for n, s in KB.facts.items() if s.phase == "case"}
    assert case_facts <= set(f.columns)

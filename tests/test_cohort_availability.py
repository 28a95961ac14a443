"""``cohort run --site``: the availability columns equal the per-case assessment with the same
site, row by row (the badge of every option and the available ranking), for the sites of the
knowledge base and for a test site that uses every badge."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys

import polars as pl
import pytest

from cohort_strategies import AS_OF, KB, case_documents
from hepatoboard.cohort.read import Input
from hepatoboard.cohort.run import Options, run
from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case
from hepatoboard.knowledge.schema import AvailabilityEntry, AvailabilitySite
from hepatoboard.pipeline import assess, resolve_profile
from hepatoboard.planning import availability as av
from test_cohort_equivalence import EXAMPLES, _draw

ENTRIES = [  # (registered, reimbursed): one per badge
    ("no", "unknown"),
    ("yes", "yes"),
    ("yes", "partial"),
    ("yes", "no"),
    ("yes", "unknown"),
    ("unknown", "unknown"),
]


def _test_kb():
    """The knowledge base with one more site, whose entries cycle through every badge."""
    entries = {
        oid: AvailabilityEntry(
            registered=reg, reimbursed=reimb, source=["test"], checked=dt.date(2026, 12, 1)
        )
        for oid, (reg, reimb) in zip(KB.options, ENTRIES * len(KB.options), strict=False)
    }
    default = AvailabilityEntry(
        registered="unknown", reimbursed="unknown", source=["test"], checked=dt.date(2026, 12, 1)
    )
    site = AvailabilitySite(
        site="every_badge", name="test", description="test", default=default, options=entries
    )
    return dataclasses.replace(KB, availability={**KB.availability, "every_badge": site})


def _per_case(doc, kb, site):
    try:
        case = parse_case(doc, as_of=AS_OF, kb=kb)
        resolve_profile(case, None, kb)
    except CaseError:
        return None
    return assess(case, kb=kb, as_of=AS_OF, site=site, with_prognosis=False)


@pytest.mark.parametrize("site", ["vn", "cn", "every_badge"])
def test_availability_columns_agree_with_per_case_assessment(site):
    kb = _test_kb()
    docs = _draw(case_documents(), 400)
    expected = [_per_case(d, kb, site) for d in docs]
    inp = Input(documents=docs, sources=["<test>"] * len(docs))
    result = run(inp, kb, Options(as_of=AS_OF, site=site))
    got = {r["row"]: r for r in result.output.to_dicts()}
    ranked = 0
    badges: set[str] = set()
    for n, a in enumerate(expected, start=1):
        if a is None:
            assert n not in got
            continue
        row = got[n]
        for o in a.plan.options:
            assert row[f"availability.{o.id}"] == o.availability.badge, (n, o.id)
            badges.add(o.availability.badge)
        assert row["plan.available_ranking"] == ";".join(a.plan.availability.available_ranking), n
        ranked += len(a.plan.availability.available_ranking) > 1
    assert len(got) > 250 and ranked > 20  # rankings of several options were compared
    if site == "every_badge":
        assert badges == {
            "not_registered",
            "available",
            "partly_reimbursed",
            "not_reimbursed",
            "registered",
            "unknown",
        }


def test_without_site_there_are_no_availability_columns():
    docs = _draw(case_documents(), 20)
    result = run(Input(documents=docs, sources=["<test>"] * len(docs)), KB, Options(as_of=AS_OF))
    assert not [c for c in result.output.columns if c.startswith("availability")]
    assert "plan.available_ranking" not in result.output.columns


def test_cli_site_writes_the_columns_and_refuses_an_unknown_site(tmp_path):
    out = tmp_path / "r.parquet"
    registry = EXAMPLES / "cohort"
    args = [sys.executable, "-m", "hepatoboard", "cohort", "run", str(registry / "registry.csv")]
    args += ["--mapping", str(registry / "mapping.yaml"), "--out", str(out)]
    args += ["--as-of", AS_OF.isoformat()]
    ok = subprocess.run([*args, "--site", "cn"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    frame = pl.read_parquet(out)
    site = KB.availability["cn"]
    for oid in KB.options:  # the per-case badge of the same site
        want = av.badge(av.entry_for(site, oid))
        assert set(frame[f"availability.{oid}"].cast(pl.String)) == {want}, oid
    assert "plan.available_ranking" in frame.columns
    bad = subprocess.run([*args, "--site", "nowhere"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "unknown site 'nowhere'" in bad.stderr

"""The bench's pipeline steps on a small generated database: forecast timings with identical results, and
the page checks that tell a real page from a login form."""

import datetime

import pytest

from kam.accounts.generate import generate
from kam.core.bench import PAGE_CHECKS, Options, database_url, inside
from kam.pipeline.generate import generate_opportunities
from kam.pipeline.models import Opportunity
from kam.users.services import user_create


@pytest.fixture
def bench_data(db):
    generate(accounts=40, contacts_per_account=1, seed=2, owners=4, audit=False, analyze=False)
    user_create(actor=None, username=inside.BENCH_ADMIN, role="admin", full_name="Bench admin")
    generate_opportunities(count=300, seed=2, today=datetime.date(2026, 6, 1), audit=False)


def test_forecast_step_times_both_sources_and_finds_them_identical(bench_data):
    figures = inside.forecast_step(roles=["member", "manager", "admin"], repeat=1, raw_repeat=1)
    assert [row["user_role"] for row in figures["roles"]] == ["member", "manager", "admin"]
    for row in figures["roles"]:
        assert row["identical"] and row["board_sums_identical"]
        assert row["summary_ms"] > 0 and row["raw_ms"] > 0
    assert figures["roles"][-1]["open_deals"] == Opportunity.objects.filter(status="open").count()
    assert figures["summary"]["differences"] == 0
    assert figures["summary"]["rows"] > 0


def test_pipeline_databases_are_named_apart_from_the_account_ones():
    options = Options(databases=["postgres"], sizes=[100_000])
    assert database_url(options, "postgres", 1_000_000, "pipeline").endswith("/kam_bench_pipeline_1000000")
    assert database_url(options, "postgres", 100_000).endswith("/kam_bench_100000")
    assert database_url(options, "sqlite", 200_000, "pipeline").endswith("kam_bench_pipeline_200000.sqlite3")


def test_page_checks_count_rows_after_the_marker():
    import re

    marker, row = PAGE_CHECKS["/pipeline/board/"]
    body = '<a data-testid="card-x">' + marker + '<i data-testid="card-1"></i><i data-testid="card-2"></i>'
    assert len(re.findall(row, body[body.index(marker) :])) == 2
    marker, row = PAGE_CHECKS["/pipeline/"]
    body = (
        marker
        + '<a href="/pipeline/12/">P1</a><a href="/pipeline/?ordering=x">sort</a><a href="/pipeline/7/">'
    )
    assert len(re.findall(row, body[body.index(marker) :])) == 2

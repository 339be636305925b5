"""The board's columns load their cards in keyset pages; the list and the board keep their query counts
flat; the forecast page narrows to a period of months."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.pipeline import selectors, services
from kam.pipeline.models import Opportunity, SalesProcess


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


def _deals(world, amounts, close=datetime.date(2027, 1, 15)):
    return [
        services.opportunity_create(
            actor=world.owner,
            data={
                "account": world.account,
                "name": f"Deal {n}",
                "amount": Decimal(a),
                "expected_close": close,
            },
        )
        for n, a in enumerate(amounts)
    ]


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-testid="card-([^"]+)"', html)


def test_a_column_pages_through_its_cards_biggest_first(client, world, process):
    deals = _deals(world, ["500", "900", "700", "700", "100"])
    by_number = {d.number: d for d in deals}
    client.force_login(world.owner)
    g = process.stages.get(code="G")
    columns = selectors.board_columns(
        process=process, opportunities=selectors.opportunity_list(user=world.owner), cards=2
    )
    first = columns[0]
    assert [by_number[o.number].amount for o in first["cards"]] == [Decimal("900"), Decimal("700")]
    tied = sorted(d.pk for d in deals if d.amount == Decimal("700"))
    assert first["after"] == f"700.00_{tied[0]}"
    assert first["count"] == 5
    page = client.get(reverse("pipeline:board_cards"), {"stage": g.pk, "after": first["after"]})
    html = page.content.decode()
    assert [by_number[n].amount for n in _numbers(html)] == [Decimal("700"), Decimal("500"), Decimal("100")]
    assert 'data-testid="load-more"' not in html  # 20 a page: nothing after these


def test_load_more_button_carries_the_filters_and_the_cursor(client, world, process):
    _deals(world, [str(1000 + n) for n in range(25)])
    client.force_login(world.owner)
    page = client.get(reverse("pipeline:board"), {"owner": world.owner.pk})
    html = page.content.decode()
    assert len(_numbers(html)) == 20
    button = re.search(r'data-testid="load-more" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"owner={world.owner.pk}" in button and "after=1005.00_" in button
    assert 'hx-trigger="intersect once, click"' in html
    more = client.get(button)
    assert len(_numbers(more.content.decode())) == 5
    assert page.context["columns"][0]["count"] == 25


def test_column_cards_stay_in_scope_and_refuse_a_bad_cursor(client, world, process):
    _deals(world, ["100", "200"])
    g = process.stages.get(code="G")
    client.force_login(world.outsider)
    page = client.get(reverse("pipeline:board_cards"), {"stage": g.pk, "after": "999999_0"})
    assert page.status_code == 200 and _numbers(page.content.decode()) == []
    assert client.get(reverse("pipeline:board_cards"), {"stage": g.pk, "after": "NaN_1"}).status_code == 400
    assert client.get(reverse("pipeline:board_cards"), {"stage": g.pk, "after": "x"}).status_code == 400
    assert client.get(reverse("pipeline:board_cards"), {"stage": "x", "after": "1_1"}).status_code == 404
    assert client.get(reverse("pipeline:board_cards"), {"stage": 999999, "after": "1_1"}).status_code == 404


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("persona", ["admin", "manager", "owner"])
def test_list_and_board_query_counts_do_not_grow_and_never_count(client, world, process, persona):
    client.force_login(getattr(world, persona))
    _deals(world, ["100", "200"])
    few = {name: _queries(client, reverse(name)) for name in ("pipeline:list", "pipeline:board")}
    _deals(world, [str(n) for n in range(300, 360)])
    many = {name: _queries(client, reverse(name)) for name in ("pipeline:list", "pipeline:board")}
    for name in few:
        assert len(many[name]) == len(few[name]), name
    assert not [q for q in many["pipeline:list"] if "COUNT(" in q.upper()]
    # the board's sums come from the summary; only a member's or manager's account-team remainder is
    # aggregated from the opportunities
    aggregated = [
        q for q in many["pipeline:board"] if "GROUP BY" in q.upper() and "pipeline_opportunity" in q
    ]
    assert len(aggregated) == (0 if persona == "admin" else 1)
    assert all("accounts_accountteammember" in q for q in aggregated)


def test_board_with_a_search_sums_the_opportunities(client, world, process):
    _deals(world, ["100", "200"])
    client.force_login(world.owner)
    queries = _queries(client, reverse("pipeline:board"), {"q": "Deal 1"})
    assert [q for q in queries if "GROUP BY" in q.upper() and "pipeline_opportunity" in q]
    page = client.get(reverse("pipeline:board"), {"q": "Deal 1"})
    assert (page.context["columns"][0]["count"], page.context["columns"][0]["amount"]) == (1, Decimal("200"))


def test_forecast_page_narrows_to_whole_months(client, world, process):
    _deals(world, ["1000000"], close=datetime.date(2027, 1, 31))
    _deals(world, ["300000"], close=datetime.date(2027, 2, 1))
    _deals(world, ["50000"], close=None)
    client.force_login(world.owner)
    page = client.get(reverse("pipeline:forecast"), {"close_from": "2027-01", "close_to": "2027-01"})
    forecast = page.context["forecast"]
    assert (forecast["views"]["pipeline"], forecast["views"]["weighted"]) == (
        Decimal("1000000"),
        Decimal("100000"),
    )
    html = page.content.decode()
    assert 'value="2027-01"' in html and "from 2027-01 to 2027-01, in whole months" in html
    everything = client.get(reverse("pipeline:forecast")).context["forecast"]
    assert everything["views"]["pipeline"] == Decimal("1350000")
    assert [(str(p), row["count"]) for p, row in everything["by_owner"]] == [(str(world.owner), 3)]
    ignored = client.get(reverse("pipeline:forecast"), {"close_from": "2027-13", "close_to": "soon"})
    assert ignored.context["forecast"]["views"]["pipeline"] == Decimal("1350000")


def test_forecast_page_in_chinese(client, world, process):
    _deals(world, ["1000000"])
    client.force_login(world.owner)
    html = client.get(reverse("pipeline:forecast"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "按负责人的加权管道" in html
    assert Opportunity.objects.count() == 1


def test_forecast_backtest_loads_after_the_page(client, world, process):
    _deals(world, ["1000000"])
    client.force_login(world.owner)
    html = client.get(reverse("pipeline:forecast"), {"owner": world.owner.pk}).content.decode()
    assert 'data-testid="backtest"' not in html
    backtest_url = f"{reverse('pipeline:forecast_backtest')}?owner={world.owner.pk}"
    assert f'hx-get="{backtest_url}" hx-trigger="load"' in html
    part = client.get(reverse("pipeline:forecast_backtest"), {"owner": world.owner.pk})
    assert len(part.context["backtest"]) == 4 and 'data-testid="backtest"' in part.content.decode()
    assert part.context["nothing_to_compare"]  # today's deal was open at no past quarter's start
    assert 'data-testid="backtest-empty"' in part.content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("pipeline:forecast_backtest"), {"owner": world.owner.pk}).status_code == 404


def test_links_built_from_the_prefix_are_the_reversed_ones(client, world, process):
    [deal] = _deals(world, ["100"])
    client.force_login(world.owner)
    listed = client.get(reverse("pipeline:list")).content.decode()
    assert f'href="{deal.get_absolute_url()}"' in listed
    assert f'href="{reverse("accounts:detail", args=[world.account.pk])}"' in listed
    board = client.get(reverse("pipeline:board")).content.decode()
    assert f'data-move-url="{reverse("pipeline:move", args=[deal.pk])}"' in board
    assert f'<a href="{deal.get_absolute_url()}" class="fw-semibold">Deal 0</a>' in board
    assert "data-locked" not in board
    client.force_login(world.auditor)
    assert 'data-locked="1"' in client.get(reverse("pipeline:board")).content.decode()


def test_list_rows_show_every_column_escaped(client, world, process):
    deal, undated = _deals(world, ["1234567.80", "50"])
    services.opportunity_update(
        opportunity=undated, actor=world.owner, data={"name": "<b>Fish & chips</b>", "expected_close": None}
    )
    client.force_login(world.owner)
    html = client.get(reverse("pipeline:list")).content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = {row.split('/">')[1].split("<")[0]: row for row in body.split("<tr>")[1:]}
    assert rows[deal.number] == (
        f'<td class="text-nowrap"><a href="/pipeline/{deal.pk}/">{deal.number}</a></td><td>Deal 0</td>'
        f'<td><a href="/accounts/{world.account.pk}/">SPD Bank</a></td>'
        '<td><span class="badge text-bg-primary">G</span> 10%</td>'
        '<td class="text-end text-nowrap">CNY 1,234,568</td>'
        '<td class="d-none d-md-table-cell">2027-01-15</td>'
        f'<td class="d-none d-md-table-cell">{world.owner.full_name}</td>'
        '<td><span class="badge text-bg-light">Open</span></td></tr>'
    )
    assert "<td>&lt;b&gt;Fish &amp; chips&lt;/b&gt;</td>" in rows[undated.number]
    assert '<td class="d-none d-md-table-cell">—</td>' in rows[undated.number]

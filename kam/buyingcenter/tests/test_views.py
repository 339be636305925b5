"""The buying-center pages: the panel on the opportunity, the forms, the gate warning, my actions, access."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kam.accounts.tests.factories import ContactFactory, InteractionFactory
from kam.audit.models import ObjectChange
from kam.buyingcenter import services
from kam.buyingcenter.models import AttitudeReport, CounterpartPair, InfluenceWeight, Stakeholder
from kam.buyingcenter.tests.factories import make_m43, make_opportunity, make_stakeholder
from kam.pipeline import services as pipeline_services

VIEWERS = {"owner", "teammate", "east_manager", "manager", "auditor", "admin"}
CHANGERS = {"owner", "teammate", "east_manager", "manager", "admin"}
PERSONAS = ["outsider", "owner", "teammate", "east_manager", "manager", "auditor", "admin"]


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


@pytest.fixture
def m43(world, opportunity):
    return make_m43(opportunity=opportunity, actor=world.owner)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _section(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return _text(match.group(0))


def _state():
    return (
        list(Stakeholder.objects.order_by("id").values_list("id", "attitude", "version")),
        list(AttitudeReport.objects.order_by("id").values_list("id", "attitude")),
        list(InfluenceWeight.objects.order_by("id").values_list("id", "percent", "version")),
        list(CounterpartPair.objects.order_by("id").values_list("id", "version")),
        ObjectChange.objects.count(),
    )


def test_empty_buying_center_on_the_opportunity_page(client, world, opportunity):
    client.force_login(world.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert _section(page, "bc-empty") == (
        "Nobody is in this buying center yet. Find the right person first (M4.1): add the people of SPD Bank "
        "who take part in this decision, with their roles, attitude and weight."
    )
    assert reverse("buyingcenter:stakeholder_add", args=[opportunity.pk]) in page
    assert _section(page, "bc-actions") == "The rules find nothing to do right now."


def test_m43_on_the_opportunity_page(client, world, opportunity, m43):
    services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.teammate, "their_person": m43["张华"].contact, "level": "technical"},
    )
    InteractionFactory(account=world.account, owner=world.owner).their_people.set([m43["李建"].contact])
    client.force_login(world.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert _section(page, "support-score") == "+0.10"
    assert _section(page, "weight-split") == "Supporters 30 % Neutral 60 % Unknown 0 % Opponents 10 %"
    assert _section(page, "risk-flag") == (
        "Relationship at risk Opponents and the undecided hold 70 %, supporters 30 %."
    )
    coverage = re.search(r'data-testid="coverage".*?</table>', page, re.S).group(0)
    body = coverage.split("<tbody>")[1].split("</tbody>")[0]
    rows = [_text(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert rows == [
        "张华 技术部 Technical 决定技术选型 Neutral C 60 %",
        "李建 采购部 Purchasing 筛选信息，挑选合适的厂家 Supporter B 30 %",
        "王桑 财务部 Finance 影响 Opponent E 10 %",
        "李阳 总经理室 GM office 最终决策者 Unknown 0 %",
    ]
    assert _text(coverage.split("<tfoot>")[1]) == "Total 100 %"
    actions = re.findall(r"<strong>([^<]+)</strong><div class=\"small text-muted\">([^<]+)</div>", page)
    assert actions == [
        ("Find out where 李阳 stands", "Attitude unknown, weight 0 %."),
        ("Plan how to neutralise 王桑", "Attitude E, weight 10 %."),
        ("Win over 张华", "Attitude C, weight 60 %."),
        ("Follow up with 张华", "No contact logged yet."),
        ("Follow up with 王桑", "No contact logged yet."),
        ("Follow up with 李阳", "No contact logged yet."),
    ]
    gaps = re.findall(r'data-testid="bc-gap"><span>(.*?)</span>', page, re.S)
    assert [_text(g) for g in gaps] == [
        "Coach 李建 has no counterpart among our people. Suggested: Sales director ↔ purchasing manager",
        "Financial buyer · Influencer 王桑 has no counterpart among our people. Suggested: Finance ↔ finance",
        "Economic buyer 李阳 has no counterpart among our people. "
        "Suggested: General manager ↔ general manager",
    ]
    assert f"?contact={m43['李阳'].contact_id}&amp;level=executive&amp;next=" in page
    map_data = re.search(
        r'<script id="bc-map-data" type="application/json">(.*?)</script>', page, re.S
    ).group(1)
    import json

    nodes = {n["name"]: n for n in json.loads(map_data)["nodes"]}
    assert {
        name: (n["x"], n["y"], n.get("weight"), n.get("attitude"), n.get("badges"))
        for name, n in nodes.items()
    } == {
        "李阳": (1.0, 0, 0, "", ["Economic"]),
        "张华": (0.0, 1, 60, "C", ["Technical"]),
        "李建": (1.0, 1, 30, "B", ["Coach"]),
        "王桑": (2.0, 1, 10, "E", ["Financial", "Influencer"]),
    }


def test_phase_switch_answers_htmx_with_the_panel_only(client, world, opportunity, m43):
    client.force_login(world.owner)
    url = reverse("buyingcenter:detail", args=[opportunity.pk])
    partial = client.get(url + "?phase=discover", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "No weights are set for this phase yet." in _text(partial)
    assert _section(partial, "support-score") == "+0.00"
    full = client.get(url + "?phase=selection").content.decode()
    assert "<html" in full and _section(full, "support-score") == "+0.10"
    # stage G's phase (discover) has no weights: the first phase with weights (selection) is shown
    default = client.get(url).content.decode()
    assert (
        f'aria-current="true" href="/buying-center/opportunities/{opportunity.pk}/?phase=selection"'
        in default
    )


def test_add_form_shows_the_role_guidance_and_saves(client, world, opportunity):
    ContactFactory(account=world.account, name="张华")
    already = make_stakeholder(opportunity=opportunity, actor=world.owner, name="李建")
    client.force_login(world.owner)
    url = reverse("buyingcenter:stakeholder_add", args=[opportunity.pk])
    page = client.get(url).content.decode()
    guidance = re.search(r'data-testid="role-guidance".*?</table>', page, re.S).group(0)
    assert [_text(r) for r in re.findall(r"<tr>(.*?)</tr>", guidance.split("<tbody>")[1], re.S)] == [
        "Economic buyer Balance and maximise the benefit General manager Final say",
        "Technical buyer Feasibility, technology, results Measurement centre / quality assurance "
        "Recommend, veto",
        "User buyer Ease of use, operability Production Use",
        "Financial buyer Payment; mostly a formality Finance Take part",
        "Coach Fit with the purchasing standards; internal catalyst "
        "Business or planning department, purchasing Guide",
        "Influencer Sways the final decider by recommending or vetoing "
        "Relatives, secretary, spouse of the head Influence",
    ]
    options = re.findall(
        r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.split('name="contact"')[1].split("</select>")[0]
    )
    assert [label for _pk, label in options] == ["张华"]  # 李建 is in already
    zhang = world.account.contacts.get(name="张华")
    response = client.post(
        url,
        {
            "contact": zhang.pk,
            "roles": ["technical"],
            "procurement_steps": ["4", "5"],
            "project_role": "decides the technology choice",
            "attitude": "C",
            "attitude_observed_on": "2026-01-09",
            "relationship_level": "2",
            "add_another": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    stakeholder = Stakeholder.objects.get(contact=zhang)
    assert (
        stakeholder.roles,
        stakeholder.procurement_steps,
        stakeholder.attitude,
        stakeholder.relationship_level,
    ) == (
        ["technical"],
        [4, 5],
        "C",
        2,
    )
    assert [(r.attitude, str(r.observed_on)) for r in stakeholder.attitude_history.all()] == [
        ("C", "2026-01-09")
    ]
    assert already.attitude == ""


def test_edit_form_appends_attitude_changes_and_refuses_stale_edits(client, world, opportunity):
    stakeholder = make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", attitude="D")
    client.force_login(world.owner)
    url = reverse("buyingcenter:stakeholder_edit", args=[stakeholder.pk])
    today = timezone.localdate()
    form = {
        "attitude": "C",
        "attitude_observed_on": today.isoformat(),
        "version": stakeholder.version,
        "concerns": "uptime",
    }
    assert client.post(url, form).status_code == 302
    stakeholder.refresh_from_db()
    assert [r.attitude for r in stakeholder.attitude_history.all()] == ["D", "C"]
    page = client.get(url).content.decode()
    history = re.search(r'data-testid="attitude-history".*?</table>', page, re.S).group(0)
    assert [_text(r) for r in re.findall(r"<tr>(.*?)</tr>", history.split("<tbody>")[1], re.S)] == [
        f"{date_format(today)} C accepts ↑ Owner",
        f"{date_format(today)} D doubts Owner",
    ]
    before = _state()
    stale = client.post(url, {**form, "attitude": "B", "version": stakeholder.version - 1}).content.decode()
    assert "Someone else saved this record after you opened it." in stale
    assert _state() == before
    same = client.post(url, {**form, "version": stakeholder.version, "concerns": "uptime and cost"})
    assert same.status_code == 302
    assert [r.attitude for r in stakeholder.attitude_history.all()] == [
        "D",
        "C",
    ]  # unchanged attitude: no entry


def test_weights_form_shows_the_current_sum_and_saves_nothing_until_100(client, world, opportunity, m43):
    client.force_login(world.owner)
    url = reverse("buyingcenter:weights", args=[opportunity.pk]) + "?phase=selection"
    page = client.get(url).content.decode()
    loaded = re.search(r'name="loaded" value="([^"]*)"', page).group(1)
    ids = {name: s.pk for name, s in m43.items()}
    fields = {
        f"weight_{ids['张华']}": "60",
        f"weight_{ids['李建']}": "20",
        f"weight_{ids['王桑']}": "10",
        "loaded": loaded,
    }
    before = _state()
    refused = client.post(url, fields).content.decode()
    assert _section(refused, "weights-error") == (
        "The weights of Initial product selection (step 5) total 90 %; they must total 100 %."
    )
    assert f'name="weight_{ids["李建"]}" value="20"' in refused  # what was typed stays
    assert _state() == before
    fields[f"weight_{ids['李建']}"] = "30"
    saved = client.post(url, fields)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("buyingcenter:detail", args=[opportunity.pk]) + "?phase=selection"
    assert InfluenceWeight.objects.filter(stakeholder=m43["李阳"]).count() == 0  # left empty: no weight
    stale = client.post(
        url, {**fields, f"weight_{ids['张华']}": "50", f"weight_{ids['李建']}": "40"}
    ).content.decode()
    assert "Someone else saved this record after you opened it." in stale


def test_removal_is_confirmed_and_refused_while_weight_is_held(client, world, opportunity, m43):
    client.force_login(world.owner)
    url = reverse("buyingcenter:stakeholder_remove", args=[m43["王桑"].pk])
    page = client.get(url).content.decode()
    assert _section(page, "remove-refused").startswith(
        "王桑 still holds weight, and each phase's weights must total 100 %. "
        "Give that weight to the others first: Initial product selection (step 5): 10 %"
    )
    assert 'type="submit"' not in page.split("<main")[1]
    before = _state()
    assert client.post(url).status_code == 200
    assert _state() == before
    lee = m43["李阳"]  # weight 0: may go
    url = reverse("buyingcenter:stakeholder_remove", args=[lee.pk])
    assert "Remove 李阳 from the buying center?" in client.get(url).content.decode()
    assert client.post(url)["Location"] == opportunity.get_absolute_url() + "#buying-center"
    assert not Stakeholder.objects.filter(pk=lee.pk).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, opportunity, m43, persona):
    client.force_login(getattr(world, persona))
    zhang = m43["张华"]
    pair = services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.owner, "their_person": zhang.contact, "level": "technical"},
    )
    expected_view = 200 if persona in VIEWERS else 404
    expected_change = 200 if persona in CHANGERS else 404
    assert client.get(reverse("buyingcenter:detail", args=[opportunity.pk])).status_code == expected_view
    for url in [
        reverse("buyingcenter:stakeholder_add", args=[opportunity.pk]),
        reverse("buyingcenter:stakeholder_edit", args=[zhang.pk]),
        reverse("buyingcenter:stakeholder_remove", args=[zhang.pk]),
        reverse("buyingcenter:weights", args=[opportunity.pk]),
        reverse("buyingcenter:pair_add", args=[world.account.pk]),
        reverse("buyingcenter:pair_edit", args=[pair.pk]),
        reverse("buyingcenter:pair_delete", args=[pair.pk]),
    ]:
        assert client.get(url).status_code == expected_change, url
    if persona not in CHANGERS:
        before = _state()
        for url, data in [
            (
                reverse("buyingcenter:stakeholder_edit", args=[zhang.pk]),
                {"attitude": "A", "version": zhang.version},
            ),
            (reverse("buyingcenter:weights", args=[opportunity.pk]), {f"weight_{zhang.pk}": "100"}),
            (reverse("buyingcenter:pair_delete", args=[pair.pk]), {}),
            (reverse("buyingcenter:stakeholder_remove", args=[m43["李阳"].pk]), {}),
        ]:
            assert client.post(url, data).status_code == 404
        assert _state() == before


def test_pair_form_prefills_from_a_gap_and_goes_back(client, world, opportunity, m43):
    client.force_login(world.owner)
    lee = m43["李阳"].contact
    back = opportunity.get_absolute_url() + "#buying-center"
    url = reverse("buyingcenter:pair_add", args=[world.account.pk])
    page = client.get(url, {"contact": lee.pk, "level": "executive", "next": back}).content.decode()
    assert f'<option value="{lee.pk}" selected>' in page
    assert '<option value="executive" selected>' in page
    candidates = re.findall(
        r'<option value="(\d+)"', page.split('name="our_person"')[1].split("</select>")[0]
    )
    # in the owner's reach (team East: owner, east_manager) plus the account team (teammate); not the outsider
    assert sorted(map(int, candidates)) == sorted([world.owner.pk, world.east_manager.pk, world.teammate.pk])
    posted = client.post(
        url, {"their_person": lee.pk, "our_person": world.teammate.pk, "level": "executive", "next": back}
    )
    assert posted["Location"] == back
    pair = CounterpartPair.objects.get()
    assert (pair.our_person, pair.their_person, pair.level) == (world.teammate, lee, "executive")
    before = _state()
    outside = client.post(url, {"their_person": lee.pk, "our_person": world.outsider.pk, "level": "other"})
    assert "Select a valid choice." in outside.content.decode()
    evil = client.post(
        url,
        {
            "their_person": m43["张华"].contact_id,
            "our_person": world.owner.pk,
            "level": "other",
            "next": "https://evil.example/",
        },
    )
    assert evil["Location"] == world.account.get_absolute_url()
    assert _state()[0] == before[0] and CounterpartPair.objects.count() == 2


def _tick_through(opportunity, actor, codes):
    for code in codes:
        for criterion in opportunity.process.stages.get(code=code).criteria.all():
            pipeline_services.criterion_check(
                opportunity=opportunity, criterion=criterion, actor=actor, done=True
            )


def test_gate_warning_on_the_move_to_stage_c(client, world):
    opportunity = make_opportunity(account=world.account, actor=world.owner, stage_code="D")
    _tick_through(opportunity, world.owner, ["D"])
    make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", roles=["technical"])
    stage_c = opportunity.process.stages.get(code="C")
    client.force_login(world.owner)
    url = reverse("pipeline:move", args=[opportunity.pk])

    refused = client.post(url, {"stage": stage_c.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert _section(html, "gate-warnings") == (
        "No economic buyer is identified in the buying center (M4.2); stage C needs one."
    )
    assert "Say why you move on despite the warnings." in html and 'name="reason"' in html
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "D"

    form_path = client.post(url, {"stage": stage_c.pk}, follow=True).content.decode()
    assert "No economic buyer is identified in the buying center (M4.2); stage C needs one." in form_path
    opportunity.refresh_from_db()
    assert opportunity.stage.code == "D"

    moved = client.post(
        url, {"stage": stage_c.pk, "reason": "The GM decides next week"}, HTTP_HX_REQUEST="true"
    )
    assert moved.status_code == 204
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.transitions.last().reason) == (
        "C",
        "The GM decides next week",
    )
    back = client.post(url, {"stage": opportunity.process.stages.get(code="D").pk}, HTTP_HX_REQUEST="true")
    assert back.status_code == 204  # backwards: no warning


def test_strict_process_still_lets_a_reason_pass_the_warnings(client, world):
    opportunity = make_opportunity(account=world.account, actor=world.owner, stage_code="D")
    _tick_through(opportunity, world.owner, ["D"])
    opportunity.process.strict = True
    opportunity.process.save()
    client.force_login(world.owner)
    html = client.post(
        reverse("pipeline:move", args=[opportunity.pk]),
        {"stage": opportunity.process.stages.get(code="C").pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert _section(html, "gate-warnings") == (
        "No economic buyer is identified in the buying center (M4.2); stage C needs one. "
        "No technical buyer is identified in the buying center (M4.2); stage C needs one."
    )
    assert 'name="reason"' in html and "Move anyway" in html


def test_my_actions_lists_my_open_deals_with_actions(client, world, opportunity, m43):
    services.stakeholder_update(
        stakeholder=m43["李建"],
        actor=world.owner,
        data={"attitude": "B", "next_action": "Lunch", "next_action_due": None},
    )
    mine_elsewhere = make_opportunity(
        account=world.account, actor=world.owner, name="Quiet deal"
    )  # no people yet
    client.force_login(world.owner)
    page = client.get(reverse("buyingcenter:my_actions")).content.decode()
    groups = re.findall(r'data-testid="action-group">(.*?)</section>', page, re.S)
    assert len(groups) == 1 and opportunity.number in groups[0] and mine_elsewhere.number not in page
    assert [_text(a) for a in re.findall(r'data-testid="action">(.*?)</li>', groups[0], re.S)][:3] == [
        "Find out where 李阳 stands Attitude unknown, weight 0 %. Find the key decision maker · M4.3",
        "Plan how to neutralise 王桑 Attitude E, weight 10 %. Eliminate the opponents · M4.4",
        "Win over 张华 Attitude C, weight 60 %. Win over the neutrals · M4.4",
    ]
    assert [_text(p) for p in re.findall(r'data-testid="planned">(.*?)</li>', page, re.S)] == ["Lunch — 李建"]
    client.force_login(world.teammate)  # sees the deal, does not own it
    assert "Nothing to do" in _text(client.get(reverse("buyingcenter:my_actions")).content.decode())


def test_my_actions_cards_escape_and_mark_what_is_overdue(client, world, opportunity, m43):
    pipeline_services.opportunity_update(
        opportunity=opportunity,
        actor=world.owner,
        data={"name": "<b>Call</b> & centre", "expected_close": datetime.date(2030, 3, 31)},
    )
    services.stakeholder_update(
        stakeholder=m43["李建"],
        actor=world.owner,
        data={
            "attitude": "B",
            "next_action": "Send <the> offer",
            "next_action_due": datetime.date(2020, 1, 2),
        },
    )
    client.force_login(world.owner)
    page = client.get(reverse("buyingcenter:my_actions")).content.decode()
    group = re.findall(r'data-testid="action-group">(.*?)</section>', page, re.S)[0]
    assert f'<a href="/pipeline/{opportunity.pk}/#buying-center" class="fw-semibold">' in group
    assert "&lt;b&gt;Call&lt;/b&gt; &amp; centre</a>" in group
    assert "· closes 2030-03-31</span></div>" in group
    assert re.findall(r'data-testid="planned">(.*?)</li>', group, re.S) == [
        '<div><i aria-hidden="true" class="bi bi-calendar-check"></i> Send &lt;the&gt; offer '
        '<span class="text-muted">— 李建</span></div>'
        '<span class="text-nowrap small text-danger">2020-01-02</span>'
    ]


def _rule_counts(page: str) -> dict[str, int]:
    badges = re.findall(r'data-rule="(\w+)">[^<]*<span class="badge[^"]*">(\d+)<', page)
    return {rule: int(count) for rule, count in badges}


def test_my_actions_counts_and_filters_by_rule(client, world, opportunity, m43):
    client.force_login(world.owner)
    url = reverse("buyingcenter:my_actions")
    page = client.get(url).content.decode()
    assert _rule_counts(page) == {
        "identify": 0,
        "find_out": 1,
        "neutralise": 1,
        "win_over": 1,
        "follow_up": 1,
    }
    win_over = client.get(url, {"rule": "win_over"}).content.decode()
    assert opportunity.number in win_over and 'aria-current="page" data-rule="win_over"' in win_over
    identify = client.get(url, {"rule": "identify"}).content.decode()
    assert "action-group" not in identify
    assert "No open opportunity of yours needs this kind of action." in _text(identify)
    unknown = client.get(url, {"rule": "nonsense"}).content.decode()  # an unknown rule shows everything
    assert opportunity.number in unknown


def test_my_actions_pages_through_many_deals(client, world):
    for index in range(27):
        deal = make_opportunity(account=world.account, actor=world.owner, name=f"Deal {index:02d}")
        make_stakeholder(opportunity=deal, actor=world.owner, name=f"Buyer {index}", roles=["economic"])
    client.force_login(world.owner)
    url = reverse("buyingcenter:my_actions")
    first = client.get(url).content.decode()
    assert first.count('data-testid="action-group"') == 25
    assert "27 opportunities need something from you · page 1 of 2" in _text(first)
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('data-testid="action-group"') == 2 and 'rel="prev"' in second
    shown = re.findall(r" Deal (\d\d)</a>", first + second)
    assert sorted(shown) == [f"{i:02d}" for i in range(27)]


def test_sidebar_links_my_actions(client, world):
    client.force_login(world.owner)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("buyingcenter:my_actions")}"' in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _crowd(opportunity, actor, count):
    boss = ContactFactory(account=opportunity.account, name="Boss")
    for index in range(count):
        stakeholder = make_stakeholder(
            opportunity=opportunity,
            actor=actor,
            name=f"Person {index:02d}",
            attitude="BCDE"[index % 4],
            roles=["user"],
        )
        stakeholder.contact.reports_to = boss
        stakeholder.contact.save()
        services.stakeholder_record_attitude(stakeholder=stakeholder, actor=actor, attitude="A")
        InteractionFactory(account=opportunity.account, owner=actor).their_people.set([stakeholder.contact])
    people = list(opportunity.stakeholders.order_by("id"))
    weights = {s.pk: 100 // len(people) for s in people}
    weights[people[0].pk] += 100 - sum(weights.values())
    services.phase_weights_set(opportunity=opportunity, phase="discover", actor=actor, weights=weights)
    services.pair_create(
        actor=actor, account=opportunity.account, data={"our_person": actor, "their_person": boss}
    )


def test_pages_read_a_constant_number_of_queries(client, world):
    small = make_opportunity(account=world.account, actor=world.owner, name="Small")
    big = make_opportunity(account=world.other_account, actor=world.outsider, name="Big")
    _crowd(small, world.owner, 5)
    _crowd(big, world.outsider, 50)
    client.force_login(world.admin)
    counts = {
        name: [_queries(client, reverse(url, args=[o.pk])) for o in (small, big)]
        for name, url in [
            ("opportunity", "pipeline:detail"),
            ("buying center", "buyingcenter:detail"),
            ("weights", "buyingcenter:weights"),
        ]
    }
    # the opportunity page belongs to the pipeline: the same count at 5 and at 50 people is what matters here
    assert counts["opportunity"][0] == counts["opportunity"][1]
    assert (counts["buying center"], counts["weights"]) == ([11, 11], [10, 10])
    client.force_login(world.owner)
    few = _queries(client, reverse("buyingcenter:my_actions"))
    client.force_login(world.outsider)
    many = _queries(client, reverse("buyingcenter:my_actions"))
    assert few == many


def test_the_panel_in_chinese(client, world, opportunity, m43):
    client.force_login(world.owner)
    page = client.get(opportunity.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert _section(page, "risk-flag") == "关系有风险 反对者与未表态者占 70 %，支持者占 30 %。"
    assert _section(page, "weight-split") == "支持者 30 % 中立者 60 % 不清楚 0 % 反对者 10 %"
    assert "<strong>拉拢张华</strong>" in page and "<strong>摸清李阳的态度</strong>" in page
    assert "关系比重" in page and "决策人" in page and "目前关系" in page


def test_a_counterpart_who_left_is_a_gap_again(world, opportunity, m43):
    from kam.buyingcenter.selectors import buying_center

    services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.teammate, "their_person": m43["李阳"].contact, "level": "executive"},
    )
    assert [g.name for g in buying_center(opportunity=opportunity).gaps] == ["张华", "李建", "王桑"]
    world.teammate.is_active = False
    world.teammate.save()
    assert [g.name for g in buying_center(opportunity=opportunity).gaps] == ["张华", "李建", "王桑", "李阳"]


def test_the_account_page_lists_its_counterpart_pairs(client, world, opportunity, m43):
    services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.teammate, "their_person": m43["李阳"].contact, "level": "executive"},
    )
    client.force_login(world.owner)
    page = client.get(world.account.get_absolute_url()).content.decode()
    panel = re.search(r'data-testid="account-counterparts">(.*?)</ul></div>', page, re.S).group(1)
    assert [_text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", panel, re.S)] == [
        "Teammate ↔ 李阳 · General manager ↔ general manager Edit"
    ]
    client.force_login(world.outsider)
    assert client.get(reverse("buyingcenter:pair_add", args=[world.account.pk])).status_code == 404


def test_the_api_move_runs_the_same_gate_warnings_and_records_them(world):
    from rest_framework.test import APIClient

    opportunity = make_opportunity(account=world.account, actor=world.owner, stage_code="D")
    _tick_through(opportunity, world.owner, ["D"])
    make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华", roles=["technical"])
    api = APIClient()
    api.force_authenticate(world.owner)
    url = f"/api/opportunities/{opportunity.pk}/move/"

    refused = api.post(url, {"stage": "C"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["reason"] == ["Say why you move on despite the warnings."]
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.transitions.count()) == ("D", 2)

    assert api.post(url, {"stage": "C", "reason": "GM decides next week"}, format="json").status_code == 200
    last = opportunity.transitions.last()
    assert (last.to_stage.code, last.reason, last.unmet_criteria) == (
        "C",
        "GM decides next week",
        ["No economic buyer is identified in the buying center (M4.2); stage C needs one."],
    )

"""Pages for opportunities: list, kanban board, the opportunity page, stage moves, progress reports,
funnel diagnosis and forecast."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.accounts.choices import InteractionKind
from kam.accounts.money import Converter
from kam.api.pagination import keyset_page
from kam.core.views import add_service_errors
from kam.pipeline import analytics, selectors, services
from kam.pipeline.attitude import arrow
from kam.pipeline.filtersets import OpportunityFilterSet
from kam.pipeline.forms import (
    BenchmarkStepFormSet,
    CloseForm,
    InfluencerFormSet,
    MoveForm,
    OpportunityForm,
    ProgressReportForm,
)
from kam.pipeline.models import Stage, StageCriterion
from kam.pipeline.panels import panels_for
from kam.pipeline.summary import MonthRange, scope_split
from kam.users.access import can
from kam.users.services import ensure_can_write

OPPORTUNITY_ORDERINGS = {
    "-updated_at": ("-updated_at", "-id"),
    "expected_close": ("expected_close", "id"),
    "-amount": ("-amount", "-id"),
}


def _filtered(request):
    return OpportunityFilterSet(
        request.GET, queryset=selectors.opportunity_list(user=request.user), request=request
    )


@login_required
@require_GET
def opportunity_list(request):
    """Opportunities in keyset pages (no COUNT, no OFFSET), in the user's scope, with the filters."""
    filterset = _filtered(request)
    deals = filterset.qs
    accounts = selectors.few_visible_accounts(request.user)
    if accounts is not None:  # where to look for a member's deals: see selectors.FEW_ACCOUNTS
        deals = deals.filter(account_id__any=accounts)
    page = keyset_page(request, deals, orderings=OPPORTUNITY_ORDERINGS, default="-updated_at")
    context = {
        "filter": filterset,
        "page": page,
        "pipeline_url": reverse("pipeline:list"),
        "accounts_url": reverse("accounts:list"),
    }
    return render(request, "pipeline/opportunity_list.html", context)


def _board_process(user, wanted: str | None):
    """The process a board shows: the one asked for, else the default, else the first (None: none set up)."""
    processes = list(selectors.process_list(user=user))
    process = next((p for p in processes if str(p.pk) == wanted), None) or next(
        (p for p in processes if p.is_default), processes[0] if processes else None
    )
    return process, processes


def _card_context(request) -> dict:
    """What every card of a page shares: the board's filters as a query string for "load more", the
    opportunities' URL prefix (cards append "<id>/" and "<id>/move/") and whether the user may drag."""
    query = request.GET.copy()
    for name in ("stage", "after"):
        query.pop(name, None)
    return {
        "column_query": query.urlencode(),
        "pipeline_url": reverse("pipeline:list"),
        "can_write": request.user.can_write,
    }


@login_required
@require_GET
def board(request):
    """The kanban by stage of one process, with the list's filters: column sums from the forecast summary
    when the filters allow it, and each column's first cards (more as the column scrolls)."""
    process, processes = _board_process(request.user, request.GET.get("process"))
    if process is None:
        return render(request, "pipeline/board.html", {"columns": [], "processes": []})
    filterset = _filtered(request)
    split = scope_split(request.user)
    converter = Converter(account_selectors.exchange_rates())
    columns = selectors.board_columns(
        process=process,
        opportunities=filterset.qs,
        user=request.user,
        narrowing=selectors.summary_narrowing(filterset),
        accounts=selectors.few_visible_accounts(request.user, split=split),
        split=split,
        converter=converter,
    )
    context = {
        "filter": filterset,
        "process": process,
        "processes": processes,
        "columns": columns,
        "reporting": account_selectors.reporting_notice(user=request.user, unconverted=converter.missing),
        **_card_context(request),
    }
    template = (
        "pipeline/partials/_board.html"
        if request.htmx and request.htmx.target == "board"
        else ("pipeline/board.html")
    )
    return render(request, template, context)


@login_required
@require_GET
def board_cards(request):
    """The next cards of one column after a (amount, id) cursor, with the board's filters (htmx)."""
    stage_pk = request.GET.get("stage", "")
    if not stage_pk.isdigit():
        raise Http404
    stage = get_object_or_404(Stage.objects.restrict(request.user, "view"), pk=stage_pk)
    after = selectors.parse_cursor(request.GET.get("after", ""))
    if after is None:
        return HttpResponseBadRequest(_("The position to continue from is not valid."))
    cards, next_after = selectors.column_cards(
        stage=stage,
        opportunities=_filtered(request).qs,
        after=after,
        accounts=selectors.few_visible_accounts(request.user),
    )
    context = {"cards": cards, "after": next_after, "stage": stage, **_card_context(request)}
    return render(request, "pipeline/partials/_cards.html", context)


@login_required
def opportunity_create(request):
    ensure_can_write(request.user)
    initial = {"account": request.GET.get("account")}
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            opportunity = services.opportunity_create(actor=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opportunity %(number)s opened.") % {"number": opportunity.number})
            return redirect(opportunity)
    return render(request, "pipeline/opportunity_form.html", {"form": form})


@login_required
def opportunity_edit(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        data.pop("account", None)
        try:
            services.opportunity_update(
                opportunity=opportunity,
                actor=request.user,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect(opportunity)
    return render(request, "pipeline/opportunity_form.html", {"form": form, "opportunity": opportunity})


@login_required
@require_GET
def opportunity_detail(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    stage = opportunity.stage
    checks = {c.criterion_id: c for c in opportunity.criterion_checks.select_related("checked_by")}
    criteria = [{"criterion": c, "check": checks.get(c.pk)} for c in stage.criteria.all()]
    reports = list(opportunity.progress_reports.select_related("author").prefetch_related("influencers"))
    context = {
        "opportunity": opportunity,
        "can_change": can(request.user, "change", opportunity),
        "criteria": criteria,
        "aids": stage.aids.all(),
        "stages": opportunity.process.stages.order_by("order"),
        "history": selectors.stage_history(opportunity=opportunity),
        "reports": reports,
        "move_form": MoveForm(opportunity=opportunity),
        "close_form": CloseForm(),
        "panels": panels_for(user=request.user, opportunity=opportunity),
    }
    return render(request, "pipeline/opportunity_detail.html", context)


@login_required
@require_POST
def opportunity_move(request, pk):
    """The one gate for the form and the kanban; htmx callers get the refusal in place (422)."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    stage = selectors.stage_for(opportunity=opportunity, code_or_pk=request.POST.get("stage", ""))
    reason = request.POST.get("reason", "")
    if stage.pk == opportunity.stage_id and not request.htmx:
        messages.info(request, _("The opportunity is already at %(stage)s.") % {"stage": stage})
        return redirect(opportunity)
    try:
        services.opportunity_move(opportunity=opportunity, to_stage=stage, actor=request.user, reason=reason)
    except ValidationError as error:
        unmet = getattr(error, "unmet", [])
        warnings = getattr(error, "warnings", [])
        if request.htmx:
            return render(
                request,
                "pipeline/partials/_gate_refusal.html",
                {
                    "opportunity": opportunity,
                    "stage": stage,
                    "messages_": error.messages,
                    "unmet": unmet,
                    "warnings": warnings,
                    "reason": reason,
                    "strict": opportunity.process.strict,
                },
                status=422,
            )
        for message in [*warnings, *error.messages]:
            messages.error(request, message)
        return redirect(opportunity)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Trigger"] = "kam:board-changed"
        return response
    messages.success(request, _("Moved to %(stage)s.") % {"stage": stage})
    return redirect(opportunity)


@login_required
@require_POST
def opportunity_close(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_close(opportunity=opportunity, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Opportunity closed."))
    else:
        messages.error(request, _("Give the reason for closing."))
    return redirect(opportunity)


@login_required
@require_POST
def criterion_toggle(request, pk, criterion_pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    criterion = get_object_or_404(StageCriterion, pk=criterion_pk, stage__process=opportunity.process_id)
    done = request.POST.get("done") == "1"
    services.criterion_check(opportunity=opportunity, criterion=criterion, actor=request.user, done=done)
    if request.htmx:
        check = opportunity.criterion_checks.select_related("checked_by").filter(criterion=criterion).first()
        return render(
            request,
            "pipeline/partials/_criterion.html",
            {
                "opportunity": opportunity,
                "item": {"criterion": criterion, "check": check},
                "can_change": True,
            },
        )
    return redirect(opportunity)


@login_required
def report_create(request, pk):
    """A new visit plan & progress report, prefilled from the opportunity and the previous report."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    previous = opportunity.progress_reports.prefetch_related("influencers").first()
    initial_people = (
        [
            {"department": i.department, "name": i.name, "title": i.title, "attitude": i.attitude}
            for i in previous.influencers.all()
        ]
        if previous
        else []
    )
    form = ProgressReportForm(
        request.POST or None,
        initial={
            "goal": opportunity.goal,
            "competitor": previous.competitor if previous else opportunity.competitors,
            "progress": previous.progress if previous else 0,
        },
    )
    people = InfluencerFormSet(request.POST or None, initial=initial_people, prefix="people")
    if request.method == "POST" and form.is_valid() and people.is_valid():
        rows = [f.cleaned_data for f in people if f.cleaned_data and f.cleaned_data.get("name")]
        services.progress_report_create(
            opportunity=opportunity, actor=request.user, data=form.cleaned_data, influencers=rows
        )
        messages.success(request, _("Progress report saved."))
        return redirect(opportunity)
    return render(
        request, "pipeline/report_form.html", {"opportunity": opportunity, "form": form, "people": people}
    )


@login_required
@require_GET
def report_detail(request, pk, report_pk):
    """The printable report, with each influencer's attitude before (previous report) → now."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    reports = list(opportunity.progress_reports.prefetch_related("influencers"))
    index = next((i for i, r in enumerate(reports) if r.pk == report_pk), None)
    if index is None:
        raise Http404
    report = reports[index]
    earlier = (
        {i.name: i.attitude for i in reports[index + 1].influencers.all()} if index + 1 < len(reports) else {}
    )
    rows = [
        {"influencer": i, "before": earlier.get(i.name, ""), "arrow": arrow(earlier.get(i.name), i.attitude)}
        for i in report.influencers.all()
    ]
    return render(
        request, "pipeline/report_detail.html", {"opportunity": opportunity, "report": report, "rows": rows}
    )


def analysis_filters(request, default_days=365):
    """Period, person and team filters of the analysis pages (defaults: the last 12 months, everyone).

    Returns (since, until, owners, filters): `owners` is None or the ids of the people to count.
    """
    today = timezone.localdate()
    until = parse_date(request.GET.get("until") or "") or today
    since = parse_date(request.GET.get("since") or "") or until - datetime.timedelta(days=default_days)
    people = account_selectors.user_list(user=request.user, active_only=False)
    filters = {
        "owner": None,
        "team": None,
        "people": account_selectors.user_list(user=request.user),
        "teams": account_selectors.team_list(user=request.user),
    }
    owners = None
    if request.GET.get("owner", "").isdigit():
        filters["owner"] = get_object_or_404(people, pk=request.GET["owner"])
        owners = [filters["owner"].pk]
    elif request.GET.get("team", "").isdigit():
        filters["team"] = get_object_or_404(filters["teams"], pk=request.GET["team"])
        owners = list(
            people.filter(team_id__in=filters["team"].descendant_ids()).values_list("pk", flat=True)
        )
    return since, until, owners, filters


def default_process_for(user):
    processes = list(selectors.process_list(user=user))
    return next((p for p in processes if p.is_default), processes[0] if processes else None)


@login_required
@require_GET
def funnel_page(request):
    """Funnel diagnosis (M3.7): the activity funnel against the benchmark, and the stage funnel."""
    since, until, owners, filters = analysis_filters(request)
    process = default_process_for(request.user)
    activity = analytics.activity_funnel(user=request.user, since=since, until=until, owners=owners)
    stages = (
        analytics.stage_funnel(user=request.user, process=process, since=since, owners=owners)
        if process
        else []
    )
    labels = dict(InteractionKind.choices)
    rows = [
        {"step": step, "label": labels[step.step], "leak": step == activity["leak"]}
        for step in activity["steps"]
    ]
    context = {
        "since": since,
        "until": until,
        **filters,
        "activity": activity,
        "activity_rows": rows,
        "benchmark": " : ".join(str(step.benchmark) for step in activity["steps"]),
        "stages": stages,
        "chart": {
            "activity": [{"name": str(r["label"]), "value": r["step"].count} for r in rows],
            "stages": [
                {"name": f"{r['stage'].code} {r['stage'].label}", "value": r["reached"]} for r in stages
            ],
        },
    }
    return render(request, "pipeline/funnel.html", context)


@login_required
def funnel_benchmark(request):
    """The company's activity-funnel benchmark (M3.7): which contact kinds, in which order, in what numbers.
    Everyone reads it; administrators change it."""
    current = analytics.funnel_benchmark()
    formset = BenchmarkStepFormSet(
        request.POST or None, initial=[{"kind": kind, "number": number} for kind, number in current]
    )
    if request.method == "POST":
        if not request.user.is_admin:
            raise PermissionDenied
        if formset.is_valid():
            steps = [(form.cleaned_data["kind"], form.cleaned_data["number"]) for form in formset]
            try:
                services.funnel_benchmark_set(actor=request.user, steps=[s for s in steps if s[0]])
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Funnel benchmark saved."))
                return redirect("pipeline:funnel")
    rows = [(InteractionKind(kind).label, number) for kind, number in current]
    context = {"formset": formset, "can_change": request.user.is_admin, "rows": rows}
    return render(request, "pipeline/funnel_benchmark.html", context)


def close_months(request) -> MonthRange:
    """The expected-close months asked for (?close_from=2027-01&close_to=2027-06; open-ended by default)."""
    return MonthRange.of(
        month_from_input(request.GET.get("close_from")), month_from_input(request.GET.get("close_to"))
    )


def month_from_input(value: str) -> datetime.date | None:
    """A month from a month input ("2027-01") or a date ("2027-01-15"); None when it is neither."""
    value = (value or "").strip()
    if len(value) == 7:
        value += "-01"
    try:
        return parse_date(value)
    except ValueError:
        return None


@login_required
@require_GET
def forecast_page(request):
    """Forecast (M3.8): weighted pipeline by expected-close month, stage and owner, three views, calibration;
    narrowed to a person or team and to the months the deals are expected to close in."""
    _since, _until, owners, filters = analysis_filters(request)
    months = close_months(request)
    process = default_process_for(request.user)
    result = (
        analytics.pipeline_forecast(user=request.user, process=process, owners=owners, months=months)
        if process
        else None
    )
    chart = None
    if result:
        months_shown = [key[0] for key, _row in result["months"]]
        chart = {
            "months": [m.strftime("%Y-%m") if m else "—" for m in months_shown],
            "series": [
                {
                    "name": stage.code,
                    "data": [
                        float(result["by_month_stage"].get((m, stage.code), {}).get("weighted", 0))
                        for m in months_shown
                    ],
                }
                for stage in result["stages"]
            ],
        }
    context = {
        **filters,
        "forecast": result,
        "reporting": account_selectors.reporting_notice(
            user=request.user, unconverted=result["unconverted"] if result else ()
        ),
        "chart": chart,
        "months": months,
        "extra_template": "pipeline/partials/_close_months.html",
    }
    return render(request, "pipeline/forecast.html", context)


@login_required
@require_GET
def forecast_backtest(request):
    """The forecast page's backtest card, loaded after the page (htmx): it replays past quarters from
    the opportunities and their transitions, seconds at a million deals, which the summary cannot answer."""
    _since, _until, owners, _filters = analysis_filters(request)
    process = default_process_for(request.user)
    backtest = []
    converter = Converter(account_selectors.exchange_rates())
    if process:
        result = analytics.pipeline_forecast(
            user=request.user, process=process, owners=owners, rates=converter.rates
        )
        backtest = analytics.forecast_backtest(
            user=request.user,
            process=process,
            calibrated=[c for _stage, c in result["calibration"]],
            owners=owners,
            converter=converter,
        )
    reporting = account_selectors.reporting_notice(user=request.user, unconverted=converter.missing)
    context = {
        "backtest": backtest,
        "reporting": reporting,
        "nothing_to_compare": not any(row.actual or row.configured or row.calibrated for row in backtest),
    }
    return render(request, "pipeline/partials/_backtest.html", context)


STATUS_LABELS = {
    "first_visit": gettext_lazy("First visit"),
    "proposal_submitted": gettext_lazy("Proposal submitted"),
    "negotiation": gettext_lazy("Negotiation"),
    "contract_signed": gettext_lazy("Contract signed"),
    "maintenance": gettext_lazy("Follow-up maintenance"),
}
DIMENSION_LABELS = {
    "industry": gettext_lazy("Industry"),
    "ownership": gettext_lazy("Ownership"),
    "relationship_quality": gettext_lazy("Relationship quality"),
    "lead_source": gettext_lazy("Lead source"),
    "product": gettext_lazy("Product"),
}


@login_required
@require_GET
def status_page(request):
    """Sales-status analysis (M3.8): customers by where their most advanced deal stands."""
    _since, _until, owners, filters = analysis_filters(request)
    dimension = request.GET.get("by") if request.GET.get("by") in analytics.STATUS_DIMENSIONS else "industry"
    result = analytics.sales_status(user=request.user, dimension=dimension, owners=owners)
    statuses = [
        {"key": key, "label": STATUS_LABELS[key], "count": result["totals"][key]} for key in STATUS_LABELS
    ]
    rows = [
        {"value": value, "counts": [counts[key] for key in STATUS_LABELS], "total": sum(counts.values())}
        for value, counts in result["rows"]
    ]
    context = {
        **filters,
        "dimension": dimension,
        "dimension_label": DIMENSION_LABELS[dimension],
        "dimensions": DIMENSION_LABELS.items(),
        "statuses": statuses,
        "rows": rows,
        "customers": result["customers"],
        "chart": {
            "statuses": [str(s["label"]) for s in statuses],
            "values": [r["value"] or "—" for r in rows],
            "series": [
                {"name": str(s["label"]), "data": [r["counts"][i] for r in rows]}
                for i, s in enumerate(statuses)
            ],
        },
    }
    return render(request, "pipeline/status.html", context)

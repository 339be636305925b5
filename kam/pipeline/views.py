"""Pages for opportunities: list, kanban board, the opportunity page, stage moves, progress reports,
funnel diagnosis and forecast."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.accounts.choices import InteractionKind
from kam.api.pagination import keyset_page
from kam.core.views import add_service_errors
from kam.pipeline import analytics, selectors, services
from kam.pipeline.attitude import arrow
from kam.pipeline.filtersets import OpportunityFilterSet
from kam.pipeline.forms import CloseForm, InfluencerFormSet, MoveForm, OpportunityForm, ProgressReportForm
from kam.pipeline.models import StageCriterion
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
    filterset = _filtered(request)
    page = keyset_page(request, filterset.qs, orderings=OPPORTUNITY_ORDERINGS, default="-updated_at")
    return render(request, "pipeline/opportunity_list.html", {"filter": filterset, "page": page})


@login_required
@require_GET
def board(request):
    """The kanban by stage of one process, with the list's filters."""
    processes = list(selectors.process_list(user=request.user))
    if not processes:
        return render(request, "pipeline/board.html", {"columns": [], "processes": []})
    wanted = request.GET.get("process")
    process = next((p for p in processes if str(p.pk) == wanted), None) or next(
        (p for p in processes if p.is_default), processes[0]
    )
    filterset = _filtered(request)
    context = {
        "filter": filterset,
        "process": process,
        "processes": processes,
        "columns": selectors.board_columns(process=process, opportunities=filterset.qs),
    }
    template = (
        "pipeline/partials/_board.html"
        if request.htmx and request.htmx.target == "board"
        else ("pipeline/board.html")
    )
    return render(request, template, context)


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
    }
    return render(request, "pipeline/opportunity_detail.html", context)


@login_required
@require_POST
def opportunity_move(request, pk):
    """The one gate for the form and the kanban; htmx callers get the refusal in place (422)."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    stage = selectors.stage_for(opportunity=opportunity, code_or_pk=request.POST.get("stage", ""))
    reason = request.POST.get("reason", "")
    try:
        services.opportunity_move(opportunity=opportunity, to_stage=stage, actor=request.user, reason=reason)
    except ValidationError as error:
        unmet = getattr(error, "unmet", [])
        if request.htmx:
            return render(
                request,
                "pipeline/partials/_gate_refusal.html",
                {
                    "opportunity": opportunity,
                    "stage": stage,
                    "messages_": error.messages,
                    "unmet": unmet,
                    "reason": reason,
                    "strict": opportunity.process.strict,
                },
                status=422,
            )
        for message in error.messages:
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


def _period(request, default_days=365):
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


def _default_process(user):
    processes = list(selectors.process_list(user=user))
    return next((p for p in processes if p.is_default), processes[0] if processes else None)


@login_required
@require_GET
def funnel_page(request):
    """Funnel diagnosis (M3.7): the activity funnel against the benchmark, and the stage funnel."""
    since, until, owners, filters = _period(request)
    process = _default_process(request.user)
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
@require_GET
def forecast_page(request):
    """Forecast (M3.8): weighted pipeline by expected-close month and stage, three views, calibration."""
    _since, _until, owners, filters = _period(request)
    process = _default_process(request.user)
    result = (
        analytics.pipeline_forecast(user=request.user, process=process, owners=owners) if process else None
    )
    chart = None
    if result:
        months = [key[0] for key, _row in result["months"]]
        chart = {
            "months": [m.strftime("%Y-%m") if m else "—" for m in months],
            "series": [
                {
                    "name": stage.code,
                    "data": [
                        float(result["by_month_stage"].get((m, stage.code), {}).get("weighted", 0))
                        for m in months
                    ],
                }
                for stage in result["stages"]
            ],
        }
    backtest = []
    if result:
        calibrated = [c for _stage, c in result["calibration"]]
        backtest = analytics.forecast_backtest(
            user=request.user, process=process, calibrated=calibrated, owners=owners
        )
    context = {**filters, "forecast": result, "chart": chart, "backtest": backtest}
    return render(request, "pipeline/forecast.html", context)


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
    _since, _until, owners, filters = _period(request)
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

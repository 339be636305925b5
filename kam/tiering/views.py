"""Pages of the tiering section: the sales ledger and the M1.1 indicators (lists, one account's ledger,
forms, indicators), and the scorecard — Pareto, pyramid, results, matrix, runs, models, an account's
scorecard. Aggregates count only the accounts the user may see (docs/architecture.md, "Tiering")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.accounts.choices import Tier
from kam.api.pagination import keyset_page
from kam.core.views import add_service_errors
from kam.tiering import scorecard, selectors, services
from kam.tiering.choices import DEFAULT_POLICIES, INDICATOR_LABELS, Layer, Perspective, ValueMeasure
from kam.tiering.filtersets import FILTERSETS, ResultFilterSet
from kam.tiering.forms import FORMS, AccountPickForm, PeriodForm, RecomputeForm, TieringModelForm
from kam.tiering.indicators import Period
from kam.tiering.models import RunStatus
from kam.users.access import can
from kam.users.services import ensure_admin, ensure_can_write

#: Per kind: its selectors, services (whose record argument is `name`), the date its lists sort by, its title.
KINDS = {
    "transactions": {
        "list": selectors.transaction_list,
        "get": selectors.transaction_get,
        "create": services.transaction_create,
        "update": services.transaction_update,
        "delete": services.transaction_delete,
        "date": "ordered_on",
        "name": "transaction",
        "title": gettext_lazy("Sales transactions"),
        "add": gettext_lazy("Add a transaction"),
        "icon": "receipt",
    },
    "payments": {
        "list": selectors.payment_list,
        "get": selectors.payment_get,
        "create": services.payment_create,
        "update": services.payment_update,
        "delete": services.payment_delete,
        "date": "invoiced_on",
        "name": "payment",
        "title": gettext_lazy("Payments"),
        "add": gettext_lazy("Add an invoice"),
        "icon": "cash-coin",
    },
    "feedback": {
        "list": selectors.feedback_list,
        "get": selectors.feedback_get,
        "create": services.feedback_create,
        "update": services.feedback_update,
        "delete": services.feedback_delete,
        "date": "received_on",
        "name": "feedback",
        "title": gettext_lazy("Customer feedback"),
        "add": gettext_lazy("Record feedback"),
        "icon": "chat-heart",
    },
}

#: Lists over all visible accounts: newest entries first, which the primary key's index answers at any size.
NEWEST = {"-id": ("-id",)}


def account_orderings(kind: str) -> dict:
    """One account's list sorts by date (its rows are found through the unique (account, number) index)."""
    day = KINDS[kind]["date"]
    return {f"-{day}": (f"-{day}", "-id"), day: (day, "id")}


def _tabs(account) -> list[dict]:
    return [
        {
            "kind": kind,
            "title": spec["title"],
            "icon": spec["icon"],
            "url": reverse(f"tiering:account_{kind}", args=[account.pk]),
        }
        for kind, spec in KINDS.items()
    ]


@login_required
@require_GET
def ledger(request, kind):
    """One kind of ledger record over every account the user may see, the latest recorded first (an index
    on the date over millions of rows would slow every import; an account's ledger sorts by date)."""
    spec = KINDS[kind]
    filterset = FILTERSETS[kind](request.GET, queryset=spec["list"](user=request.user), request=request)
    page = keyset_page(request, filterset.qs, orderings=NEWEST, default="-id")
    context = {"kind": kind, "spec": spec, "filter": filterset, "page": page, "kinds": KINDS}
    return render(request, "tiering/ledger.html", context)


@login_required
@require_GET
def account_ledger(request, pk, kind):
    """One account's transactions, payments or feedback, by date, with the forms to add and edit."""
    account = account_selectors.account_get(user=request.user, pk=pk)
    spec = KINDS[kind]
    records = spec["list"](user=request.user).filter(account=account).select_related(None)
    filterset = FILTERSETS[kind](request.GET, queryset=records, request=request)
    orderings = account_orderings(kind)
    page = keyset_page(request, filterset.qs, orderings=orderings, default=f"-{spec['date']}")
    context = {
        "kind": kind,
        "spec": spec,
        "account": account,
        "filter": filterset,
        "page": page,
        "tabs": _tabs(account),
        "can_change": can(request.user, "change", account),
    }
    return render(request, "tiering/ledger.html", context)


@login_required
def record_create(request, pk, kind):
    ensure_can_write(request.user)
    account = account_selectors.account_get(user=request.user, pk=pk, action="change")
    form = FORMS[kind](request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            KINDS[kind]["create"](actor=request.user, account=account, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved in the ledger of %(account)s.") % {"account": account.name})
            if "add_another" in request.POST:
                return redirect(f"tiering:{KINDS[kind]['name']}_create", pk=account.pk)
            return redirect(f"tiering:account_{kind}", pk=account.pk)
    return render(
        request,
        "tiering/record_form.html",
        {"form": form, "account": account, "kind": kind, "spec": KINDS[kind]},
    )


@login_required
def record_edit(request, pk, kind):
    spec = KINDS[kind]
    record = spec["get"](user=request.user, pk=pk, action="change")
    form = FORMS[kind](request.POST or None, instance=record, account=record.account)
    if request.method == "POST" and form.is_valid():
        try:
            spec["update"](
                **{spec["name"]: record},
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"tiering:account_{kind}", pk=record.account_id)
    context = {"form": form, "account": record.account, "kind": kind, "spec": spec, "record": record}
    return render(request, "tiering/record_form.html", context)


@login_required
def record_delete(request, pk, kind):
    spec = KINDS[kind]
    record = spec["get"](user=request.user, pk=pk, action="change")
    cancel_url = reverse(f"tiering:account_{kind}", args=[record.account_id])
    if request.method == "POST":
        spec["delete"](**{spec["name"]: record}, actor=request.user)
        messages.success(request, _("Deleted from the ledger."))
        return redirect(cancel_url)
    return render(request, "core/confirm_delete.html", {"object": record, "cancel_url": cancel_url})


@login_required
@require_GET
def account_indicators(request, pk):
    """The M1.1 indicators of one account for a period (the rolling 12 months unless asked otherwise)."""
    account = account_selectors.account_get(user=request.user, pk=pk)
    today = timezone.localdate()
    default = Period.rolling(today)
    shown = {"since": f"{default.since:%Y-%m}", "until": f"{default.until:%Y-%m}"}
    form = PeriodForm(request.GET or None, today=today, initial=shown)
    period = form.cleaned_data["period"] if form.is_valid() else None
    indicators = selectors.account_indicators(user=request.user, account=account, period=period, today=today)
    context = {"account": account, "form": form, "ind": indicators, "tabs": _tabs(account)}
    return render(request, "tiering/account_indicators.html", context)


@login_required
@require_GET
def indicators(request):
    """Pick an account to see its indicators."""
    form = AccountPickForm(request.GET or None, accounts=account_selectors.account_list(user=request.user))
    if form.is_bound and form.is_valid():
        return redirect("tiering:account", pk=form.cleaned_data["account"].pk)
    recent = account_selectors.account_list(user=request.user).order_by("-updated_at", "-id")[:10]
    return render(request, "tiering/indicators.html", {"form": form, "recent": recent})


# The scorecard: Pareto, pyramid, results, matrix, runs, models, an account's scorecard (M1.2, M1.3) -------


#: The section's tabs: (url name, label, icon).
SECTION_TABS = [
    ("overview", gettext_lazy("Tiers"), "award"),
    ("pareto", gettext_lazy("Pareto 20/80"), "graph-up"),
    ("pyramid", gettext_lazy("Value pyramid"), "triangle"),
    ("results", gettext_lazy("Scorecard"), "list-ol"),
    ("matrix", gettext_lazy("Current × potential"), "grid-3x3"),
    ("runs", gettext_lazy("Runs"), "clock-history"),
    ("models", gettext_lazy("Models"), "sliders"),
]


def _section(request, active: str, **context) -> dict:
    """What every page of the tiering section shows: its tabs, the current run, whether the user may run."""
    run = context.pop("run", None) or selectors.run_current(user=request.user)
    return {
        "active": active,
        "run": run,
        "can_run": request.user.is_admin,
        "sees_all": selectors.sees_all(request.user),
        "tabs": SECTION_TABS,
        **context,
    }


@login_required
@require_GET
def overview(request):
    """The tiering section's start: tier distribution now and over time, warnings, the latest changes."""
    context = _section(request, "overview")
    run = context["run"]
    if run is not None:
        counts = selectors.tier_counts(user=request.user, run=run)
        context.update(
            counts=counts,
            tier_rows=[(tier, Tier(tier).label, counts.get(tier, 0)) for tier in scorecard.TIERS],
            untiered=counts.get("none", 0),
            history=selectors.tier_history(user=request.user),
            history_chart=_history_chart(selectors.tier_history(user=request.user)),
            changes=selectors.change_list(user=request.user, run=run).order_by("-is_up", "account__name")[
                :20
            ],
            warnings=_warnings(run.config),
        )
    return render(request, "tiering/overview.html", context)


TIER_COLORS = {"platinum": "#343a40", "gold": "#ffc107", "silver": "#adb5bd", "none": "#e9ecef"}


def _history_chart(history: list[dict]) -> dict:
    """The tier distribution per run for the stacked bars, with the tiers' names in the reader's language."""
    tiers = [*((tier, Tier(tier).label) for tier in scorecard.TIERS), ("none", _("No tier"))]
    return {
        "runs": history,
        "tiers": [{"key": key, "label": str(label), "color": TIER_COLORS[key]} for key, label in tiers],
    }


def _warnings(config) -> list[str]:
    """The five-mistakes guards of a model, in words."""
    messages_ = []
    for warning in scorecard.model_warnings(config):
        if warning.code == "single_indicator":
            label = INDICATOR_LABELS[warning.indicator][0]
            messages_.append(
                _(
                    "Single-indicator risk: “%(indicator)s” carries %(weight)s %% of the total score, "
                    "more than half (mistake 1: one indicator is high-risk)."
                )
                % {"indicator": label, "weight": floatformat(warning.weight, -1)}
            )
        else:
            messages_.append(
                _(
                    "Volume without margin: volume indicators carry %(weight)s %% of the score and no margin "
                    "indicator is weighed — big buyers are not necessarily profitable (mistakes 3 and 5)."
                )
                % {"weight": floatformat(warning.weight, -1)}
            )
    return messages_


@login_required
@require_GET
def pareto_page(request):
    """The 20/80 rule: the cumulative-share curve, the top fifth's share of value, the 80 % line."""
    measure = request.GET.get("measure")
    context = _section(request, "pareto")
    run = context["run"]
    measure = (
        measure if measure in ValueMeasure.values else (run.config["value_measure"] if run else "revenue")
    )
    context["measure"] = measure
    context["measures"] = ValueMeasure.choices
    if run is not None:
        analysis = selectors.pareto_for(user=request.user, run=run, measure=measure)
        context["pareto"] = analysis
        context["chart"] = {
            "curve": analysis["curve"],
            "top": analysis["top_pct"],
            "line": analysis["line_pct"],
            "labels": {
                "accounts": _("Share of accounts"),
                "value": _("Share of value"),
                "top": _("top %(pct)s %%") % {"pct": analysis["top_pct"]},
                "line": _("%(pct)s %% of value") % {"pct": analysis["line_pct"]},
            },
        }
    return render(request, "tiering/pareto.html", context)


@login_required
@require_GET
def pyramid_page(request):
    """The customer value pyramid: accounts and value per layer."""
    context = _section(request, "pyramid")
    run = context["run"]
    if run is not None:
        rows = selectors.pyramid_for(user=request.user, run=run)
        context["rows"] = [(row, Layer(row.layer).label) for row in rows]
        context["chart"] = {
            "rows": [
                {"name": str(Layer(row.layer).label), "value": row.accounts, "money": row.value / 100}
                for row in rows
            ],
            "labels": {"accounts": _("Accounts"), "value": _("Value (CNY)")},
        }
        context["measure_label"] = ValueMeasure(run.config["value_measure"]).label
        context["rule"] = run.config["pyramid_rule"]
        context["cutoffs"] = run.config["pyramid_cutoffs"]
    return render(request, "tiering/pyramid.html", context)


RESULT_ORDERINGS = {"-score": ("-score", "account_id"), "score": ("score", "account_id")}


@login_required
@require_GET
def results(request):
    """Every scored account the user may see, best first, with its tier, scores and pyramid layer."""
    context = _section(request, "results")
    run = context["run"]
    if run is not None:
        if request.GET.get("run"):
            run = selectors.run_get(user=request.user, pk=request.GET["run"])
            context["run"] = run
        filterset = ResultFilterSet(
            request.GET,
            queryset=selectors.result_list(user=request.user, run=run).select_related("account"),
            request=request,
        )
        context["filter"] = filterset
        context["page"] = keyset_page(request, filterset.qs, orderings=RESULT_ORDERINGS, default="-score")
        context["tiers"] = Tier.choices
        context["layers"] = Layer.choices
    return render(request, "tiering/results.html", context)


@login_required
@require_GET
def matrix(request):
    """Current value × potential value: where the accounts are, and which to develop (M1.3)."""
    context = _section(request, "matrix")
    run = context["run"]
    if run is not None:
        cells = selectors.value_matrix(user=request.user, run=run)
        context["chart"] = {
            "cells": [
                [potential, current, n]
                for current, row in enumerate(cells)
                for potential, n in enumerate(row)
            ],
            "bands": ["0–20", "20–40", "40–60", "60–80", "80–100"],
            "labels": {
                "current": _("Current value"),
                "potential": _("Potential value"),
                "accounts": _("Accounts"),
            },
        }
        context["has_potential"] = any(
            spec["weight"] and spec["value"] == "potential" for spec in run.config["perspectives"].values()
        )
        context["quadrants"] = _quadrants(cells)
    return render(request, "tiering/matrix.html", context)


def _quadrants(cells: list[list[int]]) -> dict[str, int]:
    """Accounts above/below 60 points of current and of potential value (the four plain-words groups)."""
    high = 3  # bands 3 and 4: 60 points and more
    return {
        "develop": sum(cells[c][p] for c in range(high) for p in range(high, len(cells))),
        "key": sum(cells[c][p] for c in range(high, len(cells)) for p in range(high, len(cells))),
        "maintain": sum(cells[c][p] for c in range(high, len(cells)) for p in range(high)),
        "serve": sum(cells[c][p] for c in range(high) for p in range(high)),
    }


@login_required
@require_GET
def runs(request):
    """Every run, newest first, with who ran it, on what data, and how many tiers it changed."""
    context = _section(request, "runs", form=RecomputeForm(today=timezone.localdate()))
    context["page"] = keyset_page(
        request, selectors.run_list(user=request.user), orderings={"-id": ("-id",)}, default="-id"
    )
    context["history"] = selectors.tier_history(user=request.user)
    context["history_chart"] = _history_chart(context["history"])
    return render(request, "tiering/runs.html", context)


@login_required
@require_POST
def run_create(request):
    """Recompute: queue a run of the active model and follow its progress on the run's page."""
    ensure_admin(request.user)
    form = RecomputeForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        context = _section(request, "runs", form=form)
        context["page"] = keyset_page(
            request, selectors.run_list(user=request.user), orderings={"-id": ("-id",)}, default="-id"
        )
        context["history"] = selectors.tier_history(user=request.user)
        context["history_chart"] = _history_chart(context["history"])
        return render(request, "tiering/runs.html", context, status=400)
    run = services.tiering_run_create(actor=request.user, as_of=form.cleaned_data["as_of"])
    if run.status == RunStatus.QUEUED and run.created_by_id == request.user.pk:
        services.tiering_run_enqueue(run=run)
    else:
        messages.info(request, _("A recompute is already under way; here is its progress."))
    return redirect("tiering:run", pk=run.pk)


@login_required
@require_GET
def run_detail(request, pk):
    """A run: its progress while it goes, then what it changed (up and down, with the reasons)."""
    run = selectors.run_get(user=request.user, pk=pk)
    context = _section(request, "runs", run=run)
    context["this_run"] = run
    if run.status == RunStatus.DONE:
        changes = selectors.change_list(user=request.user, run=run)
        direction = request.GET.get("direction")
        if direction in ("up", "down"):
            changes = changes.filter(is_up=direction == "up")
        context["direction"] = direction
        context["page"] = keyset_page(request, changes.order_by(), orderings={"id": ("id",)}, default="id")
        context["rows"] = [(change, _reasons(change)) for change in context["page"].rows]
        context["warnings"] = _warnings(run.config)
        unconverted = (run.summary or {}).get("unconverted_currencies")
        if unconverted:
            context["warnings"].append(
                _(
                    "Open opportunities in %(currencies)s had no exchange rate: their amounts were left out "
                    "of expected sales."
                )
                % {"currencies": ", ".join(unconverted)}
            )
    template = (
        "tiering/partials/_run_progress.html"
        if request.htmx and not request.htmx.boosted
        else "tiering/run.html"
    )
    return render(request, template, context)


def _reasons(change) -> list[tuple[str, float]]:
    return [(INDICATOR_LABELS.get(key, (key,))[0], points) for key, points in change.reasons]


@login_required
@require_GET
def models(request):
    """The tiering models; the active one is what Recompute runs."""
    context = _section(request, "models")
    context["models"] = [
        (model, _warnings(model.config)) for model in selectors.model_list(user=request.user)
    ]
    return render(request, "tiering/models.html", context)


@login_required
def model_create(request):
    ensure_admin(request.user)
    form = TieringModelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.tiering_model_create(actor=request.user, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Model “%(name)s” saved.") % {"name": model.name})
            return redirect("tiering:models")
    return render(request, "tiering/model_form.html", _section(request, "models", form=form))


@login_required
def model_edit(request, pk):
    ensure_admin(request.user)
    model = selectors.model_get(user=request.user, pk=pk, action="change")
    form = TieringModelForm(request.POST or None, instance=model)
    if request.method == "POST" and form.is_valid():
        try:
            services.tiering_model_update(
                model=model, actor=request.user, data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Model “%(name)s” saved.") % {"name": model.name})
            return redirect("tiering:models")
    context = _section(request, "models", form=form, model=model, warnings=_warnings(model.config))
    return render(request, "tiering/model_form.html", context)


@login_required
@require_POST
def model_activate(request, pk):
    ensure_admin(request.user)
    model = selectors.model_get(user=request.user, pk=pk, action="change")
    services.tiering_model_activate(model=model, actor=request.user)
    messages.success(request, _("“%(name)s” is now the active model.") % {"name": model.name})
    return redirect("tiering:models")


@login_required
@require_GET
def account_scorecard(request, pk):
    """One account's scorecard: tier, scores, and the indicators that placed it, with their weight."""
    account = account_selectors.account_get(user=request.user, pk=pk)
    card = selectors.account_scorecard(user=request.user, account=account)
    context = {"account": account, "card": card, "tabs": _tabs(account)}
    if card is not None:
        context["rows"] = [
            (row, INDICATOR_LABELS[row.indicator][0], Perspective(row.perspective).label)
            for row in card.contributions
        ]
        context["perspective_rows"] = [
            (
                Perspective(name).label,
                card.perspectives[name],
                card.run.config["perspectives"][name]["weight"],
            )
            for name in scorecard.PERSPECTIVES
        ]
        context["warnings"] = _warnings(card.run.config)
        context["policy"] = card.run.config.get("policies", {}).get(card.tier) or DEFAULT_POLICIES.get(
            card.tier, ""
        )
        context["change_rows"] = [(change, _reasons(change)) for change in card.changes]
    return render(request, "tiering/account_scorecard.html", context)

"""Pages of key-account service: the stage list, an account's service page (stage ladder, grid, contact
pattern, five steps, loyalty, service quality, contribution), the loyalty / at-risk list, service requests,
surveys and gap assessments, the dashboard, and the CSV / XLSX files of stages and spend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.api.pagination import keyset_page
from kam.core.views import add_service_errors
from kam.imports.files import download_response, read_upload
from kam.service import selectors, services, transfer
from kam.service.choices import CompanyLevel, Depth
from kam.service.filtersets import LoyaltyFilterSet, RequestFilterSet, StageFilterSet
from kam.service.forms import (
    ContributionForm,
    GapForm,
    GridPlacementForm,
    ImportFileForm,
    LoyaltyReviewForm,
    RequestForm,
    ResolveForm,
    SpendForm,
    StageChangeForm,
    SurveyForm,
    year_choices,
)

REQUEST_ORDERINGS = {"-opened_at": ("-opened_at", "-id"), "due_at": ("due_at", "id")}


def _year(request) -> int:
    wanted = request.GET.get("year", "")
    return int(wanted) if wanted.isdigit() and 1990 <= int(wanted) <= 2100 else None


@login_required
@require_GET
def dashboard(request):
    context = selectors.dashboard(user=request.user)
    context["chart"] = {
        "stages": [{"name": str(row["label"]), "value": row["count"]} for row in context["stages"]],
        "bands": [
            {"name": _("Loyal (70+)"), "value": context["bands"]["loyal"]},
            {"name": _("Middling (40–70)"), "value": context["bands"]["neutral"]},
            {"name": _("Low loyalty (under 40)"), "value": context["bands"]["at_risk"]},
        ],
        "sla": [
            {"name": _("Resolved in time"), "value": context["sla"]["met"]},
            {"name": _("Resolved late"), "value": context["sla"]["late"]},
            {"name": _("Open, overdue"), "value": context["sla"]["overdue"]},
            {"name": _("Open, in time"), "value": context["sla"]["open"]},
        ],
        "at_risk": [
            {
                "name": account.name,
                "value": round(float(account.score), 1) if account.score is not None else 0,
            }
            for account, _reasons in context["at_risk"]
        ],
    }
    return render(request, "service/dashboard.html", context)


def _transfers(form=None, failed: str = "", errors=()) -> list[dict]:
    """The export links and import forms of the stage list: stages, and the customers' category spend."""
    specs = [
        (
            "stages",
            _("Stages: export / import"),
            _(
                "Columns account_code, stage (code or name), since (YYYY-MM-DD), reason. Each changed "
                "stage is added to the account's history."
            ),
        ),
        (
            "spend",
            _("Category spend: export / import"),
            _("Columns account_code, year, amount, currency, source. A known account and year is updated."),
        ),
    ]
    return [
        {
            "key": key,
            "title": title,
            "help": help_text,
            "exports": [
                (reverse(f"service:{key}_export", args=[fmt]), label)
                for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))
            ],
            "import_url": reverse(f"service:{key}_import"),
            "form": form if key == failed else ImportFileForm(),
            "errors": list(errors) if key == failed else [],
        }
        for key, title, help_text in specs
    ]


def _stage_page(request, *, year, transfers, status=200):
    filterset = StageFilterSet(
        request.GET, queryset=selectors.stage_list(user=request.user, year=year), request=request
    )
    page = keyset_page(request, filterset.qs, orderings=selectors.STAGE_ORDERINGS, default="name")
    page.rows = selectors.stage_rows(page.rows, year=year)
    context = {
        "filter": filterset,
        "page": page,
        "year": year,
        "years": sorted({year, *year_choices()}, reverse=True),
        "transfers": transfers,
    }
    return render(request, "service/stage_list.html", context, status=status)


@login_required
@require_GET
def stage_list(request):
    """Accounts with their stage, the year's share of wallet and the suggested stage, in keyset pages."""
    year = _year(request) or selectors.default_year(user=request.user)
    return _stage_page(request, year=year, transfers=_transfers())


@login_required
@require_GET
def loyalty(request):
    """Accounts by loyalty score; "at risk" narrows to falling scores, interruptions and rising complaints."""
    filterset = LoyaltyFilterSet(
        request.GET, queryset=selectors.loyalty_list(user=request.user), request=request
    )
    page = keyset_page(request, filterset.qs, orderings=selectors.LOYALTY_ORDERINGS, default="score")
    page.rows = [(account, selectors.risk_reasons(account)) for account in page.rows]
    return render(request, "service/loyalty.html", {"filter": filterset, "page": page})


def _request_page(request, *, form=None, errors=(), status=200):
    filterset = RequestFilterSet(
        request.GET, queryset=selectors.request_list(user=request.user), request=request
    )
    page = keyset_page(request, filterset.qs, orderings=REQUEST_ORDERINGS, default="-opened_at")
    transfer_card = {
        "exports": [
            (reverse("service:requests_export", args=[fmt]) + (f"?{query}" if query else ""), label)
            for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))
            for query in [request.GET.urlencode()]
        ],
        "form": form or ImportFileForm(),
        "errors": list(errors),
    }
    context = {"filter": filterset, "page": page, "transfer": transfer_card}
    return render(request, "service/request_list.html", context, status=status)


@login_required
@require_GET
def request_list(request):
    return _request_page(request)


@login_required
@require_GET
def survey_list(request):
    surveys = selectors.survey_list(user=request.user)
    context = {
        "surveys": keyset_page(
            request, surveys, orderings={"-date": ("-surveyed_on", "-id")}, default="-date"
        ),
        "averages": selectors.survey_averages(user=request.user),
        "gaps": list(selectors.gap_list(user=request.user)[:20]),
    }
    return render(request, "service/survey_list.html", context)


# --- one account --------------------------------------------------------------------------------------------


def _account_page(request, account, *, status=200, **bound):
    context = selectors.account_service(user=request.user, account=account)
    context["forms"] = {
        "stage": StageChangeForm(initial={"to_stage": context["suggestion"].stage or context["stage"]}),
        "spend": SpendForm(),
        "grid": GridPlacementForm(account=account),
        "loyalty": LoyaltyReviewForm(),
        "contribution": ContributionForm(),
        "survey": SurveyForm(account=account),
        "gap": GapForm(),
        "request": RequestForm(),
        **bound,
    }
    context["open_form"] = next(iter(bound), "")
    context["chart_labels"] = {
        "depth": [str(label) for label in Depth.labels],
        "level": [str(label) for label in CompanyLevel.labels],
        "contacts": _("Contacts"),
        "ours": _("Our people"),
        "theirs": _("Their people"),
        "meetings": _("meetings in 12 months"),
    }
    return render(request, "service/account.html", context, status=status)


@login_required
@require_GET
def account_service(request, pk):
    account = selectors.account_get(user=request.user, pk=pk)
    return _account_page(request, account)


def _post(request, pk, *, key, form_class, save, done, account_form=False):
    """Validate a form of the account page and hand it to `save`; on errors show the page with the form."""
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    form = form_class(request.POST, account=account) if account_form else form_class(request.POST)
    if form.is_valid():
        try:
            save(account, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("service:account", args=[account.pk]) + f"#{key}")
    return _account_page(request, account, status=400, **{key: form})


@login_required
@require_POST
def stage_change(request, pk):
    def save(account, data):
        services.stage_change(
            account=account,
            to_stage=data["to_stage"],
            reason=data["reason"],
            changed_on=data["changed_on"],
            actor=request.user,
        )

    return _post(request, pk, key="stage", form_class=StageChangeForm, save=save, done=_("Stage changed."))


@login_required
@require_POST
def spend_set(request, pk):
    def save(account, data):
        services.spend_set(account=account, actor=request.user, **data)

    return _post(request, pk, key="spend", form_class=SpendForm, save=save, done=_("Spend estimate saved."))


@login_required
@require_POST
def grid_place(request, pk):
    def save(account, data):
        services.grid_place(account=account, actor=request.user, **data)

    return _post(
        request,
        pk,
        key="grid",
        form_class=GridPlacementForm,
        save=save,
        done=_("Contact placed on the grid."),
        account_form=True,
    )


@login_required
@require_POST
def loyalty_review(request, pk):
    def save(account, data):
        services.loyalty_review(account=account, actor=request.user, **data)

    return _post(
        request, pk, key="loyalty", form_class=LoyaltyReviewForm, save=save, done=_("Loyalty review saved.")
    )


@login_required
@require_POST
def contribution_set(request, pk):
    def save(account, data):
        services.contribution_set(account=account, actor=request.user, **data)

    return _post(
        request, pk, key="contribution", form_class=ContributionForm, save=save, done=_("Contribution saved.")
    )


@login_required
@require_POST
def survey_record(request, pk):
    def save(account, data):
        services.survey_record(account=account, actor=request.user, data=data)

    return _post(
        request,
        pk,
        key="survey",
        form_class=SurveyForm,
        save=save,
        done=_("Survey recorded."),
        account_form=True,
    )


@login_required
@require_POST
def gap_assess(request, pk):
    def save(account, data):
        services.gap_assess(account=account, actor=request.user, data=data)

    return _post(request, pk, key="gap", form_class=GapForm, save=save, done=_("Gap assessment recorded."))


@login_required
@require_POST
def request_open(request, pk):
    def save(account, data):
        services.request_open(account=account, actor=request.user, data={**data, "owner": request.user})

    return _post(request, pk, key="request", form_class=RequestForm, save=save, done=_("Request opened."))


@login_required
@require_POST
def request_resolve(request, pk):
    service_request = selectors.request_get(user=request.user, pk=pk, action="change")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.request_resolve(
                request=service_request, actor=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Request resolved."))
    else:
        messages.error(request, _("Say how it was resolved."))
    return redirect(reverse("service:account", args=[service_request.account_id]) + "#requests")


# --- files --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def stages_export(request, fmt):
    rows = transfer.stage_rows(selectors.stage_list(user=request.user, year=timezone.localdate().year))
    return download_response(rows, fmt=fmt, name="relationship-stages", title=_("Relationship stages"))


@login_required
@require_GET
def requests_export(request, fmt):
    """The requests of the list, as filtered, with their SLA state."""
    filterset = RequestFilterSet(
        request.GET, queryset=selectors.request_list(user=request.user), request=request
    )
    rows = transfer.request_rows(filterset.qs, now=timezone.now())
    return download_response(rows, fmt=fmt, name="service-requests", title=_("Service requests"))


@login_required
@require_GET
def spend_export(request, fmt):
    rows = transfer.spend_rows(selectors.spend_list(user=request.user))
    return download_response(rows, fmt=fmt, name="category-spend", title=_("Category spend"))


def _import(request, key, run, done):
    """Import a stage or spend file; on errors show the stage list with them, nothing saved."""
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(form, lambda table: run(user=request.user, table=table))
    if result is not None and not result.errors:
        messages.success(request, done % {"count": result.saved})
        return redirect("service:stage_list")
    transfers = _transfers(form, key, result.errors if result else ())
    return _stage_page(
        request, year=selectors.default_year(user=request.user), transfers=transfers, status=400
    )


@login_required
@require_POST
def stages_import(request):
    return _import(request, "stages", transfer.import_stages, _("Imported %(count)d stage changes."))


@login_required
@require_POST
def spend_import(request):
    return _import(request, "spend", transfer.import_spend, _("Imported %(count)d spend estimates."))


@login_required
@require_POST
def requests_import(request):
    """Open and resolve service requests from a file; on errors show the list with them, nothing saved."""
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(form, lambda table: transfer.import_requests(user=request.user, table=table))
    if result is not None and not result.errors:
        messages.success(request, _("Opened or resolved %(count)d requests.") % {"count": result.saved})
        return redirect("service:request_list")
    return _request_page(request, form=form, errors=result.errors if result else (), status=400)

"""Pages of competition: the competitor catalogue, an opportunity's bid evaluations (M4.4), competitiveness
matrices per account or industry (M2.2) with the account's selling points, and their CSV / XLSX files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.competition import selectors, services, transfer
from kam.competition.choices import TEMPLATES, BidKind
from kam.competition.filtersets import CompetitorFilterSet, MatrixFilterSet
from kam.competition.forms import (
    CompetitorForm,
    EvaluationCreateForm,
    EvaluationSettingsForm,
    ImportFileForm,
    MatrixCreateForm,
    MatrixSettingsForm,
    RatingGridForm,
    ScoreGridForm,
    SellingPointForm,
)
from kam.core.views import add_service_errors
from kam.imports.files import download_response, read_upload
from kam.pipeline import selectors as pipeline_selectors
from kam.users.access import can
from kam.users.choices import Role


def is_keeper(user) -> bool:
    """Managers and admins keep the shared data: the catalogue and the industry matrices."""
    return user.can_write and (user.is_admin or user.role == Role.MANAGER)


def _require_keeper(user) -> None:
    if not is_keeper(user):
        raise PermissionDenied(_("Only managers and administrators keep shared competition data."))


def _transfer(*, export: str, import_: str, args=(), help_text="") -> dict:
    """The export links and the import form's target of a page (kam/competition/partials/_import.html)."""
    return {
        "exports": [
            (reverse(export, args=[*args, "csv"]), _("CSV")),
            (reverse(export, args=[*args, "xlsx"]), _("XLSX")),
        ],
        "import_url": reverse(import_, args=args),
        "help": help_text,
    }


def _competitors_transfer() -> dict:
    return _transfer(
        export="competition:competitors_export",
        import_="competition:competitors_import",
        help_text=_("Rows are matched on the name: a known competitor is updated, a new one is added."),
    )


def _evaluation_transfer(evaluation) -> dict:
    return _transfer(
        export="competition:evaluation_export",
        import_="competition:evaluation_import",
        args=[evaluation.pk],
        help_text=_(
            "The file replaces the whole grid: criteria not in it are removed, and the weights must total 1."
        ),
    )


def _matrix_transfer(matrix) -> dict:
    return _transfer(
        export="competition:matrix_export",
        import_="competition:matrix_import",
        args=[matrix.pk],
        help_text=_(
            "The file replaces the ratings: product lines not in it are removed; factors keep their rows."
        ),
    )


# --- the catalogue ------------------------------------------------------------------------------------------


@login_required
@require_GET
def competitor_list(request):
    competitors = selectors.competitor_list(user=request.user).order_by("-is_active", "name")
    filterset = CompetitorFilterSet(request.GET or None, queryset=competitors, request=request)
    return render(
        request,
        "competition/competitor_list.html",
        {
            "filterset": filterset,
            "competitors": list(filterset.qs.prefetch_related(None)),
            "can_keep": is_keeper(request.user),
            "import_form": ImportFileForm(),
            "transfer": _competitors_transfer(),
        },
    )


@login_required
@require_GET
def competitor_detail(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    context = selectors.competitor_record(user=request.user, competitor=competitor)
    context["can_keep"] = is_keeper(request.user)
    return render(request, "competition/competitor_detail.html", context)


@login_required
def competitor_create(request):
    _require_keeper(request.user)
    form = CompetitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            competitor = services.competitor_create(actor=request.user, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added to the catalogue.") % {"name": competitor})
            return redirect("competition:competitor_list")
    return render(request, "competition/competitor_form.html", {"form": form})


@login_required
def competitor_edit(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk, action="change")
    form = CompetitorForm(request.POST or None, instance=competitor)
    if request.method == "POST" and form.is_valid():
        try:
            services.competitor_update(
                competitor=competitor,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": competitor})
            return redirect(competitor)
    return render(request, "competition/competitor_form.html", {"form": form, "competitor": competitor})


@login_required
def competitor_delete(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk, action="delete")
    usage = services.competitor_usage(competitor)
    if request.method == "POST":
        try:
            services.competitor_delete(competitor=competitor, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(competitor)
        messages.success(request, _("%(name)s deleted.") % {"name": competitor})
        return redirect("competition:competitor_list")
    return render(
        request,
        "competition/competitor_delete.html",
        {"competitor": competitor, "usage": usage, "in_use": any(usage.values())},
    )


@login_required
@require_GET
def competitors_export(request, fmt):
    competitors = CompetitorFilterSet(
        request.GET or None, queryset=selectors.competitor_list(user=request.user), request=request
    ).qs.order_by("name")
    return download_response(
        transfer.competitor_rows(competitors), fmt=fmt, name="competitors", title=_("Competitors")
    )


@login_required
@require_POST
def competitors_import(request):
    _require_keeper(request.user)
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(form, lambda table: transfer.import_competitors(actor=request.user, table=table))
    if result is not None and not result.errors:
        messages.success(
            request,
            _("Imported: %(added)d added, %(updated)d updated.")
            % {"added": result.added, "updated": result.updated},
        )
        return redirect("competition:competitor_list")
    competitors = selectors.competitor_list(user=request.user).order_by("-is_active", "name")
    context = {
        "filterset": CompetitorFilterSet(None, queryset=competitors, request=request),
        "competitors": list(competitors),
        "can_keep": True,
        "import_form": form,
        "import_errors": result.errors if result else [],
        "transfer": _competitors_transfer(),
    }
    return render(request, "competition/competitor_list.html", context, status=400)


# --- bid evaluations (M4.4) ---------------------------------------------------------------------------------


def _evaluation_context(request, evaluation, **extra) -> dict:
    opportunity = evaluation.opportunity
    return {
        "opportunity": opportunity,
        "evaluation": evaluation,
        "can_change": can(request.user, "change", opportunity) and opportunity.is_open,
        **extra,
    }


@login_required
def evaluation_create(request, pk):
    """A new evaluation for one of the bids the opportunity has none for yet."""
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    taken = set(opportunity.bid_evaluations.values_list("kind", flat=True))
    kinds = [(value, label) for value, label in BidKind.choices if value not in taken]
    if not kinds:
        messages.info(request, _("This opportunity has an evaluation of every bid already."))
        return redirect(opportunity.get_absolute_url() + "#competition")
    wanted = request.GET.get("kind") if request.GET.get("kind") in dict(kinds) else kinds[0][0]
    template = {kind: key for key, (_label, kind, _rows) in TEMPLATES.items()}.get(wanted, "")
    named = [c for _name, c in selectors.named_competitors(opportunity.competitors) if c and c.is_active]
    form = EvaluationCreateForm(
        request.POST or None,
        kinds=kinds,
        initial={"kind": wanted, "template": template, "competitors": [c.pk for c in named]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                actor=request.user,
                opportunity=opportunity,
                kind=data["kind"],
                competitors=list(data["competitors"]),
                template=data["template"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evaluation created: now enter the scores."))
            return redirect("competition:evaluation_grid", pk=evaluation.pk)
    unmatched = [name for name, c in selectors.named_competitors(opportunity.competitors) if c is None]
    return render(
        request,
        "competition/evaluation_create.html",
        {
            "form": form,
            "opportunity": opportunity,
            "unmatched": unmatched,
            "can_keep": is_keeper(request.user),
        },
    )


@login_required
@require_GET
def evaluation_detail(request, pk):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    view = selectors.evaluation_view(evaluation)
    return render(
        request,
        "competition/evaluation_detail.html",
        _evaluation_context(
            request,
            evaluation,
            view=view,
            import_form=ImportFileForm(),
            transfer=_evaluation_transfer(evaluation),
        ),
    )


@login_required
def evaluation_grid(request, pk):
    """The criteria, weights and scores of an evaluation, all on one form; the totals update as you type."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk, action="change")
    view = selectors.evaluation_view(evaluation)
    form = ScoreGridForm(
        request.POST or None,
        columns=view.bidders,
        saved=view.criteria,
        scores=view.scores,
        blank=max(2, 8 - len(view.criteria)),
        version=evaluation.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_grid_save(
                evaluation=evaluation,
                actor=request.user,
                rows=form.grid_rows(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect(evaluation)
    return render(
        request,
        "competition/evaluation_grid.html",
        _evaluation_context(request, evaluation, view=view, form=form),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def evaluation_settings(request, pk):
    """The bid kind, note and competitors; dropping a competitor who has scores needs a confirmation."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk, action="change")
    current = [b.competitor for b in evaluation.bidders.exclude(competitor=None).select_related("competitor")]
    form = EvaluationSettingsForm(request.POST or None, instance=evaluation, current=current)
    dropping = []
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["competitors"])
        dropping = services.removed_with_data(parent=evaluation, competitors=chosen)
        if dropping and not form.cleaned_data["confirm_removal"]:
            form.add_error("confirm_removal", _("Confirm that their scores are deleted, or keep them."))
        else:
            try:
                services.evaluation_update(
                    evaluation=evaluation,
                    actor=request.user,
                    data={k: form.cleaned_data[k] for k in ("kind", "note")},
                    competitors=chosen,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Evaluation saved."))
                return redirect(evaluation)
    return render(
        request,
        "competition/evaluation_settings.html",
        _evaluation_context(request, evaluation, form=form, dropping=dropping),
    )


@login_required
def evaluation_delete(request, pk):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk, action="change")
    back = evaluation.opportunity.get_absolute_url() + "#competition"
    if request.method == "POST":
        services.evaluation_delete(evaluation=evaluation, actor=request.user)
        messages.success(request, _("Evaluation deleted."))
        return redirect(back)
    return render(
        request,
        "core/confirm_delete.html",
        {"object": evaluation, "cancel_url": reverse("competition:evaluation", args=[evaluation.pk])},
    )


@login_required
@require_GET
def evaluation_export(request, pk, fmt):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    view = selectors.evaluation_view(evaluation)
    name = f"evaluation-{evaluation.opportunity.number}-{evaluation.kind}"
    return download_response(transfer.evaluation_rows(view), fmt=fmt, name=name, title=_("Evaluation"))


@login_required
@require_POST
def evaluation_import(request, pk):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk, action="change")
    view = selectors.evaluation_view(evaluation)
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(
        form, lambda table: transfer.import_evaluation(view=view, actor=request.user, table=table)
    )
    if result is not None and not result.errors:
        messages.success(request, _("Imported."))
        return redirect(evaluation)
    context = _evaluation_context(
        request,
        evaluation,
        view=view,
        import_form=form,
        import_errors=result.errors if result else [],
        transfer=_evaluation_transfer(evaluation),
    )
    return render(request, "competition/evaluation_detail.html", context, status=400)


# --- competitiveness matrices (M2.2) ------------------------------------------------------------------------


def _matrix_can_change(user, matrix) -> bool:
    return selectors.matrix_list(user=user, action="change").filter(pk=matrix.pk).exists()


@login_required
@require_GET
def matrix_list(request):
    matrices = selectors.matrix_list(user=request.user).order_by("industry_id", "title", "id")
    filterset = MatrixFilterSet(request.GET or None, queryset=matrices, request=request)
    return render(
        request,
        "competition/matrix_list.html",
        {
            "filterset": filterset,
            "views": selectors.matrix_views(filterset.qs[:100]),
            "can_keep": is_keeper(request.user),
            "industries": account_selectors.industry_list(user=request.user),
        },
    )


@login_required
def matrix_create(request):
    """A new matrix for ?account=<id> (anyone who may change the account) or ?industry=<id> (keepers)."""
    source = request.POST if request.method == "POST" else request.GET
    account = industry = None
    if source.get("account"):
        account = account_selectors.account_get(user=request.user, pk=source["account"], action="change")
    elif source.get("industry"):
        _require_keeper(request.user)
        industry = account_selectors.industry_list(user=request.user).filter(pk=source["industry"]).first()
        if industry is None:
            raise Http404
    else:
        raise Http404
    form = MatrixCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matrix = services.matrix_create(
                actor=request.user,
                account=account,
                industry=industry,
                title=data["title"],
                note=data["note"],
                competitors=list(data["competitors"]),
                product_lines=form.lines(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Matrix created: now rate each competitor."))
            return redirect("competition:matrix_grid", pk=matrix.pk)
    return render(
        request, "competition/matrix_create.html", {"form": form, "account": account, "industry": industry}
    )


def _matrix_back(matrix) -> str:
    if matrix.account_id:
        return reverse("competition:account", args=[matrix.account_id])
    return reverse("competition:matrix_list")


@login_required
@require_GET
def matrix_detail(request, pk):
    matrix = selectors.matrix_get(user=request.user, pk=pk)
    context = {
        "matrix": matrix,
        "view": selectors.matrix_view(matrix),
        "can_change": _matrix_can_change(request.user, matrix),
        "back": _matrix_back(matrix),
        "import_form": ImportFileForm(),
        "transfer": _matrix_transfer(matrix),
    }
    if matrix.account_id:
        context["selling_points"] = list(
            selectors.selling_point_list(user=request.user)
            .filter(account_id=matrix.account_id)
            .prefetch_related("competitors")
        )
    return render(request, "competition/matrix_detail.html", context)


@login_required
def matrix_grid(request, pk):
    matrix = selectors.matrix_get(user=request.user, pk=pk, action="change")
    view = selectors.matrix_view(matrix)
    form = RatingGridForm(
        request.POST or None,
        columns=view.columns,
        saved=[line["row"] for line in view.product_lines + view.factors],
        ratings=view.ratings,
        blank=2,
        version=matrix.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_grid_save(
                matrix=matrix,
                actor=request.user,
                rows=form.grid_rows(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Matrix saved."))
            return redirect(matrix)
    return render(
        request,
        "competition/matrix_grid.html",
        {"matrix": matrix, "view": view, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def matrix_settings(request, pk):
    matrix = selectors.matrix_get(user=request.user, pk=pk, action="change")
    current = [c.competitor for c in matrix.columns.exclude(competitor=None).select_related("competitor")]
    form = MatrixSettingsForm(request.POST or None, instance=matrix, current=current)
    dropping = []
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["competitors"])
        dropping = services.removed_with_data(parent=matrix, competitors=chosen)
        if dropping and not form.cleaned_data["confirm_removal"]:
            form.add_error("confirm_removal", _("Confirm that their ratings are deleted, or keep them."))
        else:
            try:
                services.matrix_update(
                    matrix=matrix,
                    actor=request.user,
                    data={k: form.cleaned_data[k] for k in ("title", "note")},
                    competitors=chosen,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Matrix saved."))
                return redirect(matrix)
    return render(
        request, "competition/matrix_settings.html", {"matrix": matrix, "form": form, "dropping": dropping}
    )


@login_required
def matrix_delete(request, pk):
    matrix = selectors.matrix_get(user=request.user, pk=pk, action="delete")
    back = _matrix_back(matrix)
    if request.method == "POST":
        services.matrix_delete(matrix=matrix, actor=request.user)
        messages.success(request, _("Matrix deleted."))
        return redirect(back)
    return render(
        request, "core/confirm_delete.html", {"object": matrix, "cancel_url": matrix.get_absolute_url()}
    )


@login_required
@require_GET
def matrix_export(request, pk, fmt):
    matrix = selectors.matrix_get(user=request.user, pk=pk)
    return download_response(
        transfer.matrix_rows(selectors.matrix_view(matrix)),
        fmt=fmt,
        name=f"matrix-{matrix.pk}",
        title=_("Matrix"),
    )


@login_required
@require_POST
def matrix_import(request, pk):
    matrix = selectors.matrix_get(user=request.user, pk=pk, action="change")
    view = selectors.matrix_view(matrix)
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(
        form, lambda table: transfer.import_matrix(view=view, actor=request.user, table=table)
    )
    if result is not None and not result.errors:
        messages.success(request, _("Imported."))
        return redirect(matrix)
    context = {
        "matrix": matrix,
        "view": view,
        "can_change": True,
        "back": _matrix_back(matrix),
        "import_form": form,
        "import_errors": result.errors if result else [],
        "transfer": _matrix_transfer(matrix),
    }
    return render(request, "competition/matrix_detail.html", context, status=400)


# --- an account's competition and its selling points (M2.2) -------------------------------------------------


@login_required
@require_GET
def account_competition(request, pk):
    account = account_selectors.account_get(user=request.user, pk=pk)
    context = selectors.account_competition(user=request.user, account=account)
    context["can_keep"] = is_keeper(request.user)
    return render(request, "competition/account.html", context)


@login_required
def selling_point_create(request, pk):
    account = account_selectors.account_get(user=request.user, pk=pk, action="change")
    form = SellingPointForm(
        request.POST or None, initial={"product_line": request.GET.get("product_line", "")}
    )
    form.instance.account = account
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        competitors = list(form.cleaned_data["competitors"])
        try:
            services.selling_point_create(
                actor=request.user, account=account, data=data, competitors=competitors
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Selling point added."))
            return redirect("competition:account", pk=account.pk)
    return render(request, "competition/selling_point_form.html", {"form": form, "account": account})


@login_required
def selling_point_edit(request, pk):
    point = selectors.selling_point_get(user=request.user, pk=pk, action="change")
    form = SellingPointForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        competitors = list(form.cleaned_data["competitors"])
        try:
            services.selling_point_update(
                selling_point=point,
                actor=request.user,
                data=data,
                competitors=competitors,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Selling point saved."))
            return redirect("competition:account", pk=point.account_id)
    return render(
        request,
        "competition/selling_point_form.html",
        {"form": form, "account": point.account, "point": point},
    )


@login_required
def selling_point_delete(request, pk):
    point = selectors.selling_point_get(user=request.user, pk=pk, action="change")
    back = reverse("competition:account", args=[point.account_id])
    if request.method == "POST":
        services.selling_point_delete(selling_point=point, actor=request.user)
        messages.success(request, _("Selling point deleted."))
        return redirect(back)
    return render(request, "core/confirm_delete.html", {"object": point, "cancel_url": back})

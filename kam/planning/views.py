"""Pages of planning (M2): the industry attractiveness matrix edited in place, industry profiles with the
results KAM knows, the key-account base, and the six-step account plan with its PDF and XLSX."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.accounts.money import Converter
from kam.core.views import add_service_errors
from kam.imports.files import download_response, read_upload, xlsx_response
from kam.planning import selectors, services, transfer
from kam.planning.forms import (
    BusinessLineForm,
    CellForm,
    ClassRuleForm,
    CriterionForm,
    ImportFileForm,
    IndustryRowAddForm,
    IndustryRowForm,
    MeasureForm,
    PlanForm,
    ProfileForm,
    ResourceForm,
)
from kam.users.choices import Role


def is_keeper(user) -> bool:
    """Managers and admins keep the strategy: the matrix, the profiles and the business lines."""
    return user.can_write and (user.is_admin or user.role == Role.MANAGER)


def _require_keeper(user) -> None:
    if not is_keeper(user):
        raise PermissionDenied(_("Only managers and administrators keep the strategy data."))


def _transfer() -> dict:
    return {
        "exports": [
            (reverse("planning:matrix_export", args=["csv"]), _("CSV")),
            (reverse("planning:matrix_export", args=["xlsx"]), _("XLSX")),
        ],
        "import_url": reverse("planning:matrix_import"),
        "help": _(
            "A row per industry, a column per criterion (scores without their sign); the computed total "
            "is ignored. Nothing is saved if a cell is wrong."
        ),
    }


def _matrix_context(request, **extra) -> dict:
    view = selectors.matrix_view(user=request.user)
    on_matrix = [r.row.industry_id for r in view.rows]
    return {
        "view": view,
        "can_keep": is_keeper(request.user),
        "add_form": IndustryRowAddForm(
            industries=account_selectors.industry_list(user=request.user).exclude(pk__in=on_matrix)
        ),
        "import_form": ImportFileForm(),
        "transfer": _transfer(),
        **extra,
    }


# --- the attractiveness matrix (M2.1) ----------------------------------------------------------------------


@login_required
@require_GET
def matrix(request):
    return render(request, "planning/matrix.html", _matrix_context(request))


@login_required
@require_POST
def matrix_cell(request, row_pk, criterion_pk):
    """Set one score in place; answers the matrix table again (totals, stars and classes all move)."""
    _require_keeper(request.user)
    row = selectors.row_get(user=request.user, pk=row_pk, action="change")
    criterion = selectors.criterion_get(user=request.user, pk=criterion_pk, action="change")
    form = CellForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.score_set(
                row=row, criterion=criterion, value=form.cleaned_data["value"], actor=request.user
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = " ".join(form.errors["value"])
    if not request.htmx:
        if error:
            messages.error(request, f"{row.industry} · {criterion}: {error}")
        return redirect("planning:matrix")
    context = _matrix_context(request, cell_error=error, error_row=row, error_criterion=criterion)
    response = render(request, "planning/partials/_matrix_table.html", context)
    response["Vary"] = "HX-Request"
    return response


@login_required
def criterion_form(request, pk=None):
    _require_keeper(request.user)
    criterion = selectors.criterion_get(user=request.user, pk=pk, action="change") if pk else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            if criterion is None:
                services.criterion_create(actor=request.user, data=data)
            else:
                services.criterion_update(
                    criterion=criterion,
                    actor=request.user,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect("planning:matrix")
    extra = {"delete_url": reverse("planning:criterion_delete", args=[criterion.pk])} if criterion else {}
    return render(
        request, "planning/form.html", _form_page(form, _("Criterion"), reverse("planning:matrix"), **extra)
    )


def _form_page(form, title, back, **extra) -> dict:
    return {"form": form, "title": title, "back": back, **extra}


@login_required
def criterion_delete(request, pk):
    _require_keeper(request.user)
    criterion = selectors.criterion_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.criterion_delete(criterion=criterion, actor=request.user)
        messages.success(request, _("Criterion deleted with its scores."))
        return redirect("planning:matrix")
    return render(
        request, "core/confirm_delete.html", {"object": criterion, "cancel_url": reverse("planning:matrix")}
    )


@login_required
@require_POST
def row_add(request):
    _require_keeper(request.user)
    on_matrix = selectors.row_list(user=request.user).values("industry_id")
    form = IndustryRowAddForm(
        request.POST, industries=account_selectors.industry_list(user=request.user).exclude(pk__in=on_matrix)
    )
    if form.is_valid():
        services.industry_row_create(actor=request.user, industry=form.cleaned_data["industry"])
        messages.success(request, _("Industry added: score it on each criterion."))
    else:
        messages.error(request, _("Choose an industry that is not on the matrix yet."))
    return redirect("planning:matrix")


@login_required
def row_edit(request, pk):
    """The printed total, and the class a person decides against the suggestion (with the reason)."""
    _require_keeper(request.user)
    row = selectors.row_get(user=request.user, pk=pk, action="change")
    line = selectors.matrix_view(user=request.user).for_industry(row.industry_id)
    form = IndustryRowForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.industry_row_update(
                row=row,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(industry)s saved.") % {"industry": row.industry})
            return redirect("planning:matrix")
    return render(
        request,
        "planning/form.html",
        _form_page(
            form,
            row.industry,
            reverse("planning:matrix"),
            line=line,
            delete_url=reverse("planning:row_delete", args=[row.pk]),
        ),
    )


@login_required
def row_delete(request, pk):
    _require_keeper(request.user)
    row = selectors.row_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.industry_row_delete(row=row, actor=request.user)
        messages.success(request, _("Industry taken off the matrix with its scores."))
        return redirect("planning:matrix")
    return render(
        request, "core/confirm_delete.html", {"object": row, "cancel_url": reverse("planning:matrix")}
    )


@login_required
def rule_edit(request):
    _require_keeper(request.user)
    rule = selectors.class_rule(user=request.user)
    form = ClassRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_rule_update(
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Class rule saved."))
            return redirect("planning:matrix")
    return render(
        request,
        "planning/form.html",
        _form_page(
            form,
            _("Class rule"),
            reverse("planning:matrix"),
            intro=_(
                "An industry is suggested as a key industry from the first percentage of the average total, "
                "as a potential industry from the second, and as a watch industry below."
            ),
        ),
    )


@login_required
@require_GET
def matrix_export(request, fmt):
    view = selectors.matrix_view(user=request.user)
    return download_response(
        transfer.matrix_rows(view), fmt=fmt, name="industry-attractiveness", title=_("Attractiveness")
    )


@login_required
@require_POST
def matrix_import(request):
    _require_keeper(request.user)
    view = selectors.matrix_view(user=request.user)
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(
        form, lambda table: transfer.import_matrix(view=view, actor=request.user, table=table)
    )
    if result is not None and not result.errors:
        messages.success(
            request,
            _("Imported: %(added)d industries added, %(updated)d updated.")
            % {"added": result.added, "updated": result.updated},
        )
        return redirect("planning:matrix")
    context = _matrix_context(request, import_form=form, import_errors=result.errors if result else [])
    return render(request, "planning/matrix.html", context, status=400)


# --- industry profiles and the key-account base ------------------------------------------------------------


@login_required
@require_GET
def industry_list(request):
    converter = Converter(account_selectors.exchange_rates())
    results = selectors.industry_results(user=request.user, converter=converter)
    return render(
        request,
        "planning/industry_list.html",
        {
            "results": results,
            "chart": selectors.scatter_data(results),
            "can_keep": is_keeper(request.user),
            "reporting": account_selectors.reporting_notice(user=request.user, unconverted=converter.missing),
        },
    )


@login_required
def profile_edit(request, industry_pk):
    _require_keeper(request.user)
    industry = account_selectors.industry_list(user=request.user).filter(pk=industry_pk).first()
    if industry is None:
        raise Http404
    profile = selectors.profile_list(user=request.user, action="change").filter(industry=industry).first()
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                actor=request.user,
                industry=industry,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"] if profile else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Profile of %(industry)s saved.") % {"industry": industry})
            return redirect("planning:industry_list")
    return render(
        request, "planning/form.html", _form_page(form, industry, reverse("planning:industry_list"))
    )


@login_required
@require_GET
def base(request):
    results = selectors.industry_results(user=request.user)
    composition = selectors.revenue_composition(results)
    return render(
        request,
        "planning/base.html",
        {
            "composition": composition,
            "revenue_total": sum((revenue for _industry, revenue, _share in composition), Decimal(0)),
            "chart": {"slices": [{"name": str(i), "value": float(v)} for i, v, _share in composition]},
            "lines": list(selectors.business_line_list(user=request.user)),
            "can_keep": is_keeper(request.user),
        },
    )


@login_required
def business_line_form(request, pk=None):
    _require_keeper(request.user)
    line = selectors.business_line_get(user=request.user, pk=pk, action="change") if pk else None
    form = BusinessLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            if line is None:
                services.business_line_create(actor=request.user, data=data)
            else:
                services.business_line_update(
                    line=line, actor=request.user, data=data, expected_version=form.cleaned_data["version"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Business line saved."))
            return redirect("planning:base")
    extra = {"delete_url": reverse("planning:business_line_delete", args=[line.pk])} if line else {}
    return render(
        request, "planning/form.html", _form_page(form, _("Business line"), reverse("planning:base"), **extra)
    )


@login_required
def business_line_delete(request, pk):
    _require_keeper(request.user)
    line = selectors.business_line_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        services.business_line_delete(line=line, actor=request.user)
        messages.success(request, _("Business line deleted."))
        return redirect("planning:base")
    return render(
        request, "core/confirm_delete.html", {"object": line, "cancel_url": reverse("planning:base")}
    )


# --- account plans ------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    return render(
        request,
        "planning/plan_list.html",
        {"plans": list(selectors.current_plans(user=request.user)), "today": timezone.localdate()},
    )


@login_required
@require_GET
def account_plan(request, account_pk):
    """The account's current plan, or the form to start one."""
    account = account_selectors.account_get(user=request.user, pk=account_pk)
    plan = selectors.current_plan(user=request.user, account=account)
    if plan is not None:
        return redirect(plan)
    return redirect("planning:plan_create", account_pk=account.pk)


def _owners(user):
    return account_selectors.user_list(user=user)


@login_required
def plan_create(request, account_pk):
    account = account_selectors.account_get(user=request.user, pk=account_pk, action="change")
    form = PlanForm(request.POST or None, owners=_owners(request.user), initial={"owner": account.owner_id})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, account=account, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan started."))
            return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form, "account": account, "plan": None})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "planning/plan_detail.html", selectors.plan_context(user=request.user, plan=plan))


def _editable_plan(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action="change")
    if plan.is_superseded:
        raise PermissionDenied(_("A superseded version stays as it was."))
    return plan


@login_required
def plan_edit(request, pk):
    plan = _editable_plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan, owners=_owners(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form, "account": plan.account, "plan": plan})


@login_required
@require_POST
def plan_new_version(request, pk):
    plan = _editable_plan(request, pk)
    try:
        copy = services.plan_new_version(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(
        request,
        _("Version %(revision)d started; the previous one stays readable.") % {"revision": copy.revision},
    )
    return redirect(copy)


@login_required
@require_GET
def plan_pdf(request, pk):
    """The plan printed by WeasyPrint: the same sections as the page, the roadmap drawn in HTML."""
    from weasyprint import HTML

    plan = selectors.plan_get(user=request.user, pk=pk)
    context = selectors.plan_context(user=request.user, plan=plan) | {"pdf": True}
    html = render_to_string("planning/plan_print.html", context, request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.account_id}-v{plan.revision}.pdf"'
    return response


@login_required
@require_GET
def plan_print(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "planning/plan_print.html", selectors.plan_context(user=request.user, plan=plan))


@login_required
@require_GET
def plan_xlsx(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    context = selectors.plan_context(user=request.user, plan=plan)
    return xlsx_response(
        transfer.plan_rows(context),
        title=_("Account plan"),
        file_name=f"plan-{plan.account_id}-v{plan.revision}.xlsx",
    )


def _plan_child_form(request, *, plan, form_class, instance, create, update, noun):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            if instance is None:
                create(actor=request.user, plan=plan, data=data)
            else:
                update(instance, data, form.cleaned_data["version"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(noun)s saved.") % {"noun": noun})
            return redirect(plan)
    return render(request, "planning/form.html", _form_page(form, noun, plan.get_absolute_url(), plan=plan))


@login_required
def measure_form(request, plan_pk=None, pk=None):
    measure = selectors.measure_get(user=request.user, pk=pk, action="change") if pk else None
    plan = measure.plan if measure else _editable_plan(request, plan_pk)
    if plan.is_superseded:
        raise PermissionDenied(_("A superseded version stays as it was."))
    return _plan_child_form(
        request,
        plan=plan,
        form_class=MeasureForm,
        instance=measure,
        create=services.measure_create,
        update=lambda m, data, version: services.measure_update(
            measure=m, actor=request.user, data=data, expected_version=version
        ),
        noun=_("Measure"),
    )


@login_required
@require_POST
def measure_delete(request, pk):
    measure = selectors.measure_get(user=request.user, pk=pk, action="change")
    try:
        services.measure_delete(measure=measure, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Measure “%(name)s” removed.") % {"name": measure})
    return redirect(measure.plan)


@login_required
def resource_form(request, plan_pk=None, pk=None):
    resource = selectors.resource_get(user=request.user, pk=pk, action="change") if pk else None
    plan = resource.plan if resource else _editable_plan(request, plan_pk)
    if plan.is_superseded:
        raise PermissionDenied(_("A superseded version stays as it was."))
    return _plan_child_form(
        request,
        plan=plan,
        form_class=ResourceForm,
        instance=resource,
        create=services.resource_create,
        update=lambda r, data, version: services.resource_update(
            resource=r, actor=request.user, data=data, expected_version=version
        ),
        noun=_("Resource"),
    )


@login_required
@require_POST
def resource_delete(request, pk):
    resource = selectors.resource_get(user=request.user, pk=pk, action="change")
    try:
        services.resource_delete(resource=resource, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Resource “%(name)s” removed.") % {"name": resource})
    return redirect(resource.plan)

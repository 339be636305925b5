"""Pages of the buying center: the map and coverage of one opportunity, its stakeholders and their
weights, counterpart pairs, the "my actions" list the method's rules give, and the SPIN plans (M4.6) with
the SPIN library and the value calculator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors as account_selectors
from kam.api.pagination import list_page
from kam.buyingcenter import action_store, rules, selectors, services, spin_transfer, transfer, value
from kam.buyingcenter.choices import ROLE_GUIDANCE, BuyingRole, NeedStage, ProjectPhase, SpinKind
from kam.buyingcenter.forms import (
    CounterpartPairForm,
    ImportFileForm,
    PhaseWeightsForm,
    SpinPlanForm,
    SpinQuestionForm,
    SpinStepAddForm,
    SpinStepForm,
    StakeholderForm,
    ValueCalculatorForm,
)
from kam.core.views import add_service_errors
from kam.imports.files import download_response, read_upload
from kam.pipeline import selectors as pipeline_selectors
from kam.users.access import can


def _back_to(opportunity) -> str:
    return opportunity.get_absolute_url() + "#buying-center"


def _role_guidance() -> list[dict]:
    return [
        {"role": BuyingRole(role).label, "weighs": weighs, "position": position, "right": right}
        for role, (weighs, position, right) in ROLE_GUIDANCE.items()
    ]


@login_required
@require_GET
def buying_center(request, pk):
    """The buying center of one opportunity in a phase; htmx asks for the panel only (phase switch)."""
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk)
    context = {
        "opportunity": opportunity,
        "center": selectors.buying_center(opportunity=opportunity, phase=request.GET.get("phase")),
        "can_change": can(request.user, "change", opportunity),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "buyingcenter/partials/_buying_center.html", context)
    context["import_form"] = ImportFileForm()
    return render(request, "buyingcenter/buying_center.html", context)


@login_required
@require_GET
def buying_center_export(request, pk, fmt):
    """The stakeholders with their weights (CSV), or with the account's counterpart pairs too (XLSX)."""
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk)
    return download_response(
        transfer.stakeholder_rows(opportunity),
        fmt=fmt,
        name=f"buying-center-{opportunity.number}",
        title=_("Stakeholders"),
        extra_sheets={_("Counterpart pairs"): transfer.pair_rows(opportunity.account)},
    )


@login_required
@require_POST
def buying_center_import(request, pk):
    """Upsert stakeholders (and phase weights) from a file; any error is shown and nothing is saved."""

    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(
        form,
        lambda table: transfer.import_stakeholders(opportunity=opportunity, actor=request.user, table=table),
    )
    if result is not None and not result.errors:
        messages.success(
            request,
            _("Imported: %(added)d added, %(updated)d updated.")
            % {"added": result.added, "updated": result.updated},
        )
        return redirect(reverse("buyingcenter:detail", args=[opportunity.pk]))
    context = {
        "opportunity": opportunity,
        "center": selectors.buying_center(opportunity=opportunity),
        "can_change": True,
        "import_form": form,
        "import_errors": result.errors if result else [],
    }
    return render(request, "buyingcenter/buying_center.html", context, status=400)


@login_required
def stakeholder_add(request, pk):
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = StakeholderForm(
        request.POST or None, opportunity=opportunity, initial={"contact": request.GET.get("contact")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        contact = data.pop("contact")
        try:
            services.stakeholder_add(actor=request.user, opportunity=opportunity, contact=contact, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added to the buying center.") % {"name": contact.name})
            if "add_another" in request.POST:
                return redirect("buyingcenter:stakeholder_add", pk=opportunity.pk)
            return redirect(_back_to(opportunity))
    return render(
        request,
        "buyingcenter/stakeholder_form.html",
        {"form": form, "opportunity": opportunity, "guidance": _role_guidance()},
    )


@login_required
def stakeholder_edit(request, pk):
    stakeholder = selectors.stakeholder_get(user=request.user, pk=pk, action="change")
    opportunity = stakeholder.opportunity
    form = StakeholderForm(request.POST or None, instance=stakeholder, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_update(
                stakeholder=stakeholder,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": stakeholder.contact.name})
            return redirect(_back_to(opportunity))
    return render(
        request,
        "buyingcenter/stakeholder_form.html",
        {
            "form": form,
            "opportunity": opportunity,
            "stakeholder": stakeholder,
            "history": selectors.attitude_history(stakeholder=stakeholder),
            "guidance": _role_guidance(),
        },
    )


@login_required
def stakeholder_remove(request, pk):
    stakeholder = selectors.stakeholder_get(user=request.user, pk=pk, action="change")
    opportunity = stakeholder.opportunity
    held = [w for w in stakeholder.weights.all() if w.percent]
    if request.method == "POST" and not held:
        services.stakeholder_remove(stakeholder=stakeholder, actor=request.user)
        messages.success(
            request, _("%(name)s removed from the buying center.") % {"name": stakeholder.contact.name}
        )
        return redirect(_back_to(opportunity))
    return render(
        request,
        "buyingcenter/stakeholder_remove.html",
        {
            "stakeholder": stakeholder,
            "opportunity": opportunity,
            "held": [(ProjectPhase(w.phase).label, w.phase, w.percent) for w in held],
        },
    )


@login_required
def weights_edit(request, pk):
    """The weights of one phase (M4.3), all people at once, totalling 100 %."""
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    center = selectors.buying_center(opportunity=opportunity, phase=request.GET.get("phase"))
    stakeholders = [row.stakeholder for row in center.coverage]
    current = {row.stakeholder.pk: row.weights[center.phase] for row in center.rows if row.weight_set}
    form = PhaseWeightsForm(request.POST or None, stakeholders=stakeholders, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_weights_set(
                opportunity=opportunity,
                phase=center.phase,
                actor=request.user,
                weights=form.weights(),
                expected=form.expected(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Weights of %(phase)s saved.") % {"phase": center.phase_label})
            return redirect(reverse("buyingcenter:detail", args=[opportunity.pk]) + f"?phase={center.phase}")
    rows = {row.stakeholder.pk: row for row in center.rows}
    return render(
        request,
        "buyingcenter/weights_form.html",
        {
            "opportunity": opportunity,
            "center": center,
            "form": form,
            "rows": [(rows[s.pk], field) for s, field in form.rows()],
        },
    )


def _next_url(request, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if wanted and allowed else default


@login_required
def pair_add(request, pk):
    """Pair one of our people with their counterpart at the account (M4.7)."""
    account = account_selectors.account_get(user=request.user, pk=pk, action="change")
    form = CounterpartPairForm(
        request.POST or None,
        account=account,
        candidates=selectors.pair_candidates(user=request.user, account=account),
        initial={"their_person": request.GET.get("contact"), "level": request.GET.get("level")},
    )
    back = _next_url(request, account.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_create(actor=request.user, account=account, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Counterpart pair added."))
            return redirect(back)
    return render(request, "buyingcenter/pair_form.html", {"form": form, "account": account, "back": back})


@login_required
def pair_edit(request, pk):
    pair = selectors.pair_get(user=request.user, pk=pk, action="change")
    form = CounterpartPairForm(
        request.POST or None,
        instance=pair,
        account=pair.account,
        candidates=selectors.pair_candidates(user=request.user, account=pair.account),
    )
    back = _next_url(request, pair.account.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_update(
                pair=pair,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Counterpart pair saved."))
            return redirect(back)
    return render(
        request,
        "buyingcenter/pair_form.html",
        {"form": form, "account": pair.account, "pair": pair, "back": back},
    )


@login_required
def pair_delete(request, pk):
    pair = selectors.pair_get(user=request.user, pk=pk, action="change")
    back = _next_url(request, pair.account.get_absolute_url())
    if request.method == "POST":
        services.pair_delete(pair=pair, actor=request.user)
        messages.success(request, _("Counterpart pair removed."))
        return redirect(back)
    return render(request, "core/confirm_delete.html", {"object": pair, "cancel_url": back})


#: Deals per page of "my actions": a member may have thousands of open opportunities.
ACTIONS_PER_PAGE = 25


@login_required
@require_GET
def my_actions(request):
    """What the method's rules ask of me on my open opportunities, and the next actions I planned."""
    today = timezone.localdate()
    rule = request.GET.get("rule", "")
    if rule not in rules.PRIORITY:
        rule = ""
    mine = action_store.my_actions(user=request.user, today=today)  # counted in SQL; the page reads 25 rows
    shown = action_store.Listed(mine.ids(rule), mine.count(rule), today=today)
    page = list_page(request, shown, page_size=ACTIONS_PER_PAGE)
    context = {
        "page": page,
        "today": today,
        "rule": rule,
        "rule_counts": [(key, rules.RULE_LABELS[key], count) for key, count in mine.counts.items()],
    }
    return render(request, "buyingcenter/my_actions.html", context)


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------


def _library_keeper(user) -> bool:
    from kam.users.choices import Role

    return user.can_write and (user.is_admin or user.role == Role.MANAGER)


def _spin_back(opportunity) -> str:
    return opportunity.get_absolute_url() + "#spin"


@login_required
@require_GET
def spin_plans(request, pk):
    """All SPIN plans of an opportunity, person by person, with the file export and import."""
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk)
    return render(
        request,
        "buyingcenter/spin_plans.html",
        {
            "opportunity": opportunity,
            "plans": selectors.spin_plans_of(opportunity=opportunity),
            "can_change": can(request.user, "change", opportunity) and opportunity.is_open,
            "import_form": ImportFileForm(),
        },
    )


@login_required
def spin_plan_create(request, pk):
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = SpinPlanForm(
        request.POST or None, opportunity=opportunity, initial={"stakeholder": request.GET.get("stakeholder")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        stakeholder = data.pop("stakeholder")
        try:
            plan = services.spin_plan_create(actor=request.user, stakeholder=stakeholder, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("SPIN plan created: now pick the questions."))
            return redirect(plan)
    return render(request, "buyingcenter/spin_plan_form.html", {"form": form, "opportunity": opportunity})


def _plan_page(request, plan, *, add_forms=None, status=200):
    opportunity = plan.stakeholder.opportunity
    view = selectors.spin_plan_views([plan])[0]
    forms_ = add_forms or {}
    columns = [
        {**column, "form": forms_.get(column["kind"]) or SpinStepAddForm(kind=column["kind"])}
        for column in view.by_kind
    ]
    return render(
        request,
        "buyingcenter/spin_plan.html",
        {
            "opportunity": opportunity,
            "plan": plan,
            "view": view,
            "columns": columns,
            "stages": NeedStage.choices,
            "can_change": can(request.user, "change", opportunity) and opportunity.is_open,
        },
        status=status,
    )


@login_required
@require_GET
def spin_plan_detail(request, pk):
    return _plan_page(request, selectors.spin_plan_get(user=request.user, pk=pk))


@login_required
def spin_plan_edit(request, pk):
    plan = selectors.spin_plan_get(user=request.user, pk=pk, action="change")
    opportunity = plan.stakeholder.opportunity
    form = SpinPlanForm(request.POST or None, instance=plan, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.spin_plan_update(
                plan=plan,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("SPIN plan saved."))
            return redirect(plan)
    return render(
        request, "buyingcenter/spin_plan_form.html", {"form": form, "opportunity": opportunity, "plan": plan}
    )


@login_required
def spin_plan_delete(request, pk):
    plan = selectors.spin_plan_get(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        services.spin_plan_delete(plan=plan, actor=request.user)
        messages.success(request, _("SPIN plan deleted."))
        return redirect(_spin_back(plan.stakeholder.opportunity))
    return render(
        request, "core/confirm_delete.html", {"object": plan, "cancel_url": plan.get_absolute_url()}
    )


@login_required
@require_POST
def spin_step_add(request, pk):
    """Add a question (from the library or written here) to one column of the plan."""
    plan = selectors.spin_plan_get(user=request.user, pk=pk, action="change")
    kind = next((k for k in SpinKind.values if f"add-{k}-kind" in request.POST), None)
    if kind is None:
        raise Http404
    form = SpinStepAddForm(request.POST, kind=kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.spin_step_add(
                actor=request.user,
                plan=plan,
                kind=kind,
                question=data["question"],
                text=data["text"],
                answer=data["answer"],
                answered_on=timezone.localdate() if data["answer"] else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(plan.get_absolute_url() + f"#spin-{kind}")
    return _plan_page(request, plan, add_forms={kind: form}, status=400)


@login_required
def spin_step_edit(request, pk):
    step = selectors.spin_step_get(user=request.user, pk=pk, action="change")
    form = SpinStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.spin_step_update(
                step=step,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Answer saved."))
            return redirect(step.plan.get_absolute_url() + f"#spin-{step.kind}")
    return render(
        request, "buyingcenter/spin_step_form.html", {"form": form, "step": step, "plan": step.plan}
    )


@login_required
def spin_step_delete(request, pk):
    step = selectors.spin_step_get(user=request.user, pk=pk, action="change")
    back = step.plan.get_absolute_url() + f"#spin-{step.kind}"
    if request.method == "POST":
        services.spin_step_delete(step=step, actor=request.user)
        messages.success(request, _("Question removed from the plan."))
        return redirect(back)
    return render(request, "core/confirm_delete.html", {"object": step, "cancel_url": back})


@login_required
@require_GET
def spin_export(request, pk, fmt):
    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk)
    return download_response(
        spin_transfer.plan_rows(opportunity),
        fmt=fmt,
        name=f"spin-{opportunity.number}",
        title=_("SPIN plans"),
    )


@login_required
@require_POST
def spin_import(request, pk):

    opportunity = pipeline_selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = ImportFileForm(request.POST, request.FILES)
    result = read_upload(
        form,
        lambda table: spin_transfer.import_plans(opportunity=opportunity, actor=request.user, table=table),
    )
    if result is not None and not result.errors:
        messages.success(
            request,
            _("Imported: %(added)d added, %(updated)d updated.")
            % {"added": result.added, "updated": result.updated},
        )
        return redirect("buyingcenter:spin_plans", pk=opportunity.pk)
    context = {
        "opportunity": opportunity,
        "plans": selectors.spin_plans_of(opportunity=opportunity),
        "can_change": True,
        "import_form": form,
        "import_errors": result.errors if result else [],
    }
    return render(request, "buyingcenter/spin_plans.html", context, status=400)


@login_required
@require_GET
def spin_library(request):
    return render(
        request,
        "buyingcenter/spin_library.html",
        {"library": selectors.spin_library(user=request.user), "can_keep": _library_keeper(request.user)},
    )


@login_required
def spin_question_create(request):
    if not _library_keeper(request.user):
        raise PermissionDenied(_("Only managers and administrators keep the SPIN library."))
    form = SpinQuestionForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            services.spin_question_create(actor=request.user, data=form.changed_data_dict())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question added to the library."))
            return redirect("buyingcenter:spin_library")
    return render(request, "buyingcenter/spin_question_form.html", {"form": form})


@login_required
def spin_question_edit(request, pk):
    question = selectors.spin_question_get(user=request.user, pk=pk, action="change")
    form = SpinQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.spin_question_update(
                question=question,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("buyingcenter:spin_library")
    return render(request, "buyingcenter/spin_question_form.html", {"form": form, "question": question})


@login_required
def spin_question_delete(request, pk):
    question = selectors.spin_question_get(user=request.user, pk=pk, action="delete")
    back = reverse("buyingcenter:spin_library")
    if request.method == "POST":
        try:
            services.spin_question_delete(question=question, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Question deleted."))
        return redirect(back)
    return render(request, "core/confirm_delete.html", {"object": question, "cancel_url": back})


@login_required
@require_GET
def value_calculator(request):
    """The value calculator on its own (M4.6): baseline, saving, price and horizon → the value statement."""
    form = ValueCalculatorForm(request.GET or None)
    result = statement = amounts = None
    if form.is_bound and form.is_valid():
        inputs, currency = form.inputs(), form.cleaned_data["currency"]
        result = value.compute(inputs)
        statement = value.statement(
            inputs,
            result,
            volume_unit=form.cleaned_data["volume_unit"],
            quantity_unit=form.cleaned_data["quantity_unit"],
            currency=currency,
        )
        amounts = {k: value.money(getattr(result, k), currency) for k in ("monthly", "yearly", "total")}
    context = {"form": form, "result": result, "statement": statement, "amounts": amounts}
    if request.htmx and not request.htmx.boosted:
        return render(request, "buyingcenter/partials/_value_result.html", context)
    return render(request, "buyingcenter/value_calculator.html", context)

"""Pages for accounts (the 360° view), contacts with the org chart, and the contact log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts import selectors, services
from kam.accounts.filtersets import AccountFilterSet, ContactFilterSet, InteractionFilterSet
from kam.accounts.forms import (
    AccountForm,
    AccountTeamMemberForm,
    ContactForm,
    ExchangeRatesForm,
    InteractionForm,
    ReportsToForm,
)
from kam.accounts.panels import panels_for
from kam.api.pagination import keyset_page
from kam.audit.selectors import history_for_account
from kam.core.views import add_service_errors
from kam.users.access import account_scope_parts, can
from kam.users.services import ensure_can_write

ACCOUNT_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
}


def _org_chart_context(account, can_change: bool) -> dict:
    """What the org-chart block needs: the tree for ECharts and the contacts table under it."""
    return {
        "account": account,
        "can_change": can_change,
        "org_chart": selectors.org_chart(account=account),
        "contacts": account.contacts.select_related("reports_to").order_by("name"),
    }


#: What the list's table shows (and keyset pagination sorts by): fifty rows of the whole archive and of
#: their owners cost more to load than the page takes to render.
LIST_COLUMNS = (
    "name", "code", "region", "status", "tier", "updated_at",
    "industry__name", "industry__name_en",
    "owner__full_name", "owner__first_name", "owner__last_name", "owner__username",
)  # fmt: skip


@login_required
@require_GET
def account_list(request):
    filterset = AccountFilterSet(
        request.GET, queryset=selectors.account_list(user=request.user).only(*LIST_COLUMNS), request=request
    )
    page = keyset_page(
        request,
        filterset.qs,
        orderings=ACCOUNT_ORDERINGS,
        default="name",
        parts=account_scope_parts(request.user),
    )
    context = {"filter": filterset, "page": page, "orderings": ACCOUNT_ORDERINGS}
    template = (
        "accounts/partials/_account_table.html"
        if request.htmx and not request.htmx.boosted
        else ("accounts/account_list.html")
    )
    return render(request, template, context)


@login_required
@require_GET
def account_lookup(request):
    """Autocomplete for picking an account (parent account and the like)."""
    accounts = selectors.account_search(
        user=request.user,
        query=request.GET.get(next((k for k in request.GET if k.endswith("__q")), "q"), ""),
        limit=10,
    )
    return render(request, "accounts/partials/_lookup_results.html", {"accounts": accounts})


@login_required
def account_create(request):
    ensure_can_write(request.user)
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            account = services.account_create(actor=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account “%(name)s” created.") % {"name": account.name})
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form})


@login_required
def account_edit(request, pk):
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                account=account,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


@login_required
def account_delete(request, pk):
    account = selectors.account_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            services.account_delete(account=account, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:delete", pk=account.pk)
        messages.success(request, _("Account “%(name)s” deleted.") % {"name": account.name})
        return redirect("accounts:list")
    blockers = selectors.account_delete_blockers(account=account)
    return render(request, "accounts/account_confirm_delete.html", {"account": account, "blockers": blockers})


#: Changes shown on the account page; the audit log, filtered to the account, has all of them.
HISTORY_LIMIT = 50


@login_required
@require_GET
def account_detail(request, pk):
    """The account's 360°: archive, team, contacts and org chart, contact log, next steps, history."""
    account = selectors.account_get(user=request.user, pk=pk)
    user = request.user
    history = list(history_for_account(account=account, limit=HISTORY_LIMIT + 1))
    interactions = account.interactions.select_related("owner").prefetch_related("their_people", "our_people")
    context = {
        **_org_chart_context(account, can(user, "change", account)),
        "can_delete": can(user, "delete", account),
        "team": selectors.account_team(account=account),
        "interactions": interactions[:50],
        "open_next_steps": interactions.filter(next_step_done=False)
        .exclude(next_step="")
        .order_by("next_step_due"),
        "history": history[:HISTORY_LIMIT],
        "history_limit": HISTORY_LIMIT,
        "history_more": len(history) > HISTORY_LIMIT,
        "subsidiaries": selectors.account_list(user=user).filter(parent=account)[:20],
        "team_form": AccountTeamMemberForm(user=user),
        "panels": panels_for(user=user, account=account),
    }
    return render(request, "accounts/account_detail.html", context)


@login_required
@require_POST
def account_team_add(request, pk):
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    form = AccountTeamMemberForm(request.POST, user=request.user)
    if form.is_valid():
        services.account_team_add(
            account=account,
            actor=request.user,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("Account team updated."))
    else:
        messages.error(request, _("Choose a person and a role."))
    return redirect("accounts:detail", pk=pk)


@login_required
@require_POST
def account_team_remove(request, pk, member_pk):
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    member = get_object_or_404(account.team_members, pk=member_pk)
    services.account_team_remove(member=member, actor=request.user)
    messages.success(request, _("%(user)s removed from the account team.") % {"user": member.user})
    return redirect("accounts:detail", pk=pk)


# Contacts ---------------------------------------------------------------------------------------


CONTACT_ORDERINGS = {"name": ("name", "id"), "-updated_at": ("-updated_at", "-id")}


@login_required
@require_GET
def contact_list(request):
    filterset = ContactFilterSet(
        request.GET, queryset=selectors.contact_list(user=request.user), request=request
    )
    page = keyset_page(request, filterset.qs, orderings=CONTACT_ORDERINGS, default="name")
    return render(request, "accounts/contact_list.html", {"filter": filterset, "page": page})


@login_required
def contact_create(request, account_pk):
    account = selectors.account_get(user=request.user, pk=account_pk, action="change")
    form = ContactForm(
        request.POST or None, account=account, initial={"reports_to": request.GET.get("reports_to")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user, account=account, data=form.changed_data_dict()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” added.") % {"name": contact.name})
            if "add_another" in request.POST:
                return redirect("accounts:contact_create", account_pk=account.pk)
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/contact_form.html", {"form": form, "account": account})


@login_required
def contact_edit(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk, action="change")
    form = ContactForm(request.POST or None, instance=contact, account=contact.account)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact,
                actor=request.user,
                data=form.changed_data_dict(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("accounts:detail", pk=contact.account_id)
    return render(
        request, "accounts/contact_form.html", {"form": form, "account": contact.account, "contact": contact}
    )


@login_required
def contact_delete(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        services.contact_delete(contact=contact, actor=request.user)
        messages.success(request, _("Contact “%(name)s” deleted.") % {"name": contact.name})
        return redirect("accounts:detail", pk=contact.account_id)
    return render(
        request, "core/confirm_delete.html", {"object": contact, "cancel_url": contact.get_absolute_url()}
    )


@login_required
@require_POST
def contact_reports_to(request, pk):
    """Set reports-to from the org chart; answers with the refreshed chart data (htmx) or redirects."""
    contact = selectors.contact_get(user=request.user, pk=pk, action="change")
    form = ReportsToForm(request.POST, contact=contact)
    if not form.is_valid():
        return HttpResponse(_("Choose a contact of the same account."), status=400)
    try:
        services.contact_set_reports_to(
            contact=contact, actor=request.user, manager=form.cleaned_data["reports_to"]
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        return render(request, "accounts/partials/_org_chart.html", _org_chart_context(contact.account, True))
    return redirect("accounts:detail", pk=contact.account_id)


# Contact log ------------------------------------------------------------------------------------

INTERACTION_ORDERINGS = {
    "-occurred_on": ("-occurred_on", "-id"),
    "occurred_on": ("occurred_on", "id"),
}


@login_required
@require_GET
def interaction_list(request):
    filterset = InteractionFilterSet(
        request.GET, queryset=selectors.interaction_list(user=request.user), request=request
    )
    page = keyset_page(request, filterset.qs, orderings=INTERACTION_ORDERINGS, default="-occurred_on")
    return render(request, "accounts/interaction_list.html", {"filter": filterset, "page": page})


@login_required
def interaction_create(request, account_pk):
    account = selectors.account_get(user=request.user, pk=account_pk, action="change")
    form = InteractionForm(
        request.POST or None, account=account, user=request.user, initial={"our_people": [request.user.pk]}
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.changed_data_dict(), **form.m2m_data()}
        try:
            services.interaction_create(actor=request.user, account=account, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact logged."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/interaction_form.html", {"form": form, "account": account})


@login_required
def interaction_edit(request, pk):
    interaction = selectors.interaction_get(user=request.user, pk=pk, action="change")
    form = InteractionForm(
        request.POST or None, instance=interaction, account=interaction.account, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_update(
                interaction=interaction,
                actor=request.user,
                data={**form.changed_data_dict(), **form.m2m_data()},
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact log entry saved."))
            return redirect("accounts:detail", pk=interaction.account_id)
    return render(
        request,
        "accounts/interaction_form.html",
        {"form": form, "account": interaction.account, "interaction": interaction},
    )


@login_required
def interaction_delete(request, pk):
    interaction = selectors.interaction_get(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        services.interaction_delete(interaction=interaction, actor=request.user)
        messages.success(request, _("Contact log entry deleted."))
        return redirect("accounts:detail", pk=interaction.account_id)
    return render(
        request,
        "core/confirm_delete.html",
        {"object": interaction, "cancel_url": interaction.get_absolute_url()},
    )


@login_required
@require_POST
def next_step_toggle(request, pk):
    interaction = selectors.interaction_get(user=request.user, pk=pk, action="change")
    done = request.POST.get("done", "1") == "1"
    services.interaction_complete_next_step(interaction=interaction, actor=request.user, done=done)
    if request.htmx:
        row = {"step": interaction, "can_change": True}
        return render(request, "accounts/partials/_next_step_row.html", row)
    return redirect(request.POST.get("next") or "accounts:next_steps")


@login_required
@require_GET
def next_steps(request):
    show_done = request.GET.get("done") == "1"
    steps = selectors.my_next_steps(user=request.user, include_done=show_done)
    context = {"steps": steps[:200], "show_done": show_done, "can_change": request.user.can_write}
    return render(request, "accounts/next_steps.html", context)


@login_required
def exchange_rates(request):
    """The exchange rates totals are converted with (docs/adr/0004-reporting-currency.md): everyone reads
    them; administrators change them, all rates of the form at once or none."""
    rows = selectors.exchange_rate_table(user=request.user)
    can_change = request.user.is_admin and request.user.can_write
    form = ExchangeRatesForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            changes = form.changes()
            with transaction.atomic():
                for code, rate, version in changes:
                    try:
                        services.exchange_rate_set(
                            actor=request.user, currency=code, rate=rate, expected_version=version
                        )
                    except ValidationError as error:
                        form.add_rate_error(code, error)
                if form.errors:
                    transaction.set_rollback(True)
            if not form.errors:
                if changes:
                    messages.success(request, _("Exchange rates saved."))
                return redirect("accounts:exchange_rates")
    context = {
        "rows": rows,
        "form": form,
        "can_change": can_change,
        "reporting_currency": selectors.reporting_currency(),
    }
    return render(request, "accounts/exchange_rates.html", context, status=400 if form.errors else 200)

"""People and teams, API tokens, handover."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.models import AuthToken

from kam.accounts.selectors import team_tree, user_list
from kam.core.views import add_service_errors
from kam.users import services
from kam.users.forms import HandoverForm, TokenForm
from kam.users.handover import handover_execute, handover_kinds, handover_preview


@login_required
def people(request):
    users = user_list(user=request.user, active_only=False).order_by("team__name", "username")
    return render(request, "users/people.html", {"people": users, "teams": team_tree(user=request.user)})


@login_required
@require_POST
def person_active(request, pk):
    person = get_object_or_404(user_list(user=request.user, active_only=False), pk=pk)
    try:
        if request.POST.get("active") == "1":
            services.user_reactivate(user=person, actor=request.user)
            messages.success(request, _("%(user)s reactivated.") % {"user": person})
        else:
            services.user_deactivate(user=person, actor=request.user)
            messages.success(
                request, _("%(user)s deactivated; their sessions and API tokens ended.") % {"user": person}
            )
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("users:list")


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(
            user=request.user, actor=request.user, days=form.cleaned_data["days"]
        )
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": AuthToken.objects.filter(user=request.user).order_by("-created"),
    }
    return render(request, "users/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_key):
    token = get_object_or_404(AuthToken, user=request.user, token_key=token_key)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("users:tokens")


@login_required
def handover(request):
    """Preview, then move everything one person owns to another (admins; managers in their team)."""
    if not (request.user.is_admin or request.user.role == "manager"):
        raise PermissionDenied
    form = HandoverForm(
        request.POST or request.GET or None, users=user_list(user=request.user, active_only=False)
    )
    preview = moved = None
    if form.is_bound and form.is_valid():
        from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
        if request.method == "POST" and "confirm" in request.POST:
            try:
                moved = handover_execute(from_user=from_user, to_user=to_user, actor=request.user)
                if form.cleaned_data["deactivate"]:
                    services.user_deactivate(user=from_user, actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                labels = {kind.key: kind.label for kind in handover_kinds()}
                messages.success(
                    request,
                    _("Handover done: %(count)d records moved to %(user)s (%(detail)s).")
                    % {
                        "count": sum(moved.values()),
                        "user": to_user,
                        "detail": " · ".join(f"{labels[key]} {count}" for key, count in moved.items()),
                    },
                )
        preview = handover_preview(from_user=from_user)
    return render(request, "users/handover.html", {"form": form, "preview": preview, "moved": moved})

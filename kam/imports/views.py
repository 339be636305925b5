"""Import / export pages: templates, upload with dry run, a job page that polls progress, exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.imports import selectors, services, writers
from kam.imports.files import CSV_TYPE, xlsx_response
from kam.imports.forms import ImportForm
from kam.imports.models import ImportKind
from kam.users.services import ensure_can_write

FORMATS = ("csv", "xlsx")


def _kind(kind: str) -> str:
    if kind not in ImportKind.values:
        raise Http404
    return kind


@login_required
def index(request):
    """Every kind with its templates and exports, the upload form and the user's recent jobs."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        ensure_can_write(request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = services.import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                upload=upload,
            )
            return redirect(services.import_job_enqueue(job=job))
    services.import_jobs_reap()
    jobs = list(selectors.import_job_list(user=request.user).filter(created_by=request.user)[:10])
    kind = request.GET.get("kind") or (jobs[0].kind if jobs else None)
    if kind in ImportKind.values and not form.is_bound:  # preselect what the user was importing
        form = ImportForm(initial={"kind": kind})
    context = {"form": form, "kinds": ImportKind, "jobs": jobs}
    return render(request, "imports/index.html", context)


@login_required
@require_GET
def job_detail(request, pk):
    """The job's progress (htmx polls it every second while it runs), then its errors or its result."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    own = job.created_by_id == request.user.pk
    context = {
        "job": job,
        "committed": job.commits.order_by("-id").first() if job.dry_run else None,
        "can_commit": own and request.user.can_write and job.can_be_committed,
    }
    template = "imports/partials/_job_status.html" if request.htmx else "imports/job.html"
    return render(request, template, context)


@login_required
@require_POST
def job_commit(request, pk):
    ensure_can_write(request.user)
    job = selectors.import_job_get(user=request.user, pk=pk, action="change")
    if job.created_by_id != request.user.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can commit it."))
    return redirect(services.import_job_commit(job=job, actor=request.user))


def _download_name(kind: str, suffix: str, fmt: str) -> str:
    return f"kam-{kind}-{suffix}.{fmt}"


@login_required
@require_GET
def template(request, kind, fmt):
    """An empty file with the header row; the XLSX one explains each column on a second sheet."""
    kind = _kind(kind)
    header = services.template_header(kind)
    if fmt == "csv":
        response = HttpResponse("".join(writers.csv_lines([header])), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{_download_name(kind, "template", fmt)}"'
        return response
    if fmt != "xlsx":
        raise Http404
    return xlsx_response(
        [header],
        title=kind,
        file_name=_download_name(kind, "template", fmt),
        extra_sheets={_("Help"): services.template_help(kind, user=request.user)},
    )


@login_required
@require_GET
def export(request, kind):
    """What the user may see of `kind`, narrowed by the list page's filters, as CSV or XLSX.

    `?format=` picks the format (CSV by default); the other parameters are the list page's filters.
    """
    kind = _kind(kind)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    rows = services.export_rows(kind=kind, user=request.user, filters=request.GET, request=request)
    file_name = _download_name(kind, timezone.localdate().isoformat(), fmt)
    if fmt == "xlsx":
        return xlsx_response(rows, title=kind, file_name=file_name)
    response = StreamingHttpResponse(writers.csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response

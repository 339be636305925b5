"""The background half of an upload: the worker (`kam db_worker`) reads the stored file and imports it."""

from django.utils import translation
from django_tasks import task

from kam.core.request_context import request_id_scope
from kam.imports.models import ImportJob, ImportStatus
from kam.imports.services import import_run


@task()
def run_import_job(job_id: int) -> str:
    """Run a queued job once, in the uploader's language and under the upload's request id."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job.status
    with job.file.open("rb") as stored:
        data = stored.read()
    with request_id_scope(job.request_id or None), translation.override(job.language):
        import_run(job=job, actor=job.created_by, data=data)
    return job.status

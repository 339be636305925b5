"""The background half of Recompute: the worker (`kam db_worker`) runs a queued tiering run."""

from django.utils import translation
from django_tasks import task

from kam.core.request_context import request_id_scope
from kam.tiering.models import TieringRun
from kam.tiering.services import tiering_run_execute


@task()
def run_tiering(run_id: int) -> str:
    """Run a queued run once, in the language and under the request id of whoever asked for it."""
    run = TieringRun.objects.get(pk=run_id)
    with request_id_scope(run.request_id or None), translation.override(run.language or None):
        try:
            run = tiering_run_execute(run=run)
        except Exception:  # recorded on the run (status "failed", its error) for the page to show
            run.refresh_from_db()
    return run.status

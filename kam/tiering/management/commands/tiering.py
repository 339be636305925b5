"""`kam tiering recompute [--as-of DATE] [--user NAME]`: tier every account with the active model now."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from kam.core.request_context import request_id_scope
from kam.tiering import services
from kam.tiering.models import RunStatus
from kam.users.models import User


class Command(BaseCommand):
    help = (
        "Tiering (M1). `recompute`: score every account with the active model (the default scorecard is "
        "created if there is none), write the tiers and their changes, print the run's summary as JSON."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        recompute = commands.add_parser("recompute", help="run the active model now")
        recompute.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="data as of this day (default today)"
        )
        recompute.add_argument("--user", help="record the run as this user's (default: the system)")

    def handle(self, *args, **options):
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        with request_id_scope():
            try:
                run = services.tiering_recompute(actor=actor, as_of=options.get("as_of"))
            except Exception as error:  # the run row says it failed; the command says why
                raise CommandError(f"The run failed: {error}") from error
        if run.status != RunStatus.DONE:
            raise CommandError(f"Run #{run.pk} is {run.status}: another run was under way.")
        summary = {
            "run": run.pk,
            "model": run.model.name,
            "model_version": run.model_version,
            "as_of": run.as_of.isoformat(),
            "accounts": run.accounts,
            "seconds": run.seconds,
            "tiers": run.summary["tiers"],
            "changes": run.summary["changes"],
            "timings": run.summary["timings"],
            "warnings": run.summary["warnings"],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

import time

from django.core.management.base import BaseCommand, CommandError

from kam.pipeline import summary


class Command(BaseCommand):
    help = (
        "Check the forecast summary against the opportunities (the default), or --rebuild it from scratch. "
        "Writes keep it exact; a rebuild is for bulk loads that bypass the services and for repairs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="replace the summary by a fresh aggregation"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["rebuild"]:
            rows = summary.rebuild()
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(f"Forecast summary rebuilt: {rows:,} rows in {seconds:.1f} s.")
            )
            return
        wrong = summary.differences()
        seconds = time.perf_counter() - started
        for row in wrong[:20]:
            self.stderr.write(str(row))
        if wrong:
            raise CommandError(
                f"The forecast summary differs from the opportunities in {len(wrong):,} keys "
                "(run `kam forecast_summary --rebuild`)."
            )
        self.stdout.write(self.style.SUCCESS(f"Forecast summary is exact (checked in {seconds:.1f} s)."))

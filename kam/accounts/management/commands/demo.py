from django.core.management.base import BaseCommand

from kam.accounts.demo import DEMO_PASSWORD, USERS, load_demo
from kam.buyingcenter.demo import load_buying_center_demo
from kam.buyingcenter.spin_demo import load_spin_demo
from kam.competition.demo import load_competition_demo
from kam.core.request_context import request_id_scope
from kam.pipeline.demo import load_pipeline_demo
from kam.planning.demo import load_planning_demo
from kam.service.demo import load_service_demo
from kam.tiering.demo import load_tiering_demo, load_tiering_run_demo


class Command(BaseCommand):
    help = "Load the demo company (idempotent): users, teams, industries, SPD Bank, Shanghai Tobacco …"

    def handle(self, *args, **options):
        with request_id_scope():
            counts = load_demo()
            counts["opportunities_created"] = load_pipeline_demo()
            counts["ledger_rows_added"] = load_tiering_demo()
            counts["stakeholders_added"] = load_buying_center_demo()
            counts["spin_plans_added"] = load_spin_demo()
            counts["evaluations_and_matrices_added"] = load_competition_demo()
            counts["tiering_runs_added"] = load_tiering_run_demo()
            counts["planning_records_added"] = load_planning_demo()
            counts["service_accounts_added"] = load_service_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, team, _title in USERS:
            self.stdout.write(f"  {username:<10} {role:<8} {team or '':<30} {full_name}")

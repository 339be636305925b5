"""The forecast summary gets the deals' currency in its key (docs/adr/0004-reporting-currency.md).

Until now every amount was summed as if it were CNY; the rows are rebuilt from the opportunities so that
each currency has its own sum, which readers convert at the exchange rates when they read.
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    """Aggregate the opportunities again, now per currency (what `kam forecast_summary --rebuild` runs)."""
    from kam.pipeline.summary import rebuild as rebuild_summary

    rebuild_summary(
        models={
            name: apps.get_model(label)
            for name, label in [
                ("Account", "accounts.Account"),
                ("Opportunity", "pipeline.Opportunity"),
                ("StageTransition", "pipeline.StageTransition"),
                ("ForecastSummary", "pipeline.ForecastSummary"),
            ]
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_exchange_rate"),
        ("pipeline", "0004_funnel_benchmark"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="forecastsummary",
            name="forecast_summary_key",
        ),
        migrations.AddField(
            model_name="forecastsummary",
            name="currency",
            field=models.CharField(
                choices=[("CNY", "CNY ¥"), ("USD", "USD $"), ("EUR", "EUR €"), ("HKD", "HKD $")],
                default="CNY",
                max_length=3,
                verbose_name="currency",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="forecastsummary",
            constraint=models.UniqueConstraint(
                fields=(
                    "process",
                    "status",
                    "account_owner",
                    "stage",
                    "month",
                    "owner",
                    "reached",
                    "currency",
                ),
                name="forecast_summary_key",
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]

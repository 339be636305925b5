"""Every installation starts with the method's default sales process (M3.2), editable afterwards."""

from django.db import migrations


def forward(apps, schema_editor):
    from kam.pipeline.defaults import create_default_process

    SalesProcess = apps.get_model("pipeline", "SalesProcess")
    if not SalesProcess.objects.exists():
        create_default_process(
            SalesProcess=SalesProcess,
            Stage=apps.get_model("pipeline", "Stage"),
            StageCriterion=apps.get_model("pipeline", "StageCriterion"),
            SalesAid=apps.get_model("pipeline", "SalesAid"),
        )


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

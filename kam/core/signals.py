"""Signals of writes that bypass Model.save(): imports and handovers write in bulk, so post_save never
fires for them. Apps that keep data derived from other apps' records listen here as well as to
post_save / post_delete.

`bulk_written(sender=<model class>, account_ids=<set of account ids touched>)` is sent inside the
writing transaction, after the rows are written.
"""

from django.dispatch import Signal

bulk_written = Signal()

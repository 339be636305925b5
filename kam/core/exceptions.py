from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleEditError(ValidationError):
    """Raised when a record changed after the user loaded it: their edit must not overwrite it."""

    def __init__(self, instance=None):
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Reload the page to see their "
                "changes, then apply yours again."
            ),
            code="stale",
        )
        self.instance = instance

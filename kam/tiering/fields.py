"""Money stored as whole cents: a Decimal to Python, forms, the API and the audit log; BIGINT in the database.

Why: the ledger holds millions of rows that are summed into monthly rollups. SQLite keeps DECIMAL columns as
floating point, so its sums drift; whole cents sum exactly on both databases, are the cheapest type to COPY
and to aggregate, and the bulk import can write them as plain ints. ARCHITECTURE §3 ("money is Decimal")
still holds wherever the value leaves the database.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> int:
    """Decimal yuan → int cents (half up; callers validate two decimal places before)."""
    return int(value.scaleb(2).to_integral_value(ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENT)


class CentsField(models.DecimalField):
    """A DecimalField (two places) whose column is BIGINT holding cents."""

    def __init__(self, *args, max_digits: int = 16, decimal_places: int = 2, **kwargs):
        if decimal_places != 2:
            raise ValueError("CentsField has exactly two decimal places.")
        super().__init__(*args, max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def get_internal_type(self) -> str:
        """Its own type, so that nothing treats the column as a decimal (SQLite's decimal converter) nor the
        value as an integer (kam.core.bulk passes native types through; this one needs get_db_prep_value)."""
        return "CentsField"

    def db_type(self, connection) -> str:
        return connection.data_types["BigIntegerField"]

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.to_python(value)
        return None if value is None else to_cents(value)

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_cents(value)

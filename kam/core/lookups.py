"""`field__any=[…]`: membership in a list that the database receives as one parameter."""

import json

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup  # foreign keys take only the lookups registered from ForeignObject down
@Field.register_lookup
class AnyOf(Lookup):
    """`field = ANY(%s)` with the whole list as one array parameter on PostgreSQL; on SQLite
    `IN (SELECT value FROM json_each(%s))` with the list as one JSON text.

    Why: with `__in`, Django prepares and psycopg splits one placeholder per value on every query — for the
    ~570 accounts a member sees, ~4 ms of CPU a query, ~35 ms for the board's eight column queries. SQLite
    allows at most 32,766 parameters a query, and binding a ledger file's 100,000 account codes 900 at a
    time took 111 queries. PostgreSQL gets the values as given (ids, codes), cast to the column's type;
    SQLite gets each prepared by the field as for a query parameter (a date as its ISO text), because a
    value read from JSON carries no column affinity: 110 would not find the code "110".
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        if connection.vendor == "postgresql":
            # the column's own type: psycopg sends small ints as int4[], and `bigint = ANY(int4[])` is a
            # cross-type test PostgreSQL cannot hash, which priced a member's opportunity list into a
            # parallel scan (7.6 → 38 ms)
            kind = field.db_type(connection)
            return f"{lhs} = ANY(%s::{kind}[])", [*lhs_params, list(self.rhs)]
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values, default=str)]

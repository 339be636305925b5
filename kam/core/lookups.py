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
    allows at most 32,766 parameters a query, and binding 100,000 account codes of a ledger file 900 at a
    time took 111 queries. The values are used as given (ids, codes), not converted one by one.
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            # the column's own type: psycopg sends small ints as int4[], and `bigint = ANY(int4[])` is a
            # cross-type test PostgreSQL cannot hash, which priced a member's opportunity list into a
            # parallel scan (7.6 → 38 ms)
            kind = self.lhs.output_field.db_type(connection)
            return f"{lhs} = ANY(%s::{kind}[])", [*lhs_params, values]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values)]

"""``path__subtree=P``: a node and all its descendants, as an index range scan.

``path LIKE 'P%'`` cannot use an index on SQLite (its LIKE is case-insensitive) nor,
when P comes from an outer query, on PostgreSQL. Paths use only ``0-9A-Z``, so the
subtree of P is exactly the range ``P <= path < P || '~'`` under byte order, which
both databases answer from the path index. PostgreSQL compares ``path`` in the "C"
collation (migration orgs.0002) so that its order is byte order there too.
"""

from __future__ import annotations

from django.db.models import Lookup

UPPER = "~"  # sorts after every character of treebeard's alphabet (0-9, A-Z)


class SubtreeLookup(Lookup):
    lookup_name = "subtree"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        concat = f"({rhs} || '{UPPER}')"
        return f"({lhs} >= {rhs} AND {lhs} < {concat})", [*lhs_params, *rhs_params, *lhs_params, *rhs_params]

"""Writing the index: the only code that touches the search tables.

Writes are incremental and done once per transaction: the signal handlers `mark` what
changed, and when the transaction commits (`transaction.on_commit`) the marked objects are
indexed together — each document updated in place, inserted or deleted once, however many
saves, m2m changes and activity rows named it. A search in the same transaction `flush`es
first, so it reads its own writes. Besides one SearchDocument (and its SearchFacet rows) per
object, the flush keeps two derived structures in step:
  * SearchFacetCount, facet counts per visibility bucket, by deltas (+1 for the new rows,
    -1 for the replaced ones), so the plain catalog never counts 100,000 rows;
  * SearchTerm, the words of titles, for typo correction.
A full rebuild inserts in bulk and recomputes both with set-based SQL (`refresh_derived`).
"""

from search.index.incremental import flush, mark, rescope_project
from search.index.rebuilds import PG_REBUILT_INDEXES, rebuild, rebuild_online, refresh_derived

__all__ = ["PG_REBUILT_INDEXES", "flush", "mark", "rebuild", "rebuild_online", "refresh_derived",
           "rescope_project"]

"""Counts of suggestions by group, kept up to date in the build's store.

Lists and figures count every suggestion: a month's list shows how many
were received that month, the statistics count every case by year, lead
unit, category and source, a unit's pages its cases by year. Counting them
again on every build would cost every build the size of the site, so each
suggestion's *contributions* are summed in the store (table ``agg``):

    (dimension, group, second group, facts) -> (number, sum of list hashes)

``facts`` is what the case adds to a Tally today (tally.facts) and the list
hash stands for its list item today (catalog: h1 when overdue, else h0), so
a group's fingerprint is its number and hash sum. What a suggestion
contributes is defined once, in SQL (``CONTRIBUTIONS``): a build takes away
what the suggestions about to change contribute, changes them, and adds what
they contribute now. A build on another day than the counts' counts them all
again (overdue states change with the day).

Dimensions (groups): ``month`` (the month received), ``cy`` (category,
year), ``sy`` (state, year), ``uy`` (unit, year; a unit leads or assists,
and one it both leads and assists counts the case twice, as its page lists
it twice), ``lead`` (lead unit), ``source``, ``assigned`` (the month of
assignment (a month index) of a case the bulletins count; its hash is that
of its list digest whatever the day) and ``b`` (lead unit, figure, month index: the
changes of the bulletins' figures; the hash column holds their sum).
"""

import json
from collections import defaultdict

from .statistics import BULLETIN_CASE, changes_sql
from .tally import OVERDUE

DIMENSIONS = ("month", "cy", "sy", "uy", "lead", "source", "assigned", "b")


def contributions_sql(today, where="1"):
    """What the suggestions ``where`` selects (SQL on ``suggestion s``)
    contribute today: rows (dimension, group, second group, facts, list hash)."""
    day = today.toordinal()
    facts = f"CASE WHEN s.open_deadline < {day} THEN s.facts | {OVERDUE} ELSE s.facts END"
    listed = f"CASE WHEN (s.late OR s.open_deadline < {day}) THEN s.h1 ELSE s.h0 END"
    each = f"{facts}, {listed} FROM suggestion s"
    return " UNION ALL ".join([
        f"SELECT 'month', s.month, '', {each} WHERE {where}",
        f"SELECT 'cy', s.category_slug, s.month / 100, {each} WHERE {where}",
        f"SELECT 'sy', s.status, s.month / 100, {each} WHERE {where}",
        f"SELECT 'uy', u.unit, s.month / 100, {each} JOIN suggestion_unit u ON u.key = s.key WHERE {where}",
        f"SELECT 'lead', s.lead_unit, '', {each} WHERE s.lead_unit IS NOT NULL AND {where}",
        f"SELECT 'source', s.source, '', {each} WHERE {where}",
        # The bulletins: cases assigned to a lead unit with a deadline, by month
        # of assignment (a month index, statistics.month_index) ...
        f"SELECT 'assigned', s.am, '', '', s.h0 FROM suggestion s WHERE {BULLETIN_CASE} AND {where}",
        # ... and the changes of their figures by lead unit, figure and month (statistics.py).
        f"SELECT 'b', * FROM ({changes_sql(today, where)})",
    ])


class Aggregates:
    def __init__(self, store, today):
        self.store, self.db, self.today = store, store.db, today
        self.pending = defaultdict(lambda: [0, 0])  # (dimension, g1, g2, facts) -> [number, hash sum]
        self.taken = set()  # keys whose contributions were taken away

    def recount(self):
        """Count every suggestion again (a first build, another day)."""
        self.db.execute("DELETE FROM agg")
        self.db.execute(f"WITH c(d, g1, g2, f, h) AS ({contributions_sql(self.today)}) "
                        f"INSERT INTO agg (dim, g1, g2, facts, n, h) SELECT d, g1, g2, f, count(*), sum(h) "
                        f"FROM c GROUP BY 1, 2, 3, 4")
        self.store.put("agg_day", self.today.isoformat())

    def _add(self, keys, sign):
        query = contributions_sql(self.today, "s.key IN (SELECT value FROM json_each(?))")
        rows = self.db.execute(query, (json.dumps(sorted(keys)),) * len(DIMENSIONS)).fetchall()
        for dim, g1, g2, facts, h in rows:
            total = self.pending[(dim, g1, g2, facts)]
            total[0] += sign
            total[1] += sign * h

    def before(self, keys):
        """Take away what ``keys`` contribute now (call before changing them)."""
        keys = set(keys) - self.taken
        if keys:
            self._add(keys, -1)
            self.taken |= keys

    def after(self, added):
        """Add what the suggestions taken away and the ``added`` ones contribute
        now (after the changes), and keep the sums."""
        keys = [k for (k,) in self.store.select_in("SELECT key FROM suggestion WHERE key IN", self.taken | set(added))]
        if keys:
            self._add(keys, +1)
        self._flush()

    def _flush(self):
        rows = [(*group, n, h) for group, (n, h) in self.pending.items() if n or h]
        self.db.executemany("INSERT INTO agg (dim, g1, g2, facts, n, h) VALUES (?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (dim, g1, g2, facts) DO UPDATE SET n = n + excluded.n, h = h + excluded.h",
                            rows)
        self.db.execute("DELETE FROM agg WHERE n = 0")
        self.pending.clear()

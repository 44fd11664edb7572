"""Counts and rates over a set of suggestions, with one definition each.

The definitions are stated on the pages that show them; keep them in step.
"""


class Tally:
    def __init__(self, suggestions, today):
        items = [s for s in suggestions if s.state not in ("merged", "rejected", "withdrawn")]
        self.total = len(items)
        self.assigned = sum(1 for s in items if s.assigned)
        self.answered = sum(1 for s in items if s.answered)
        self.closed = sum(1 for s in items if s.state == "closed")
        self.on_time = sum(1 for s in items if s.answered_on_time)
        self.overdue = sum(1 for s in items if not s.answered and s.is_overdue(today))
        evaluated = [s for s in items if s.evaluated]
        self.evaluated = len(evaluated)
        self.satisfied = sum(1 for s in evaluated if s.final_satisfaction in ("满意", "基本满意"))
        self.face_to_face = sum(1 for s in items if s.answered and s.face_to_face)
        # Cases left out of every figure above, by end state.
        self.excluded = {state: sum(1 for s in suggestions if s.state == state)
                         for state in ("merged", "rejected", "withdrawn")}

    @staticmethod
    def _rate(part, whole):
        return None if not whole else round(100.0 * part / whole, 1)

    @property
    def answered_rate(self):
        """答复率: answered / accepted."""
        return self._rate(self.answered, self.total)

    @property
    def closed_rate(self):
        """办结率: closed / accepted."""
        return self._rate(self.closed, self.total)

    @property
    def on_time_rate(self):
        """按时答复率: answered by the deadline / answered."""
        return self._rate(self.on_time, self.answered)

    @property
    def satisfaction_rate(self):
        """满意率: (满意 + 基本满意) / evaluated, counting a second evaluation."""
        return self._rate(self.satisfied, self.evaluated)

    @property
    def face_to_face_rate(self):
        """面商率: answered after a face-to-face discussion / answered."""
        return self._rate(self.face_to_face, self.answered)

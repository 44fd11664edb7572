"""Counts and rates over a set of suggestions, with one definition each.

The definitions are stated on the pages that show them; keep them in step.

What a case adds to the counts is worked out once, by ``facts``: one small
value per case. A Tally counts those values (``collections.Counter``, in C)
and adds up the few dozen distinct ones, so a page or the statistics page
that tallies the same cases in several groupings works out each case's facts
once (``Tally.from_facts``).
"""

from collections import Counter

_EXCLUDED = ("merged", "rejected", "withdrawn")
_SATISFIED = ("满意", "基本满意")

# The bits of a counted case's facts.
ASSIGNED, ANSWERED, CLOSED, ON_TIME, OVERDUE, EVALUATED, SATISFIED, FACE_TO_FACE = (1 << i for i in range(8))


def facts_static(m):
    """What a case adds to a Tally whatever the day (``facts`` but the
    overdue bit), from its fields ``m`` (an object's ``__dict__``, or the
    state the store keeps of it): its end state if merged, rejected or
    withdrawn (counted in ``excluded`` only), else an int of the bits above."""
    state = m["state"]
    if state in _EXCLUDED:
        return state
    f = 0
    if m["assigned"]:
        f |= ASSIGNED
    if m["answered"]:
        f |= ANSWERED
        if m["face_to_face"]:
            f |= FACE_TO_FACE
        if m["deadline"] and m["answered"] <= m["deadline"]:
            f |= ON_TIME
    if state == "closed":
        f |= CLOSED
    if m["evaluated"]:
        f |= EVALUATED
        if (m["second_satisfaction"] or m["satisfaction"]) in _SATISFIED:
            f |= SATISFIED
    return f


def facts(s, today):
    """What ``s`` adds to a Tally on ``today``: ``facts_static``, with
    OVERDUE if it is still open past its deadline."""
    f = facts_static(s.__dict__)
    if f.__class__ is int and not s.answered and s.is_overdue(today):
        f |= OVERDUE
    return f


class Tally:
    def __init__(self, suggestions, today):
        self._count(Counter([facts(s, today) for s in suggestions]))

    @classmethod
    def from_facts(cls, values):
        """The Tally of the cases whose ``facts`` are ``values``."""
        return cls.from_counts(Counter(values))

    @classmethod
    def from_counts(cls, counts):
        """The Tally of cases counted by their facts ({facts: number})."""
        tally = cls.__new__(cls)
        tally._count(counts)
        return tally

    def _count(self, counts):
        total = assigned = answered = closed = on_time = overdue = evaluated = satisfied = face_to_face = 0
        excluded = dict.fromkeys(_EXCLUDED, 0)
        for f, n in counts.items():
            if f.__class__ is str:
                excluded[f] += n
                continue
            total += n
            if f & ASSIGNED:
                assigned += n
            if f & ANSWERED:
                answered += n
            if f & CLOSED:
                closed += n
            if f & ON_TIME:
                on_time += n
            if f & OVERDUE:
                overdue += n
            if f & EVALUATED:
                evaluated += n
            if f & SATISFIED:
                satisfied += n
            if f & FACE_TO_FACE:
                face_to_face += n
        # Accepted cases (not merged, rejected or withdrawn) ...
        self.total = total
        self.assigned = assigned
        self.answered = answered
        self.closed = closed
        self.on_time = on_time          # answered by the deadline
        self.overdue = overdue          # not answered, deadline passed
        self.evaluated = evaluated
        self.satisfied = satisfied      # 满意 or 基本满意, the second evaluation if any
        self.face_to_face = face_to_face  # answered, after a face-to-face discussion
        # Cases left out of every figure above, by end state.
        self.excluded = excluded

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

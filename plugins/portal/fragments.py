"""List items made once.

A suggestion's item in a list (the ``suggestion_item`` macro of the
theme's ``_macros.html``) shows what lists show of it -- its list digest,
overdue or not, stands for that -- and nothing of the page around it. So it
is made once per version of the suggestion and of the macro, kept in the
build's store, and reused by every list that shows the suggestion, in this
build and the next: a list page reads from the catalog only the suggestions
whose item must be made again (catalog.Listed stands for the others).

Templates use it through the ``listed`` filter: ``{{ s|listed(suggestion_item,
today) }}`` is ``{{ suggestion_item(s, today) }}``, made or reused (the build
puts its Fragments' ``item`` in the filter's place).
"""

from markupsafe import Markup


class Fragments:
    def __init__(self, store, basis):
        self.store = store
        self.basis = basis      # of _macros.html: another macro (or settings) makes every item again
        self.known = {}         # code -> (list digest, html), or None: none kept
        self.made = {}          # code -> (list digest, html), made in this process

    def prefetch(self, codes):
        """Read the kept items of ``codes`` (a list about to be made) at once."""
        missing = [code for code in codes if code not in self.known]
        self.known.update(dict.fromkeys(missing))
        for code, basis, digest, html in self.store.select_in(
                "SELECT key, basis, digest, html FROM fragment WHERE key IN", missing):
            if basis == self.basis:
                self.known[code] = (digest, html)

    def item(self, s, macro, today):
        if s.code not in self.known:
            self.prefetch([s.code])
        kept = self.known[s.code]
        if kept is not None and kept[0] == s.list_digest:
            return Markup(kept[1])
        html = str(macro(getattr(s, "suggestion", s), today))
        self.known[s.code] = self.made[s.code] = (s.list_digest, html)
        return Markup(html)

    # What a build process made, handed to the parent (writer.SiteWriter.extras).
    def take(self):
        made, self.made = self.made, {}
        return made

    def put(self, made):
        self.made.update(made)
        self.known.update(made)

    def save(self):
        """Keep the items made in this build (the caller commits)."""
        self.store.db.executemany("INSERT OR REPLACE INTO fragment (key, basis, digest, html) VALUES (?, ?, ?, ?)",
                                  [(code, self.basis, digest, html) for code, (digest, html) in self.made.items()])
        self.made = {}


def listed(s, macro, today):
    """``macro(s, today)`` (outside a build: made, not kept)."""
    return macro(getattr(s, "suggestion", s), today)

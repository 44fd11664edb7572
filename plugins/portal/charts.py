"""Charts as inline SVG, drawn at build time (no JavaScript).

Every chart is an image with a title (``role="img"``, ``aria-labelledby``)
and prints each value as text beside its bar, so nothing is told by colour
or length alone; the page puts a data table with the same numbers next to
it. Output is deterministic: integer geometry, fixed number formats.
"""

from markupsafe import Markup, escape

FONT = 14          # px, the labels' font size
CJK = FONT         # a CJK character is about one em wide
LATIN = FONT * 0.6


def text_width(text):
    return int(sum(CJK if ord(ch) > 0x2e7f else LATIN for ch in str(text))) + 1


def _open(chart_id, title, width, height):
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'font-size="{FONT}" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{chart_id}-t">{escape(title)}</title>'
            f'<desc id="{chart_id}-d">各项数值标注在图中，并列于下表。</desc>')


def hbar(chart_id, title, rows, maximum=None):
    """Horizontal bars. ``rows``: (label, value or None, value text).
    A missing value (a rate without a denominator) draws no bar."""
    label_w = max([text_width(label) for label, _, _ in rows] + [40]) + 10
    value_w = max([text_width(text) for _, _, text in rows] + [40]) + 10
    bar_w, row_h, bar_h = 320, 30, 20
    top = 4
    width, height = label_w + bar_w + value_w, top + row_h * len(rows) + 4
    scale = maximum or max([v for _, v, _ in rows if v] + [1])
    parts = [_open(chart_id, title, width, height)]
    parts.append(f'<line x1="{label_w}" y1="0" x2="{label_w}" y2="{height}" stroke="#000" stroke-width="1"/>')
    for index, (label, value, text) in enumerate(rows):
        y = top + index * row_h
        base = y + row_h // 2 + FONT // 2 - 2
        length = round(bar_w * (value or 0) / scale)
        parts.append('<g class="bar">')
        parts.append(f'<text x="{label_w - 8}" y="{base}" text-anchor="end" class="label">{escape(label)}</text>')
        if length:
            parts.append(f'<rect x="{label_w}" y="{y + (row_h - bar_h) // 2}" width="{length}" '
                         f'height="{bar_h}" class="fill"/>')
        parts.append(f'<text x="{label_w + length + 6}" y="{base}" class="value">{escape(text)}</text>')
        parts.append('</g>')
    parts.append('</svg>')
    return Markup("".join(parts))


def columns(chart_id, title, rows):
    """Vertical columns, e.g. one per month. ``rows``: (label, sublabel,
    value, value text); the sublabel (a year) is printed under the label."""
    col_w, gap, plot_h = 34, 8, 160
    left, top, bottom = 8, FONT + 10, 2 * FONT + 14
    width = left * 2 + len(rows) * (col_w + gap)
    height = top + plot_h + bottom
    scale = max([v for _, _, v, _ in rows if v] + [1])
    axis = top + plot_h
    parts = [_open(chart_id, title, width, height)]
    parts.append(f'<line x1="0" y1="{axis}" x2="{width}" y2="{axis}" stroke="#000" stroke-width="1"/>')
    for index, (label, sublabel, value, text) in enumerate(rows):
        x = left + index * (col_w + gap) + gap // 2
        middle = x + col_w // 2
        length = round(plot_h * (value or 0) / scale)
        parts.append('<g class="bar">')
        if length:
            parts.append(f'<rect x="{x}" y="{axis - length}" width="{col_w}" height="{length}" class="fill"/>')
        parts.append(f'<text x="{middle}" y="{axis - length - 4}" text-anchor="middle" class="value">'
                     f'{escape(text)}</text>')
        parts.append(f'<text x="{middle}" y="{axis + FONT + 4}" text-anchor="middle" class="label">'
                     f'{escape(label)}</text>')
        if sublabel:
            parts.append(f'<text x="{middle}" y="{axis + 2 * FONT + 8}" text-anchor="middle" '
                         f'class="sublabel">{escape(sublabel)}</text>')
        parts.append('</g>')
    parts.append('</svg>')
    return Markup("".join(parts))

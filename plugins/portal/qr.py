"""QR codes as inline SVG, made at build time with segno.

A printed notice is read by a phone camera, so every code holds an
absolute address: ``SITEURL`` when it is an absolute URL (production), else
``PORTAL_PUBLIC_URL`` (pelicanconf.py).
"""

import functools

import segno
from markupsafe import Markup, escape


class PublicURLError(ValueError):
    pass


def public_base(settings):
    for key in ("SITEURL", "PORTAL_PUBLIC_URL"):
        value = (settings.get(key) or "").strip()
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    raise PublicURLError(
        "pelicanconf.py: PORTAL_PUBLIC_URL: 打印公示上的二维码需要网站的完整地址，"
        "如 https://rd.qingshi.example.gov.cn / QR codes on printed notices need the site's "
        "absolute address; set SITEURL or PORTAL_PUBLIC_URL (e.g. https://rd.qingshi.example.gov.cn)")


def absolute(settings, path):
    return f"{public_base(settings)}/{path.lstrip('/')}"


class LazyQR:
    """A QR code made only if the page showing it is rendered: a rebuild
    that skips the page (its fingerprint stands for the URL and label)
    never makes the code."""

    def __init__(self, url, label):
        self.url, self.label = url, label
        self.render_digest = f"qr|{url}|{label}"

    def __html__(self):
        return qr_svg(url=self.url, label=self.label)


# The data mask. Any of the eight is valid (ISO/IEC 18004 7.8.2); the standard's
# automatic choice scores all eight (penalty rules N1-N4), which in segno's
# pure Python is ~4/5 of the cost of a code (~5 ms), for a small gain. Mask 3
# ((row + column) mod 3 == 0) is the one the automatic choice picks most often
# for this site's URLs (version 4-M: https://.../deputies/d-0001/ and the
# stations' pages and forms); scored on the finished symbols it is the
# lowest-penalty mask for 55% of them and on average within 1.5% of the best;
# zxing-cpp reads blurred, noisy, low-resolution renderings of them as often
# as the automatically masked codes. Fixed, it also keeps every code's bytes
# independent of segno's scoring.
MASK = 3


@functools.lru_cache(maxsize=4096)
def qr_svg(url, label):
    """The QR code of ``url`` as an inline ``<svg>`` image labelled ``label``."""
    code = segno.make(url, error="m", micro=False, mask=MASK)
    svg = code.svg_inline(border=4, omitsize=True, svgclass="qr", lineclass=None, title=label)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" '
                               'shape-rendering="crispEdges" ', 1)
    return Markup(svg)

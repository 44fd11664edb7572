"""What a page depends on, as one hash: the basis for rendering a page only
when its inputs changed.

A page's fingerprint covers the site-wide basis (templates, the plugin's
code, the settings, today's date, Pelican's own pages and news), its
template and address, and a signature of everything in its render context.
In the signature a content object stands for its ``render_digest``: the
digest of its file and of the files of the objects it displays (a
suggestion shows its units' and deputies' names, a reception day its
station and deputies), computed once by the catalog.
"""

import datetime
import hashlib
import os
from pathlib import Path

_BASIC = (str, int, float, bool, type(None))


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def signature(value, out, depth=0):
    """Append a stable description of ``value`` to the list ``out``."""
    if isinstance(value, _BASIC):
        out.append(repr(value))
    elif isinstance(value, (datetime.date, datetime.time)):
        out.append(value.isoformat())
    elif hasattr(value, "render_digest"):
        out.append(value.render_digest)
    elif isinstance(value, dict):
        out.append("{")
        for key in sorted(value, key=repr):
            signature(key, out, depth)
            signature(value[key], out, depth)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for item in value:
            signature(item, out, depth)
        out.append("]")
    elif isinstance(value, (set, frozenset)):
        out.append("{" + ",".join(sorted(repr(v) for v in value)) + "}")
    elif hasattr(value, "__dict__") and not callable(value) and depth < 3:
        signature(vars(value), out, depth + 1)  # small derived values (a Tally)
    else:
        out.append(type(value).__name__)


def page_fingerprint(base, template, save_as, inputs, context):
    out = [base, template, save_as]
    signature(list(inputs), out)
    signature(context, out)
    return digest(*out)


def _tree_digest(root, h, pattern="*"):
    root = Path(root)
    if root.is_dir():
        for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())


def _plain_settings(settings):
    out = []
    for key in sorted(settings):
        value = settings[key]
        if key.isupper() and not callable(value) and key != "JINJA_FILTERS":
            signature(value, out)
            out.append(key)
    return out


def site_basis(settings, theme, today, pelican_paths=()):
    """Hash of everything every page may depend on."""
    h = hashlib.sha256()
    _tree_digest(Path(theme) / "templates", h)
    _tree_digest(Path(__file__).parent, h, "*.py")
    for path in pelican_paths:
        _tree_digest(path, h)
    h.update("\x00".join(_plain_settings(settings)).encode())
    h.update(today.isoformat().encode())
    return h.hexdigest()


def source_stamp(basis, roots, output):
    """Hash of the site-wide basis and the names, sizes and modification
    times of every file under ``roots`` (content, cases, theme). When it
    equals the last build's, no output can differ: the build skips its
    output phase altogether instead of asking every page."""
    h = hashlib.sha256(f"{basis}|{Path(output).resolve()}".encode())
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}|{st.st_mtime_ns}|{st.st_size}\n".encode())
    return h.hexdigest()

"""What a page depends on, as one string: the basis for rendering a page
only when its inputs changed.

A page's fingerprint is its template's *basis* (the template and every
template it extends, includes or imports, the settings those templates
read, the plugin's code and the settings the code may read), its address,
and a key for each of its declared inputs. A content object stands for its
``render_digest``: the digest of its file, of the files of the objects it
displays (a suggestion shows its units' and deputies' names, a reception
day its station and deputies) and of what it shows that depends on today
(computed once by the catalog). Other inputs stand for a stable
description of their value.
"""

import datetime
import hashlib
import os
import pickle
import re
from pathlib import Path

from jinja2 import meta

_BASIC = (str, int, float, bool, type(None))
PLUGIN_DIR = Path(__file__).parent
# Quoted upper-case names in the plugin's code: the settings it may read.
_SETTING_LITERAL = re.compile(r"[\"']([A-Z][A-Z0-9_]{2,})[\"']")


def digest(*parts):
    return hashlib.blake2b("\x00".join(map(str, parts)).encode("utf-8"), digest_size=16).hexdigest()


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
        signature(vars(value), out, depth + 1)  # small derived values
    else:
        out.append(type(value).__name__)


def inputs_key(inputs):
    """The inputs of a page as one string (content objects by digest)."""
    out = []
    for item in inputs:
        key = getattr(item, "render_digest", None)
        if key is not None:
            out.append(key)
        else:
            signature(item, out)
    return "\x00".join(out)


def fingerprint(basis, save_as, inputs):
    return digest(basis, save_as, inputs_key(inputs))


# -- bases ------------------------------------------------------------------

def _code_digest_and_keys():
    h = hashlib.sha256()
    keys = set()
    for path in sorted(PLUGIN_DIR.glob("*.py")):
        text = path.read_bytes()
        h.update(path.name.encode() + b"\0" + text)
        keys.update(_SETTING_LITERAL.findall(text.decode("utf-8")))
    intake = PLUGIN_DIR.parents[1] / "intake" / "chalicelib"
    for name in ("track.py", "tracking.py"):  # loaded by the build (status keys, codes)
        if (intake / name).exists():
            h.update((intake / name).read_bytes())
    return h.hexdigest(), keys


def _value(value):
    out = []
    signature(value, out)
    return "".join(out)


class Basis:
    """Per template: everything its pages depend on besides their inputs."""

    def __init__(self, settings, env, cache_dir=None):
        self.env = env
        code, code_keys = _code_digest_and_keys()
        names = [n for n in env.list_templates() if n.endswith(".html")]
        sources = {name: env.loader.get_source(env, name)[0] for name in names}
        refs, reads = self._analyse(env, sources, cache_dir)
        # Settings only templates read are part of those templates' bases;
        # every other setting is part of every page's.
        template_only = set().union(*reads.values()) - code_keys if reads else set()
        site_settings = [(k, _value(settings[k])) for k in sorted(settings)
                         if k.isupper() and k not in template_only and k != "JINJA_FILTERS"
                         and not callable(settings[k])]
        self.site = digest(code, *(f"{k}={v}" for k, v in site_settings))
        self.templates = {}
        for name in names:
            closure, todo = set(), [name]
            while todo:
                current = todo.pop()
                if current in closure or current not in sources:
                    continue
                closure.add(current)
                todo += sorted(refs[current])
            read = sorted(set().union(*(reads[n] for n in closure)) & template_only)
            self.templates[name] = digest(self.site, *(f"{n}\0{sources[n]}" for n in sorted(closure)),
                                          *(f"{k}={_value(settings.get(k))}" for k in read))

    @staticmethod
    def _analyse(env, sources, cache_dir):
        """What each template refers to and which upper-case names it reads
        (parsing every template takes longer than the rest of a small
        rebuild: kept in the cache directory by the templates' digest)."""
        key = digest(*(f"{n}\0{sources[n]}" for n in sorted(sources)))
        path = Path(cache_dir) / "portal-templates.pickle" if cache_dir else None
        if path is not None:
            try:
                with open(path, "rb") as fh:
                    saved = pickle.load(fh)
                if saved[0] == key:
                    return saved[1], saved[2]
            except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, IndexError):
                pass
        refs, reads = {}, {}
        for name, source in sources.items():
            ast = env.parse(source)
            refs[name] = {r for r in meta.find_referenced_templates(ast) if r}
            reads[name] = {v for v in meta.find_undeclared_variables(ast) if v.isupper()}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            with open(tmp, "wb") as fh:
                pickle.dump((key, refs, reads), fh)
            os.replace(tmp, path)
        return refs, reads

    def of(self, template):
        """The basis of a template named as Pelican's get_template takes it
        (``suggestion``) or with its extension; "" for files (no template)."""
        if not template:
            return self.site
        return self.templates.get(template) or self.templates.get(f"{template}.html") or digest(self.site, template)


def tree_stamp(root, h):
    """Names, sizes and modification times of every file under ``root``."""
    root = Path(root)
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            h.update(f"{dirpath}/{name}|{st.st_mtime_ns}|{st.st_size}\n".encode())


def source_stamp(parts, scanned, other_roots):
    """Hash of ``parts`` (bases, today, the output), the stamps of the
    scanned content files and the files under ``other_roots`` (theme,
    Pelican's content, the inbox). When it equals the last build's, no
    output can differ: the build skips its output phase altogether."""
    h = hashlib.sha256("|".join(map(str, parts)).encode())
    for root in sorted(scanned, key=str):
        h.update(f"{root}\n".encode())
        for path, (mtime, size) in scanned[root].items():
            h.update(f"{path}|{mtime}|{size}\n".encode())
    for root in other_roots:
        tree_stamp(root, h)
    return h.hexdigest()

"""The one place that writes the portal's output files.

Every page goes through ``SiteWriter.page`` (or ``file`` for data), which
is told the page's inputs: the content objects it shows. A page whose
fingerprint (fingerprint.py) matches the last build's is not rendered at
all; a rendered file is written only when its bytes change, so an unchanged
page keeps its modification time and a deploy uploads only what changed.
Files that an earlier build wrote and this one did not are removed. The
manifest of fingerprints is kept in the cache directory, outside the output.
"""

import hashlib
import io
import json
import os
from pathlib import Path

from pelican.writers import FileOverwriteFailedError, Writer

from .fingerprint import digest, page_fingerprint


class SiteWriter:
    def __init__(self, output_path, get_template, base_context, manifest_path, basis=""):
        self.output = Path(output_path)
        self.get_template = get_template
        self.base = base_context
        self.manifest_path = Path(manifest_path)
        self.basis = basis
        try:
            previous = json.loads(self.manifest_path.read_text("utf-8"))
            self.previous = previous["files"] if previous.get("basis") is not None else {}
        except (FileNotFoundError, ValueError, KeyError, AttributeError):
            self.previous = {}
        if not isinstance(self.previous, dict):
            self.previous = {}
        self.produced = {}
        self.written = 0
        self.unchanged = 0
        self.skipped = 0

    @staticmethod
    def url_of(save_as):
        return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as

    def _unchanged_since_last_build(self, save_as, fingerprint):
        if save_as in self.produced:
            raise ValueError(f"two pages want to be written to {save_as}")
        if self.previous.get(save_as) == fingerprint and (self.output / save_as).exists():
            self.produced[save_as] = fingerprint
            self.skipped += 1
            return True
        return False

    def page(self, save_as, template, inputs=(), **context):
        """Render ``template`` to ``save_as`` unless nothing it depends on
        changed since the last build."""
        fingerprint = page_fingerprint(self.basis, template, save_as, inputs, context)
        if self._unchanged_since_last_build(save_as, fingerprint):
            return
        local = dict(self.base)
        local.update(context, page_url=self.url_of(save_as), output_file=save_as)
        html = self.get_template(template).render(local)
        self._write(save_as, html.encode("utf-8"), fingerprint)

    def file(self, save_as, data, inputs=()):
        """Write bytes (or the bytes a callable returns: then they are made
        only when ``inputs`` changed)."""
        fingerprint = page_fingerprint(self.basis, "", save_as, inputs, None)
        if callable(data):
            if self._unchanged_since_last_build(save_as, fingerprint):
                return
            data = data()
        elif save_as in self.produced:
            raise ValueError(f"two pages want to be written to {save_as}")
        self._write(save_as, data, fingerprint + digest(hashlib.sha256(data).hexdigest()))

    def _write(self, save_as, data, fingerprint):
        self.produced[save_as] = fingerprint
        path = self.output / save_as
        try:
            if path.read_bytes() == data:
                self.unchanged += 1
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, data)
        self.written += 1

    def copy_tree(self, source, target):
        """Copy the files under ``source`` (the theme's static files) to
        ``target`` in the output, through ``file``: unchanged files are
        left alone and files no longer in the theme are removed."""
        source = Path(source)
        if not source.is_dir():
            return
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            self.file(f"{target}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def finish(self):
        """Remove files an earlier build produced that this one did not."""
        removed = 0
        for save_as in self.previous:
            if save_as not in self.produced:
                try:
                    (self.output / save_as).unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest = {"basis": self.basis, "files": dict(sorted(self.produced.items()))}
        tmp = self.manifest_path.with_name(self.manifest_path.name + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=0), "utf-8")
        os.replace(tmp, self.manifest_path)
        return removed


def _replace(path, data):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class _WriteIfChanged(io.StringIO):
    """What Pelican's writer writes a page to: on close, the file is
    replaced only when its bytes differ."""

    def __init__(self, path, encoding):
        super().__init__()
        self.path, self.encoding_ = Path(path), encoding

    def close(self):
        if self.closed:
            return
        data = self.getvalue().encode(self.encoding_)
        super().close()
        if str(self.path) == os.devnull:
            return
        try:
            if self.path.read_bytes() == data:
                return
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        _replace(self.path, data)


class PelicanWriter(Writer):
    """Pelican's own writer (news and ordinary pages), changed to keep an
    unchanged file untouched like ``SiteWriter`` does. Same bookkeeping as
    ``Writer._open_w``; only the final write differs."""

    def _open_w(self, filename, encoding, override=False):
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            filename = os.devnull
        elif filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously')
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _WriteIfChanged(filename, encoding)

"""Tracking-code rules, loaded from the intake function's own module.

``intake/chalicelib/tracking.py`` is the one source of truth (the Lambda
ships it); the site build loads that file rather than keeping a copy.
"""

import importlib.util
import pathlib


def load_intake_module(name):
    """A module of intake/chalicelib loaded by path (it imports nothing from
    its package at module level), without putting the intake on sys.path."""
    path = pathlib.Path(__file__).resolve().parents[2] / "intake" / "chalicelib" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"portal_intake_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_module = load_intake_module("tracking")

CodeError = _module.CodeError
normalize = _module.normalize
is_valid = _module.is_valid
format_code = _module.format_code

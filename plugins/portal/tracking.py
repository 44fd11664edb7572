"""Tracking-code rules, loaded from the intake function's own module.

``intake/chalicelib/tracking.py`` is the one source of truth (the Lambda
ships it); the site build loads that file rather than keeping a copy.
"""

import importlib.util
import pathlib

_PATH = pathlib.Path(__file__).resolve().parents[2] / "intake" / "chalicelib" / "tracking.py"
_spec = importlib.util.spec_from_file_location("portal_intake_tracking", _PATH)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

CodeError = _module.CodeError
normalize = _module.normalize
is_valid = _module.is_valid
format_code = _module.format_code

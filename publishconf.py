"""Production settings: the public site. `invoke build --production` uses these."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402,F401,F403

# The public address, without a trailing slash; set it for your deployment.
SITEURL = os.environ.get("PORTAL_SITEURL", "")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False  # the portal's writer removes stale files itself

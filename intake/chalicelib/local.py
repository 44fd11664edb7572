"""Run the function locally without `chalice local`'s CLI, e.g. from
`invoke up` (which puts it behind /api/ of the site's dev server)::

    import sys; sys.path.insert(0, "intake")
    from chalicelib.local import serve_local
    server = serve_local("127.0.0.1", 8001, block=False)   # ... server.shutdown()

The stage's environment variables from .chalice/config.json are applied
with setdefault, so anything already set in the environment wins.
"""

import json
import os
import sys
import threading

INTAKE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stage_environment(stage="dev"):
    with open(os.path.join(INTAKE_DIR, ".chalice", "config.json"), encoding="utf-8") as fh:
        cfg = json.load(fh)
    env = dict(cfg.get("environment_variables", {}))
    env.update(cfg.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return cfg, env


def serve_local(host="127.0.0.1", port=8001, stage="dev", block=True):
    """Serve the app over HTTP. ``block=False`` returns the running server
    (it has ``.shutdown()`` and ``.server.server_address``)."""
    from chalice.config import Config
    from chalice.local import LocalDevServer

    cfg, env = stage_environment(stage)
    for key, value in env.items():
        os.environ.setdefault(key, value)
    if INTAKE_DIR not in sys.path:
        sys.path.insert(0, INTAKE_DIR)
    from chalicelib import config
    config.reset()
    import app as app_module

    chalice_config = Config.create(chalice_stage=stage, app_name=cfg.get("app_name", "portal-intake"),
                                   project_dir=INTAKE_DIR, config_from_disk=cfg)
    server = LocalDevServer(app_module.app, chalice_config, host, port)
    if block:
        server.serve_forever()
        return server
    thread = threading.Thread(target=server.server.serve_forever, name="intake-local", daemon=True)
    thread.start()
    server.thread = thread
    return server


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description="Serve the intake function locally.")
    parser.add_argument("--host", default=os.environ.get("PORTAL_INTAKE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORTAL_INTAKE_PORT", "8001")))
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args()
    serve_local(args.host, args.port, args.stage)

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


def _one_at_a_time_handler():
    from chalice.local import ChaliceRequestHandler

    class Handler(ChaliceRequestHandler):
        """`app.current_request` is one attribute of the app, as in Lambda,
        where a process serves one request at a time. chalice's local server
        runs requests on threads, so concurrent requests overwrite each
        other's request (aws/chalice#759: a citizen's submission answered
        with another's code, and lost). Connections are still accepted on
        threads; the app runs one request at a time."""

        _app_lock = threading.Lock()

        def _generic_handle(self):
            with self._app_lock:
                super()._generic_handle()

        # The base class binds its verbs to its own method; rebind to ours.
        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    return Handler


def serve_local(host="127.0.0.1", port=8001, stage="dev", block=True):
    """Serve the app over HTTP. ``block=False`` returns the running server
    (it has ``.shutdown()`` and ``.server.server_address``)."""
    from chalice.config import Config
    from chalice.local import LocalDevServer
    OneAtATimeHandler = _one_at_a_time_handler()

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
    server = LocalDevServer(app_module.app, chalice_config, host, port, handler_cls=OneAtATimeHandler)
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

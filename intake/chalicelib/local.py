"""Run the function locally without `chalice local`'s CLI, e.g. from
`invoke up` (which puts it behind /api/ of the site's dev server)::

    import sys; sys.path.insert(0, "intake")
    from chalicelib.local import serve_local
    server = serve_local("127.0.0.1", 8001, block=False)   # ... server.shutdown()

The stage's environment variables from .chalice/config.json are applied
with setdefault, so anything already set in the environment wins.

How it serves (the real Chalice app, its real routes, chalice.local's
API Gateway emulation for the event):

- Requests run in parallel, each with its *own* ``app.current_request``:
  the app's class gets per-thread ``current_request``/``lambda_context``
  (what chalice's own ``chalice local`` does with ``LocalChalice``; calling
  ``LocalDevServer`` directly, as this module must, skips that, and then
  parallel requests overwrote each other's request -- aws/chalice#759: a
  citizen answered with another's code, a submission lost).
- A fixed pool of worker threads serves the connections, so each worker's
  SQLite connections (sqlitedb: one per thread) are opened once, not once
  per request, and no thread is started per connection. Parallel
  submissions share one fsync (sqlitedb.group_commit); each is answered
  202 only after the commit that holds it.
- One API Gateway emulation (route table) per server, not per connection;
  idle keep-alive connections are closed after ``IDLE_TIMEOUT`` seconds so
  a browser cannot hold a worker for ever.
- No access log: the function never logs client addresses (README); HTTP
  errors go to the ``intake.http`` logger without them.
"""

import json
import logging
import os
import queue as queue_module
import socketserver
import sys
import threading

INTAKE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = 16
IDLE_TIMEOUT = 15  # seconds a keep-alive connection may sit idle
log = logging.getLogger("intake.http")


def stage_environment(stage="dev"):
    with open(os.path.join(INTAKE_DIR, ".chalice", "config.json"), encoding="utf-8") as fh:
        cfg = json.load(fh)
    env = dict(cfg.get("environment_variables", {}))
    env.update(cfg.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return cfg, env


def per_thread_requests(app):
    """Give ``app`` a per-thread ``current_request`` and ``lambda_context``
    (in place, once): a Lambda process serves one request at a time, a local
    server many at once. Calls from a single thread (the chalice test
    client) behave exactly as before."""
    if getattr(type(app), "_per_thread_requests", False):
        return app
    state = threading.local()

    def attribute(name):
        return property(lambda self: getattr(state, name, None),
                        lambda self, value: setattr(state, name, value))

    base = type(app)
    app.__class__ = type(f"PerThread{base.__name__}", (base,), {
        "_per_thread_requests": True,
        "current_request": attribute("current_request"),
        "lambda_context": attribute("lambda_context"),
    })
    return app


def _handler_class():
    from chalice.local import ChaliceRequestHandler, LocalGateway

    class Handler(ChaliceRequestHandler):
        timeout = IDLE_TIMEOUT

        def __init__(self, request, client_address, server, app_object, config):
            # The base class builds a LocalGateway (route matcher, authorizer)
            # for every connection; one per server (serve_local) is enough:
            # it keeps no per-request state.
            gateway = getattr(server, "local_gateway", None)
            if gateway is None:
                gateway = server.local_gateway = LocalGateway(app_object, config)
            self.local_gateway = gateway
            socketserver.StreamRequestHandler.__init__(self, request, client_address, server)

        def _send_http_response_with_body(self, code, headers, body):
            # As chalice's, but the head and the body leave in one write
            # (one syscall, and no small second segment for Nagle to hold).
            self.send_response(code)
            if not isinstance(body, bytes):
                body = body.encode("utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
            for name, value in headers.items():
                for item in (value if isinstance(value, list) else [value]):
                    self.send_header(name, item)
            self._headers_buffer.append(b"\r\n")
            self._headers_buffer.append(body)
            self.flush_headers()

        def log_request(self, code="-", size="-"):
            pass  # no access log: it would hold the client's address

        def log_message(self, format, *args):
            log.info("%s", format % args)   # bad requests, idle timeouts

    return Handler


class PooledHTTPServer(socketserver.TCPServer):
    """An HTTP server whose connections are served by ``workers``
    long-lived threads (accepted connections wait in a queue when all are
    busy, they are not refused)."""

    allow_reuse_address = True
    request_queue_size = 128
    workers = WORKERS

    def server_bind(self):
        super().server_bind()
        # What http.server.HTTPServer sets, without its reverse DNS lookup.
        self.server_name, self.server_port = self.server_address[:2]

    def server_activate(self):
        super().server_activate()
        self._connections = queue_module.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"intake-worker-{i}", daemon=True)
                         for i in range(self.workers)]
        for thread in self._threads:
            thread.start()

    def _work(self):
        while True:
            item = self._connections.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def process_request(self, request, client_address):
        self._connections.put((request, client_address))

    def handle_error(self, request, client_address):
        log.exception("error serving a request")

    def server_close(self):
        super().server_close()
        for _ in getattr(self, "_threads", ()):
            self._connections.put(None)


def serve_local(host="127.0.0.1", port=8001, stage="dev", block=True, workers=WORKERS):
    """Serve the app over HTTP. ``block=False`` returns the running server
    (it has ``.shutdown()`` and ``.server.server_address``)."""
    from chalice.config import Config
    from chalice.local import LocalDevServer, LocalGateway

    cfg, env = stage_environment(stage)
    for key, value in env.items():
        os.environ.setdefault(key, value)
    if INTAKE_DIR not in sys.path:
        sys.path.insert(0, INTAKE_DIR)
    from chalicelib import config
    config.reset()
    import app as app_module
    per_thread_requests(app_module.app)

    chalice_config = Config.create(chalice_stage=stage, app_name=cfg.get("app_name", "portal-intake"),
                                   project_dir=INTAKE_DIR, config_from_disk=cfg)
    server_cls = type("IntakeHTTPServer", (PooledHTTPServer,), {"workers": workers})
    server = LocalDevServer(app_module.app, chalice_config, host, port,
                            handler_cls=_handler_class(), server_cls=server_cls)
    server.server.local_gateway = LocalGateway(app_module.app, chalice_config)
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
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    serve_local(args.host, args.port, args.stage, workers=args.workers)

"""Citizen intake of the deputies portal: routes only.

Everything the routes do lives in chalicelib/ (handlers, open311, schema,
abuse controls, queues); see intake/README.md and intake/openapi.yaml.
"""

import logging

from chalice import Chalice

from chalicelib import handlers, web

# Open311 and the no-JavaScript tracking form are imported on first use: a
# cold start that serves a citizen's submission does not compile them.

app = Chalice(app_name="portal-intake")
app.debug = False  # never send a traceback to a client
logging.getLogger("intake").setLevel(logging.INFO)

ANY = ["*/*"]  # content types are checked by us, with a Chinese answer


@app.route("/api/form-token", methods=["GET"])
@web.guarded(app)
def form_token():
    return handlers.form_token(app.current_request)


@app.route("/api/challenge", methods=["GET"])
@web.guarded(app)
def challenge():
    return handlers.challenge(app.current_request)


@app.route("/api/health", methods=["GET"])
@web.guarded(app)
def health():
    return handlers.health(app.current_request)


@app.route("/api/thanks", methods=["GET"])
@web.guarded(app)
def thanks():
    return handlers.thanks(app.current_request)


@app.route("/api/submissions", methods=["POST"], content_types=ANY)
@web.guarded(app, html_errors=True)
def submit():
    return handlers.submit(app.current_request)


@app.route("/api/submissions", methods=["OPTIONS"], content_types=ANY)
@web.guarded(app)
def submit_preflight():
    return handlers.preflight(app.current_request)


@app.route("/api/open311/discovery.json", methods=["GET"])
@web.guarded(app)
def open311_discovery_json():
    from chalicelib import open311
    return open311.discovery(app.current_request, "json")


@app.route("/api/open311/discovery.xml", methods=["GET"])
@web.guarded(app)
def open311_discovery_xml():
    from chalicelib import open311
    return open311.discovery(app.current_request, "xml")


@app.route("/api/open311/v2/services.json", methods=["GET"])
@web.guarded(app)
def open311_services_json():
    from chalicelib import open311
    return open311.services(app.current_request, "json")


@app.route("/api/open311/v2/services.xml", methods=["GET"])
@web.guarded(app)
def open311_services_xml():
    from chalicelib import open311
    return open311.services(app.current_request, "xml")


@app.route("/api/open311/v2/services/{service_file}", methods=["GET"])
@web.guarded(app)
def open311_service_definition(service_file):
    from chalicelib import open311
    return open311.service_definition(app.current_request, service_file)


@app.route("/api/open311/v2/requests.json", methods=["POST"], content_types=ANY)
@web.guarded(app)
def open311_request_json():
    from chalicelib import open311
    return open311.post_request(app.current_request, "json")


@app.route("/api/open311/v2/requests.xml", methods=["POST"], content_types=ANY)
@web.guarded(app)
def open311_request_xml():
    from chalicelib import open311
    return open311.post_request(app.current_request, "xml")


@app.route("/api/track", methods=["GET"])
@web.guarded(app)
def track():
    from chalicelib import track as track_form
    return track_form.lookup(app.current_request)

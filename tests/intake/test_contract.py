"""The OpenAPI document and the app agree; the app stays light to import;
the deployable configuration is what we claim it is."""

import json
import os
import subprocess
import sys

import yaml

from intake_helpers import INTAKE

METHODS = {"get", "post", "put", "patch", "delete", "options", "head"}


def spec():
    with open(os.path.join(INTAKE, "openapi.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_openapi_matches_routes():
    import app
    routes = {(path, method.lower()) for path, entries in app.app.routes.items() for method in entries}
    documented = {(path, method) for path, ops in spec()["paths"].items()
                  for method in ops if method in METHODS}
    assert routes - documented == set(), "routes missing from openapi.yaml"
    assert documented - routes == set(), "openapi.yaml names routes the app does not have"
    assert all(path.startswith("/api/") for path, _ in routes)


def test_openapi_is_valid():
    from openapi_spec_validator import validate
    validate(spec())


def test_import_is_light_and_boto3_free():
    code = ("import sys, time; t = time.perf_counter(); import app; "
            "print(time.perf_counter() - t); "
            "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'")
    env = dict(os.environ, PORTAL_QUEUE="sqs://", PORTAL_QUEUE_URL="http://x/1/q.fifo")
    out = subprocess.run([sys.executable, "-c", code], cwd=INTAKE, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip()) < 1.0


def test_chalice_config_and_policies():
    with open(os.path.join(INTAKE, ".chalice", "config.json"), encoding="utf-8") as fh:
        cfg = json.load(fh)
    assert cfg["autogen_policy"] is False
    assert set(cfg["stages"]) >= {"dev", "prod"}
    for name, stage in cfg["stages"].items():
        assert stage["autogen_policy"] is False
        with open(os.path.join(INTAKE, ".chalice", stage["iam_policy_file"]), encoding="utf-8") as fh:
            policy = json.load(fh)
        actions = {a for st in policy["Statement"] for a in st["Action"]}
        assert {a for a in actions if a.startswith("sqs:")} == {"sqs:SendMessage"}
        for st in policy["Statement"]:
            assert st["Effect"] == "Allow" and st["Resource"] != "*"
            if any(a.startswith("sqs:") for a in st["Action"]):
                assert "*" not in st["Resource"]       # exactly one queue
    prod = cfg["stages"]["prod"]["environment_variables"]
    assert prod["PORTAL_QUEUE"] == "sqs://" and prod["PORTAL_STAGE"] == "prod"
    assert prod["PORTAL_QUEUE_URL"].rsplit("/", 1)[1] in json.dumps(
        json.load(open(os.path.join(INTAKE, ".chalice", "policy-prod.json"))))


def test_requirements_have_nothing_from_the_site_build():
    with open(os.path.join(INTAKE, "requirements.txt"), encoding="utf-8") as fh:
        lines = [ln.split("#")[0].strip().lower() for ln in fh]
    lines = [ln for ln in lines if ln]
    for forbidden in ("pelican", "markdown", "jinja2", "invoke", "boto3"):
        assert not any(ln.startswith(forbidden) for ln in lines)

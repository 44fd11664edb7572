"""Constants and helpers shared by the intake tests (a module with a name
of its own, so it cannot collide with other test directories' helpers)."""

import json
import os
import sys
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTAKE = os.path.join(REPO, "intake")
if INTAKE not in sys.path:
    sys.path.insert(0, INTAKE)

SECRET = "test-secret-0123456789"
OPEN311_KEY = "partner-key-1"
SITE_DATA = {
    "categories": [["transport", "交通出行"], ["water", "饮水安全"], ["other", "其他"]],
    "deputies": {"d-001": "李某某", "d-002": "王某"},
    "stations": {"dongxi": "东溪代表之家"},
}
CONTENT = "村口到镇上的道路坑洼严重，雨天积水无法通行，请尽快安排修复。"


def token(age=10):
    """A form token issued ``age`` seconds ago."""
    from chalicelib import abuse
    return abuse.issue_token(SECRET.encode(), now=time.time() - age)


def submission(**overrides):
    data = {"category": "transport", "content": CONTENT, "consent": True,
            "form_token": token(), "idempotency_key": uuid.uuid4().hex}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_json(client, data, headers=None):
    h = {"content-type": "application/json"}
    h.update(headers or {})
    # ASCII escapes keep even a lone surrogate transportable; raw UTF-8
    # bodies are covered by their own tests.
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.http.post("/api/submissions", headers=h, body=body)


def post_form(client, data, headers=None):
    import urllib.parse
    h = {"content-type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    body = data if isinstance(data, (str, bytes)) else urllib.parse.urlencode(data)
    return client.http.post("/api/submissions", headers=h, body=body)


def body_json(response):
    return json.loads(response.body)


def drain(q, visibility_timeout=30):
    """Every message currently on ``q`` (received, not deleted)."""
    out = []
    while True:
        batch = q.receive(max_messages=10, visibility_timeout=visibility_timeout)
        if not batch:
            return out
        out.extend(batch)


def make_sqs_queues(endpoint, max_receive_count=2):
    """A FIFO queue with a FIFO dead-letter queue; returns (url, dlq_url)."""
    import boto3
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
    name = f"intake-{uuid.uuid4().hex[:12]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dead.fifo",
                           Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=f"{name}.fifo", Attributes={
        "FifoQueue": "true",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn,
                                     "maxReceiveCount": str(max_receive_count)}),
    })["QueueUrl"]
    return url, dlq

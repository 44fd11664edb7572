"""Create the portal's AWS resources, idempotently (`invoke cloud-setup`).

- ``<name>-intake-dead.fifo``: the dead-letter queue (FIFO, SSE-SQS, 14 days).
- ``<name>-intake.fifo``: the intake queue (FIFO, SSE-SQS, visibility 60 s,
  14 days, RedrivePolicy to the dead-letter queue after 5 receives); the
  dead-letter queue only accepts redrives from it (RedriveAllowPolicy).
- ``<name>-site-<account>`` (or ``--bucket``): the site bucket. Private:
  all four Block Public Access settings, bucket-owner-enforced ownership (no
  ACLs), default encryption SSE-S3, TLS-only bucket policy. CloudFront reads
  it through Origin Access Control; the policy statement that lets it in
  names the distribution, so it is added when the distribution is known
  (``--distribution``, or the CloudFormation stack in deploy/ does it).

Running it again changes nothing that is already right and repairs what is
not (attributes, policies). It then writes what the other tools read:

- ``intake/.chalice/config.json``: the prod stage's ``PORTAL_QUEUE``,
  ``PORTAL_QUEUE_URL`` and ``PORTAL_DLQ_URL`` (secrets stay empty);
- ``intake/.chalice/policy-prod.json``: ``sqs:SendMessage`` on the intake
  queue's ARN and the function's log group in the same partition/region;
- ``var/cloud.env`` (git-ignored): ``PORTAL_DEPLOY_BUCKET`` and the queue
  variables, read by `invoke deploy` when the environment does not set them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENV_FILE = ROOT / "var" / "cloud.env"
CHALICE_DIR = ROOT / "intake" / ".chalice"
RETENTION = 1209600          # 14 days, the SQS maximum
VISIBILITY_TIMEOUT = 60
MAX_RECEIVE_COUNT = 5
MANIFEST_NAME = ".deploy-manifest.json"   # portal_tools.deploy.MANIFEST_NAME


def queue_names(name: str) -> tuple[str, str]:
    return f"{name}-intake.fifo", f"{name}-intake-dead.fifo"


def _arn_parts(arn: str) -> dict:
    _, partition, _service, region, account, resource = arn.split(":", 5)
    return {"partition": partition, "region": region, "account": account, "resource": resource}


def ensure_queue(sqs, name: str, attributes: dict) -> tuple[str, str]:
    """Create the queue or bring an existing one's attributes up to date;
    return (url, arn)."""
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        url = None
    except Exception as err:  # some endpoints answer a generic error code
        if "NonExistentQueue" not in str(err) and "QueueDoesNotExist" not in str(err):
            raise
        url = None
    if url is None:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    else:
        current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if current.get("FifoQueue", "false") != attributes.get("FifoQueue", "false"):
            raise RuntimeError(f"queue {name} exists with FifoQueue={current.get('FifoQueue')}; "
                               "FIFO cannot be changed, delete it or choose another --name")
        mutable = {k: v for k, v in attributes.items() if k != "FifoQueue" and current.get(k) != v}
        if mutable:
            sqs.set_queue_attributes(QueueUrl=url, Attributes=mutable)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def ensure_queues(sqs, name: str) -> dict:
    main_name, dead_name = queue_names(name)
    base = {"FifoQueue": "true", "SqsManagedSseEnabled": "true",
            "MessageRetentionPeriod": str(RETENTION), "ContentBasedDeduplication": "false"}
    dead_url, dead_arn = ensure_queue(sqs, dead_name, dict(base))
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)},
                         separators=(",", ":"))
    main_url, main_arn = ensure_queue(sqs, main_name, dict(
        base, VisibilityTimeout=str(VISIBILITY_TIMEOUT), RedrivePolicy=redrive))
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [main_arn]},
                       separators=(",", ":"))
    try:
        sqs.set_queue_attributes(QueueUrl=dead_url, Attributes={"RedriveAllowPolicy": allow})
    except Exception as err:  # older endpoints/emulators without RedriveAllowPolicy
        if "RedriveAllowPolicy" not in str(err) and "InvalidAttributeName" not in str(err):
            raise
    return {"queue_url": main_url, "queue_arn": main_arn, "dlq_url": dead_url, "dlq_arn": dead_arn}


def bucket_policy(bucket: str, partition: str = "aws", distribution_arn: str | None = None) -> dict:
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    statements = [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]
    if distribution_arn:
        statements += [{
            "Sid": "AllowCloudFrontOAC", "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": f"{bucket_arn}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
        }, {
            "Sid": "HideDeployManifest", "Effect": "Deny",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": f"{bucket_arn}/*{MANIFEST_NAME}",
        }]
    return {"Version": "2012-10-17", "Statement": statements}


def ensure_bucket(s3, bucket: str, region: str, partition: str = "aws",
                  distribution_arn: str | None = None) -> dict:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        kwargs = {"Bucket": bucket}
        if region and region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    policy = bucket_policy(bucket, partition, distribution_arn)
    try:
        current = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except Exception as err:
        if "NoSuchBucketPolicy" not in str(err):
            raise
        current = {"Statement": []}
    # Keep what others added (the CloudFront statements, when this run does
    # not name the distribution); ours replace their namesakes.
    ours = {st["Sid"] for st in policy["Statement"]}
    policy["Statement"] += [st for st in current.get("Statement", []) if st.get("Sid") not in ours]
    if policy["Statement"] != current.get("Statement"):
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return {"bucket": bucket, "policy": policy}


def ensure_origin_access_control(cloudfront, name: str) -> str:
    oac_name = f"{name}-site"
    listing = cloudfront.list_origin_access_controls().get("OriginAccessControlList", {})
    for item in listing.get("Items", []) or []:
        if item.get("Name") == oac_name:
            return item["Id"]
    answer = cloudfront.create_origin_access_control(OriginAccessControlConfig={
        "Name": oac_name, "Description": "portal site bucket",
        "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})
    return answer["OriginAccessControl"]["Id"]


# --- where the other tools read the results ---------------------------------

def read_env_file(path) -> dict:
    values = {}
    path = Path(path)
    if not path.exists():
        return values
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def write_env_file(path, values: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = read_env_file(path)
    merged.update({k: v for k, v in values.items() if v is not None})
    lines = ["# written by `invoke cloud-setup`; read by `invoke deploy`. Not secret, not in git."]
    lines += [f"export {k}={v}" for k, v in sorted(merged.items())]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def update_chalice_config(config_path, stage: str, queue_url: str, dlq_url: str) -> bool:
    path = Path(config_path)
    config = json.loads(path.read_text("utf-8"))
    env = config.setdefault("stages", {}).setdefault(stage, {}).setdefault("environment_variables", {})
    # Not AWS_REGION: Lambda reserves it and sets it to the function's region.
    wanted = {"PORTAL_QUEUE": "sqs://", "PORTAL_QUEUE_URL": queue_url, "PORTAL_DLQ_URL": dlq_url}
    changed = any(env.get(k) != v for k, v in wanted.items())
    env.update(wanted)
    if changed:
        _write_json(path, config)
    return changed


def update_chalice_policy(policy_path, queue_arn: str, app_name: str = "portal-intake",
                          stage: str = "prod") -> bool:
    path = Path(policy_path)
    policy = json.loads(path.read_text("utf-8"))
    parts = _arn_parts(queue_arn)
    log_arn = (f"arn:{parts['partition']}:logs:{parts['region']}:{parts['account']}:"
               f"log-group:/aws/lambda/{app_name}-{stage}:*")
    changed = False
    for statement in policy.get("Statement", []):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if "sqs:SendMessage" in actions and statement.get("Resource") != queue_arn:
            statement["Resource"], changed = queue_arn, True
        if any(a.startswith("logs:") for a in actions) and statement.get("Resource") != log_arn:
            statement["Resource"], changed = log_arn, True
    if changed:
        _write_json(path, policy)
    return changed


def inject_secrets(config_path, stage: str = "prod", env=None) -> list[str]:
    """CI: copy PORTAL_SECRET / PORTAL_OPEN311_KEYS from the environment into
    the (uncommitted, runner-local) chalice config. Returns the names set."""
    env = os.environ if env is None else env
    path = Path(config_path)
    config = json.loads(path.read_text("utf-8"))
    stage_env = config["stages"][stage].setdefault("environment_variables", {})
    names = [n for n in ("PORTAL_SECRET", "PORTAL_OPEN311_KEYS", "PORTAL_SITE_URL",
                         "PORTAL_CORS_ORIGINS") if env.get(n)]
    if stage == "prod" and "PORTAL_SECRET" not in names and not stage_env.get("PORTAL_SECRET"):
        raise RuntimeError("PORTAL_SECRET is not set: the prod intake would answer 503")
    for name in names:
        stage_env[name] = env[name]
    _write_json(path, config)
    return names


# --- the whole setup ------------------------------------------------------------

def setup(name: str = "portal", region: str | None = None, bucket: str | None = None,
          distribution: str | None = None, sqs=None, s3=None, cloudfront=None,
          chalice_dir=CHALICE_DIR, env_file=DEFAULT_ENV_FILE, write=True, stage="prod") -> dict:
    """Create or repair everything; return the values and the env vars to set."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "cn-north-1"
    if sqs is None or s3 is None or cloudfront is None:
        import boto3
        endpoint = os.environ.get("PORTAL_AWS_ENDPOINT") or None
        sqs = sqs or boto3.client("sqs", region_name=region,
                                  endpoint_url=os.environ.get("PORTAL_SQS_ENDPOINT") or endpoint)
        s3 = s3 or boto3.client("s3", region_name=region,
                                endpoint_url=os.environ.get("PORTAL_S3_ENDPOINT") or endpoint)
        cloudfront = cloudfront or boto3.client(
            "cloudfront", region_name=region,
            endpoint_url=os.environ.get("PORTAL_CLOUDFRONT_ENDPOINT") or endpoint)

    queues = ensure_queues(sqs, name)
    parts = _arn_parts(queues["queue_arn"])
    bucket = bucket or f"{name}-site-{parts['account']}"
    distribution_arn = None
    if distribution:
        distribution_arn = cloudfront.get_distribution(Id=distribution)["Distribution"]["ARN"]
    site = ensure_bucket(s3, bucket, region, parts["partition"], distribution_arn)
    oac = ensure_origin_access_control(cloudfront, name)

    env, written = write_settings(queues, bucket, distribution, region, chalice_dir, env_file,
                                  stage, write)
    return dict(queues, bucket=bucket, bucket_policy=site["policy"], origin_access_control=oac,
                region=region, partition=parts["partition"], account=parts["account"],
                env={k: v for k, v in env.items() if v}, written=written)


def write_settings(queues: dict, bucket: str, distribution: str | None, region: str,
                   chalice_dir=CHALICE_DIR, env_file=DEFAULT_ENV_FILE, stage="prod", write=True):
    """Put the queue URLs into the chalice config and policy, and the
    deploy settings into var/cloud.env; return (env vars, files written)."""
    env = {"AWS_REGION": region, "PORTAL_QUEUE": "sqs://",
           "PORTAL_QUEUE_URL": queues["queue_url"], "PORTAL_DLQ_URL": queues["dlq_url"],
           "PORTAL_DEPLOY_BUCKET": bucket, "PORTAL_CLOUDFRONT_ID": distribution or None}
    written = []
    if write:
        chalice_dir = Path(chalice_dir)
        if update_chalice_config(chalice_dir / "config.json", stage, queues["queue_url"],
                                 queues["dlq_url"]):
            written.append(str(chalice_dir / "config.json"))
        if update_chalice_policy(chalice_dir / f"policy-{stage}.json", queues["queue_arn"], stage=stage):
            written.append(str(chalice_dir / f"policy-{stage}.json"))
        write_env_file(env_file, env)
        written.append(str(env_file))
    return env, written


def from_stack(stack: str, cloudformation=None, region: str | None = None,
               chalice_dir=CHALICE_DIR, env_file=DEFAULT_ENV_FILE, stage="prod", write=True) -> dict:
    """The CloudFormation route (deploy/cloudformation.yaml): read the stack's
    outputs and write them where the tools read them, like setup() does."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "cn-north-1"
    if cloudformation is None:
        import boto3
        cloudformation = boto3.client("cloudformation", region_name=region)
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    missing = [k for k in ("QueueUrl", "QueueArn", "DeadLetterQueueUrl", "BucketName") if k not in outputs]
    if missing:
        raise RuntimeError(f"stack {stack} has no output(s) {', '.join(missing)}; "
                           "was it made from deploy/cloudformation.yaml?")
    queues = {"queue_url": outputs["QueueUrl"], "queue_arn": outputs["QueueArn"],
              "dlq_url": outputs["DeadLetterQueueUrl"], "dlq_arn": None}
    distribution = outputs.get("DistributionId")
    env, written = write_settings(queues, outputs["BucketName"], distribution, region,
                                  chalice_dir, env_file, stage, write)
    parts = _arn_parts(queues["queue_arn"])
    return dict(queues, bucket=outputs["BucketName"], distribution=distribution,
                origin_access_control="(stack)", region=region, partition=parts["partition"],
                account=parts["account"], env={k: v for k, v in env.items() if v}, written=written)


def report(result: dict) -> str:
    lines = [f"intake queue      {result['queue_url']}",
             f"dead-letter queue {result['dlq_url']}",
             f"site bucket       s3://{result['bucket']}  (private; CloudFront OAC {result['origin_access_control']})",
             "", "# environment for the staff machine (queue pull) and `invoke deploy`:"]
    lines += [f"export {k}={v}" for k, v in sorted(result["env"].items())]
    if result["written"]:
        lines += ["", "updated: " + ", ".join(result["written"])]
    return "\n".join(lines)


def main(argv=None):
    import argparse
    import sys
    parser = argparse.ArgumentParser(description="create the portal's AWS resources")
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup")
    p_setup.add_argument("--name", default="portal")
    p_setup.add_argument("--region")
    p_setup.add_argument("--bucket")
    p_setup.add_argument("--distribution")
    p_setup.add_argument("--stack", help="read a deploy/cloudformation.yaml stack's outputs instead")
    p_secrets = sub.add_parser("inject-secrets", help="CI: put PORTAL_SECRET etc. into the chalice config")
    p_secrets.add_argument("--stage", default="prod")
    p_secrets.add_argument("--config", default=str(CHALICE_DIR / "config.json"))
    args = parser.parse_args(argv)
    if args.command == "setup" and args.stack:
        print(report(from_stack(args.stack, region=args.region)))
    elif args.command == "setup":
        print(report(setup(args.name, region=args.region, bucket=args.bucket,
                           distribution=args.distribution)))
    else:
        names = inject_secrets(args.config, args.stage)
        print("set: " + (", ".join(names) or "nothing"), file=sys.stderr)


if __name__ == "__main__":
    main()

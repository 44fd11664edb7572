"""invoke deploy / cloud-setup against moto's S3, CloudFront and SQS servers."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal_tools import cloud, deploy as dp  # noqa: E402

NEW_SUGGESTION = """code: {code}
title: 青石街北段人行道破损
source: 群众意见
category: 交通出行
submitter: 周某
addressed: d-001
received: 2026-11-10

青石街北段人行道地砖破损，老人和学生走路容易绊倒。
"""


# --- helpers -------------------------------------------------------------------

def tree(root):
    """Independent of the code under test: sha256 of every file by relative path."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def bucket_keys(s3, bucket, prefix=""):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return sorted(keys)


def site_keys(s3, bucket, prefix=""):
    return [k[len(prefix):] for k in bucket_keys(s3, bucket, prefix)
            if not k.endswith(dp.MANIFEST_NAME)]


def valid_code(body="DEPXY012"):
    sys.path.insert(0, str(ROOT / "intake"))
    from chalicelib import tracking
    return tracking.format_code(body + tracking.check_symbol(body))


def make_distribution(cloudfront, bucket):
    config = {
        "CallerReference": uuid.uuid4().hex, "Comment": "portal test", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                                  "Cookies": {"Forward": "none"}}},
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def invalidations(cloudfront, distribution):
    listing = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    found = []
    for item in listing.get("Items", []) or []:
        inv = cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])["Invalidation"]
        found.append(inv)
    return found


@pytest.fixture(scope="module")
def two_builds(mini_build, build_site, tmp_path_factory):
    """The mini site, and the same with one suggestion added and the news article removed."""
    content, first = mini_build
    base = tmp_path_factory.mktemp("edited")
    edited = base / "content"
    shutil.copytree(content, edited)
    code = valid_code()
    (edited / "suggestions" / "new.md").write_text(NEW_SUGGESTION.format(code=code), "utf-8")
    (edited / "news" / "n1.md").unlink()
    second = build_site(edited, base / "out")
    return first, second, code


SMALL = {
    "index.html": "<h1>首页</h1>",
    "404.html": "<h1>找不到</h1>",
    "news/training/index.html": "<h1>代表培训</h1>",
    "deputies/d-001/index.html": "<h1>李某某</h1>",
    "deputies/d-001/calendar.ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "theme/css/portal.css": "body{}",
    "data/deputies.json": "[]",
}


def make_tree(root, files):
    root = Path(root)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


@pytest.fixture
def small_pair(tmp_path):
    """A tiny site and its next version: one page changed, one removed, one added."""
    first = make_tree(tmp_path / "one", SMALL)
    changed = dict(SMALL, **{"index.html": "<h1>首页</h1><p>新</p>", "suggestions/x/index.html": "<h1>新</h1>"})
    del changed["news/training/index.html"]
    return first, make_tree(tmp_path / "two", changed)


# --- S3 sync ------------------------------------------------------------------------

def test_first_deploy_uploads_everything_then_nothing(mini_build, s3, bucket):
    _, out = mini_build
    files = tree(out)
    first = dp.deploy(out, bucket, s3=s3)
    assert len(first["uploaded"]) == len(files) > 20
    assert first["unchanged"] == [] and first["deleted"] == []
    assert site_keys(s3, bucket) == sorted(files)
    second = dp.deploy(out, bucket, s3=s3)
    assert second["uploaded"] == [] and second["deleted"] == []
    assert len(second["unchanged"]) == len(files)


def test_edit_uploads_only_changed_bytes_deletes_removed_and_invalidates(two_builds, s3, cloudfront, bucket):
    first, second, code = two_builds
    before, after = tree(first), tree(second)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    overwritten = {rel for rel in changed if rel in before}
    removed = set(before) - set(after)
    assert f"suggestions/{code}/index.html" in changed
    assert "news/training/index.html" in removed
    assert 0 < len(changed) < len(after)          # a real incremental case

    distribution = make_distribution(cloudfront, bucket)
    dp.deploy(first, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    assert invalidations(cloudfront, distribution) == []   # nothing was cached before

    result = dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    assert len(result["uploaded"]) == len(changed)
    assert set(result["uploaded"]) == changed
    assert set(result["deleted"]) == removed
    assert len(result["unchanged"]) == len(after) - len(changed)
    assert site_keys(s3, bucket) == sorted(after)
    for rel in list(changed)[:5]:
        body = s3.get_object(Bucket=bucket, Key=rel)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == after[rel]

    expected = dp.invalidation_paths(sorted(overwritten | removed))
    assert "/news/training/" in expected and "/news/training/index.html" in expected
    assert result["invalidated"] == expected
    made = invalidations(cloudfront, distribution)
    assert len(made) == 1
    batch = made[0]["InvalidationBatch"]
    assert sorted(batch["Paths"]["Items"]) == expected
    assert batch["CallerReference"].startswith("portal-")
    assert made[0]["Id"] == result["invalidation_id"]

    again = dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    assert again["uploaded"] == again["deleted"] == again["invalidated"] == []
    assert len(invalidations(cloudfront, distribution)) == 1


def test_headers_and_hash_metadata(mini_build, s3, bucket):
    _, out = mini_build
    dp.deploy(out, bucket, s3=s3)
    files = tree(out)
    expected = {
        "index.html": ("text/html; charset=utf-8", dp.SHORT),
        "theme/css/portal.css": ("text/css; charset=utf-8", dp.THEME),
        "reception/calendar.ics": ("text/calendar; charset=utf-8", dp.SHORT),
        "data/suggestions.json": ("application/json; charset=utf-8", dp.SHORT),
        "data/suggestions.csv": ("text/csv; charset=utf-8", dp.SHORT),
        "feeds/answered.atom.xml": ("application/atom+xml; charset=utf-8", dp.SHORT),
        "sitemap.xml": ("application/xml; charset=utf-8", dp.SHORT),
        "theme/js/submit.js": ("application/javascript; charset=utf-8", dp.THEME),
        "theme/img/share.png": ("image/png", dp.STATIC),
    }
    checked = 0
    for rel, (ctype, cache) in expected.items():
        if rel not in files:            # the theme and plugins grow in parallel
            continue
        head = s3.head_object(Bucket=bucket, Key=rel)
        assert head["ContentType"] == ctype, rel
        assert head["CacheControl"] == cache, rel
        assert head["Metadata"]["sha256"] == files[rel], rel
        checked += 1
    assert checked >= 5


def test_private_and_scratch_files_are_not_uploaded(small_pair, s3, bucket, tmp_path):
    out = small_pair[0]
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / ".env").write_text("PORTAL_SECRET=x")
    (copy / ".git").mkdir()
    (copy / ".git" / "config").write_text("x")
    (copy / "deputies" / ".draft.html").write_text("x")
    (copy / "index.html.tmp").write_text("x")
    result = dp.deploy(copy, bucket, s3=s3)
    keys = site_keys(s3, bucket)
    assert len(result["uploaded"]) == len(tree(out))
    assert not [k for k in keys if "/." in "/" + k or k.endswith(".tmp")]


def test_prefix_confines_uploads_and_deletions(small_pair, s3, bucket):
    first, second = small_pair
    outside = ["keep.html", "site2/index.html", "other/site/index.html", "site"]
    for key in outside:
        s3.put_object(Bucket=bucket, Key=key, Body=b"not ours")
    dp.deploy(first, bucket, prefix="/site", s3=s3)
    result = dp.deploy(second, bucket, prefix="site/", s3=s3)
    assert result["deleted"] and result["prefix"] == "site/"
    assert site_keys(s3, bucket, "site/") == sorted(tree(second))
    for key in outside:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"not ours"


def test_dry_run_changes_nothing(small_pair, s3, cloudfront, bucket):
    first, second = small_pair
    distribution = make_distribution(cloudfront, bucket)
    dp.deploy(first, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    keys = bucket_keys(s3, bucket)
    lines = []
    result = dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront,
                       dry_run=True, log=lines.append)
    assert result["dry_run"] and result["uploaded"] and result["deleted"] and result["invalidated"]
    assert bucket_keys(s3, bucket) == keys
    assert invalidations(cloudfront, distribution) == []
    assert any(line.startswith("would upload") for line in lines)
    assert any(line.startswith("would delete") for line in lines)
    assert "would be uploaded" in dp.summary(result)


def test_objects_changed_behind_our_back_are_found_by_hash(small_pair, s3, bucket):
    out = small_pair[0]
    dp.deploy(out, bucket, s3=s3)
    # Someone replaces an object by hand, and the manifest disappears.
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<p>hand edit</p>")
    result = dp.deploy(out, bucket, s3=s3)
    assert result["uploaded"] == ["index.html"]
    s3.delete_object(Bucket=bucket, Key=dp.MANIFEST_NAME)
    result = dp.deploy(out, bucket, s3=s3)            # HEADs read x-amz-meta-sha256
    assert result["uploaded"] == [] and len(result["unchanged"]) == len(tree(out))
    assert dp.MANIFEST_NAME in site_keys(s3, bucket) + [k for k in bucket_keys(s3, bucket)]


def test_failed_invalidation_is_retried_next_time(small_pair, s3, cloudfront, bucket):
    first, second = small_pair
    distribution = make_distribution(cloudfront, bucket)
    dp.deploy(first, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)

    class Broken:
        def create_invalidation(self, **kwargs):
            raise RuntimeError("network down")

    with pytest.raises(RuntimeError):
        dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=Broken())
    result = dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    assert result["uploaded"] == [] and result["invalidated"]
    assert "/news/training/" in result["invalidated"]
    assert len(invalidations(cloudfront, distribution)) == 1


def test_upload_dying_half_way_still_invalidates_next_time(small_pair, s3, cloudfront, bucket):
    first, second = small_pair
    distribution = make_distribution(cloudfront, bucket)
    dp.deploy(first, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)

    class Dying:
        """S3 that loses the connection after a few uploads."""
        def __init__(self, real, uploads):
            self.real, self.uploads = real, uploads

        def __getattr__(self, name):
            return getattr(self.real, name)

        def put_object(self, **kwargs):
            if not kwargs["Key"].endswith(dp.MANIFEST_NAME):
                if self.uploads <= 0:
                    raise ConnectionError("gone")
                self.uploads -= 1
            return self.real.put_object(**kwargs)

    with pytest.raises(ConnectionError):
        dp.deploy(second, bucket, distribution=distribution, s3=Dying(s3, 1), cloudfront=cloudfront,
                  workers=1)
    assert invalidations(cloudfront, distribution) == []
    result = dp.deploy(second, bucket, distribution=distribution, s3=s3, cloudfront=cloudfront)
    before, after = tree(first), tree(second)
    overwritten = {rel for rel in after if rel in before and before[rel] != after[rel]}
    removed = set(before) - set(after)
    assert result["invalidated"] == dp.invalidation_paths(sorted(overwritten | removed))
    assert site_keys(s3, bucket) == sorted(after)


# --- pure functions ---------------------------------------------------------------

@pytest.mark.parametrize("rel,ctype", [
    ("a/index.html", "text/html; charset=utf-8"),
    ("theme/css/portal.css", "text/css; charset=utf-8"),
    ("theme/js/submit.js", "application/javascript; charset=utf-8"),
    ("data/x.json", "application/json; charset=utf-8"),
    ("x/calendar.ics", "text/calendar; charset=utf-8"),
    ("feeds/news.atom.xml", "application/atom+xml; charset=utf-8"),
    ("data/x.csv", "text/csv; charset=utf-8"),
    ("open311/services.xml", "application/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("images/a.JPG", "image/jpeg"),
    ("theme/img/share.png", "image/png"),
    ("favicon.svg", "image/svg+xml"),
    ("pagefind/fragment/zh_6d2a1f3.pf_fragment", "application/octet-stream"),
    ("pagefind/index/zh_1a2b.pf_index", "application/octet-stream"),
    ("pagefind/pagefind.zh_4f.pf_meta", "application/octet-stream"),
    ("files/report.pdf", "application/pdf"),
    ("noext", "application/octet-stream"),
])
def test_content_types(rel, ctype):
    assert dp.content_type(rel) == ctype


def test_cache_control_rules():
    assert dp.cache_control("index.html") == dp.SHORT
    assert dp.cache_control("data/a.json") == dp.SHORT
    assert dp.cache_control("x/calendar.ics") == dp.SHORT
    assert dp.cache_control("sitemap.xml") == dp.SHORT
    assert dp.cache_control("theme/css/portal.css") == dp.THEME
    assert dp.cache_control("images/d-001.jpg") == dp.STATIC
    assert dp.cache_control("pagefind/fragment/zh_6d2a1f3.pf_fragment") == dp.IMMUTABLE
    assert dp.cache_control("theme/css/portal.3f9a0c1d2e.css") == dp.IMMUTABLE


def test_invalidation_paths_and_reference():
    assert dp.url_paths("index.html") == ["/", "/index.html"]
    assert dp.url_paths("deputies/d-001/index.html") == ["/deputies/d-001/", "/deputies/d-001/index.html"]
    assert dp.url_paths("feeds/news.atom.xml") == ["/feeds/news.atom.xml"]
    assert dp.url_paths("images/照片 1.jpg") == ["/images/%E7%85%A7%E7%89%87%201.jpg"]
    many = [f"p/{i}/index.html" for i in range(300)]
    assert dp.invalidation_paths(many) == ["/*"]              # 600 paths > 500
    assert len(dp.invalidation_paths(many[:250])) == 500
    assert dp.invalidation_paths(["a.css"], pending=["/b/"]) == ["/a.css", "/b/"]
    ref = dp.caller_reference(["/b", "/a"], 3)
    assert ref == dp.caller_reference(["/a", "/b"], 3)
    assert ref != dp.caller_reference(["/a", "/b"], 4)
    assert ref != dp.caller_reference(["/a"], 3)


def test_skipped_names():
    assert dp.skipped(".env") and dp.skipped("a/.hidden/x.html") and dp.skipped("x.tmp")
    assert not dp.skipped("a/b.html") and not dp.skipped("theme/css/portal.css")


def test_missing_output_and_bucket(tmp_path, s3):
    with pytest.raises(FileNotFoundError):
        dp.deploy(tmp_path / "nope", "b", s3=s3)
    with pytest.raises(ValueError):
        dp.deploy(tmp_path, "", s3=s3)


# --- the invoke task ------------------------------------------------------------------

def _env(aws_endpoint, **extra):
    env = dict(os.environ, PORTAL_S3_ENDPOINT=aws_endpoint, PORTAL_CLOUDFRONT_ENDPOINT=aws_endpoint,
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1")
    env.update(extra)
    return env


@pytest.mark.slow
def test_invoke_deploy_task(mini_build, s3, bucket, aws_endpoint, tmp_path):
    _, out = mini_build
    env = _env(aws_endpoint, PORTAL_DEPLOY_BUCKET=bucket, PORTAL_DEPLOY_PREFIX="www",
               PORTAL_CLOUD_ENV=str(tmp_path / "none.env"))
    cmd = [sys.executable, "-m", "invoke", "deploy", "--output", str(out)]
    dry = subprocess.run(cmd + ["--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "would be uploaded" in dry.stdout and site_keys(s3, bucket) == []
    real = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert real.returncode == 0, real.stderr
    assert f"{len(tree(out))} uploaded, 0 unchanged, 0 deleted" in real.stdout
    assert site_keys(s3, bucket, "www/") == sorted(tree(out))


def test_invoke_deploy_without_bucket_says_what_to_set(monkeypatch, tmp_path):
    from invoke import Context, Exit
    sys.path.insert(0, str(ROOT))
    import tasks
    monkeypatch.delenv("PORTAL_DEPLOY_BUCKET", raising=False)
    monkeypatch.setenv("PORTAL_CLOUD_ENV", str(tmp_path / "none.env"))
    with pytest.raises(Exit) as err:
        tasks.deploy(Context(), output=str(tmp_path))
    assert "PORTAL_DEPLOY_BUCKET" in str(err.value.message)


# --- cloud setup -------------------------------------------------------------------------

@pytest.fixture
def chalice_dir(tmp_path):
    target = tmp_path / ".chalice"
    shutil.copytree(ROOT / "intake" / ".chalice", target,
                    ignore=shutil.ignore_patterns("deployments", "venv"))
    return target


def test_cloud_setup_is_idempotent(sqs, s3, cloudfront, chalice_dir, tmp_path):
    name = f"t{uuid.uuid4().hex[:8]}"
    env_file = tmp_path / "cloud.env"
    kwargs = dict(region="us-east-1", sqs=sqs, s3=s3, cloudfront=cloudfront,
                  chalice_dir=chalice_dir, env_file=env_file)
    first = cloud.setup(name, **kwargs)
    second = cloud.setup(name, **kwargs)
    for key in ("queue_url", "dlq_url", "queue_arn", "dlq_arn", "bucket", "origin_access_control"):
        assert first[key] == second[key], key
    urls = sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    assert sorted(urls) == sorted([first["queue_url"], first["dlq_url"]])
    assert first["queue_url"].endswith(f"{name}-intake.fifo")

    attrs = sqs.get_queue_attributes(QueueUrl=first["queue_url"], AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert attrs["VisibilityTimeout"] == "60"
    assert attrs["MessageRetentionPeriod"] == "1209600"
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == first["dlq_arn"]
    assert int(redrive["maxReceiveCount"]) == 5
    dead = sqs.get_queue_attributes(QueueUrl=first["dlq_url"], AttributeNames=["All"])["Attributes"]
    assert dead["FifoQueue"] == "true" and dead["SqsManagedSseEnabled"] == "true"

    block = s3.get_public_access_block(Bucket=first["bucket"])["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=first["bucket"])["Policy"])
    assert any(st["Sid"] == "DenyInsecureTransport" for st in policy["Statement"])

    config = json.loads((chalice_dir / "config.json").read_text("utf-8"))
    prod = config["stages"]["prod"]["environment_variables"]
    assert prod["PORTAL_QUEUE_URL"] == first["queue_url"] and prod["PORTAL_DLQ_URL"] == first["dlq_url"]
    assert prod["PORTAL_QUEUE"] == "sqs://" and prod["PORTAL_SECRET"] == ""
    policy_prod = json.loads((chalice_dir / "policy-prod.json").read_text("utf-8"))
    send = [st for st in policy_prod["Statement"] if st["Action"] == ["sqs:SendMessage"]][0]
    assert send["Resource"] == first["queue_arn"]
    assert second["written"] == [str(env_file)]          # nothing else to change the second time

    saved = cloud.read_env_file(env_file)
    assert saved["PORTAL_DEPLOY_BUCKET"] == first["bucket"]
    assert saved["PORTAL_QUEUE_URL"] == first["queue_url"]
    settings = dp.settings_from_env(env={}, env_file=env_file)
    assert settings["bucket"] == first["bucket"]
    assert dp.settings_from_env(env={"PORTAL_DEPLOY_BUCKET": "x"}, env_file=env_file)["bucket"] == "x"
    assert "export PORTAL_QUEUE_URL=" in cloud.report(first)


def test_cloud_setup_repairs_drift_and_adds_cloudfront_policy(sqs, s3, cloudfront, chalice_dir, tmp_path):
    name = f"t{uuid.uuid4().hex[:8]}"
    kwargs = dict(region="us-east-1", sqs=sqs, s3=s3, cloudfront=cloudfront,
                  chalice_dir=chalice_dir, env_file=tmp_path / "cloud.env")
    first = cloud.setup(name, **kwargs)
    sqs.set_queue_attributes(QueueUrl=first["queue_url"], Attributes={"VisibilityTimeout": "5"})
    distribution = make_distribution(cloudfront, first["bucket"])
    second = cloud.setup(name, distribution=distribution, **kwargs)
    attrs = sqs.get_queue_attributes(QueueUrl=first["queue_url"], AttributeNames=["VisibilityTimeout"])
    assert attrs["Attributes"]["VisibilityTimeout"] == "60"
    policy = json.loads(s3.get_bucket_policy(Bucket=second["bucket"])["Policy"])
    allow = [st for st in policy["Statement"] if st["Sid"] == "AllowCloudFrontOAC"][0]
    arn = cloudfront.get_distribution(Id=distribution)["Distribution"]["ARN"]
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"] == arn
    assert second["env"]["PORTAL_CLOUDFRONT_ID"] == distribution
    # A later run without --distribution keeps CloudFront's access.
    cloud.setup(name, **kwargs)
    policy = json.loads(s3.get_bucket_policy(Bucket=second["bucket"])["Policy"])
    assert {"DenyInsecureTransport", "AllowCloudFrontOAC", "HideDeployManifest"} == \
        {st["Sid"] for st in policy["Statement"]}


def test_cloud_setup_from_stack_outputs(chalice_dir, tmp_path):
    arn = "arn:aws-cn:sqs:cn-north-1:111122223333:portal-intake.fifo"

    class Stacks:
        def describe_stacks(self, StackName):
            assert StackName == "portal"
            return {"Stacks": [{"Outputs": [
                {"OutputKey": "QueueUrl", "OutputValue": "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/portal-intake.fifo"},
                {"OutputKey": "QueueArn", "OutputValue": arn},
                {"OutputKey": "DeadLetterQueueUrl", "OutputValue": "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/portal-intake-dead.fifo"},
                {"OutputKey": "BucketName", "OutputValue": "portal-site-111122223333"},
                {"OutputKey": "DistributionId", "OutputValue": "E2ABC"}]}]}

    result = cloud.from_stack("portal", Stacks(), region="cn-north-1", chalice_dir=chalice_dir,
                              env_file=tmp_path / "cloud.env")
    assert result["env"]["PORTAL_CLOUDFRONT_ID"] == "E2ABC"
    policy = json.loads((chalice_dir / "policy-prod.json").read_text("utf-8"))
    resources = [st["Resource"] for st in policy["Statement"]]
    assert arn in resources
    assert "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/aws/lambda/portal-intake-prod:*" in resources
    saved = cloud.read_env_file(tmp_path / "cloud.env")
    assert saved["PORTAL_DEPLOY_BUCKET"] == "portal-site-111122223333"


def test_inject_secrets(chalice_dir):
    config = chalice_dir / "config.json"
    with pytest.raises(RuntimeError):
        cloud.inject_secrets(config, env={})
    names = cloud.inject_secrets(config, env={"PORTAL_SECRET": "s" * 40, "PORTAL_OPEN311_KEYS": "abc"})
    assert names == ["PORTAL_SECRET", "PORTAL_OPEN311_KEYS"]
    prod = json.loads(config.read_text("utf-8"))["stages"]["prod"]["environment_variables"]
    assert prod["PORTAL_SECRET"] == "s" * 40


def test_arn_partition_for_china():
    policy = cloud.bucket_policy("b", "aws-cn", "arn:aws-cn:cloudfront::1:distribution/E1")
    assert policy["Statement"][1]["Resource"] == "arn:aws-cn:s3:::b/*"


# --- CloudFormation and CI ---------------------------------------------------------------

class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !Sub, !GetAtt ...)."""


def _cfn_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"Fn::{suffix}" if suffix != "Ref" else "Ref": value}


CfnLoader.add_multi_constructor("!", _cfn_tag)


def test_cloudformation_template_parses():
    template = yaml.load((ROOT / "deploy" / "cloudformation.yaml").read_text("utf-8"), Loader=CfnLoader)
    resources = template["Resources"]
    types = {r["Type"] for r in resources.values()}
    for needed in ("AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::S3::BucketPolicy",
                   "AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl",
                   "AWS::CloudFront::Function"):
        assert needed in types, needed
    queues = {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    main = [p for p in queues.values() if "RedrivePolicy" in p][0]
    assert main["FifoQueue"] is True and main["SqsManagedSseEnabled"] is True
    assert main["RedrivePolicy"]["maxReceiveCount"] == 5
    dist = [r for r in resources.values() if r["Type"] == "AWS::CloudFront::Distribution"][0]
    behaviors = dist["Properties"]["DistributionConfig"]["CacheBehaviors"]
    assert any(b["PathPattern"] == "/api/*" for b in behaviors)
    # Every !Ref / !GetAtt names a parameter or resource of the template.
    names = set(resources) | set(template.get("Parameters", {})) | {"AWS::Region", "AWS::Partition",
                                                                     "AWS::AccountId", "AWS::StackName",
                                                                     "AWS::URLSuffix", "AWS::NoValue"}

    def walk(node):
        if isinstance(node, dict):
            if "Ref" in node and isinstance(node["Ref"], str):
                assert node["Ref"] in names, node
            if "Fn::GetAtt" in node:
                target = node["Fn::GetAtt"]
                target = target.split(".")[0] if isinstance(target, str) else target[0]
                assert target in names, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(resources)
    walk(template.get("Outputs", {}))


def _steps(job):
    return [step.get("run") or step.get("uses") or "" for step in job["steps"]]


def _index(steps, fragment):
    for i, step in enumerate(steps):
        if fragment in step:
            return i
    raise AssertionError(f"no step with {fragment!r}: {steps}")


def test_publish_workflow():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text("utf-8"))
    on = workflow.get("on", workflow.get(True))      # YAML 1.1 reads `on` as true
    push = on["push"]
    assert push["branches"] == ["main"]
    for path in ("content/**", "theme/**", "plugins/**", "pelicanconf.py", "intake/**"):
        assert path in push["paths"], path
    jobs = workflow["jobs"]
    site = jobs["site"]
    steps = _steps(site)
    order = [_index(steps, "actions/checkout"), _index(steps, "actions/setup-python"),
             _index(steps, "pip install -e ."), _index(steps, "invoke check"),
             _index(steps, "invoke build --production"),
             _index(steps, "aws-actions/configure-aws-credentials"), _index(steps, "invoke deploy")]
    assert order == sorted(order)
    python = [s for s in site["steps"] if "actions/setup-python" in s.get("uses", "")][0]
    assert str(python["with"]["python-version"]) == "3.11"
    assert site["permissions"]["id-token"] == "write"
    intake = jobs["intake"]
    steps = _steps(intake)
    assert _index(steps, "aws-actions/configure-aws-credentials") < _index(steps, "chalice deploy --stage prod")
    assert "intake" in intake["if"]
    assert "site" in site["if"]

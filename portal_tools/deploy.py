"""Publish the built site (output/) to S3 and invalidate CloudFront.

Only objects whose bytes changed are uploaded. Every object carries the
SHA-256 of its bytes in its metadata (``x-amz-meta-sha256``). A small
manifest object next to the site (``<prefix>.deploy-manifest.json``,
never served: the bucket policy denies it) remembers, for each key, that
hash, the headers and the ETag S3 gave the upload. A deploy lists the prefix
(one request per 1000 keys) and trusts the manifest for every key whose
listed ETag is still the one it recorded; any other key (no manifest, an
object replaced behind our back, an interrupted deploy) costs one HEAD to
read its ``sha256``. ETags are compared only with ETags, never with a hash
of the bytes (multipart ETags are not MD5s) and mtimes are never used: a
fresh checkout in CI rebuilds byte-identical files (the build is
deterministic) and uploads nothing.

Removed files are deleted, but only under the prefix. Changed and deleted
paths are invalidated on CloudFront when a distribution is given; the paths
to invalidate are stored in the manifest before anything is uploaded and
cleared after the invalidation was created, so a deploy that failed in
between invalidates them on the next run.

Headers (see README "Deploying to AWS"):

- HTML, JSON, calendars, feeds, XML, CSV, text: ``public, max-age=60,
  must-revalidate`` — pages change with every publish; the CDN copy is
  refreshed by the invalidation, browsers re-check after a minute.
- CSS and JS (``theme/``, unversioned names): ``public, max-age=3600``.
- images, PDFs, fonts and other static files: ``public, max-age=86400``.
- names carrying a content hash (pagefind's ``*.pf_*`` fragments,
  ``name.<hex>.ext``): ``public, max-age=31536000, immutable``.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MANIFEST_NAME = ".deploy-manifest.json"
MANIFEST_VERSION = 1
INVALIDATION_LIMIT = 500          # above this many paths, invalidate "/*"
WORKERS = 8

SHORT = "public, max-age=60, must-revalidate"
THEME = "public, max-age=3600"
STATIC = "public, max-age=86400"
IMMUTABLE = "public, max-age=31536000, immutable"

UTF8 = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + UTF8,
    ".htm": "text/html" + UTF8,
    ".css": "text/css" + UTF8,
    ".js": "application/javascript" + UTF8,
    ".mjs": "application/javascript" + UTF8,
    ".json": "application/json" + UTF8,
    ".geojson": "application/geo+json" + UTF8,
    ".webmanifest": "application/manifest+json" + UTF8,
    ".ics": "text/calendar" + UTF8,
    ".atom": "application/atom+xml" + UTF8,
    ".rss": "application/rss+xml" + UTF8,
    ".xml": "application/xml" + UTF8,
    ".xsl": "application/xml" + UTF8,
    ".csv": "text/csv" + UTF8,
    ".txt": "text/plain" + UTF8,
    ".md": "text/markdown" + UTF8,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".gz": "application/gzip",
}
# Compound endings that must win over their last suffix.
COMPOUND_TYPES = {
    ".atom.xml": "application/atom+xml" + UTF8,
    ".rss.xml": "application/rss+xml" + UTF8,
}
SHORT_TYPES = ("text/", "application/json", "application/geo+json", "application/manifest+json",
               "application/atom+xml", "application/rss+xml", "application/xml")
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")
SKIP_SUFFIXES = (".tmp", ".swp", ".bak", "~")


# --- local files ---------------------------------------------------------

@dataclass(frozen=True)
class LocalFile:
    rel: str
    path: Path
    sha256: str
    size: int
    content_type: str
    cache_control: str

    def headers(self):
        return {"sha256": self.sha256, "content_type": self.content_type,
                "cache_control": self.cache_control}


def content_type(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    for ending, ctype in COMPOUND_TYPES.items():
        if name.endswith(ending):
            return ctype
    suffix = os.path.splitext(name)[1]
    if suffix.startswith(".pf_"):                   # pagefind index, fragment, meta, filter
        return "application/octet-stream"
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, encoding = mimetypes.guess_type(name)
    if not guessed or encoding:
        return "application/octet-stream"
    return guessed + (UTF8 if guessed.startswith("text/") else "")


def cache_control(rel: str, ctype: str | None = None) -> str:
    ctype = ctype or content_type(rel)
    name = rel.rsplit("/", 1)[-1]
    if os.path.splitext(name)[1].startswith(".pf_") or HASHED_NAME.search(name):
        return IMMUTABLE
    if ctype.startswith(("text/css", "application/javascript")):
        return THEME                                # unversioned names: an hour
    if ctype.startswith(SHORT_TYPES):
        return SHORT
    return STATIC


def skipped(rel: str) -> bool:
    """Private or scratch files never leave the machine."""
    parts = rel.split("/")
    return any(part.startswith(".") for part in parts) or rel.endswith(SKIP_SUFFIXES)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(output) -> dict[str, LocalFile]:
    """Every publishable file under ``output`` by its POSIX relative path."""
    root = Path(output)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such directory; run `invoke build` first")
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if skipped(rel) or not path.is_file():
                continue
            ctype = content_type(rel)
            files[rel] = LocalFile(rel, path, sha256_file(path), path.stat().st_size,
                                   ctype, cache_control(rel, ctype))
    return files


# --- remote state ----------------------------------------------------------

def normalize_prefix(prefix: str | None) -> str:
    prefix = (prefix or "").strip().strip("/")
    return prefix + "/" if prefix else ""


def list_remote(s3, bucket: str, prefix: str) -> dict[str, str]:
    """ETag of every object under the prefix, by path relative to it."""
    found = {}
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            found[key[len(prefix):]] = obj["ETag"]
    return found


def load_manifest(s3, bucket: str, prefix: str) -> dict:
    empty = {"version": MANIFEST_VERSION, "generation": 0, "objects": {}, "pending_invalidation": []}
    try:
        body = s3.get_object(Bucket=bucket, Key=prefix + MANIFEST_NAME)["Body"].read()
        data = json.loads(body)
    except Exception as err:                        # missing or unreadable: rebuild it by HEADs
        if getattr(err, "response", {}).get("Error", {}).get("Code") not in (None, "NoSuchKey", "404"):
            raise
        return empty
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return empty
    data.setdefault("objects", {})
    data.setdefault("generation", 0)
    data.setdefault("pending_invalidation", [])
    return data


def save_manifest(s3, bucket: str, prefix: str, manifest: dict) -> None:
    body = json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")
    s3.put_object(Bucket=bucket, Key=prefix + MANIFEST_NAME, Body=body,
                  ContentType="application/json" + UTF8, CacheControl="no-store")


def _head(s3, bucket, key):
    head = s3.head_object(Bucket=bucket, Key=key)
    return {"sha256": head.get("Metadata", {}).get("sha256", ""),
            "content_type": head.get("ContentType", ""),
            "cache_control": head.get("CacheControl", ""),
            "etag": head["ETag"]}


# --- CloudFront ------------------------------------------------------------

def url_paths(rel: str) -> list[str]:
    """Viewer paths of one object: an index.html is also its directory."""
    quoted = "/" + quote(rel, safe="/")
    if rel == "index.html" or rel.endswith("/index.html"):
        return [quoted[: -len("index.html")], quoted]
    return [quoted]


def invalidation_paths(rels, pending=(), limit: int = INVALIDATION_LIMIT) -> list[str]:
    """CloudFront paths for changed/deleted files (plus paths left pending by
    a failed deploy); one "/*" above ``limit`` paths."""
    paths = {p for rel in rels for p in url_paths(rel)} | set(pending)
    if len(paths) > limit or "/*" in paths:
        return ["/*"]
    return sorted(paths)


def caller_reference(paths, generation: int) -> str:
    """Deterministic: the same deploy retried gets the same reference (and
    CloudFront does not invalidate twice); the manifest's generation makes
    a later change of the same paths a new invalidation."""
    digest = hashlib.sha256(json.dumps([generation, sorted(paths)]).encode()).hexdigest()
    return f"portal-{generation}-{digest[:40]}"


# --- the deploy --------------------------------------------------------------

def clients(region=None, s3_endpoint=None, cloudfront_endpoint=None):
    """boto3 clients from the environment (PORTAL_S3_ENDPOINT and
    PORTAL_CLOUDFRONT_ENDPOINT point them at a test server)."""
    import boto3
    from botocore.config import Config
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    s3_endpoint = s3_endpoint or os.environ.get("PORTAL_S3_ENDPOINT") or None
    cf_endpoint = cloudfront_endpoint or os.environ.get("PORTAL_CLOUDFRONT_ENDPOINT") or s3_endpoint
    config = Config(retries={"max_attempts": 8, "mode": "standard"}, max_pool_connections=WORKERS * 2,
                    s3={"addressing_style": "path"} if s3_endpoint else None)
    s3 = boto3.client("s3", region_name=region, endpoint_url=s3_endpoint, config=config)
    cloudfront = boto3.client("cloudfront", region_name=region, endpoint_url=cf_endpoint, config=config)
    return s3, cloudfront


def deploy(output, bucket, prefix="", distribution=None, s3=None, cloudfront=None,
           dry_run=False, workers=WORKERS, log=None) -> dict:
    """Make ``s3://bucket/prefix`` equal to ``output``; return what was done.

    The result: ``uploaded``, ``unchanged``, ``deleted`` (lists of paths
    relative to the prefix), ``invalidated`` (CloudFront paths),
    ``invalidation_id``, ``dry_run``, ``bucket``, ``prefix``.
    """
    if not bucket:
        raise ValueError("no bucket: pass --bucket or set PORTAL_DEPLOY_BUCKET")
    log = log or (lambda message: None)
    prefix = normalize_prefix(prefix)
    if s3 is None or (distribution and cloudfront is None):
        default_s3, default_cf = clients()
        s3 = s3 or default_s3
        cloudfront = cloudfront or default_cf

    local = scan(output)
    remote = list_remote(s3, bucket, prefix)
    remote.pop(MANIFEST_NAME, None)
    manifest = load_manifest(s3, bucket, prefix)

    # What is in the bucket now: the manifest where the ETag confirms it, else HEAD.
    state = {}
    unknown = []
    for rel, etag in remote.items():
        entry = manifest["objects"].get(rel)
        if entry and entry.get("etag") == etag:
            state[rel] = entry
        elif rel in local:
            unknown.append(rel)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for rel, head in zip(unknown, pool.map(lambda r: _head(s3, bucket, prefix + r), unknown)):
            state[rel] = head

    uploads, unchanged = [], []
    for rel, item in local.items():
        current = state.get(rel)
        if current and all(current.get(k) == v for k, v in item.headers().items()):
            unchanged.append(rel)
        else:
            uploads.append(rel)
    deletes = sorted(set(remote) - set(local))
    # New keys were never cached (beyond CloudFront's short error caching).
    changed = [rel for rel in uploads if rel in remote] + deletes
    pending = list(manifest.get("pending_invalidation") or []) if distribution else []
    paths = invalidation_paths(changed, pending) if distribution and (changed or pending) else []

    result = {"bucket": bucket, "prefix": prefix, "dry_run": dry_run,
              "uploaded": sorted(uploads), "unchanged": sorted(unchanged), "deleted": deletes,
              "invalidated": paths, "invalidation_id": None}
    if dry_run:
        for rel in sorted(uploads):
            log(f"would upload  {prefix}{rel}  ({local[rel].content_type}; {local[rel].cache_control})")
        for rel in deletes:
            log(f"would delete  {prefix}{rel}")
        if paths:
            log(f"would invalidate {len(paths)} path(s) on {distribution}: {' '.join(paths[:20])}"
                + (" …" if len(paths) > 20 else ""))
        return result

    if paths:
        # Recorded before anything changes: a deploy that dies half-way still
        # invalidates these paths on the next run.
        save_manifest(s3, bucket, prefix, dict(manifest, pending_invalidation=paths))

    def put(rel):
        item = local[rel]
        with open(item.path, "rb") as fh:
            answer = s3.put_object(Bucket=bucket, Key=prefix + rel, Body=fh.read(),
                                   ContentType=item.content_type, CacheControl=item.cache_control,
                                   Metadata={"sha256": item.sha256})
        log(f"uploaded  {prefix}{rel}")
        return rel, answer["ETag"]

    # The search index's entry file goes up last (and old index files are
    # deleted after it): until it is replaced, browsers keep using the
    # previous index, whose files are all still there.
    entry = sorted(rel for rel in uploads if rel.endswith("pagefind-entry.json"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for phase in (sorted(set(uploads) - set(entry)), entry):
            for rel, etag in pool.map(put, phase):
                state[rel] = dict(local[rel].headers(), etag=etag)

    for start in range(0, len(deletes), 1000):
        batch = deletes[start:start + 1000]
        answer = s3.delete_objects(Bucket=bucket, Delete={
            "Objects": [{"Key": prefix + rel} for rel in batch], "Quiet": True})
        errors = answer.get("Errors") or []
        if errors:
            raise RuntimeError("could not delete: " + ", ".join(
                f"{e.get('Key')} ({e.get('Code')})" for e in errors[:10]))
        for rel in batch:
            log(f"deleted   {prefix}{rel}")

    objects = {rel: {k: state[rel][k] for k in ("sha256", "content_type", "cache_control", "etag")}
               for rel in sorted(local)}
    generation = int(manifest.get("generation", 0)) + (1 if uploads or deletes or paths else 0)
    new_manifest = {"version": MANIFEST_VERSION, "generation": generation, "objects": objects,
                    "pending_invalidation": paths}
    if new_manifest != manifest:
        save_manifest(s3, bucket, prefix, new_manifest)
    if paths:
        answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": caller_reference(paths, generation)})
        result["invalidation_id"] = answer["Invalidation"]["Id"]
        log(f"invalidation {result['invalidation_id']}: {len(paths)} path(s)")
        new_manifest["pending_invalidation"] = []
        save_manifest(s3, bucket, prefix, new_manifest)
    return result


def summary(result: dict) -> str:
    verb = "would be " if result.get("dry_run") else ""
    where = f"s3://{result['bucket']}/{result['prefix']}"
    line = (f"{where}: {len(result['uploaded'])} {verb}uploaded, {len(result['unchanged'])} unchanged, "
            f"{len(result['deleted'])} {verb}deleted, {len(result['invalidated'])} path(s) {verb}invalidated")
    if result.get("invalidation_id"):
        line += f" (invalidation {result['invalidation_id']})"
    return line


def settings_from_env(env=None, env_file=None) -> dict:
    """Deploy settings: the environment first, then var/cloud.env written by
    `invoke cloud-setup` (another file with PORTAL_CLOUD_ENV)."""
    from portal_tools.cloud import read_env_file, DEFAULT_ENV_FILE
    env = os.environ if env is None else env
    saved = read_env_file(env_file or env.get("PORTAL_CLOUD_ENV") or DEFAULT_ENV_FILE)

    def pick(name):
        return env.get(name) or saved.get(name) or None
    return {"bucket": pick("PORTAL_DEPLOY_BUCKET"), "prefix": pick("PORTAL_DEPLOY_PREFIX") or "",
            "distribution": pick("PORTAL_CLOUDFRONT_ID")}


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default="output")
    parser.add_argument("--bucket")
    parser.add_argument("--prefix")
    parser.add_argument("--distribution")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    defaults = settings_from_env()
    result = deploy(args.output, args.bucket or defaults["bucket"],
                    prefix=args.prefix if args.prefix is not None else defaults["prefix"],
                    distribution=args.distribution or defaults["distribution"],
                    dry_run=args.dry_run, log=print)
    print(summary(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

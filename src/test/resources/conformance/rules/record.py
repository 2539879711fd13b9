#!/usr/bin/python3
"""Records the expected outcome of every rule case by running it on the original spooler.

usage: /usr/bin/python3 record.py SPOOLER_SRC_DIR [CASE ...]
  SPOOLER_SRC_DIR: a checkout of the spooler (see /work/shared/spooler-reference/README.md); it is started once,
  on loopback port 18310, with its flows/, templates/, secrets.yml and DATA_PATH in a scratch directory that is
  refilled before each case. The canned upstream listens on 127.0.0.1:18399; the text PORT in a case's
  input.json and secrets.yml becomes that port, and the port becomes PORT again in what is recorded.
Writes <case>/expected.json next to this script (all cases, or those named).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPOOLER_PORT = 18310
UPSTREAM_PORT = 18399
TOKEN = "rules-token"
VAULT_TOKEN = "vault-test-token"
# request headers every HTTP client sets its own way (transport and negotiation); the rest is what the flow asked for
IGNORED_HEADERS = {"host", "user-agent", "accept-encoding", "accept", "connection", "content-length",
                   "upgrade", "http2-settings"}


class Upstream:
    """The canned HTTP upstream: answers from the case's upstream.json, records every request."""

    def __init__(self):
        self.answers = {}
        self.calls = {}
        self.requests = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                path = urllib.parse.unquote(url.path)
                with upstream.lock:
                    upstream.requests.append(record_request(self.command, path, url.query, self.headers, raw))
                    status, content_type, body = upstream.answer(self.command, path)
                data = body.encode()
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", UPSTREAM_PORT), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, answers):
        with self.lock:
            self.answers, self.calls, self.requests = answers, {}, []

    def answer(self, method, path):
        key = method + " " + path
        entry = self.answers.get(key)
        if entry is None:
            if any(k.split(" ", 1)[1] == path for k in self.answers):
                return 404, "application/json", json.dumps({"error": "no canned answer for " + key})
            return 404, "text/plain", "no handler for " + path
        if isinstance(entry, list):
            n = self.calls.get(key, 0)
            self.calls[key] = n + 1
            entry = entry[min(n, len(entry) - 1)]
        status = entry.get("status", 200)
        if "text" in entry:
            return status, entry.get("content_type", "text/plain"), entry["text"]
        if "body" in entry:
            return status, entry.get("content_type", "application/json"), json.dumps(entry["body"])
        return status, entry.get("content_type"), ""


def record_request(method, path, query, headers, raw):
    kept = {k.lower(): v for k, v in headers.items() if k.lower() not in IGNORED_HEADERS}
    if "content-type" in kept:  # its media type only, as the corpus suite compares it
        kept["content-type"] = kept["content-type"].split(";")[0].strip()
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    return {
        "method": method,
        "path": path,
        "query": [list(p) for p in urllib.parse.parse_qsl(query, keep_blank_values=True)],
        "headers": dict(sorted(kept.items())),
        "body": body,
    }


REPLACEMENTS = []  # (text, placeholder): the scratch folders, the upstream's port
VOLATILE = []  # (text, placeholder): this run's job id and timestamps, wherever they were copied to


def volatile_values(job_id, data):
    found = [(job_id, "<job_id>")]

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "__timestamp__" and isinstance(v, str) and re.fullmatch(r"\d{14}", v):
                    found.append((v, "<timestamp>"))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(data)
    return found


def normalize(value, key=None):
    """Volatile values become placeholders; the scratch folders become <flows>/, <data>/, <templates>/ and the
    upstream's port becomes PORT."""
    if key == "__job_id__" and value is not None:
        return "<job_id>"
    if key == "__timestamp__" and isinstance(value, str) and re.fullmatch(r"\d{14}", value):
        return "<timestamp>"
    if isinstance(value, dict):
        return {k: normalize(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        for text, placeholder in REPLACEMENTS + VOLATILE:
            value = value.replace(text, placeholder)
        return value
    return value


# a flow's timestamp copied into a file, whichever flow it came from
FILE_TIMESTAMP = re.compile(r"(?<!\d)20\d{12}(?!\d)")


def json_safe(value):
    return json.loads(json.dumps(value, default=str))


def parse_file(text):
    """What the file holds once parsed: JSON if it is JSON, else YAML (documents) if it is YAML, whatever its
    name (the spooler writes YAML into a .json file by default); "unparsable" otherwise (e.g. appended JSON)."""
    try:
        return {"format": "json", "value": json.loads(text)}
    except ValueError:
        pass
    try:
        return {"format": "yaml", "value": json_safe(list(yaml.safe_load_all(text)))}
    except Exception as e:
        return {"format": "unparsable", "value": str(e).splitlines()[0]}


def files_under(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            with open(full, "r", encoding="utf-8", errors="replace") as f:
                text = f.read()
            text = FILE_TIMESTAMP.sub("<timestamp>", normalize(text))
            files[rel] = {"text": text, "parsed": normalize(parse_file(text))}
    return dict(sorted(files.items()))


def case_dirs(names):
    all_cases = sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "flow.yml")))
    if not names:
        return all_cases
    missing = [n for n in names if n not in all_cases]
    if missing:
        sys.exit("no such case: " + ", ".join(missing))
    return names


def substitute(text):
    return text.replace("PORT", str(UPSTREAM_PORT))


def prepare(case_dir, scratch):
    for sub in ("flows", "templates", "data"):
        shutil.rmtree(os.path.join(scratch, sub), ignore_errors=True)
        os.makedirs(os.path.join(scratch, sub))
    for name in os.listdir(case_dir):
        src = os.path.join(case_dir, name)
        if name.endswith((".yml", ".yaml")) and name != "secrets.yml" and os.path.isfile(src):
            shutil.copy(src, os.path.join(scratch, "flows", name))
    for sub in ("flows", "templates", "data"):
        if os.path.isdir(os.path.join(case_dir, sub)):
            shutil.copytree(os.path.join(case_dir, sub), os.path.join(scratch, sub), dirs_exist_ok=True)
    secrets = os.path.join(case_dir, "secrets.yml")
    text = open(secrets).read() if os.path.exists(secrets) else "[]\n"
    with open(os.path.join(scratch, "secrets.yml"), "w") as f:
        f.write(substitute(text))


def api(method, path, body=None):
    request = urllib.request.Request(
        "http://127.0.0.1:%d/api/v1%s" % (SPOOLER_PORT, path), method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def start_spooler(src, scratch):
    env = dict(os.environ)
    env.update({
        "DATA_PATH": os.path.join(scratch, "data"), "FLOWS_PATH": os.path.join(scratch, "flows"),
        "TEMPLATES_PATH": os.path.join(scratch, "templates"), "SECRETS_PATH": os.path.join(scratch, "secrets.yml"),
        "JOBS_DB_PATH": os.path.join(scratch, "jobs.sqlite"), "LOG_PATH": os.path.join(scratch, "logs"),
        "CONFIG_FILE": os.path.join(scratch, "config.yml"), "API_PORT": str(SPOOLER_PORT), "API_TOKEN": TOKEN,
        "HASHICORP_VAULT_TOKEN": VAULT_TOKEN, "HASHICORP_VAULT_CACHE_TTL": "0", "TIMEZONE": "UTC",
        "PYTHONPATH": "/work/shared/spooler-reference/shims:" + src,
    })
    os.makedirs(os.path.join(scratch, "logs"), exist_ok=True)
    with open(os.path.join(scratch, "config.yml"), "w") as f:
        f.write("autostart_flows: []\n")
    out = open(os.path.join(scratch, "spooler.out"), "w")
    process = subprocess.Popen(["/usr/bin/python3", os.path.join(src, "main.py")], cwd=src, env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            api("GET", "/schedules")
            return process
        except Exception:
            time.sleep(0.2)
    process.kill()
    sys.exit("the spooler did not start; see " + os.path.join(scratch, "spooler.out"))


def record(case, scratch, upstream):
    case_dir = os.path.join(HERE, case)
    prepare(case_dir, scratch)
    answers = {}
    if os.path.exists(os.path.join(case_dir, "upstream.json")):
        answers = json.load(open(os.path.join(case_dir, "upstream.json")))
    upstream.reset(answers)
    launch = {"path": "flow.yml", "timeout_seconds": 60}
    if os.path.exists(os.path.join(case_dir, "input.json")):
        launch["data"] = json.loads(substitute(open(os.path.join(case_dir, "input.json")).read()))
    job_id = api("POST", "/jobs", launch)["job_id"]
    for _ in range(600):
        job = api("GET", "/jobs/" + job_id)
        if job["state"] == "finished":
            break
        time.sleep(0.1)
    VOLATILE[:] = volatile_values(job_id, job.get("result"))
    flow_text = "".join(open(os.path.join(r, n)).read() for r, _, ns in os.walk(os.path.join(scratch, "flows"))
                        for n in ns)
    ordered = "flow_loop" not in flow_text
    requests = normalize(list(upstream.requests))
    if not ordered:  # flow_loop items run concurrently: a stable order for the file
        requests.sort(key=lambda r: json.dumps(r, sort_keys=True))
    expected = {
        "status": job["status"],
        "message": normalize(job.get("errors")),
        "data": normalize(job.get("result")),
        "files": files_under(os.path.join(scratch, "data")),
        "requests_ordered": ordered,
        "requests": requests,
    }
    with open(os.path.join(case_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return expected["status"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = os.path.abspath(sys.argv[1])
    cases = case_dirs(sys.argv[2:])
    scratch = tempfile.mkdtemp(prefix="rules-record-")
    REPLACEMENTS.extend([(os.path.join(scratch, d) + "/", "<%s>/" % d) for d in ("flows", "data", "templates")])
    REPLACEMENTS.append(("127.0.0.1:%d" % UPSTREAM_PORT, "127.0.0.1:PORT"))
    upstream = Upstream()
    process = start_spooler(src, scratch)
    try:
        for case in cases:
            print("%-50s %s" % (case, record(case, scratch, upstream)), flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        upstream.server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

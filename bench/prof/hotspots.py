#!/usr/bin/env python3
"""Hot-spot table of a JFR recording: top frames (self), top packages (self) and inclusive shares of chosen frames.
Usage: bench/prof/hotspots.py recording.jfr [thread-name-regex] [top N]
Reads `jfr print --events jdk.ExecutionSample --stack-depth 96` (the JDK's jfr tool)."""
import collections, re, subprocess, sys

jfr, thread_re = sys.argv[1], re.compile(sys.argv[2] if len(sys.argv) > 2 else ".")
top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", jfr],
                      capture_output=True, text=True, check=True).stdout
frame_re = re.compile(r"^\s+([\w$.<>/]+)\(")
samples = []
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    if not m or not thread_re.search(m.group(1)):
        continue
    frames = [f.group(1) for f in (frame_re.match(l) for l in event.splitlines()) if f]
    if frames:
        samples.append((m.group(1), frames))
n = len(samples)
def pkg(frame):
    parts = frame.rsplit(".", 2)[0].split(".")
    return ".".join(parts[:4]) if parts[0] in ("io", "org", "com") else ".".join(parts[:2])
def table(title, counter):
    print(f"\n{title} ({n} samples)")
    for key, c in counter.most_common(top):
        print(f"{100.0 * c / n:6.1f}%  {key}")
table("top frames (self)", collections.Counter(f[0] for _, f in samples))
table("top packages (self)", collections.Counter(pkg(f[0]) for _, f in samples))
table("threads", collections.Counter(re.sub(r"\d+", "N", t) for t, _ in samples))
INCL = ("io.octoflow", "org.h2", "java.nio.channels", "sun.nio.ch.FileDispatcherImpl", "org.apache.logging",
        "com.hubspot", "sun.nio.fs", "org.apache.camel.impl.console", "org.apache.camel.cli", "com.zaxxer",
        "org.apache.camel.management", "io.vertx.ext.web", "com.fasterxml.jackson.databind.ObjectMapper.<init>")
incl = collections.Counter()
for _, frames in samples:
    for key in {f for f in frames if f.startswith(INCL)}:
        incl[key] += 1
table("inclusive (frame anywhere on the stack)", incl)

# where the time goes, by part: each sample counted once, for the first part (in this order) found on its stack
PARTS = [
    ("start-up (OctoflowService.start)", ("io.octoflow.app.OctoflowService.start",)),
    ("benchmark client (its own threads)", None),
    ("Camel CLI connector status task (periodic, not per run)", ("org.apache.camel.cli.connector",)),
    ("history: H2 chunk writes (CHECKPOINT, background writer)", ("org.h2.mvstore.FileStore.", "org.h2.mvstore.MVStore.store", "org.h2.mvstore.MVStore.commit")),
    ("history: recording (SQL, JSON of input/data)", ("io.octoflow.launch.ExecutionRecorder", "io.octoflow.history.")),
    ("lock files", ("io.octoflow.lock.",)),
    ("the flow's five steps (FlowEngine.run)", ("io.octoflow.engine.FlowEngine.lambda$run", "io.octoflow.engine.FatalErrorGuard")),
    ("launcher, route, metrics (rest of the launch)", ("io.octoflow.launch.", "io.octoflow.metrics.", "org.apache.camel.")),
    ("HTTP server and API (vert.x, JSON answer)", ("io.vertx.", "io.netty.", "io.octoflow.api.")),
]
parts = collections.Counter()
for thread, frames in samples:
    for name, prefixes in PARTS:
        if prefixes is None:
            if thread.startswith(("bench-", "HttpClient-", "main")):
                parts[name] += 1
                break
        elif any(f.startswith(prefixes) for f in frames):
            parts[name] += 1
            break
    else:
        parts["other (GC-free JDK work, JFR, ...)"] += 1
table("by part", parts)

#!/usr/bin/env python3
"""Where a start-up's CPU samples went, by part (each sample counted once, for the first part found on its stack,
in the order below), over the threads that do the start-up: main, the flow readers and the meters' registration.
Usage: bench/prof/startup_parts.py recording.jfr  (reads `jfr print --events jdk.ExecutionSample`)."""
import collections, re, subprocess, sys

text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "128", sys.argv[1]],
                      capture_output=True, text=True, check=True).stdout
frame_re = re.compile(r"^\s+([\w$.<>/]+)\(")
THREADS = re.compile(r"^(main|octoflow-flow-reader-\d+|octoflow-metrics-preregistration)$")
PARTS = [
    ("Camel YAML DSL sniffing (second read of each file)", ("io.octoflow.service.FlowDirectory.isCamelYaml",)),
    ("flow files: YAML (read, check, compose)", ("io.octoflow.flow.YNode.parse", "io.octoflow.flow.FlowYaml.read",
                                                 "io.octoflow.flow.FlowYaml.check")),
    ("flow files: Jinja templates and conditions", ("io.octoflow.template.Templates.",)),
    ("flow files: jq programs", ("io.octoflow.flow.FlowFileCompiler.jq",)),
    ("flow files: the rest of validation (keys, steps, cron, triggers)", ("io.octoflow.flow.",)),
    ("per-flow meters (FlowMetrics)", ("io.octoflow.metrics.FlowMetrics.",)),
    ("schedules (Scheduler: quartz endpoints, consumers, triggers)", ("io.octoflow.schedule.",)),
    ("per-flow MBeans, triggers", ("io.octoflow.jmx.", "io.octoflow.trigger.")),
    ("opening the history (H2, Flyway)", ("io.octoflow.database.", "io.octoflow.history.")),
    ("the rest of the deployment (FlowDirectory, FlowEngine)", ("io.octoflow.service.", "io.octoflow.engine.")),
    ("Camel, HTTP server, logging set-up, class loading (the rest of OctoflowService.start)",
     ("io.octoflow.app.",)),
]
parts, threads, n = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    if not m or not THREADS.match(m.group(1)):
        continue
    frames = [f.group(1) for f in (frame_re.match(l) for l in event.splitlines()) if f]
    n += 1
    threads[re.sub(r"\d+$", "N", m.group(1))] += 1
    for name, prefixes in PARTS:
        if any(f.startswith(prefixes) for f in frames):
            parts[name] += 1
            break
    else:
        parts["other (benchmark's own file writing, JDK)"] += 1
print(f"{n} samples of the start-up's threads")
for name, c in threads.most_common():
    print(f"{100.0 * c / n:6.1f}%  thread {name}")
print("| part | samples | share |\n|---|---|---|")
for name, c in parts.most_common():
    print(f"| {name} | {c} | {100.0 * c / n:.1f} % |")

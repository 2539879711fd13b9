#!/usr/bin/env python3
"""Where the CPU of a flow's run goes, by part of the five-step file flow of bench/CoreVsCamelBench.java: the
samples of the threads running it (an `octoflow-run` pool thread before issue 17's fourth session, the caller's
thread in FlowEngine.run since), each counted once, for the first part (in this order) found on its stack.
Usage: bench/prof/engine_parts.py recording.jfr   (a JFR recording of `bench/run.sh core-vs-camel` with
-Dbench.only=octoflow; reads `jfr print --events jdk.ExecutionSample`)"""
import collections, re, subprocess, sys
jfr=sys.argv[1]
text = subprocess.run(["jfr","print","--events","jdk.ExecutionSample","--stack-depth","128",jfr],capture_output=True,text=True,check=True).stdout
frame_re = re.compile(r"^\s+([\w$.<>/]+)\(")
PARTS=[("the run's result: data copy and masking (FlowEngine.result)", ("io.octoflow.engine.FlowEngine.result",)),
 ("jinja step: Jinjava interpreter made per render", ("io.octoflow.template.Templates.newInterpreter",)),
 ("jinja step: rendering (for loop, lookups)", ("io.octoflow.step.types.JinjaStep",)),
 ("jq steps: data -> Jackson tree", ("io.octoflow.step.JqProcessors.lambda$toTree","io.octoflow.step.JqProcessors.tree")),
 ("jq steps: tree -> data, integral numbers", ("io.octoflow.step.JqProcessors.lambda$fromTree","io.octoflow.step.JqProcessors.lambda$append","io.octoflow.step.JqProcessors.integralNumbers","io.octoflow.step.JqProcessors.plain")),
 ("jq steps: the programs (jackson-jq, budget)", ("io.octoflow.step.JqProcessors.lambda$evaluate","io.octoflow.step.JqRuntime.evaluate")),
 ("file read: confined open (ConfinedPaths)", ("io.octoflow.step.types.FileStep.lambda$build$0",), "io.octoflow.path."),
 ("file read: reading and JSON parsing", ("io.octoflow.step.types.FileStep.lambda$build$0",)),
 ("file write: confined resolve, open and write (ConfinedPaths)", ("io.octoflow.step.types.FileStep.lambda$build$1","io.octoflow.step.types.FileStep.lambda$build$2","io.octoflow.step.types.FileStep.lambda$build$3"), "io.octoflow.path."),
 ("file write: JSON text (PythonJson)", ("io.octoflow.step.types.FileStep.lambda$build$1",)),
 ("run start and end (FlowStart, FlowEnd, step records, selection)", ("io.octoflow.route.",)),
 ("Camel's routing of the exchange (processor calls, JMX statistics)", ("org.apache.camel",)),
]
c=collections.Counter(); n=0
for ev in text.split("jdk.ExecutionSample")[1:]:
    m=re.search(r'sampledThread = "([^"]*)"',ev)
    if not m: continue
    frames=[f.group(1) for f in (frame_re.match(l) for l in ev.splitlines()) if f]
    if not frames: continue
    if "octoflow-run" not in m.group(1) and not any(f.startswith("io.octoflow.engine.FlowEngine.run") for f in frames): continue
    n+=1
    for p in PARTS:
        name,prefixes=p[0],p[1]
        if any(f.startswith(prefixes) for f in frames):
            if len(p)>2 and not any(f.startswith(p[2]) for f in frames): continue
            c[name]+=1; break
    else:
        c["other (JDK, thread pool)"]+=1
print(f"{n} samples of the threads running the flow")
for name,_ ,*r in PARTS+[("other (JDK, thread pool)",())]:
    print(f"| {name} | {100*c[name]/n:.1f} % |")

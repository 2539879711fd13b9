package io.octoflow.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.engine.FlowEngine;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.FlowReadAhead;
import io.octoflow.flow.FlowYaml;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.flow.Problem;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.ScheduleIds;
import io.octoflow.schedule.Scheduler;
import io.octoflow.watch.DirectoryWatcher;

/**
 * The drop-in directory: every file of FLOWS_PATH is deployed as a flow (route + schedule) or, for Camel YAML DSL
 * files, as the routes it declares. A new version replaces the old one only after it validated; a broken save
 * is reported and the previous version keeps running. Other files are never touched.
 *
 * <p>Files come from many hands (see docs/SECURITY.md): each is read under the flow file limits
 * ({@link FlowYaml}), a symbolic link leading outside FLOWS_PATH is refused, and nothing one file throws (a
 * {@link StackOverflowError} included) stops the others from loading. Deploying holds this directory's monitor;
 * reading what is deployed does not (it reads the last published snapshot), so a slow file never stalls the API
 * or the schedules.
 *
 * <p>Over 400 lines: the start-up load, one file's deploy, its removal and the readers share one state and one
 * lock; the Camel route files are in {@link CamelYamlFiles}.
 */
public final class FlowDirectory implements DirectoryWatcher.Listener {

    private static final Logger LOG = LogManager.getLogger(FlowDirectory.class);

    /** Told what the directory now runs, for the metrics and the MBeans. */
    public interface Events {
        /** A file was (re)loaded ({@code valid}) or failed to; {@code path} is relative to FLOWS_PATH. */
        void file(String path, boolean valid);

        void fileRemoved(String path);

        void flowDeployed(FlowDefinition flow);

        /**
         * Many flows are about to be deployed at once (the start-up), each then told by {@link #flowDeployed}: a
         * listener may prepare for them meanwhile.
         */
        default void deploying(List<FlowDefinition> flows) {
        }

        /** The flow is gone, or is about to be deployed again under another name. */
        void flowRemoved(FlowDefinition flow);
    }

    private final FlowEngine engine;
    private final Scheduler scheduler;
    private Events events;
    private final Path root;
    private final Map<Path, Deployment> deployments = new LinkedHashMap<>();
    private final Set<Path> invalid = new HashSet<>();
    /** What readers see: a copy of {@link #deployments}, published after every change. */
    private volatile Map<Path, Deployment> published = Map.of();
    /** The published flows by id (path): a schedule's fire finds its flow without a scan of every deployment. */
    private volatile Map<String, FlowDefinition> publishedById = Map.of();

    public FlowDirectory(FlowEngine engine, Scheduler scheduler, Events events) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.events = events;
        this.root = engine.config().flowsPath();
        applyLimits(engine);
    }

    private static void applyLimits(FlowEngine engine) {
        var config = engine.config();
        FlowYaml.limit(new FlowYaml.Limits(config.flowFileMaxBytes(), config.flowFileMaxDepth(),
                config.flowFileMaxAliases(), config.flowFileMaxNodes()));
    }

    /**
     * Begins reading FLOWS_PATH's files in the background (with FLOW_LOAD_THREADS of two or more), for the
     * {@link #loadAll} to come: the service calls it as soon as the engine exists, so that the files are read while
     * it opens the history and starts Camel and its HTTP server.
     */
    public static void startReading(FlowEngine engine) {
        applyLimits(engine);
        Path flows = engine.config().flowsPath();
        int threads = engine.config().flowLoadThreadCount();
        if (threads >= 2 && Files.isDirectory(flows)) {
            engine.catalog().readingAhead(FlowReadAhead.start(engine.catalog(), flows, threads));
        }
    }

    /**
     * One more listener, told after the ones given at construction (the Kubernetes Flow resources follow the
     * verdicts on their materialized files this way). Called under this directory's lock: keep it quick.
     */
    public synchronized void addEvents(Events more) {
        Events first = events;
        events = new Events() {
            @Override
            public void file(String path, boolean valid) {
                first.file(path, valid);
                more.file(path, valid);
            }

            @Override
            public void fileRemoved(String path) {
                first.fileRemoved(path);
                more.fileRemoved(path);
            }

            @Override
            public void flowDeployed(FlowDefinition flow) {
                first.flowDeployed(flow);
                more.flowDeployed(flow);
            }

            @Override
            public void deploying(List<FlowDefinition> flows) {
                first.deploying(flows);
                more.deploying(flows);
            }

            @Override
            public void flowRemoved(FlowDefinition flow) {
                first.flowRemoved(flow);
                more.flowRemoved(flow);
            }
        };
    }

    /** The one rule of what a flow file is ({@link FlowYaml#isFlowFile}), for the watcher. */
    public static boolean isFlowFile(Path file) {
        return FlowYaml.isFlowFile(file);
    }

    /** Deploys every file at start. */
    public synchronized void loadAll() throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
        }
        // the files are read and validated on every core (begun early by startReading, or now); the verdicts are
        // taken below one by one, in file order
        FlowReadAhead reading = engine.catalog().takeReadingAhead();
        if (reading == null) {
            reading = FlowReadAhead.start(engine.catalog(), root, engine.config().flowLoadThreadCount());
        }
        List<Path> files = reading.files();
        engine.catalog().clear();
        reading.finish();
        List<FlowDefinition> valid = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path absolute = files.get(i);
            try {
                Boolean camelRoutes = reading.isCamelRoutes(i); // null when no reader read it
                if (camelRoutes != null ? camelRoutes : isCamelYaml(absolute)) {
                    deploy(absolute);
                    continue;
                }
                List<Problem> problems = engine.validate(absolute);
                if (!problems.isEmpty()) {
                    reject(absolute, null, problems);
                    continue;
                }
                // files may share a name: each is its own flow, identified by its path
                FlowDefinition flow = engine.catalog().require(absolute);
                List<Problem> taken = claimed(flow, valid);
                if (!taken.isEmpty()) {
                    reject(absolute, null, taken);
                    continue;
                }
                valid.add(flow);
            } catch (Throwable e) { // one hostile file must not stop the start (a StackOverflowError included)
                engine.catalog().clear();
                reject(absolute, null, List.of(failure(absolute, e)));
            }
        }
        deployAtOnce(valid);
        publish();
        LOG.info("{} file(s) in {}: {} deployed, {} invalid", files.size(), root, deployments.size() - invalid.size(),
                invalid.size());
        reportSharedNames(null);
    }

    /** A problem for what a file threw (not a validation problem): its path and the kind of failure. */
    private Problem failure(Path file, Throwable e) {
        String what = e instanceof StackOverflowError ? "nested too deeply to read (StackOverflowError)"
                : e instanceof OutOfMemoryError ? "too large to read (OutOfMemoryError)"
                : "cannot deploy: " + io.octoflow.execution.ErrorText.of(e);
        LOG.debug("{}: {}", printable(relative(file)), what, e);
        return new Problem(relative(file), 1, 1, what);
    }

    /**
     * Files may share a flow name (each is its own flow, identified by its path), but a name given to the API then
     * means nothing: one warning lists every file of such a name, in path order, whichever file came first.
     * With {@code name}, only that name is checked (after one file was deployed).
     */
    private void reportSharedNames(String name) {
        Map<String, List<String>> byName = new java.util.TreeMap<>();
        for (Deployment deployment : deployments.values()) {
            if (deployment.flow() != null && (name == null || name.equals(deployment.flow().name()))) {
                byName.computeIfAbsent(deployment.flow().name(), n -> new ArrayList<>()).add(deployment.path());
            }
        }
        byName.forEach((shared, paths) -> {
            if (paths.size() > 1) {
                paths.sort(null);
                LOG.warn("flow name '{}' is shared by {} files: {}; each runs as its own flow, launch them by path"
                        + " (a launch by this name is refused as ambiguous)", printable(shared), paths.size(),
                        printable(String.join(", ", paths)));
            }
        });
    }

    /** User text made safe for one log line (issue 18 #20). */
    static String printable(String text) {
        return io.octoflow.logging.LogText.oneLine(text);
    }

    private void publish() {
        Map<String, FlowDefinition> byId = new HashMap<>();
        for (Deployment deployment : deployments.values()) {
            if (deployment.flow() != null) {
                byId.putIfAbsent(deployment.flow().id(), deployment.flow());
            }
        }
        published = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deployments));
        publishedById = byId;
    }

    /** The start-up path: the routes of every valid flow and of their schedules, added to Camel at once. */
    private void deployAtOnce(List<FlowDefinition> flows) {
        List<ScheduleEntry> schedules = new ArrayList<>();
        Map<Path, String> scheduleIds = new HashMap<>();
        for (FlowDefinition flow : flows) {
            if (flow.cron() != null || flow.everySeconds() != null) {
                ScheduleEntry entry = Scheduler.entry(flow, "file", flow.cron(),
                        flow.everySeconds(), flow.timeoutSeconds());
                schedules.add(entry);
                scheduleIds.put(flow.file(), entry.id());
            }
        }
        events.deploying(flows);
        try {
            scheduler.prepare(schedules);
            engine.addRoutes(flows, null);
        } catch (Exception e) {
            LOG.warn("adding {} flows at once failed ({}); adding them one by one", flows.size(), e.getMessage());
            flows.forEach(flow -> deploy(flow.file()));
            return;
        }
        for (FlowDefinition flow : flows) {
            deployments.put(flow.file(), new Deployment(flow.file(), relative(flow.file()), flow,
                    List.of(flow.routeId()), scheduleIds.get(flow.file()), List.of()));
            events.file(relative(flow.file()), true);
            events.flowDeployed(flow);
        }
        publish();
        // the flows are known before their first fire
        try {
            scheduler.registered(schedules);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the schedules: " + e.getMessage(), e);
        }
    }

    private boolean isCamelYaml(Path file) {
        try {
            return CamelYamlFiles.isCamelYaml(FlowYaml.read(file, root));
        } catch (IOException e) {
            return false; // validating it reports the unreadable file
        }
    }

    @Override
    public void changed(Path file) {
        deploy(file);
    }

    @Override
    public synchronized void deleted(Path file) {
        Deployment old = deployments.remove(file);
        invalid.remove(file);
        if (old == null) {
            publish();
            return;
        }
        undeploy(old);
        publish(); // once its routes are gone
        events.fileRemoved(old.path());
        if (old.flow() != null) {
            events.flowRemoved(old.flow());
        }
        LOG.info("{}: removed; its routes and schedule are gone", printable(relative(file)));
    }

    /**
     * Deploys (or redeploys) one file; returns its deployment, with problems when the new version is broken. The
     * file is read and checked against the flow file limits before this directory's monitor is taken: a file
     * over a limit is refused without waiting for (or making wait) anything else.
     */
    public Deployment deploy(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            text = FlowYaml.read(absolute, root);
            FlowYaml.check(text, relative(absolute));
        } catch (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
            text = null; // a syntax error or a limit: validating reports it with its line
        } catch (IOException e) {
            String why = e instanceof FlowYaml.Refused ? "flow file refused: " + e.getMessage()
                    : "cannot read: " + e.getClass().getSimpleName();
            synchronized (this) {
                return reject(absolute, deployments.get(absolute), List.of(new Problem(relative(absolute), 1, 1,
                        why)));
            }
        } catch (Throwable e) {
            synchronized (this) {
                return reject(absolute, deployments.get(absolute), List.of(failure(absolute, e)));
            }
        }
        synchronized (this) {
            return deploy(absolute, text);
        }
    }

    private Deployment deploy(Path absolute, String text) {
        Deployment previous = deployments.get(absolute);
        try {
            Deployment next = text != null && CamelYamlFiles.isCamelYaml(text)
                    ? deployCamelYaml(absolute, text, previous)
                    : deployFlow(absolute, previous);
            deployments.put(absolute, next);
            invalid.remove(absolute);
            events.file(next.path(), true);
            if (previous != null && previous.flow() != null
                    && (next.flow() == null || !previous.flow().name().equals(next.flow().name()))) {
                events.flowRemoved(previous.flow());
            }
            publish();
            if (next.scheduleId() != null) {
                // only once published: a first fire at once looks the flow up in what readers see
                FlowDefinition flow = next.flow();
                scheduler.add(Scheduler.entry(next.scheduleId(), flow, "file", flow.cron(), flow.everySeconds(),
                        flow.timeoutSeconds()));
            }
            if (next.flow() != null) {
                events.flowDeployed(next.flow());
                if (previous == null || previous.flow() == null
                        || !previous.flow().name().equals(next.flow().name())) {
                    reportSharedNames(next.flow().name());
                }
            }
            return next;
        } catch (InvalidFlowException e) {
            return reject(absolute, previous, e.problems());
        } catch (Throwable e) { // a StackOverflowError or an OutOfMemoryError of one file is that file's problem
            engine.catalog().clear();
            return reject(absolute, previous, List.of(failure(absolute, e)));
        }
    }

    private Deployment reject(Path file, Deployment previous, List<Problem> problems) {
        problems.forEach(p -> LOG.warn("invalid flow file: {}", printable(p.toString())));
        if (previous != null) {
            LOG.warn("{}: the previous version keeps running", printable(relative(file)));
        }
        invalid.add(file);
        events.file(relative(file), false);
        Deployment kept = previous != null ? previous.withProblems(problems)
                : new Deployment(file, relative(file), null, List.of(), null, problems);
        deployments.put(file, kept);
        publish();
        return kept;
    }

    private Deployment deployFlow(Path file, Deployment previous) throws Exception {
        engine.catalog().clear();
        List<Problem> problems = engine.validate(file);
        if (!problems.isEmpty()) {
            throw new InvalidFlowException(problems);
        }
        List<Problem> taken = claimed(engine.catalog().require(file), List.of());
        if (!taken.isEmpty()) {
            throw new InvalidFlowException(taken);
        }
        FlowDefinition flow;
        if (previous == null) {
            flow = engine.load(file); // what validate() just read, not parsed a third time
        } else {
            flow = engine.redeploy(file);
            if (previous.flow() != null && !previous.flow().routeId().equals(flow.routeId())) {
                engine.removeRoute(previous.flow().routeId());
            }
            // an unchanged schedule keeps its id (and, in cluster mode, its trigger in the shared store)
            if (previous.scheduleId() != null && !previous.scheduleId().equals(scheduleIdOf(flow))) {
                scheduler.remove(previous.scheduleId());
            }
            for (String routeId : previous.routeIds()) {
                if (!routeId.equals(flow.routeId())) {
                    engine.removeRoute(routeId);
                }
            }
        }
        String scheduleId = null;
        if (flow.cron() != null || flow.everySeconds() != null) {
            scheduleId = scheduleIdOf(flow); // added by the caller once the deployment is published
        }
        if (previous != null) {
            LOG.info("{}: flow '{}' updated", printable(relative(file)), printable(flow.name()));
        }
        return new Deployment(file, relative(file), flow, List.of(flow.routeId()), scheduleId, List.of());
    }

    /**
     * What a flow's trigger claims that another deployed flow (or one of {@code alsoDeploying}) holds already: a
     * webhook path, a watched directory. The problem names both files; the new one is not deployed (a file claiming
     * what its own previous version held is fine).
     */
    private List<Problem> claimed(FlowDefinition flow, List<FlowDefinition> alsoDeploying) {
        String key = flow.trigger() == null ? null : flow.trigger().exclusiveKey();
        if (key == null) {
            return List.of();
        }
        List<FlowDefinition> others = new ArrayList<>(alsoDeploying);
        deployments.values().stream().map(Deployment::flow).filter(f -> f != null).forEach(others::add);
        for (FlowDefinition other : others) {
            if (other.file() != null && other.file().equals(flow.file())) {
                continue;
            }
            if (other.trigger() != null && key.equals(other.trigger().exclusiveKey())) {
                var at = flow.trigger().at();
                return List.of(new Problem(at.file(), at.line(), at.column(), "trigger." + flow.trigger().kind()
                        + ": " + key + " is already taken by " + other.trigger().at() + " (flow '" + other.name()
                        + "'); this file is not deployed (save it again once the other file lets go of it)"));
            }
        }
        return List.of();
    }

    /** The id of a flow file's own schedule (the same on every replica and at every start); null when it has none. */
    private static String scheduleIdOf(FlowDefinition flow) {
        return flow.cron() == null && flow.everySeconds() == null ? null
                : ScheduleIds.of("file", flow.path(), flow.cron(), flow.everySeconds());
    }

    /** Camel YAML DSL routes: parsed first (a broken file changes nothing), then swapped. */
    private Deployment deployCamelYaml(Path file, String text, Deployment previous) throws Exception {
        List<String> added = CamelYamlFiles.swap(engine, file, text, previous == null ? List.of()
                : previous.routeIds());
        LOG.info("{}: Camel YAML routes {} {}", printable(relative(file)), printable(added.toString()),
                previous == null ? "loaded" : "updated");
        return new Deployment(file, relative(file), null, added, null, List.of());
    }

    private void undeploy(Deployment deployment) {
        try {
            if (deployment.scheduleId() != null) {
                scheduler.remove(deployment.scheduleId());
            }
            for (String routeId : deployment.routeIds()) {
                engine.removeRoute(routeId);
            }
        } catch (Exception e) {
            LOG.warn("{}: cannot remove its routes: {}", printable(deployment.path()), printable(e.getMessage()));
        }
    }

    public List<Deployment> deployments() {
        return List.copyOf(published.values());
    }

    public List<Deployment> invalidFiles() {
        return published.values().stream().filter(d -> !d.valid()).toList();
    }

    /** The deployed flow whose id (path, see {@link FlowDefinition#id()}) is {@code id}; null when none. */
    public FlowDefinition flowAt(String id) {
        return publishedById.get(id);
    }

    /**
     * The deployed flow a user names: by its path (relative to FLOWS_PATH, {@code ./} and the like allowed, or as
     * listed for files outside it), else by its {@code name} when exactly one deployed flow has that name.
     *
     * @return null when no deployed flow has that path or name
     * @throws AmbiguousFlowException when several deployed flows have that name (it lists their paths)
     */
    public FlowDefinition find(String reference) {
        if (reference == null || reference.isBlank()) {
            return null;
        }
        FlowDefinition byId = flowAt(reference);
        if (byId != null) {
            return byId;
        }
        try {
            Deployment deployment = published.get(engine.catalog().flowFiles().resolve(reference));
            if (deployment != null && deployment.flow() != null) {
                return deployment.flow();
            }
        } catch (RuntimeException notAPath) {
            // outside FLOWS_PATH or not a path at all: it may still be a name
        }
        List<FlowDefinition> named = new ArrayList<>();
        for (Deployment deployment : published.values()) {
            if (deployment.flow() != null && deployment.flow().name().equals(reference)) {
                named.add(deployment.flow());
            }
        }
        if (named.size() > 1) {
            throw new AmbiguousFlowException(reference, named.stream().map(FlowDefinition::path).sorted().toList());
        }
        return named.isEmpty() ? null : named.get(0);
    }

    /** The deployed flows, in the order their files were deployed. */
    public List<FlowDefinition> flows() {
        return published.values().stream().map(Deployment::flow).filter(f -> f != null).toList();
    }

    /** @deprecated flows are identified by path: use {@link #find(String)}, which this now is. */
    @Deprecated
    public FlowDefinition flowNamed(String name) {
        return find(name);
    }

    /** What is wrong with a flow file (and the flows it calls), without deploying it: empty when it is valid. */
    public synchronized List<Problem> check(Path file) {
        engine.catalog().clear();
        return engine.validate(file.toAbsolutePath().normalize());
    }

    /** The deployment of a file, wherever it is (flows generated from tasks and resources live in DATA_PATH). */
    public Optional<Deployment> byFile(Path file) {
        return Optional.ofNullable(published.get(file.toAbsolutePath().normalize()));
    }

    /** The deployed flow of a file given relative to FLOWS_PATH. */
    public Optional<Deployment> byPath(String relativePath) {
        Path file = engine.catalog().flowFiles().resolve(relativePath);
        return Optional.ofNullable(published.get(file));
    }

    private String relative(Path file) {
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }
}

package io.octoflow.trigger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.database.Database;
import io.octoflow.execution.ErrorText;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FileTrigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.launch.Launcher;
import io.octoflow.logging.LogText;
import io.octoflow.path.ConfinedPaths;

/**
 * {@code trigger: file}: a camel-file consumer per flow on its directory of DATA_PATH. Each file matching the
 * pattern is one run (one at a time per directory), its content the run's {@code __input__}: a {@code .json} file
 * parsed, any other its text. After the run the file moves to {@code move_to}, or to {@code .error} when the run
 * failed (or the file is not JSON, or too large: then there is no run). A launch that is refused (the flow runs
 * already, Octoflow is busy or stopping) leaves the file where it is, for the next scan.
 * <p>
 * Files are taken once: the consumer's idempotent repository (one file per flow under
 * DATA_PATH/triggers/files/) keeps the name, size and date of every file taken, across restarts, so a file that is
 * back unchanged (a copy that failed to move, a restore) does not run again.
 * <p>
 * Cluster mode: the replicas may scan one shared directory. The repository is then the shared database's
 * ({@link SharedFileClaims}): camel-file's idempotent consumer is eager, it adds a file's key when a scan finds the
 * file and skips the file when the add is refused; the add is an insert the table's key allows once, so each file
 * runs on one replica only.
 */
public final class FileTriggerSource implements EventSource {

    private static final Logger LOG = LogManager.getLogger(FileTriggerSource.class);
    static final String ROUTE_PREFIX = "octoflow-trigger-file-";
    /** Files remembered per flow in memory (the file store keeps them all, up to its 32 MB). */
    private static final int REMEMBERED = 10_000;
    /** How often a replica forgets the shared claims older than the retention (cluster mode). */
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final CamelContext camel;
    private final Launcher launcher;
    private final ConfinedPaths dataFiles;
    private final Path repositories;
    private final Database shared;
    private final Duration claimRetention;
    private FileClaimsPruner pruner;
    private final long pollMillis;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, DeployedTrigger<FileTrigger>> watched = new ConcurrentHashMap<>();
    private volatile boolean accepting;

    /**
     * @param repositories where the idempotent repositories are kept (DATA_PATH/triggers/files)
     * @param maxBytes     the largest file read (FILE_READ_MAX_BYTES, as the file step)
     * @param shared       cluster mode: the database the replicas share, where the files taken are kept; else null
     * @param claimRetention cluster mode: how long a file taken is remembered once it left its directory
     *                     (FILE_TRIGGER_CLAIM_RETENTION_DAYS)
     */
    public FileTriggerSource(CamelContext camel, Launcher launcher, ConfinedPaths dataFiles, Path repositories,
            long pollMillis, long maxBytes, Database shared, Duration claimRetention) {
        this.shared = shared;
        this.claimRetention = claimRetention;
        this.camel = camel;
        this.launcher = launcher;
        this.dataFiles = dataFiles;
        this.repositories = repositories;
        this.pollMillis = pollMillis;
        this.maxBytes = maxBytes;
    }

    @Override
    public String kind() {
        return FileTrigger.KIND;
    }

    @Override
    public synchronized void deploy(FlowDefinition flow) throws Exception {
        FileTrigger trigger = (FileTrigger) flow.trigger();
        DeployedTrigger<FileTrigger> current = watched.get(flow.id());
        if (current != null && current.keep(flow, trigger, FileTriggerSource::same)) {
            return;
        }
        undeploy(flow.id());
        Path directory = dataFiles.resolve(trigger.path());
        Files.createDirectories(directory);
        Files.createDirectories(repositories);
        IdempotentRepository taken = shared != null ? new SharedFileClaims(shared, flow.id())
                : FileIdempotentRepository.fileIdempotentRepository(
                        repositories.resolve(flow.camelId().replace('/', '_') + ".txt").toFile(), REMEMBERED);
        String routeId = ROUTE_PREFIX + flow.camelId();
        DeployedTrigger<FileTrigger> entry = new DeployedTrigger<>(flow, trigger, routeId);
        FileEndpoint endpoint = camel.getEndpoint(uri(directory, trigger.pattern(), pollMillis), FileEndpoint.class);
        endpoint.setIdempotentRepository(taken);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId(routeId).process(exchange -> process(exchange, entry)).id(routeId + ":run");
            }
        });
        watched.put(flow.id(), entry);
        LOG.info("{}: watches {} for {} (done: {}, failed: {})", LogText.oneLine(flow.path()), directory,
                LogText.oneLine(trigger.pattern()), LogText.oneLine(trigger.moveTo()), FileTrigger.ERROR_DIRECTORY);
    }

    /**
     * The camel-file consumer of a watched directory: idempotent, keyed by a file's name, size and date (the key
     * {@link FileClaimsPruner} reads), the files left in place (the run's end moves them).
     */
    static String uri(Path directory, String pattern, long pollMillis) {
        return "file:" + directory + "?noop=true&idempotent=true"
                + "&idempotentKey=${file:name}-${file:size}-${file:modified}&recursive=false&delay=" + pollMillis
                + "&initialDelay=" + pollMillis + "&antInclude=" + encode(pattern) + "&sortBy=file:modified";
    }

    private static boolean same(FileTrigger a, FileTrigger b) {
        return a.path().equals(b.path()) && a.pattern().equals(b.pattern()) && a.moveTo().equals(b.moveTo());
    }

    private static String encode(String pattern) {
        return java.net.URLEncoder.encode(pattern, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public synchronized void undeploy(String flowId) {
        DeployedTrigger<FileTrigger> entry = watched.remove(flowId);
        if (entry != null) {
            entry.stopRoute(camel, "watching its directory");
        }
    }

    @Override
    public synchronized void start() {
        accepting = true;
        if (shared != null && pruner == null) {
            pruner = new FileClaimsPruner(shared, claimRetention, this::watchedDirectories);
            pruner.start(PRUNE_EVERY);
        }
    }

    /** The directory each flow watches, by flow id. */
    private Map<String, Path> watchedDirectories() {
        Map<String, Path> directories = new java.util.HashMap<>();
        watched.forEach((flowId, entry) -> directories.put(flowId, dataFiles.resolve(entry.trigger.path())));
        return directories;
    }

    @Override
    public synchronized void stop() {
        accepting = false;
        if (pruner != null) {
            pruner.close();
            pruner = null;
        }
    }

    /** One file: read, launched, waited for, moved. */
    private void process(Exchange exchange, DeployedTrigger<FileTrigger> entry) throws Exception {
        if (!accepting) {
            throw new IllegalStateException("Octoflow is stopping: the file is left for the next start");
        }
        FlowDefinition flow = entry.flow;
        Path file = Path.of(exchange.getMessage().getHeader("CamelFileAbsolutePath", String.class));
        Path directory = file.getParent();
        String name = file.getFileName().toString();
        Map<String, Object> event = TriggerEvent.of(FileTrigger.KIND);
        event.put("path", entry.trigger.path());
        event.put("file_name", name);
        event.put("file", dataFiles.relativize(file));
        long size = Files.size(file);
        event.put("size", size);
        event.put("modified", Files.getLastModifiedTime(file).toInstant().toString());
        Object input;
        try {
            input = input(file, name, size);
        } catch (IOException e) {
            LOG.warn("{}: {} not run, moved to {}: {}", LogText.oneLine(flow.path()), LogText.oneLine(name),
                    FileTrigger.ERROR_DIRECTORY, LogText.oneLine(e.getMessage()));
            move(file, directory.resolve(FileTrigger.ERROR_DIRECTORY));
            return;
        }
        Launcher.Launch launch = launcher.launch(flow, input, Trigger.FILE, event);
        if (!launch.admitted()) {
            // the idempotent consumer forgets a file whose exchange fails: the next scan takes it again
            throw new IllegalStateException(name + " left for the next scan: " + launch.refusal());
        }
        RunResult result;
        try {
            result = launch.done().get();
        } catch (ExecutionException e) {
            result = null;
        }
        boolean ok = result != null && result.status().ok();
        move(file, directory.resolve(ok ? entry.trigger.moveTo() : FileTrigger.ERROR_DIRECTORY));
    }

    private Object input(Path file, String name, long size) throws IOException {
        if (size > maxBytes) {
            throw new IOException("the file has " + size + " bytes, over FILE_READ_MAX_BYTES (" + maxBytes + ")");
        }
        byte[] content = Files.readAllBytes(file);
        if (name.toLowerCase(Locale.ROOT).endsWith(".json")) {
            try {
                return json.readValue(content, Object.class);
            } catch (IOException e) {
                throw new IOException("not JSON: " + ErrorText.of(e), e);
            }
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    /** Into {@code target}; a file of that name already there is kept (the new one gets a suffix). */
    private static void move(Path file, Path target) throws IOException {
        Files.createDirectories(target);
        Path to = target.resolve(file.getFileName());
        if (Files.exists(to)) {
            to = target.resolve(file.getFileName() + "." + System.currentTimeMillis());
        }
        Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.octoflow.task;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.service.Deployment;
import io.octoflow.service.FlowDirectory;
import io.octoflow.launch.Launcher;
import io.octoflow.schedule.Scheduler;
import io.octoflow.trigger.TriggerSource;

/**
 * rego's tasks on Octoflow's engine: each task is a flow with one {@code k8s_job} step, deployed like a flow file
 * (routes, schedule, locks, history, metrics), its definition stored in the database. A one-time task runs as soon
 * as it is created and is then disabled, as rego does; a periodic one runs every {@code execution_interval}
 * seconds while enabled. Its executions are its flow's.
 *
 * <p>Errors: {@link IllegalArgumentException} for a bad definition, {@link NoSuchElementException} for an unknown
 * task or execution, {@link IllegalStateException} for a task that cannot run now.
 * <p>A trigger source: its start deploys the stored tasks and launches the one-time tasks due ({@link Trigger#TASK});
 * periodic tasks fire through their schedules.
 */
public final class TaskService implements TriggerSource {

    private static final Logger LOG = LogManager.getLogger(TaskService.class);
    private static final java.util.regex.Pattern NAMESPACE =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final TaskRepository store;
    private final TaskFlows flows;
    private final FlowDirectory directory;
    private final Scheduler scheduler;
    private final Launcher launcher;
    private final ExecutionRepository history;
    /** Whether this replica runs the one-time tasks due at start (cluster mode: only the leader does). */
    private volatile java.util.function.BooleanSupplier leader = () -> true;

    public TaskService(TaskRepository store, TaskFlows flows, FlowDirectory directory, Scheduler scheduler,
            Launcher launcher, ExecutionRepository history) {
        this.store = store;
        this.flows = flows;
        this.directory = directory;
        this.scheduler = scheduler;
        this.launcher = launcher;
        this.history = history;
    }

    @Override
    public String name() {
        return "tasks";
    }

    /** Deploys every stored task (their files are rewritten from the database) and runs the one-time tasks due. */
    @Override
    public synchronized void start() {
        for (Task task : store.live()) {
            try {
                deploy(task);
                if (dueOnce(task) && leader.getAsBoolean()) {
                    launchOnce(task);
                }
            } catch (RuntimeException e) {
                LOG.warn("task {}: cannot deploy: {}", task.id(), e.getMessage());
            }
        }
    }

    /** Cluster mode: only the replica holding the leader lease runs the one-time tasks found due at start. */
    public void runDueTasksAtStartOnlyWhen(java.util.function.BooleanSupplier leader) {
        this.leader = leader;
    }

    /** Nothing to stop: periodic tasks fire through the scheduler, which stops itself. */
    @Override
    public void stop() {
    }

    public synchronized Task create(TaskInput input) {
        if (input.image() == null || input.image().isBlank()) {
            throw new IllegalArgumentException("field 'image': required, the container image to run");
        }
        check(input);
        Instant now = Instant.now();
        Task task = new Task(UUID.randomUUID().toString(), input.name(), input.image().trim(), input.namespace(),
                interval(input.executionInterval()), input.enabled() == null || input.enabled(), false, input.cmd(),
                input.args(), input.metadata(), now, now, now);
        deploy(task);
        try {
            store.insert(task);
        } catch (RuntimeException e) {
            undeploy(task); // no task runs without its row
            throw e;
        }
        LOG.info("task {} ('{}', image {}) created: {}", task.id(), task.name(), task.image(),
                task.periodic() ? "every " + task.executionInterval() + " s" : "runs once");
        if (dueOnce(task)) {
            task = launchOnce(task);
        }
        return task;
    }

    /** Changes a task; fields the input leaves null keep their value. */
    public synchronized Task update(TaskInput input) {
        if (input.id() == null) {
            throw new IllegalArgumentException("field 'id': required, the task to update");
        }
        check(input);
        Task old = live(input.id());
        Task task = new Task(old.id(), input.name() != null ? input.name() : old.name(),
                input.image() != null && !input.image().isBlank() ? input.image().trim() : old.image(),
                input.namespace() != null ? input.namespace() : old.namespace(),
                input.executionInterval() != null ? interval(input.executionInterval()) : old.executionInterval(),
                input.enabled() != null ? input.enabled() : old.enabled(), false,
                input.cmd() != null ? input.cmd() : old.cmd(), input.args() != null ? input.args() : old.args(),
                input.metadata() != null ? input.metadata() : old.metadata(), old.nextExecutionTime(),
                old.createdAt(), Instant.now());
        deploy(task); // an invalid definition throws here, having changed nothing
        try {
            store.update(task);
        } catch (RuntimeException e) {
            deploy(old); // the stored definition runs on
            throw e;
        }
        LOG.info("task {} updated", task.id());
        if (dueOnce(task) && !old.enabled()) {
            task = launchOnce(task); // a one-time task enabled now runs now
        }
        return task;
    }

    /** Runs the task now (and enables it again, as rego's rerun does); returns the execution id. */
    public synchronized String rerun(String id) {
        Task task = live(id);
        if (!task.enabled()) {
            task = withState(task, true, task.nextExecutionTime());
            deploy(task);
            store.update(task);
            if (task.periodic()) {
                // its schedule, back, fires at once: that run is the rerun
                Optional<String> scheduled = runningExecution(task, Duration.ofSeconds(5));
                if (scheduled.isPresent()) {
                    return scheduled.get();
                }
            }
        }
        return launch(task);
    }

    /** The id of the task's run going on, waiting up to {@code wait} for one to start. */
    private Optional<String> runningExecution(Task task, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        do {
            Optional<String> running = history.list(new ExecutionQuery(task.flowName(), Execution.RUNNING, null,
                    null, 1, 0)).stream().findFirst().map(Execution::id);
            if (running.isPresent()) {
                return running;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        } while (System.nanoTime() < until);
        return Optional.empty();
    }

    /** Marks the task deleted (kept in the database, as in rego); its flow, schedule and file go. */
    public synchronized Task delete(String id) {
        Task task = live(id);
        Task deleted = new Task(task.id(), task.name(), task.image(), task.namespace(), task.executionInterval(),
                false, true, task.cmd(), task.args(), task.metadata(), null, task.createdAt(), Instant.now());
        store.update(deleted);
        // a run going on is aborted first (its step deletes its Job): the flow's route goes next
        for (String executionId : launcher.runningIds()) {
            history.find(executionId).filter(e -> e.flowName().equals(task.flowName()))
                    .ifPresent(e -> launcher.abort(executionId));
        }
        undeploy(task);
        LOG.info("task {} deleted", id);
        return deleted;
    }

    private void undeploy(Task task) {
        directory.deleted(flows.file(task).toAbsolutePath().normalize());
        flows.delete(task);
    }

    /** A problem of the generated flow, named by the request's fields (the caller never saw the flow). */
    static String requestFields(String message) {
        String m = message.replaceFirst("^step 'job': ", "");
        String[][] fields = {{"k8s_job.job_spec", "metadata"}, {"k8s_job.image", "image"},
            {"k8s_job.command", "cmd"}, {"k8s_job.args", "args"}, {"k8s_job.namespace", "namespace"}};
        for (String[] field : fields) {
            if (m.startsWith(field[0])) {
                return "field '" + field[1] + "'" + m.substring(field[0].length());
            }
        }
        return m;
    }

    /** What the database and Kubernetes hold: named fields, within their sizes. */
    private static void check(TaskInput input) {
        checkLength("name", input.name(), 253);
        checkLength("image", input.image(), 1024);
        if (input.namespace() != null && !input.namespace().isEmpty()
                && !NAMESPACE.matcher(input.namespace()).matches()) {
            throw new IllegalArgumentException("field 'namespace': expected a Kubernetes namespace name (lower-case"
                    + " letters, digits and '-', at most 63), got '" + input.namespace() + "'");
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException("field '" + field + "': at most " + max + " characters, got "
                    + value.length());
        }
    }

    public List<Task> list() {
        return store.live();
    }

    /** Enabled tasks waiting for their run: one-time tasks not started yet. */
    public List<Task> pending() {
        return store.live().stream().filter(this::dueOnce).collect(Collectors.toList());
    }

    /** When the task runs next: its schedule's next fire, or a one-time task's due time. */
    public Optional<Instant> nextExecution(Task task) {
        if (task.periodic()) {
            if (!task.enabled()) {
                return Optional.empty();
            }
            return scheduler.forFlow(flowPath(task)).stream().map(scheduler::nextFire).flatMap(Optional::stream)
                    .min(Instant::compareTo);
        }
        return Optional.ofNullable(task.nextExecutionTime());
    }

    /** Runs of the task that happened (fires skipped because a run was still going are not counted). */
    public long executionCount(Task task) {
        return history.count(new ExecutionQuery(task.flowName(), null, null, null, 0, 0))
                - history.count(new ExecutionQuery(task.flowName(), Execution.SKIPPED, null, null, 0, 0));
    }

    /** The task's newest execution, with its steps and data. */
    public Optional<Execution> latest(String id) {
        Task task = store.find(id).orElseThrow(() -> new NoSuchElementException("no task " + id));
        return history.list(new ExecutionQuery(task.flowName(), null, null, null, 1, 0)).stream().findFirst()
                .flatMap(summary -> history.find(summary.id()));
    }

    /** Aborts a running execution of a task: its Job is deleted by the step. */
    public void abort(String executionId) {
        if (!launcher.abort(executionId)) {
            throw new NoSuchElementException("execution " + executionId + " is not running");
        }
    }

    public Optional<Task> find(String id) {
        return store.find(id);
    }

    private Task live(String id) {
        return store.find(id).filter(t -> !t.deleted())
                .orElseThrow(() -> new NoSuchElementException("no task " + id));
    }

    private boolean dueOnce(Task task) {
        return !task.periodic() && task.enabled() && !task.deleted() && task.nextExecutionTime() != null;
    }

    /**
     * Writes the task's flow and deploys it. The new definition is validated first, beside the running one: one
     * that does not validate changes nothing (no file, no route, no schedule touched).
     */
    private FlowDefinition deploy(Task task) {
        Path candidate = flows.writeCandidate(task);
        List<Problem> problems;
        try {
            problems = directory.check(candidate);
        } finally {
            flows.delete(candidate);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("task " + task.id() + " is not a valid job: " + problems.stream()
                    .map(p -> requestFields(p.message())).collect(Collectors.joining("; ")));
        }
        Deployment deployment = directory.deploy(flows.write(task).toAbsolutePath().normalize());
        if (!deployment.valid()) {
            throw new IllegalStateException("task " + task.id() + ": " + deployment.problems().stream()
                    .map(Problem::message).collect(Collectors.joining("; ")));
        }
        return deployment.flow();
    }

    /** The id of the task's flow: the path of its file, outside FLOWS_PATH (see FlowDefinition#path). */
    private String flowPath(Task task) {
        return flows.file(task).toAbsolutePath().normalize().toString();
    }

    private Task launchOnce(Task task) {
        launch(task);
        Task ran = withState(task, false, null);
        store.update(ran);
        return ran;
    }

    private String launch(Task task) {
        FlowDefinition flow = directory.flowAt(flowPath(task));
        if (flow == null) {
            throw new IllegalStateException("task " + task.id() + " has no deployed flow");
        }
        Launcher.Launch launch = launcher.launch(flow, null, Trigger.TASK, null, null);
        if (!launch.admitted()) {
            throw new IllegalStateException("task " + task.id() + ": " + launch.refusal());
        }
        return launch.executionId();
    }

    private static Task withState(Task t, boolean enabled, Instant next) {
        return new Task(t.id(), t.name(), t.image(), t.namespace(), t.executionInterval(), enabled, t.deleted(),
                t.cmd(), t.args(), t.metadata(), next, t.createdAt(), Instant.now());
    }

    private static Integer interval(Integer seconds) {
        if (seconds == null || seconds == 0) {
            return null;
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("field 'execution_interval': expected 0 (run once) or a positive"
                    + " number of seconds, got " + seconds);
        }
        return seconds;
    }
}

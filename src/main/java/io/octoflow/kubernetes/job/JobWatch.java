package io.octoflow.kubernetes.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Waits for one Job to end: a watch wakes the wait at every change of the Job, and a poll (1 s, growing to 10 s)
 * covers a dropped watch and reads the pods, whose waiting reasons the Job does not show. Checks the run's
 * cancellation every 100 ms, so an aborted or timed-out flow stops waiting at once; a Job that times out or is
 * abandoned is deleted with its pods.
 */
public final class JobWatch {

    private static final Logger LOG = LogManager.getLogger(JobWatch.class);
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration FIRST_POLL = Duration.ofSeconds(1);
    private static final Duration MAX_POLL = Duration.ofSeconds(10);
    /** Waiting reasons a container does not recover from by itself: the Job would wait until its deadline. */
    private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError");

    /** The end of a Job: its status, why (for failures), when it started and ended, and its last pod's logs. */
    public record Outcome(JobStatus status, String reason, Instant started, Instant ended, String logs) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public JobWatch(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    /**
     * Waits until the Job succeeds or fails, {@code timeout} passes (null: no limit) or {@code cancelled} turns
     * true; the last two delete the Job. Logs are read at the end: the last {@code tailLines} lines, at most
     * {@code limitBytes} bytes.
     */
    public Outcome await(Duration timeout, BooleanSupplier cancelled, int tailLines, int limitBytes)
            throws InterruptedException {
        Instant begin = Instant.now();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        AtomicReference<Job> changed = new AtomicReference<>();
        Semaphore wake = new Semaphore(0);
        Watch watch = startWatch(changed, wake);
        int apiErrors = 0;
        try {
            Duration pollEvery = FIRST_POLL;
            long nextPoll = System.nanoTime();
            while (true) {
                if (cancelled.getAsBoolean()) {
                    String logs = logs(tailLines, limitBytes);
                    return new Outcome(JobStatus.ABORTED, "the flow run was cancelled" + deleted(), begin,
                            Instant.now(), logs);
                }
                if (System.nanoTime() >= deadline) {
                    String logs = logs(tailLines, limitBytes);
                    return new Outcome(JobStatus.TIMEOUT, "timeout_seconds (" + timeout.toSeconds()
                            + ") passed" + deleted(), begin, Instant.now(), logs);
                }
                Job job = changed.getAndSet(null);
                List<Pod> pods = null;
                try {
                    if (System.nanoTime() >= nextPoll) {
                        nextPoll = System.nanoTime() + pollEvery.toNanos();
                        pollEvery = pollEvery.multipliedBy(3).dividedBy(2);
                        if (pollEvery.compareTo(MAX_POLL) > 0) {
                            pollEvery = MAX_POLL;
                        }
                        job = jobs().get();
                        if (job == null) {
                            return new Outcome(JobStatus.PROC_ERROR, "the Job was deleted by someone else", begin,
                                    Instant.now(), "");
                        }
                        pods = pods();
                        apiErrors = 0; // the API server answers again
                    }
                    if (job != null) {
                        Outcome outcome = outcome(job, pods, tailLines, limitBytes, begin);
                        if (outcome != null) {
                            return outcome;
                        }
                    }
                } catch (KubernetesClientException e) {
                    // a restarting API server, a 429, a dropped connection: the Job runs on, the next poll retries
                    if (apiErrors++ == 0) {
                        LOG.warn("Job {}/{}: the API server did not answer ({}); retrying until the step's timeout",
                                namespace, name, io.octoflow.kubernetes.client.KubernetesProblems.unreachable(e,
                                        String.valueOf(client.getMasterUrl())).orElse(e.getMessage()));
                    }
                }
                wake.tryAcquire(TICK.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            // the thread is being stopped: nobody will wait for this Job any more
            delete();
            throw e;
        } catch (RuntimeException e) {
            // nobody will wait for this Job any more either
            delete();
            throw e;
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private Watch startWatch(AtomicReference<Job> changed, Semaphore wake) {
        try {
            return jobs().watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Job job) {
                    if (action != Action.DELETED) {
                        changed.set(job);
                    }
                    wake.release();
                }

                @Override
                public void onClose(WatcherException cause) {
                    // the poll goes on alone
                }
            });
        } catch (KubernetesClientException e) {
            LOG.debug("cannot watch Job {}/{}; polling only: {}", namespace, name, e.getMessage());
            return null;
        }
    }

    /** The final outcome the Job (and its pods, when read) shows, or null while it goes on. */
    private Outcome outcome(Job job, List<Pod> pods, int tailLines, int limitBytes, Instant begin) {
        Instant started = instant(job.getStatus() == null ? null : job.getStatus().getStartTime(), begin);
        if (succeeded(job)) {
            Instant ended = instant(job.getStatus().getCompletionTime(), Instant.now());
            return new Outcome(JobStatus.SUCCESS, null, started, ended, logs(tailLines, limitBytes));
        }
        String failure = failure(job);
        if (failure != null) {
            List<Pod> all = pods != null ? pods : pods();
            String exit = exitReason(all);
            boolean deadline = failure.startsWith("DeadlineExceeded");
            JobStatus status = exit != null && !deadline ? JobStatus.APP_ERROR : JobStatus.PROC_ERROR;
            String reason = exit != null && !deadline ? exit + " (" + failure + ")" : failure;
            return new Outcome(status, reason, started, Instant.now(), logs(tailLines, limitBytes));
        }
        if (pods != null) {
            String stuck = stuckReason(pods);
            if (stuck != null) {
                return new Outcome(JobStatus.PROC_ERROR, stuck + deleted(), started, Instant.now(), "");
            }
        }
        return null;
    }

    private static boolean succeeded(Job job) {
        if (job.getStatus() == null) {
            return false;
        }
        if (condition(job, "Complete") != null) {
            return true;
        }
        Integer completions = job.getSpec() == null ? null : job.getSpec().getCompletions();
        Integer succeeded = job.getStatus().getSucceeded();
        return succeeded != null && succeeded >= (completions == null ? 1 : completions);
    }

    /** "Reason: message" of a failed Job, or null when it has not failed. */
    private static String failure(Job job) {
        if (job.getStatus() == null) {
            return null;
        }
        JobCondition failed = condition(job, "Failed");
        if (failed != null) {
            String reason = failed.getReason() == null ? "Failed" : failed.getReason();
            return failed.getMessage() == null ? reason : reason + ": " + failed.getMessage();
        }
        Integer backoffLimit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
        Integer failedPods = job.getStatus().getFailed();
        if (failedPods != null && failedPods > (backoffLimit == null ? 6 : backoffLimit)) {
            return "BackoffLimitExceeded: " + failedPods + " failed pod(s)";
        }
        return null;
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus().getConditions() == null) {
            return null;
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus()))
                .findFirst().orElse(null);
    }

    /** How the Job's container ended, when it ran and exited non-zero. */
    private static String exitReason(List<Pod> pods) {
        for (Pod pod : newestFirst(pods)) {
            for (ContainerStatus container : containers(pod)) {
                ContainerStateTerminated terminated = container.getState() == null ? null
                        : container.getState().getTerminated();
                if (terminated == null && container.getLastState() != null) {
                    terminated = container.getLastState().getTerminated();
                }
                if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
                    return "container '" + container.getName() + "' exited with code " + terminated.getExitCode()
                            + (terminated.getReason() == null ? "" : " (" + terminated.getReason() + ")");
                }
            }
        }
        return null;
    }

    private static String stuckReason(List<Pod> pods) {
        for (Pod pod : pods) {
            for (ContainerStatus container : containers(pod)) {
                ContainerStateWaiting waiting = container.getState() == null ? null
                        : container.getState().getWaiting();
                if (waiting != null && STUCK.contains(waiting.getReason())) {
                    return "container '" + container.getName() + "' cannot start: " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
                }
            }
        }
        return null;
    }

    private static List<ContainerStatus> containers(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
    }

    private static List<Pod> newestFirst(List<Pod> pods) {
        return pods.stream().sorted(Comparator.comparing(
                (Pod p) -> p.getMetadata().getCreationTimestamp() == null ? ""
                        : p.getMetadata().getCreationTimestamp()).reversed()).toList();
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(namespace).withLabel("job-name", name).list().getItems();
    }

    /** The logs of the Job's newest pod; empty when there is none or it cannot be read (never fails the step). */
    public String logs(int tailLines, int limitBytes) {
        if (tailLines <= 0) {
            return "";
        }
        try {
            List<Pod> pods = newestFirst(pods());
            if (pods.isEmpty()) {
                return "";
            }
            // the API cuts limitBytes from the start of the tail: ask for more, keep the end (the last lines
            // are the ones a flow reads, e.g. a JSON summary)
            String log = client.pods().inNamespace(namespace).withName(pods.get(0).getMetadata().getName())
                    .inContainer(JobTemplate.CONTAINER).limitBytes(limitBytes * 4).tailingLines(tailLines).getLog();
            return log == null ? "" : lastBytes(log, limitBytes);
        } catch (KubernetesClientException e) {
            LOG.debug("no logs for Job {}/{}: {}", namespace, name, e.getMessage());
            return "";
        }
    }

    /** The end of {@code log} that fits in {@code limitBytes} UTF-8 bytes, starting at a line when it can. */
    static String lastBytes(String log, int limitBytes) {
        byte[] bytes = log.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= limitBytes) {
            return log;
        }
        int from = bytes.length - limitBytes;
        while (from < bytes.length && (bytes[from] & 0xC0) == 0x80) {
            from++; // not inside a character
        }
        String tail = new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
        int line = tail.indexOf('\n');
        return line >= 0 && line < tail.length() - 1 ? tail.substring(line + 1) : tail;
    }

    /** Deletes the Job and, in the background, its pods; true when the API server took the delete. */
    public boolean delete() {
        try {
            jobs().withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot delete Job {}/{}: {}", namespace, name, e.getMessage());
            return false;
        }
    }

    /** Deletes the Job; what to add to the reason when that failed (it would go on running). */
    private String deleted() {
        return delete() ? "" : "; the Job could not be deleted, delete it by hand: kubectl -n " + namespace
                + " delete job " + name;
    }

    private io.fabric8.kubernetes.client.dsl.ScalableResource<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name);
    }

    private static Instant instant(String time, Instant fallback) {
        if (time == null) {
            return fallback;
        }
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }
}

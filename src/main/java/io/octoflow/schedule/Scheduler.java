package io.octoflow.schedule;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.quartz.CronExpression;

import io.octoflow.execution.Trigger;
import io.octoflow.flow.CronSchedule;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.launch.Launcher;
import io.octoflow.metrics.FlowMetrics;
import io.octoflow.trigger.TriggerSource;

/**
 * One Quartz trigger per schedule entry, on Camel's Quartz scheduler (key {@code <id>} in group {@code octoflow}): cron
 * triggers in TIMEZONE, or simple triggers repeating every N seconds at a fixed rate (Quartz computes each fire
 * from the start time, so the interval does not drift). Each trigger's job is a {@link ScheduledFlowJob} that
 * launches the flow directly; in cluster mode, where the triggers live in the shared JDBC store and replicas of other
 * versions fire them, each schedule is a camel-quartz endpoint and consumer ({@code quartz://octoflow/<id>}, no
 * route) as before. A fire hands the flow to the {@link Launcher} ({@link Trigger#SCHEDULE}) and returns
 * at once. As a trigger source, its start runs the fires missed while Octoflow was down, its stop halts every
 * trigger at once.
 */
public final class Scheduler implements TriggerSource {

    private static final Logger LOG = LogManager.getLogger(Scheduler.class);

    private final CamelContext camel;
    private final Launcher launcher;
    private final ZoneId timezone;
    /** The deployed flow of a path (flows are identified by path). */
    private final Function<String, FlowDefinition> flows;
    /** When the flow at a path last had a scheduled run recorded (the history), for the catch-up at start. */
    private final Function<String, Optional<Instant>> lastScheduledFire;
    private final Map<String, ScheduleEntry> entries = new LinkedHashMap<>();
    /** Every_seconds entries whose first fire comes one interval after they are added (the spooler's way). */
    private final Set<String> firstFireAfterInterval = ConcurrentHashMap.newKeySet();
    /** The newest run each entry launched (spooler API's last_job_id); kept in memory, as the spooler does. */
    private final Map<String, String> lastExecutionIds = new ConcurrentHashMap<>();
    /**
     * Paths of the flows whose fires are skipped (their triggers keep running, so the next fire time stays
     * meaningful).
     */
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final FlowMetrics metrics;
    /** The quartz endpoint of every schedule by trigger key: what a fire looks up (see {@link KeyedCamelJob}). */
    private final Map<org.quartz.TriggerKey, QuartzEndpoint> endpoints = new ConcurrentHashMap<>();
    /** Outside cluster mode: each schedule by its trigger key, what a {@link ScheduledFlowJob} is made with. */
    private final Map<org.quartz.TriggerKey, ScheduleEntry> direct = new ConcurrentHashMap<>();
    /** Each schedule's quartz consumer by schedule id: started, it has camel-quartz schedule the trigger. */
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();
    /** The Quartz scheduler whose job factory is the {@link KeyedJobFactory}. */
    private org.quartz.Scheduler keyedJobsOn;
    /** Camel's Quartz scheduler, kept at {@link #stopFiring} to be shut down after Camel. */
    private volatile org.quartz.Scheduler quartz;
    /**
     * Cluster mode: Quartz keeps the triggers in PostgreSQL, shared by every replica (see
     * {@code io.octoflow.cluster.ClusterQuartz}). A trigger outlives the replica that added it; removing a schedule
     * deletes it from the store; a replica's start neither re-fires nor catches up (the store's triggers did not
     * stop while the other replicas ran).
     */
    private final boolean clustered;

    public Scheduler(CamelContext camel, Launcher launcher, ZoneId timezone, Function<String, FlowDefinition> flows,
            Function<String, Optional<Instant>> lastScheduledFire, FlowMetrics metrics) {
        this(camel, launcher, timezone, flows, lastScheduledFire, metrics, false);
    }

    /** @param clustered whether Quartz's job store is the clustered one in PostgreSQL (CLUSTER=true) */
    public Scheduler(CamelContext camel, Launcher launcher, ZoneId timezone, Function<String, FlowDefinition> flows,
            Function<String, Optional<Instant>> lastScheduledFire, FlowMetrics metrics, boolean clustered) {
        this.clustered = clustered;
        this.camel = camel;
        this.launcher = launcher;
        this.timezone = timezone;
        this.flows = flows;
        this.lastScheduledFire = lastScheduledFire;
        this.metrics = metrics;
        if (!clustered && camel.hasComponent("quartz") == null) {
            QuartzComponent quartz = new QuartzComponent();
            // Quartz's own MBean turns every fire into JMX notification data (two CompositeData built per fire,
            // listened to or not: about 40 % of a fire's CPU on Quartz's thread); the flows have their own MBeans
            quartz.setEnableJmx(false);
            camel.addComponent("quartz", quartz);
        }
    }

    @Override
    public String name() {
        return "schedules";
    }

    /**
     * Runs once each schedule whose fire was missed while Octoflow was down; the triggers already run. In cluster
     * mode, starts Quartz instead (held back until every schedule's route is known, so that no fire of the shared
     * store reaches this replica before the flow it launches) and catches nothing up.
     */
    @Override
    public void start() throws Exception {
        if (clustered) {
            quartzScheduler().start();
            return;
        }
        catchUp();
    }

    /** Stops every trigger at once, then their consumers; a fire being handed to the launcher completes. */
    @Override
    public void stop() {
        try {
            stopFiring();
            for (Consumer consumer : consumers.values()) {
                ServiceHelper.stopService(consumer);
            }
        } catch (Exception e) {
            LOG.warn("stopping the schedules: {}", e.getMessage());
        }
    }

    /** A schedule whose id is {@link ScheduleIds#of computed} from its source, flow path and timing. */
    public static ScheduleEntry entry(FlowDefinition flow, String source, String cron, Long everySeconds,
            Long timeoutSeconds) {
        return entry(ScheduleIds.of(source, flow.path(), cron, everySeconds), flow, source, cron, everySeconds,
                timeoutSeconds);
    }

    public static ScheduleEntry entry(String id, FlowDefinition flow, String source, String cron, Long everySeconds,
            Long timeoutSeconds) {
        if (cron != null && everySeconds != null) {
            throw new IllegalArgumentException("use either cron or every_seconds, not both");
        }
        if (cron == null && everySeconds == null) {
            throw new IllegalArgumentException("flow '" + flow.name() + "' has no schedule: give cron or every_seconds");
        }
        if (everySeconds != null && everySeconds <= 0) {
            throw new IllegalArgumentException("every_seconds: expected a positive whole number, got " + everySeconds);
        }
        String quartz = cron == null ? null : CronSchedule.toQuartz(cron);
        return new ScheduleEntry(id, flow.name(), flow.path(), source, cron, quartz, everySeconds, timeoutSeconds);
    }

    public synchronized void add(ScheduleEntry entry) throws Exception {
        addAll(List.of(entry));
    }

    /**
     * Adds a schedule whose first every_seconds fire comes one interval after now, not at once (the spooler API's
     * schedules behave so); cron entries are added as {@link #add} does.
     */
    public synchronized void addFiringAfterOneInterval(ScheduleEntry entry) throws Exception {
        firstFireAfterInterval.add(entry.id());
        try {
            add(entry);
        } finally {
            firstFireAfterInterval.remove(entry.id());
        }
    }

    /** Adds (or replaces) schedules. */
    public synchronized void addAll(List<ScheduleEntry> added) throws Exception {
        for (ScheduleEntry entry : added) {
            detach(entry.id()); // replaced: in cluster mode its stored trigger stays
        }
        prepare(added);
        registered(added);
    }

    /**
     * Makes the quartz endpoint and consumer of each new schedule, not started; then {@link #registered}. A
     * schedule is no route: Camel's start of a route, and its lookup of one, scan every route, and a route's MBeans
     * cost about 100 KiB; camel-quartz's consumer alone keeps its trigger semantics (cluster mode included).
     */
    public synchronized void prepare(List<ScheduleEntry> added) throws Exception {
        if (!clustered) {
            return; // the triggers are made by registered(), with no endpoint
        }
        for (ScheduleEntry entry : added) {
            QuartzEndpoint endpoint = camel.getEndpoint("quartz://octoflow/" + entry.id() + "?" + trigger(entry),
                    QuartzEndpoint.class);
            Consumer consumer = endpoint.createConsumer(exchange -> {
                Date scheduled = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
                fire(entry, scheduled == null ? Instant.now() : scheduled.toInstant());
            });
            endpoints.put(triggerKey(entry.id()), endpoint); // before its trigger can fire
            consumers.put(entry.id(), consumer);
        }
    }

    /** Records schedules {@link #prepare prepared}, and starts their triggers (once the flows are known). */
    public synchronized void registered(List<ScheduleEntry> added) throws Exception {
        useKeyedJobs();
        for (ScheduleEntry entry : added) {
            if (!clustered) {
                scheduleDirectly(entry);
                entries.put(entry.id(), entry);
                LOG.info("flow '{}' ({}) scheduled: {} (schedule {})", entry.flowName(), entry.path(),
                        entry.describe(), entry.id());
                continue;
            }
            ServiceHelper.startService(consumers.get(entry.id())); // camel-quartz schedules its trigger
            if (entry.everySeconds() != null) {
                if (clustered) {
                    alignNewTrigger(entry, firstFireAfterInterval.contains(entry.id()));
                } else if (!firstFireAfterInterval.contains(entry.id())) {
                    firstFireNow(entry); // also at a restart: rego's periodic tasks rely on it (RegoTaskApiTest)
                }
            }
            entries.put(entry.id(), entry);
            LOG.info("flow '{}' ({}) scheduled: {} (schedule {})", entry.flowName(), entry.path(), entry.describe(),
                    entry.id());
        }
    }

    /**
     * The entry's trigger and job, on Quartz's in-memory store: the same trigger camel-quartz made from the endpoint
     * URI of {@link #trigger} (cron in TIMEZONE, a missed fire run once; or a fixed rate from its start, a missed fire
     * skipped to the next), and an every_seconds trigger starts a millisecond ago, so that it fires at once (or one
     * interval from now for {@link #addFiringAfterOneInterval}).
     */
    private void scheduleDirectly(ScheduleEntry entry) throws org.quartz.SchedulerException {
        org.quartz.Scheduler triggers = quartzScheduler();
        org.quartz.TriggerKey key = triggerKey(entry.id());
        org.quartz.TriggerBuilder<org.quartz.Trigger> trigger = org.quartz.TriggerBuilder.newTrigger().withIdentity(key);
        long now = System.currentTimeMillis();
        if (entry.quartzCron() != null) {
            trigger.startAt(new Date(now)).withSchedule(org.quartz.CronScheduleBuilder.cronSchedule(entry.quartzCron())
                    .inTimeZone(java.util.TimeZone.getTimeZone(timezone))
                    .withMisfireHandlingInstructionFireAndProceed());
        } else {
            long interval = entry.everySeconds() * 1000;
            trigger.startAt(new Date(firstFireAfterInterval.contains(entry.id()) ? now + interval : now - 1))
                    .withSchedule(org.quartz.SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(interval).repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount());
        }
        direct.put(key, entry); // before its trigger can fire
        triggers.scheduleJob(org.quartz.JobBuilder.newJob(ScheduledFlowJob.class)
                .withIdentity(entry.id(), key.getGroup()).build(), trigger.build());
        if (!triggers.isStarted()) {
            triggers.start(); // once; a scheduler put in standby by stop() stays so
        }
    }

    private String trigger(ScheduleEntry entry) {
        if (entry.quartzCron() != null) {
            return "cron=" + URLEncoder.encode(entry.quartzCron(), StandardCharsets.UTF_8).replace("%20", "+")
                    + "&trigger.timeZone=" + timezone.getId()
                    // after a pause of the scheduler, a missed cron fire runs once
                    + "&trigger.misfireInstruction=1";
        }
        // fixed rate: next fire = start + n * interval. The trigger Camel creates starts one interval from now;
        // registered() moves its start to now once the consumer runs (see firstFireNow).
        long interval = entry.everySeconds() * 1000;
        return "trigger.repeatInterval=" + interval + "&trigger.repeatCount=-1&trigger.misfireInstruction=4"
                + "&triggerStartDelay=" + interval;
    }

    /**
     * Cluster mode: a trigger camel-quartz has just created in the shared store starts at the next multiple of its
     * interval since the epoch (one interval later for a schedule that first fires after one interval). Every
     * replica computes the same start, so two replicas adding the same schedule at once agree on its fire times;
     * a trigger already in the store (aligned before) is left alone: a replica's start does not re-fire it.
     */
    private void alignNewTrigger(ScheduleEntry entry, boolean afterOneInterval) throws org.quartz.SchedulerException {
        org.quartz.Trigger trigger = quartzScheduler().getTrigger(triggerKey(entry.id()));
        long interval = entry.everySeconds() * 1000;
        if (trigger == null || trigger.getStartTime().getTime() % interval == 0) {
            return;
        }
        long now = System.currentTimeMillis() + (afterOneInterval ? interval : 0);
        startAt(entry, Instant.ofEpochMilli((now / interval + 1) * interval));
    }

    private void startAt(ScheduleEntry entry, Instant start) throws org.quartz.SchedulerException {
        org.quartz.Scheduler triggers = quartzScheduler();
        org.quartz.TriggerKey key = triggerKey(entry.id());
        org.quartz.Trigger trigger = triggers.getTrigger(key);
        if (trigger != null) {
            triggers.rescheduleJob(key, trigger.getTriggerBuilder().startAt(Date.from(start)).build());
        }
    }

    /**
     * Fires find their route by trigger key ({@link KeyedJobFactory}), not by a scan of every route; set once per
     * Quartz scheduler, which camel-quartz creates with its first route.
     */
    private void useKeyedJobs() throws org.quartz.SchedulerException {
        org.quartz.Scheduler triggers = quartzScheduler();
        if (triggers != null && triggers != keyedJobsOn) {
            triggers.setJobFactory(new KeyedJobFactory(endpoints, direct, this::fire));
            keyedJobsOn = triggers;
        }
    }

    private org.quartz.Scheduler quartzScheduler() {
        return camel.getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    private static org.quartz.TriggerKey triggerKey(String entryId) {
        return org.quartz.TriggerKey.triggerKey(entryId, "octoflow");
    }

    /**
     * An every_seconds schedule fires right after it is added. camel-quartz cannot do that itself: a fire while its
     * consumer is starting finds no endpoint and is lost, and it drops a fire that comes before the trigger's start
     * time, which Quartz does up to 2 ms early. So once the route runs, the trigger is replaced by the same one
     * starting a millisecond ago: Quartz fires it at once, after its start time.
     */
    private void firstFireNow(ScheduleEntry entry) throws org.quartz.SchedulerException {
        org.quartz.Scheduler triggers = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        org.quartz.TriggerKey key = org.quartz.TriggerKey.triggerKey(entry.id(), "octoflow");
        org.quartz.Trigger trigger = triggers.getTrigger(key);
        if (trigger != null) {
            triggers.rescheduleJob(key, trigger.getTriggerBuilder()
                    .startAt(new Date(System.currentTimeMillis() - 1)).build());
        }
    }

    private void fire(ScheduleEntry entry, Instant scheduled) {
        if (paused.contains(entry.path())) {
            metrics.skipped(entry.flowName(), entry.path(), FlowMetrics.SkipReason.PAUSED);
            return;
        }
        FlowDefinition flow = flows.apply(entry.path());
        if (flow == null) {
            LOG.warn("schedule {}: flow {} is not loaded; fire ignored", entry.id(), entry.path());
            return;
        }
        Launcher.Launch launch = launcher.launch(flow, null, Trigger.SCHEDULE, scheduled, entry.timeoutSeconds());
        if (launch.admitted()) {
            lastExecutionIds.put(entry.id(), launch.executionId());
        }
    }

    /** The id of the newest run this entry launched since Octoflow started, if any. */
    public Optional<String> lastExecutionId(String entryId) {
        return Optional.ofNullable(lastExecutionIds.get(entryId));
    }

    /** Stops every trigger at once (stopping a thousand schedule routes one by one takes seconds). */
    private void stopFiring() throws Exception {
        quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (quartz != null && quartz.isStarted()) {
            quartz.standby();
        }
    }

    /**
     * Shuts Quartz down once Camel has stopped. camel-quartz keeps its scheduler while it counts jobs, and a later
     * service in the same JVM (tests, an embedded restart) would get it back in standby and never fire.
     */
    public void shutdown() {
        try {
            if (quartz != null && !quartz.isShutdown()) {
                quartz.shutdown(false);
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.warn("stopping Quartz: {}", e.getMessage());
        }
    }

    /**
     * Removes a schedule: its route, and in cluster mode its trigger from the shared store (the other replicas'
     * routes of it then fire no more).
     */
    public synchronized boolean remove(String id) throws Exception {
        boolean removed = detach(id);
        if (clustered) {
            org.quartz.Scheduler triggers = quartzScheduler();
            if (triggers != null && triggers.unscheduleJob(triggerKey(id))) {
                LOG.info("schedule {}: trigger removed from the cluster's job store", id);
            }
        }
        return removed;
    }

    /** Removes the schedule's consumer here (camel-quartz deletes its trigger unless the store is clustered). */
    private boolean detach(String id) throws Exception {
        if (direct.remove(triggerKey(id)) != null) {
            org.quartz.Scheduler triggers = quartzScheduler();
            if (triggers != null) {
                triggers.deleteJob(org.quartz.JobKey.jobKey(id, "octoflow"));
            }
        }
        QuartzEndpoint endpoint = endpoints.remove(triggerKey(id));
        Consumer consumer = consumers.remove(id);
        if (consumer != null) {
            ServiceHelper.stopAndShutdownService(consumer);
        }
        if (endpoint != null) {
            camel.removeEndpoint(endpoint);
        }
        return entries.remove(id) != null;
    }

    /** Scheduled fires of the flow at {@code path} are skipped until {@link #resume}; launches by hand still run. */
    public boolean pause(String path) {
        boolean changed = paused.add(path);
        if (clustered) {
            pauseInStore(path, true);
        }
        return changed;
    }

    public boolean resume(String path) {
        boolean changed = paused.remove(path);
        if (clustered) {
            pauseInStore(path, false);
        }
        return changed;
    }

    /**
     * Cluster mode: the flow's triggers are paused (resumed) in the shared store, so that no replica fires them;
     * the other replicas' own paused sets learn of it at their next start (from the database).
     */
    private void pauseInStore(String path, boolean pause) {
        try {
            org.quartz.Scheduler triggers = quartzScheduler();
            for (ScheduleEntry entry : forFlow(path)) {
                if (pause) {
                    triggers.pauseTrigger(triggerKey(entry.id()));
                } else {
                    triggers.resumeTrigger(triggerKey(entry.id()));
                }
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.warn("flow {}: cannot {} its triggers in the cluster's job store: {}", path,
                    pause ? "pause" : "resume", e.getMessage());
        }
    }

    public boolean isPaused(String path) {
        return paused.contains(path);
    }

    public synchronized List<ScheduleEntry> entries() {
        return List.copyOf(entries.values());
    }

    public synchronized Optional<ScheduleEntry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** The schedules of the flow at {@code path}. */
    public synchronized List<ScheduleEntry> forFlow(String path) {
        return entries.values().stream().filter(e -> e.path().equals(path)).toList();
    }

    /** When the entry's Quartz trigger fires next; computed from the cron expression when Quartz cannot say. */
    public Optional<Instant> nextFire(ScheduleEntry entry) {
        try {
            org.quartz.Scheduler quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
            if (quartz != null) {
                org.quartz.Trigger trigger = quartz.getTrigger(org.quartz.TriggerKey.triggerKey(entry.id(), "octoflow"));
                if (trigger != null && trigger.getNextFireTime() != null) {
                    return Optional.of(trigger.getNextFireTime().toInstant());
                }
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.debug("schedule {}: no next fire time from Quartz: {}", entry.id(), e.getMessage());
        }
        return nextFire(entry, Instant.now());
    }

    /** When the entry fires next, computed the way Quartz does. */
    public Optional<Instant> nextFire(ScheduleEntry entry, Instant after) {
        if (entry.quartzCron() != null) {
            try {
                CronExpression expression = new CronExpression(entry.quartzCron());
                expression.setTimeZone(java.util.TimeZone.getTimeZone(timezone));
                Date next = expression.getNextValidTimeAfter(Date.from(after));
                return Optional.ofNullable(next).map(Date::toInstant);
            } catch (java.text.ParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * After downtime: a schedule whose fire fell between the last recorded scheduled run and now runs once (not
     * once per missed fire).
     */
    private void catchUp() {
        Instant now = Instant.now();
        for (ScheduleEntry entry : entries()) {
            if (paused.contains(entry.path())) {
                continue;
            }
            Optional<Instant> last = lastScheduledFire.apply(entry.path());
            if (last.isEmpty()) {
                continue;
            }
            Instant missed = entry.quartzCron() != null ? nextFire(entry, last.get()).orElse(null)
                    : last.get().plusSeconds(entry.everySeconds());
            if (missed != null && missed.isBefore(now.minusSeconds(1))) {
                LOG.info("flow '{}' ({}): a scheduled fire was missed while Octoflow was down ({}); running it"
                        + " once", entry.flowName(), entry.path(), missed);
                fire(entry, missed);
            }
        }
    }

}

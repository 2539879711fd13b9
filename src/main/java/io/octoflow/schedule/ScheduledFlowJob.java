package io.octoflow.schedule;

import java.time.Instant;
import java.util.function.BiConsumer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of a schedule (outside cluster mode): a fire hands the schedule's flow to the launcher at once, on
 * Quartz's thread, with the fire time Quartz computed. No Camel endpoint, consumer or exchange stands between the
 * trigger and the launcher (camel-quartz's job makes an exchange and copies a dozen headers into it per fire, and
 * its endpoint cost the start-up a URI to parse and bind per schedule). Made by the {@link KeyedJobFactory}, which
 * knows the entry by trigger key.
 */
final class ScheduledFlowJob implements Job {

    private static final Logger LOG = LogManager.getLogger(ScheduledFlowJob.class);

    private final ScheduleEntry entry;
    private final BiConsumer<ScheduleEntry, Instant> fire;

    ScheduledFlowJob(ScheduleEntry entry, BiConsumer<ScheduleEntry, Instant> fire) {
        this.entry = entry;
        this.fire = fire;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            fire.accept(entry, context.getScheduledFireTime() == null ? Instant.now()
                    : context.getScheduledFireTime().toInstant());
        } catch (RuntimeException e) { // the next fire comes as planned; Quartz would only log it less clearly
            LOG.warn("schedule {} ({}): the fire failed: {}", entry.id(), entry.path(), e.toString());
        }
    }
}

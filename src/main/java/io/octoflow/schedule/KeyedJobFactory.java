package io.octoflow.schedule;

import java.time.Instant;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.camel.component.quartz.CamelJob;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.Job;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.simpl.PropertySettingJobFactory;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/**
 * Quartz's job factory for Camel's scheduler: a schedule's own {@link ScheduledFlowJob} is made with its entry,
 * found by trigger key; camel-quartz's {@link CamelJob} (cluster mode, users' Camel quartz routes) becomes a
 * {@link KeyedCamelJob} (the job class stored with a trigger, also in the cluster's JDBC store, stays CamelJob:
 * replicas of other versions fire the same triggers); any other job is made as Quartz makes it by default.
 */
final class KeyedJobFactory implements JobFactory {

    private final Map<TriggerKey, QuartzEndpoint> endpoints;
    private final Map<TriggerKey, ScheduleEntry> entries;
    private final BiConsumer<ScheduleEntry, Instant> fire;
    private final JobFactory others = new PropertySettingJobFactory();

    KeyedJobFactory(Map<TriggerKey, QuartzEndpoint> endpoints, Map<TriggerKey, ScheduleEntry> entries,
            BiConsumer<ScheduleEntry, Instant> fire) {
        this.endpoints = endpoints;
        this.entries = entries;
        this.fire = fire;
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, org.quartz.Scheduler scheduler) throws SchedulerException {
        Class<? extends Job> type = bundle.getJobDetail().getJobClass();
        if (type == ScheduledFlowJob.class) {
            ScheduleEntry entry = entries.get(bundle.getTrigger().getKey());
            return entry != null ? new ScheduledFlowJob(entry, fire) : context -> {
                // removed between the trigger's fire and now: nothing to run
            };
        }
        if (type == CamelJob.class) {
            return new KeyedCamelJob(endpoints);
        }
        return others.newJob(bundle, scheduler);
    }
}

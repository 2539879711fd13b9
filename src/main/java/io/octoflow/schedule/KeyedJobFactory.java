package io.octoflow.schedule;

import java.util.Map;

import org.apache.camel.component.quartz.CamelJob;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.Job;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.simpl.PropertySettingJobFactory;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/**
 * Quartz's job factory for Camel's scheduler: camel-quartz's {@link CamelJob} becomes a {@link KeyedCamelJob}
 * (the job class stored with a trigger, also in the cluster's JDBC store, stays CamelJob: replicas of other versions
 * fire the same triggers); any other job is made as Quartz makes it by default.
 */
final class KeyedJobFactory implements JobFactory {

    private final Map<TriggerKey, QuartzEndpoint> endpoints;
    private final JobFactory others = new PropertySettingJobFactory();

    KeyedJobFactory(Map<TriggerKey, QuartzEndpoint> endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, org.quartz.Scheduler scheduler) throws SchedulerException {
        if (bundle.getJobDetail().getJobClass() == CamelJob.class) {
            return new KeyedCamelJob(endpoints);
        }
        return others.newJob(bundle, scheduler);
    }
}

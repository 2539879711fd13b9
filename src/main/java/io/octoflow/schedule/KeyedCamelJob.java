package io.octoflow.schedule;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.CamelJob;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.TriggerKey;

/**
 * camel-quartz's job with a lookup by key: {@link CamelJob} finds the endpoint a fire belongs to by scanning every
 * route of the context (and Camel copies the route list to do so), which made each fire cost O(routes): with
 * 10,000 flows, a thousand fires a second spent most of their time there. This job finds a schedule's endpoint by
 * its trigger key in the {@link Scheduler}'s map; a trigger it does not know (a user's Camel YAML quartz route, a
 * job recovered for another replica's key) is looked up the usual way.
 */
final class KeyedCamelJob extends CamelJob {

    private final Map<TriggerKey, QuartzEndpoint> endpoints;

    KeyedCamelJob(Map<TriggerKey, QuartzEndpoint> endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected QuartzEndpoint lookupQuartzEndpoint(CamelContext camelContext, JobExecutionContext quartzContext)
            throws JobExecutionException {
        QuartzEndpoint endpoint = endpoints.get(quartzContext.getTrigger().getKey());
        return endpoint != null ? endpoint : super.lookupQuartzEndpoint(camelContext, quartzContext);
    }
}

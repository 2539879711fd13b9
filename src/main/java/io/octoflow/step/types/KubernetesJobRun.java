package io.octoflow.step.types;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kubernetes.KubernetesConstants;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

import io.octoflow.execution.FlowRun;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.kubernetes.client.KubernetesSecrets;
import io.octoflow.kubernetes.job.JobNames;
import io.octoflow.kubernetes.job.JobStatus;
import io.octoflow.kubernetes.job.JobTemplate;
import io.octoflow.kubernetes.job.JobWatch;
import io.octoflow.template.Template;

/**
 * One run of a {@code k8s_job} step, on either side of camel-kubernetes' {@code createJob}: the Job's spec, name,
 * namespace and labels before it; the wait for the Job (its status and logs, the result, the masking of the values
 * its env_secrets gave it) after it.
 */
final class KubernetesJobRun {

    private static final Logger LOG = LogManager.getLogger(KubernetesJobStep.class);
    /** Logs kept in the result are capped in bytes as well as in lines: the flow data lives in memory and history. */
    static final int LOG_LIMIT_BYTES = 64 * 1024;
    private static final String STATE = "octoflow.k8sJob";

    /** One Job on its way, between creation and the wait. */
    private record Launched(String name, String namespace, java.time.Instant created) {
    }

    private KubernetesJobRun() {
    }

    static void prepare(Exchange exchange, KubernetesJobSettings settings, KubernetesAccess kubernetes, String flowName,
            String stepName) {
        FlowRun run = FlowRun.of(exchange);
        Map<String, Object> context = run.templateContext();
        kubernetes.requireConfigured(); // no cluster at all: said now, not after fabric8's retries
        String namespace = settings.namespace() != null ? settings.namespace() : kubernetes.namespace();
        String name = JobNames.unique(flowName, stepName);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "octoflow");
        labels.put("octoflow.io/flow", JobNames.labelValue(JobNames.slug(flowName, "flow")));
        labels.put("octoflow.io/execution-id", JobNames.labelValue(run.executionId()));
        Map<String, String> env = new LinkedHashMap<>();
        settings.env().forEach((key, value) -> env.put(key, value.render(context)));
        JobSpec spec = JobTemplate.build(settings.image().render(context).trim(),
                render(settings.command(), context), render(settings.args(), context), env, settings.envSecrets(),
                settings.resources(), labels, settings.jobSpec());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(KubernetesConstants.KUBERNETES_JOB_NAME, name);
        message.setHeader(KubernetesConstants.KUBERNETES_NAMESPACE_NAME, namespace);
        message.setHeader(KubernetesConstants.KUBERNETES_JOB_SPEC, spec);
        message.setHeader(KubernetesConstants.KUBERNETES_JOB_LABELS, labels);
        message.setBody(null);
        exchange.setProperty(STATE, new Launched(name, namespace, java.time.Instant.now()));
    }

    /**
     * camel-kubernetes could not create the Job: rethrown with the cause named when the API server was not reached
     * (a stackless exception: the step's failure is logged in one line), else as it came.
     */
    static void failedToCreate(Exchange exchange, KubernetesAccess kubernetes) {
        RuntimeException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RuntimeException.class);
        exchange.removeProperty(STATE);
        throw kubernetes.explain(failure);
    }

    private static List<String> render(List<Template> templates, Map<String, Object> context) {
        return templates == null ? null : templates.stream().map(t -> t.render(context)).toList();
    }

    static void awaitJob(Exchange exchange, KubernetesJobSettings settings, KubernetesAccess kubernetes, String resultKey,
            io.octoflow.secret.Masker masker) throws InterruptedException {
        Launched job = exchange.getProperty(STATE, Launched.class);
        exchange.removeProperty(STATE);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        LOG.info("Job {}/{} created", job.namespace(), job.name());
        FlowRun run = FlowRun.of(exchange);
        if (!settings.await()) {
            message.setBody(result(job, JobStatus.JOB_DEPLOYED, job.created(), null, ""));
            return;
        }
        JobWatch watch = new JobWatch(kubernetes.client(), job.namespace(), job.name());
        Duration timeout = settings.timeoutSeconds() == null ? null : Duration.ofSeconds(settings.timeoutSeconds());
        JobWatch.Outcome outcome = watch.await(timeout, run.cancellation()::isCancelled, settings.tailLines(),
                LOG_LIMIT_BYTES);
        maskEnvSecrets(settings, job.namespace(), kubernetes, masker);
        Map<String, Object> result = result(job, outcome.status(), outcome.started(), outcome.ended(),
                outcome.logs());
        if (outcome.status() == JobStatus.SUCCESS) {
            LOG.info("Job {}/{} succeeded", job.namespace(), job.name());
            message.setBody(result);
            return;
        }
        // stored although the step fails: a flow that ignores the error can still read status and logs
        run.data().put(resultKey, result);
        throw new JobFailedException("Job " + job.namespace() + "/" + job.name() + " " + outcome.status() + " ("
                + outcome.status().code() + "): " + outcome.reason());
    }

    /**
     * A container may print the values env_secrets gave it: they are read (by name, as the Job's pod did) and
     * registered with the masker before its logs reach the result, the history or a log line.
     */
    private static void maskEnvSecrets(KubernetesJobSettings settings, String namespace, KubernetesAccess kubernetes,
            io.octoflow.secret.Masker masker) {
        if (settings.envSecrets().isEmpty() || settings.tailLines() <= 0) {
            return;
        }
        KubernetesSecrets secrets = new KubernetesSecrets(kubernetes);
        Map<String, Map<String, String>> read = new HashMap<>();
        for (JobTemplate.SecretRef ref : settings.envSecrets().values()) {
            try {
                String value = read.computeIfAbsent(ref.secret(), name -> secrets.read(namespace, name))
                        .get(ref.key());
                if (value != null) {
                    masker.register(value);
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot read Secret {}/{} to mask its values in the Job's logs: {}", namespace,
                        ref.secret(), e.getMessage());
            }
        }
    }

    private static Map<String, Object> result(Launched job, JobStatus status, java.time.Instant started,
            java.time.Instant ended, String logs) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("job_name", job.name());
        result.put("namespace", job.namespace());
        result.put("status", status.name());
        result.put("status_code", status.code());
        result.put("started", started == null ? null : started.toString());
        result.put("ended", ended == null ? null : ended.toString());
        result.put("logs", logs);
        return result;
    }

    /** A Job that did not succeed; the message names the Job, its status and why. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String message) {
            super(message, null, false, false);
        }
    }
}

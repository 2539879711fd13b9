package io.octoflow.step.types;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kubernetes.KubernetesConstants;
import org.apache.camel.component.kubernetes.KubernetesOperations;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.Key;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.kubernetes.client.CamelKubernetesClient;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.kubernetes.client.KubernetesSecrets;
import io.octoflow.kubernetes.job.JobNames;
import io.octoflow.kubernetes.job.JobStatus;
import io.octoflow.kubernetes.job.JobTemplate.SecretRef;
import io.octoflow.kubernetes.job.JobTemplate;
import io.octoflow.kubernetes.job.JobWatch;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Runs a container as a Kubernetes Job (rego's task, as one step of a flow). The Job is created by camel-kubernetes'
 * {@code kubernetes-job} producer (operation createJob) and followed with the fabric8 client ({@link JobWatch}).
 * The result is {@code {job_name, namespace, status, status_code, started, ended, logs}}; a Job that does not
 * succeed fails the step, and its result is stored all the same so a flow that ignores the error can look at it.
 */
public final class KubernetesJobStep implements StepType<KubernetesJobStep.Settings> {

    private static final Logger LOG = LogManager.getLogger(KubernetesJobStep.class);
    /** Logs kept in the result are capped in bytes as well as in lines: the flow data lives in memory and history. */
    static final int LOG_LIMIT_BYTES = 64 * 1024;
    private static final String STATE = "octoflow.k8sJob";
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final List<String> RESOURCE_KEYS = List.of("requests", "limits");

    record Settings(Template image, List<Template> command, List<Template> args, Map<String, Template> env,
            Map<String, SecretRef> envSecrets, String namespace, Map<String, Object> resources,
            Map<String, Object> jobSpec, boolean await, Integer timeoutSeconds, int tailLines) {
    }

    /** The cluster the Jobs run in; null in a registry that only validates flows. */
    private final KubernetesAccess kubernetes;

    public KubernetesJobStep(KubernetesAccess kubernetes) {
        this.kubernetes = kubernetes;
    }

    /** One Job on its way, between creation and the wait. */
    private record Launched(String name, String namespace, java.time.Instant created) {
    }

    @Override
    public String type() {
        return "k8s_job";
    }

    @Override
    public String description() {
        return "Runs a container as a Kubernetes Job, waits for it and returns its status and logs.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("image", Kind.STRING, "Container image (templated)."),
                Key.optional("command", Kind.LIST, "The container's entrypoint, a list of strings (each templated)."),
                Key.optional("args", Kind.LIST, "Arguments of the entrypoint, a list of strings (each templated)."),
                Key.optional("env", Kind.STRING_MAPPING, "Environment variables: name -> value (templated)."),
                // strict: a misspelt key would start the Job without its credential
                Key.optional("env_secrets", Kind.MAPPING_MAP, "Environment variables from Kubernetes Secrets: name ->"
                        + " {secret, key}; becomes valueFrom.secretKeyRef, the value never enters the Job spec.")
                        .strict().with(
                        Key.required("secret", Kind.STRING, "Name of the Kubernetes Secret."),
                        Key.required("key", Kind.STRING, "The key of the Secret whose value the variable gets.")),
                Key.optional("namespace", Kind.STRING, "Namespace of the Job; default KUBERNETES_NAMESPACE, else the"
                        + " client's namespace."),
                // strict: a misspelt key would start the Job without its limits
                Key.optional("resources", Kind.MAPPING, "Container resources.").strict().with(
                        Key.optional("requests", Kind.STRING_MAPPING, "Resources reserved: resource name ->"
                                + " quantity (cpu: 500m, memory: 256Mi)."),
                        Key.optional("limits", Kind.STRING_MAPPING, "Resources at most: resource name -> quantity"
                                + " (cpu: 1, memory: 512Mi).")),
                Key.optional("job_spec", Kind.MAPPING, "Merged into the generated JobSpec (backoffLimit,"
                        + " activeDeadlineSeconds, ttlSecondsAfterFinished, parallelism, completions, template:"
                        + " {spec: {serviceAccountName, nodeSelector, volumes...}}); lists of named items merge by"
                        + " name (the container is named 'job')."),
                Key.optional("wait", Kind.BOOLEAN, true, "Wait for the Job to end; false returns at once with"
                        + " status JOB_DEPLOYED."),
                Key.optional("timeout_seconds", Kind.INTEGER, "Give up after this long: the Job is deleted and the"
                        + " step fails with status TIMEOUT (default: the flow's timeout)."),
                Key.optional("logs_tail_lines", Kind.INTEGER, 100, "How many of the last log lines to keep in the"
                        + " result (0: none; also capped at 64 KiB)."));
    }

    @Override
    public String example() {
        return """
                - name: collect ci metrics
                  type: k8s_job
                  result_key: retriever
                  k8s_job:
                    image: python:3.12-slim
                    command: [python, -c]
                    args: ["import os, json; print(json.dumps({'repo': os.environ['REPO']}))"]
                    env:
                      REPO: "{{ repo | default('octoflow') }}"
                    env_secrets:
                      GITHUB_TOKEN: {secret: ci-tokens, key: github}
                    resources:
                      limits: {cpu: 500m, memory: 256Mi}
                    job_spec:
                      activeDeadlineSeconds: 600
                      ttlSecondsAfterFinished: 3600
                    timeout_seconds: 900
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        Template image = compiler.template(block.get("image"));
        List<Template> command = templateList(compiler, block.get("command"), "command");
        List<Template> args = templateList(compiler, block.get("args"), "args");
        Map<String, Template> env = env(compiler, block.get("env"));
        Map<String, SecretRef> envSecrets = envSecrets(compiler, block.get("env_secrets"), env);
        String namespace = null;
        if (block.get("namespace") != null) {
            namespace = block.get("namespace").text();
            if (!DNS_LABEL.matcher(namespace).matches()) {
                compiler.problem(block.get("namespace"), "k8s_job.namespace: expected a DNS-1123 label (lower-case"
                        + " letters, digits and '-'), found '" + namespace + "'");
            }
        }
        Map<String, Object> resources = resources(compiler, block.get("resources"));
        Map<String, Object> jobSpec = jobSpec(compiler, block.get("job_spec"));
        boolean await = block.get("wait") == null || (Boolean) block.get("wait").scalar();
        Integer timeout = positive(compiler, block.get("timeout_seconds"), "timeout_seconds", 1);
        Integer tail = positive(compiler, block.get("logs_tail_lines"), "logs_tail_lines", 0);
        return new Settings(image, command, args, env, envSecrets, namespace, resources, jobSpec, await, timeout,
                tail == null ? 100 : tail);
    }

    private static List<Template> templateList(StepCompiler compiler, YNode node, String key) {
        if (node == null) {
            return null;
        }
        List<Template> out = new ArrayList<>();
        for (int i = 0; i < node.items().size(); i++) {
            YNode item = node.items().get(i);
            if (!item.isScalar() || item.isNull()) {
                compiler.problem(item, "k8s_job." + key + ": expected a list of strings, item " + (i + 1) + " is "
                        + item.describe());
                continue;
            }
            Template template = compiler.template(YNode.scalar(item.text(), item.line(), item.column()));
            if (template != null) {
                out.add(template);
            }
        }
        return out;
    }

    private static Map<String, Template> env(StepCompiler compiler, YNode node) {
        Map<String, Template> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        node.entries().forEach((name, value) -> {
            if (!ENV_NAME.matcher(name).matches()) {
                compiler.problem(node.keyNode(name), "k8s_job.env: '" + name + "' is not a valid variable name");
            }
            Template template = compiler.template(YNode.scalar(value.isNull() ? "" : value.text(), value.line(),
                    value.column()));
            if (template != null) {
                out.put(name, template);
            }
        });
        return out;
    }

    private static Map<String, SecretRef> envSecrets(StepCompiler compiler, YNode node, Map<String, Template> env) {
        Map<String, SecretRef> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        node.entries().forEach((name, ref) -> {
            String where = "k8s_job.env_secrets." + name;
            if (!ENV_NAME.matcher(name).matches()) {
                compiler.problem(node.keyNode(name), "k8s_job.env_secrets: '" + name + "' is not a valid variable"
                        + " name");
            }
            if (env.containsKey(name)) {
                compiler.problem(node.keyNode(name), where + ": also set in k8s_job.env; keep one");
            }
            // {secret, key} was checked against its declaration; a reference with problems makes the flow invalid
            YNode secret = ref.get("secret");
            YNode key = ref.get("key");
            if (secret != null && secret.isString() && key != null && key.isString()) {
                out.put(name, new SecretRef(secret.text(), key.text()));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resources(StepCompiler compiler, YNode node) {
        if (node == null) {
            return null;
        }
        // requests and limits were checked against their declaration; here their quantities are
        for (Map.Entry<String, YNode> entry : node.entries().entrySet()) {
            String where = "k8s_job.resources." + entry.getKey();
            if (RESOURCE_KEYS.contains(entry.getKey()) && entry.getValue().isMapping()) {
                entry.getValue().entries().forEach((resource, quantity) -> {
                    if (!quantity.isScalar() || quantity.isNull() || !validQuantity(quantity.text())) {
                        compiler.problem(quantity, where + "." + resource + ": expected a quantity (500m, 2, 256Mi),"
                                + " found " + (quantity.isScalar() ? "'" + quantity.text() + "'"
                                        : quantity.describe()));
                    }
                });
            }
        }
        return (Map<String, Object>) node.toJava();
    }

    private static boolean validQuantity(String text) {
        try {
            Quantity.getAmountInBytes(Quantity.parse(text));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks job_spec's keys at the levels users write (the JobSpec, its pod template, the pod spec) against the
     * fabric8 model, and its value types by converting it; every problem names the key and its line.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> jobSpec(StepCompiler compiler, YNode node) {
        if (node == null) {
            return null;
        }
        boolean known = knownKeys(compiler, node, JobSpec.class, "k8s_job.job_spec");
        YNode template = node.get("template");
        if (template != null && template.isMapping()) {
            known &= knownKeys(compiler, template, PodTemplateSpec.class, "k8s_job.job_spec.template");
            YNode podSpec = template.get("spec");
            if (podSpec != null && podSpec.isMapping()) {
                known &= knownKeys(compiler, podSpec, PodSpec.class, "k8s_job.job_spec.template.spec");
            }
        }
        Map<String, Object> value = (Map<String, Object>) node.toJava();
        if (known) {
            String problem = JobTemplate.check(value);
            if (problem != null) {
                compiler.problem(node, "k8s_job.job_spec: not a valid JobSpec: " + problem);
            }
        }
        return value;
    }

    private static boolean knownKeys(StepCompiler compiler, YNode mapping, Class<?> model, String where) {
        List<String> properties = JobTemplate.properties(model);
        boolean ok = true;
        for (String key : mapping.entries().keySet()) {
            if (!properties.contains(key)) {
                compiler.problem(mapping.keyNode(key), where + ": unknown key '" + key + "' (expected one of: "
                        + String.join(", ", properties) + ")");
                ok = false;
            }
        }
        return ok;
    }

    private static Integer positive(StepCompiler compiler, YNode node, String key, int min) {
        if (node == null) {
            return null;
        }
        long value = ((Number) node.scalar()).longValue();
        if (value < min || value > Integer.MAX_VALUE) {
            compiler.problem(node, "k8s_job." + key + ": expected " + (min == 0 ? "zero or more" : "1 or more")
                    + ", found " + value);
            return null;
        }
        return (int) value;
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        if (kubernetes == null) {
            throw new IllegalStateException("step type k8s_job was made without a Kubernetes client: it only validates");
        }
        String flowName = build.flow().name();
        String stepName = build.step().name();
        String resultKey = build.step().resultKey();
        build.route()
                .process(exchange -> prepare(exchange, settings, kubernetes, flowName, stepName))
                .id(build.id("spec"))
                .to("kubernetes-job:octoflow?operation=" + KubernetesOperations.CREATE_JOB_OPERATION
                        + "&kubernetesClient=#" + CamelKubernetesClient.BEAN)
                .id(build.id())
                .process(exchange -> awaitJob(exchange, settings, kubernetes, resultKey,
                        build.services().secrets().masker()))
                .id(build.id("wait"));
    }

    private static void prepare(Exchange exchange, Settings settings, KubernetesAccess kubernetes, String flowName,
            String stepName) {
        FlowRun run = FlowRun.of(exchange);
        Map<String, Object> context = run.templateContext();
        String namespace = settings.namespace() != null ? settings.namespace() : kubernetes.namespace();
        String name = JobNames.unique(flowName, stepName);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "octoflow");
        labels.put("octoflow.io/flow", JobNames.labelValue(JobNames.slug(flowName, "flow")));
        labels.put("octoflow.io/execution-id", JobNames.labelValue(run.jobId()));
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

    private static List<String> render(List<Template> templates, Map<String, Object> context) {
        return templates == null ? null : templates.stream().map(t -> t.render(context)).toList();
    }

    private static void awaitJob(Exchange exchange, Settings settings, KubernetesAccess kubernetes, String resultKey,
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
    private static void maskEnvSecrets(Settings settings, String namespace, KubernetesAccess kubernetes,
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

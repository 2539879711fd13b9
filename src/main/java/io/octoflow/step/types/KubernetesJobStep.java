package io.octoflow.step.types;

import java.util.List;

import org.apache.camel.component.kubernetes.KubernetesOperations;

import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.kubernetes.client.CamelKubernetesClient;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.kubernetes.job.JobWatch;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Runs a container as a Kubernetes Job (rego's task, as one step of a flow). The Job is created by camel-kubernetes'
 * {@code kubernetes-job} producer (operation createJob) and followed with the fabric8 client ({@link JobWatch}).
 * The result is {@code {job_name, namespace, status, status_code, started, ended, logs}}; a Job that does not
 * succeed fails the step, and its result is stored all the same so a flow that ignores the error can look at it.
 */
public final class KubernetesJobStep implements StepType<KubernetesJobSettings> {

    /** The cluster the Jobs run in; null in a registry that only validates flows. */
    private final KubernetesAccess kubernetes;

    public KubernetesJobStep(KubernetesAccess kubernetes) {
        this.kubernetes = kubernetes;
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
    public KubernetesJobSettings compile(StepCompiler compiler, YNode block) {
        return KubernetesJobSettings.compile(compiler, block);
    }

    @Override
    public void build(StepBuild<KubernetesJobSettings> build) {
        KubernetesJobSettings settings = build.settings();
        if (kubernetes == null) {
            throw new IllegalStateException("step type k8s_job was made without a Kubernetes client: it only validates");
        }
        String flowName = build.flow().name();
        String stepName = build.step().name();
        String resultKey = build.step().resultKey();
        build.route()
                .process(exchange -> KubernetesJobRun.prepare(exchange, settings, kubernetes, flowName, stepName))
                .id(build.id("spec"))
                .doTry()
                    .to("kubernetes-job:octoflow?operation=" + KubernetesOperations.CREATE_JOB_OPERATION
                            + "&kubernetesClient=#" + CamelKubernetesClient.BEAN)
                    .id(build.id())
                .doCatch(KubernetesClientException.class)
                    // fabric8 says "An error has occurred."; the cause (unknown host, connection refused) is deeper
                    .process(exchange -> KubernetesJobRun.failedToCreate(exchange, kubernetes))
                    .id(build.id("unreachable"))
                .end()
                .process(exchange -> KubernetesJobRun.awaitJob(exchange, settings, kubernetes, resultKey,
                        build.services().secrets().masker()))
                .id(build.id("wait"));
    }

}

package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.kubernetes.job.JobTemplate;
import io.octoflow.kubernetes.job.JobTemplate.SecretRef;
import io.octoflow.template.Template;

/**
 * A {@code k8s_job} step's block, compiled when the flow loads: templates compiled once, variable names, the
 * namespace, resource quantities and {@code job_spec} (against the fabric8 model) checked, each problem at its line.
 */
record KubernetesJobSettings(Template image, List<Template> command, List<Template> args, Map<String, Template> env,
        Map<String, SecretRef> envSecrets, String namespace, Map<String, Object> resources,
        Map<String, Object> jobSpec, boolean await, Integer timeoutSeconds, int tailLines) {

    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final List<String> RESOURCE_KEYS = List.of("requests", "limits");

    /** Compiles a {@code k8s_job} block whose keys fit their declaration; reports what they cannot say. */
    static KubernetesJobSettings compile(StepCompiler compiler, YNode block) {
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
        return new KubernetesJobSettings(image, command, args, env, envSecrets, namespace, resources, jobSpec, await, timeout,
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
}

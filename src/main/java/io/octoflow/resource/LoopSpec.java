package io.octoflow.resource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * A Loop resource's spec, checked: every problem is collected, each naming its field and what was expected.
 *
 * @param namespace  the Loop's namespace (its secrets are read there)
 * @param name       the Loop's name
 * @param generation metadata.generation, reported as status.observedGeneration
 * @param endpoint   spec.endpoint, an http(s) URL (Warp 10's {@code /api/v0/exec})
 * @param every      spec.every, positive
 * @param script     spec.script, WarpScript
 * @param secrets    spec.imports[].secret.name, in order (a later secret's key wins)
 */
public record LoopSpec(String namespace, String name, Long generation, URI endpoint, Duration every, String script,
        List<String> secrets) {

    /** A spec that does not validate; {@link #problems()} are "field: what is wrong; what was expected". */
    public static final class InvalidLoopException extends Exception {
        private final List<String> problems;

        InvalidLoopException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public String routeId() {
        return "loop-" + namespace + "-" + name;
    }

    public static LoopSpec of(GenericKubernetesResource resource) throws InvalidLoopException {
        List<String> problems = new ArrayList<>();
        Map<String, Object> spec = CustomResources.spec(resource);
        if (spec == null) {
            throw new InvalidLoopException(List.of("spec: missing or not an object; expected endpoint, every, script"
                    + " and optional imports"));
        }
        URI endpoint = null;
        Object endpointValue = spec.get("endpoint");
        if (!(endpointValue instanceof String text) || text.isBlank()) {
            problems.add("spec.endpoint: missing; expected an http(s) URL such as "
                    + "https://warp10.example.com/api/v0/exec");
        } else {
            try {
                endpoint = URI.create(text.strip());
                if (endpoint.getScheme() == null || !endpoint.getScheme().matches("(?i)https?")
                        || endpoint.getHost() == null) {
                    problems.add("spec.endpoint: '" + text + "' is not an http(s) URL with a host");
                    endpoint = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add("spec.endpoint: '" + text + "' is not a URL (" + e.getMessage() + ")");
            }
        }
        Duration every = null;
        Object everyValue = spec.get("every");
        try {
            every = GoDuration.parse(everyValue == null ? null : String.valueOf(everyValue));
            if (every.isZero() || every.isNegative()) {
                problems.add("spec.every: '" + everyValue + "' is not positive; expected a duration such as 30s,"
                        + " 1m or 1h30m");
                every = null;
            }
        } catch (IllegalArgumentException e) {
            problems.add("spec.every: " + e.getMessage());
        }
        Object scriptValue = spec.get("script");
        if (!(scriptValue instanceof String)) {
            problems.add("spec.script: " + (scriptValue == null ? "missing" : "not a string")
                    + "; expected the WarpScript to run");
        }
        List<String> secrets = new ArrayList<>();
        Object imports = spec.get("imports");
        if (imports instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object secretName = list.get(i) instanceof Map<?, ?> item && item.get("secret") instanceof Map<?, ?> s
                        ? s.get("name") : null;
                if (secretName instanceof String n && !n.isBlank()) {
                    secrets.add(n);
                } else {
                    problems.add("spec.imports[" + i + "].secret.name: missing; expected the name of a Secret in"
                            + " namespace '" + resource.getMetadata().getNamespace() + "'");
                }
            }
        } else if (imports != null) {
            problems.add("spec.imports: not a list; expected a list of {secret: {name: ...}}");
        }
        if (!problems.isEmpty()) {
            throw new InvalidLoopException(problems);
        }
        return new LoopSpec(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                resource.getMetadata().getGeneration(), endpoint, every, (String) scriptValue, List.copyOf(secrets));
    }
}

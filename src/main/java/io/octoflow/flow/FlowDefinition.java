package io.octoflow.flow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A validated flow. {@code steps} is the order of execution: the {@code finally_step} is taken out of the
 * sequence and placed last, so it runs once at the end whatever happened before (except after an {@code exit}).
 * <p>
 * A flow is identified by its {@link #path()}, never by its {@code name}: spooler files may share a name, and a
 * {@code flow}/{@code flow_loop} step names the file it calls. {@code path} is relative to FLOWS_PATH
 * ({@code lib/summarize_ticket.yml}); a flow file outside FLOWS_PATH (tasks, Kubernetes resources, a file given
 * on the command line) has its absolute path, which no relative path can equal.
 * <p>
 * {@code trigger} is the flow's event trigger (Octoflow's addition), null when it has none.
 */
public record FlowDefinition(
        String name,
        String description,
        String path,
        Path file,
        List<StepDefinition<?>> steps,
        String finallyStep,
        String cron,
        Long everySeconds,
        Long timeoutSeconds,
        Concurrency concurrency,
        List<String> subFlows,
        TriggerDefinition trigger) {

    private static final int HASH_HEX = 12;

    /** What identifies the flow: its path (see the class comment). Locks, schedules, history and metrics use it. */
    public String id() {
        return path;
    }

    /** The flow's id as Camel may hold it in route, endpoint and processor ids (see {@link #camelId(String)}). */
    public String camelId() {
        return camelId(path);
    }

    public String routeId() {
        return routeId(path);
    }

    /** The route id of the flow at {@code flowPath}. */
    public static String routeId(String flowPath) {
        return "flow-" + camelId(flowPath);
    }

    public String endpointUri() {
        return endpointUri(path);
    }

    /** The {@code direct:} endpoint of the flow at {@code flowPath}: what a flow or flow_loop step sends to. */
    public static String endpointUri(String flowPath) {
        return "direct:flow-" + camelId(flowPath);
    }

    /**
     * A flow path made safe for Camel ids and URIs, stable and collision-free: letters, digits and {@code _ . / -}
     * are kept; any other character (spaces, {@code {{ }}} that Camel would read as a property placeholder,
     * {@code ? & # %} that would end or escape a URI) becomes {@code _}, and then 12 hex digits of the path's SHA-256
     * are appended, so that two paths never share an id: {@code lib/a.yml} stays {@code lib/a.yml},
     * {@code my flow.yml} becomes {@code my_flow.yml-<hash>}.
     */
    public static String camelId(String flowPath) {
        StringBuilder safe = new StringBuilder(flowPath.length());
        for (int i = 0; i < flowPath.length(); i++) {
            char c = flowPath.charAt(i);
            boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '/' || c == '-';
            safe.append(kept ? c : '_');
        }
        String id = safe.toString();
        // an unchanged path that itself ends like a hash suffix gets one too, so it cannot meet a changed one
        boolean changed = id.isEmpty() || !id.equals(flowPath) || endsLikeHash(id);
        return changed ? id + "-" + hash(flowPath) : id;
    }

    /**
     * Whether {@code id} ends with {@code -} and 12 lower-case hex digits, as {@code .*-[0-9a-f]{12}} matches: by
     * hand, since every route id of every flow (each run, each fire) goes through here.
     */
    private static boolean endsLikeHash(String id) {
        int start = id.length() - HASH_HEX;
        if (start < 1 || id.charAt(start - 1) != '-') {
            return false;
        }
        for (int i = start; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * User text (a step name) inside a Camel id: unchanged unless it holds {@code {{} or {@code }}}, which Camel
     * would resolve as a property placeholder; then the braces become parentheses and a hash keeps it unique.
     */
    public static String camelText(String text) {
        if (!text.contains("{{") && !text.contains("}}")) {
            return text;
        }
        return text.replace('{', '(').replace('}', ')') + "-" + hash(text);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public int indexOf(String stepName) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(stepName)) {
                return i;
            }
        }
        return -1;
    }

    public boolean hasFinally() {
        return finallyStep != null;
    }

    public int finallyIndex() {
        return finallyStep == null ? -1 : steps.size() - 1;
    }
}

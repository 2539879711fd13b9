package io.octoflow.flow;

import java.util.List;
import java.util.regex.Pattern;

import io.octoflow.flow.Key.Kind;

/**
 * {@code trigger: {webhook: {path, secret?, respond?, result_key?}}}: every {@code POST /hooks/<path>} on the API port
 * is one run, the request's JSON body its {@code __input__}.
 *
 * @param secret  the name of a secrets.yml entry whose value callers must show (null: the hook is open)
 * @param respond {@code accepted} (202 with the execution id at once) or {@code result} (wait, answer the final data)
 * @param resultKey with {@code respond: result}: the key of the final data to answer instead of all of it
 */
public record WebhookTrigger(String path, String secret, String respond, String resultKey, At at)
        implements TriggerDefinition {

    public static final String KIND = "webhook";
    public static final String ACCEPTED = "accepted";
    public static final String RESULT = "result";
    /** One URL segment: what a proxy, a log line and the OpenAPI {@code {path}} parameter all take as it is. */
    static final Pattern PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String exclusiveKey() {
        return "webhook path '" + path + "'";
    }

    public boolean waitsForResult() {
        return RESULT.equals(respond);
    }

    static final class Format implements TriggerFormat {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String description() {
            return "Run on every POST /hooks/<path> on the API port; the JSON body is __input__.";
        }

        @Override
        public List<Key> keys() {
            return List.of(
                    Key.required("path", Kind.STRING, "The hook's name: POST /hooks/<path>. Letters, digits,"
                            + " '.', '_' and '-', one URL segment; unique among the deployed flows."),
                    Key.optional("secret", Kind.STRING, "Name of a secrets.yml entry (token: its token, api-key: its"
                            + " value, credential: its password). Callers send 'Authorization: Bearer <secret>' or"
                            + " GitHub's 'X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>'. Without it the"
                            + " hook is open."),
                    Key.oneOf("respond", ACCEPTED, List.of(ACCEPTED, RESULT), "accepted: answer 202 with the"
                            + " execution id at once; result: wait for the run and answer its final data (200),"
                            + " its error (500) or 504 when it takes too long."),
                    Key.optional("result_key", Kind.STRING, "With respond: result, answer only this key of the"
                            + " final data."));
        }

        @Override
        public TriggerDefinition compile(YNode block, TriggerCompiler compiler) {
            YNode pathNode = block.get("path");
            String path = pathNode.text();
            boolean ok = true;
            if (!PATH.matcher(path).matches()) {
                compiler.problem(pathNode, "trigger.webhook.path: '" + path + "' is not one URL segment; expected"
                        + " letters, digits, '.', '_' or '-' (up to 128, not starting with '.', '_' or '-')");
                ok = false;
            }
            YNode secretNode = block.get("secret");
            String secret = secretNode == null ? null : secretNode.text();
            if (secret != null && secret.isBlank()) {
                compiler.problem(secretNode, "trigger.webhook.secret: expected the name of a secrets.yml entry,"
                        + " found an empty string");
                ok = false;
            }
            YNode respondNode = block.get("respond");
            String respond = respondNode == null ? ACCEPTED : respondNode.text();
            YNode resultKeyNode = block.get("result_key");
            String resultKey = resultKeyNode == null ? null : resultKeyNode.text();
            if (resultKey != null && !RESULT.equals(respond)) {
                compiler.problem(resultKeyNode, "trigger.webhook.result_key: only with 'respond: result' (the hook"
                        + " answers 202 with the execution id otherwise)");
                ok = false;
            }
            return ok ? new WebhookTrigger(path, secret, respond, resultKey, compiler.at(block)) : null;
        }
    }
}

package io.octoflow.step.types;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.PythonText;
import io.octoflow.template.Template;

/**
 * Calls a REST API through camel-http, as the spooler does: the uri is a template; {@code query} is appended
 * URL-encoded the way Python's urlencode does; {@code query}, {@code headers} and {@code body} are sent as written
 * (not templated). POST, PUT and PATCH send JSON: the top-level {@code data_key} value ({} when missing), else
 * {@code body}, else {}. A JSON response is parsed; a status outside 2xx fails the step with Camel's
 * HttpOperationFailedException (status and response body). Authentication takes its values from a named secret.
 * Certificates are verified unless the step says {@code verify: false} or {@code REST_VERIFY_TLS=false}.
 */
public final class RestStep implements StepType<RestStep.Settings> {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final List<String> WITH_BODY = List.of("POST", "PUT", "PATCH");
    private static final List<String> AUTH_TYPES = List.of("basic", "token", "api_key", "api-key");

    record Auth(String type, String secret, String bearer, String header) {
    }

    record Settings(Template uri, String method, String query, Map<String, String> headers, Object body,
            Auth auth, boolean verify) {
    }

    @Override
    public String type() {
        return "rest";
    }

    @Override
    public String description() {
        return "Calls a REST API (GET, POST, PUT, DELETE, PATCH) and parses a JSON response.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("uri", Kind.STRING, "The URL to call (templated)."),
                Key.optional("method", Kind.STRING, "GET", "HTTP method, in any case: GET, POST, PUT, DELETE,"
                        + " PATCH (also HEAD, OPTIONS)."),
                Key.optional("query", Kind.MAPPING, "Query parameters, URL-encoded as Python's urlencode"
                        + " does (not templated)."),
                Key.optional("headers", Kind.MAPPING, "Request headers (not templated)."),
                Key.optional("body", Kind.ANY, "Request body of POST, PUT and PATCH, sent as JSON (not templated)."),
                Key.optional("data_key", Kind.STRING, "Send this top-level key of the flow data as the JSON body"
                        + " (wins over body; a missing key sends {})."),
                // strict: a misspelt key here would send the request without its credentials
                Key.optional("authentication", Kind.MAPPING, "How the request authenticates, with values from a"
                        + " named secret.").strict().with(
                        new Key("type", Kind.STRING, true, null, AUTH_TYPES, "basic (username, password), token"
                                + " (token) or api_key (key, value; also written api-key): the fields the secret"
                                + " holds."),
                        Key.required("secret", Kind.STRING, "Name of the secret (secrets.yml, Vault, Kubernetes)."),
                        Key.optional("bearer", Kind.STRING, "Bearer", "Prefix of a token (empty: the token"
                                + " alone)."),
                        Key.optional("header", Kind.STRING, "Header of a token (default Authorization) or of an"
                                + " api_key (default: the secret's key).")),
                Key.optional("verify", Kind.BOOLEAN, true, "Verify the server's TLS certificate (false: accept any,"
                        + " as the spooler did)."));
    }

    @Override
    public String example() {
        return """
                - name: get tickets
                  type: rest
                  result_key: tickets
                  rest:
                    uri: "{{ base_url }}/api/tickets"
                    query:
                      status: open
                    authentication:
                      type: basic
                      secret: snow_credential
                  jq_expression: ".result"
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        Template uri = compiler.template(block.get("uri"));
        String method = "GET";
        YNode methodNode = block.get("method");
        if (methodNode != null) {
            method = methodNode.text().toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                compiler.problem(methodNode, "rest.method: expected one of " + String.join(", ", METHODS)
                        + " (any case), found '" + methodNode.text() + "'");
            }
        }
        String query = query(block.get("query"));
        Map<String, String> headers = new LinkedHashMap<>();
        if (block.get("headers") != null) {
            block.get("headers").entries().forEach((name, value) -> headers.put(name,
                    PythonText.str(value.toJava())));
        }
        Object body = block.get("body") == null ? null : block.get("body").toJava();
        Auth auth = auth(compiler, block.get("authentication"));
        boolean verify = block.get("verify") == null || Boolean.TRUE.equals(block.get("verify").scalar());
        return new Settings(uri, method, query, headers, body, auth, verify);
    }

    /** The query string Python's urlencode makes of a mapping: values through str(), quote_plus-encoded. */
    private static String query(YNode mapping) {
        if (mapping == null || mapping.entries().isEmpty()) {
            return "";
        }
        StringBuilder query = new StringBuilder();
        mapping.entries().forEach((name, value) -> {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(PythonUrlEncoding.quotePlus(name)).append('=')
                    .append(PythonUrlEncoding.quotePlus(PythonText.str(value.toJava())));
        });
        return query.toString();
    }

    private static Auth auth(StepCompiler compiler, YNode node) {
        if (node == null) {
            return null;
        }
        // its keys were checked against their declaration; a block with problems makes the flow invalid
        YNode type = node.get("type");
        YNode secret = node.get("secret");
        if (type == null || !AUTH_TYPES.contains(type.text()) || secret == null || !secret.isString()) {
            return null;
        }
        String kind = type.text().equals("api-key") ? "api_key" : type.text();
        return new Auth(kind, secret.text(),
                node.get("bearer") == null ? "Bearer" : node.get("bearer").text(),
                node.get("header") == null ? null : node.get("header").text());
    }

    /** rest reads data_key as the spooler does: a top-level key of the flow data, {} when it is missing. */
    @Override
    public Object input(FlowRun run, String dataKey) {
        return topLevelOrEmpty(run, dataKey);
    }

    static Object topLevelOrEmpty(FlowRun run, String dataKey) {
        if (dataKey == null) {
            return null;
        }
        if (run.data().containsKey(dataKey)) {
            return run.data().get(dataKey);
        }
        if (dataKey.startsWith("__")) {
            Map<String, Object> context = run.templateContext();
            if (context.containsKey(dataKey)) {
                return context.get(dataKey);
            }
        }
        if (dataKey.contains(".") && !dataKey.equals(".")) {
            try {
                return run.lookup(dataKey); // ours: a dotted path into the data, when it leads somewhere
            } catch (IllegalArgumentException e) {
                return new LinkedHashMap<>();
            }
        }
        return new LinkedHashMap<>();
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        ObjectMapper json = build.services().json();
        SecretStore secrets = build.services().secrets();
        boolean keyed = build.step().dataKey() != null;
        String endpoint = RestTransport.endpointUri(build.services().camelContext(), build.services().config(),
                settings.verify());
        build.route()
                .process(exchange -> {
                    prepare(exchange, settings, keyed, json, secrets);
                    RestCallLimits.callFor(FlowRun.of(exchange).cancellation());
                }).id(build.id("request"))
                .to(endpoint).id(build.id())
                .process(exchange -> {
                    RestCallLimits.callDone();
                    response(exchange, json);
                }).id(build.id("response"));
    }

    private static void prepare(Exchange exchange, Settings settings, boolean keyed, ObjectMapper json,
            SecretStore secrets) throws Exception {
        FlowRun run = FlowRun.of(exchange);
        Message message = exchange.getMessage();
        Object keyedBody = message.getBody();
        message.removeHeaders("*");
        StringBuilder uri = new StringBuilder(settings.uri().render(run.templateContext()).trim());
        if (!settings.query().isEmpty()) {
            // the spooler always adds '?'; a uri that already has a query gets '&' so that it stays valid
            uri.append(uri.indexOf("?") < 0 ? '?' : '&').append(settings.query());
        }
        message.setHeader(Exchange.HTTP_URI, uri.toString());
        message.setHeader(Exchange.HTTP_METHOD, settings.method());
        message.setHeader("Accept", "*/*");
        settings.headers().forEach(message::setHeader);
        if (settings.auth() != null) {
            try {
                authenticate(message, settings.auth(), secrets);
            } catch (SecretException e) {
                // the spooler reads the secret while it builds the step: a missing or incomplete secret fails the
                // flow, whatever ignore_errors says, and adds nothing to __errors__
                throw new StepConstructionException(e.getMessage(), e);
            }
        }
        if (WITH_BODY.contains(settings.method())) {
            Object body = keyed ? keyedBody : isFalsy(settings.body()) ? new LinkedHashMap<>() : settings.body();
            if (message.getHeader(Exchange.CONTENT_TYPE) == null && message.getHeader("content-type") == null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            message.setBody(json.writeValueAsString(body));
        } else {
            message.setBody(null);
        }
    }

    /** The spooler sends {} when body is absent or Python-false (false, 0, "", [], {}). */
    private static boolean isFalsy(Object value) {
        return value == null || Boolean.FALSE.equals(value)
                || value instanceof Number n && n.doubleValue() == 0
                || value instanceof String s && s.isEmpty()
                || value instanceof java.util.Collection<?> c && c.isEmpty()
                || value instanceof Map<?, ?> m && m.isEmpty();
    }

    private static void authenticate(Message message, Auth auth, SecretStore secrets) {
        Secret secret = secrets.get(auth.secret());
        switch (auth.type()) {
            case "basic" -> {
                String pair = secret.field("username") + ":" + secret.field("password");
                message.setHeader("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            case "token" -> {
                String token = secret.field("token");
                message.setHeader(auth.header() == null ? "Authorization" : auth.header(),
                        auth.bearer().isEmpty() ? token : auth.bearer() + " " + token);
            }
            default -> {
                // api_key: the secret's value, in the header its key names
                String value = secret.field("value");
                message.setHeader(auth.header() == null ? secret.field("key") : auth.header(), value);
            }
        }
    }

    private static void response(Exchange exchange, ObjectMapper json) throws Exception {
        Message message = exchange.getMessage();
        String text = message.getBody(String.class);
        message.removeHeaders("*");
        if (text == null || text.isEmpty()) {
            message.setBody(null);
            return;
        }
        // like Python's response.json(): any JSON text is parsed, whatever the content type says
        try {
            message.setBody(json.readValue(text, Object.class));
            return;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // not JSON: kept as text (the spooler fails here)
        }
        message.setBody(text);
    }
}

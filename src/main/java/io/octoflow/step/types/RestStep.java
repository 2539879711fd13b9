package io.octoflow.step.types;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretStore;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Calls a REST API through camel-http. The uri, query values and header values are templates; the body is sent
 * as JSON ({@code data_key} wins over {@code body}); a JSON response is parsed; HTTP status 400 and above fails
 * the step with the status in the error text. Authentication takes its values from a named secret.
 */
public final class RestStep implements StepType {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final List<String> AUTH_KEYS = List.of("type", "secret", "bearer", "header");
    private static final List<String> AUTH_TYPES = List.of("basic", "token", "api-key");

    record Auth(String type, String secret, String bearer, String header) {
    }

    record Settings(Template uri, String method, Map<String, Template> query, Map<String, Template> headers,
            TemplatedValue body, Auth auth) {
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
                new Key("method", Kind.STRING, false, "GET", METHODS, "HTTP method."),
                Key.optional("query", Kind.STRING_MAPPING, "Query parameters (values templated)."),
                Key.optional("headers", Kind.STRING_MAPPING, "Request headers (values templated)."),
                Key.optional("body", Kind.ANY, "Request body, sent as JSON."),
                Key.optional("data_key", Kind.STRING, "Send this key of the flow data as the JSON body (wins over"
                        + " body)."),
                Key.optional("authentication", Kind.MAPPING, "{type: basic|token|api-key, secret: <name in"
                        + " secrets.yml>, bearer: prefix for token (default Bearer), header: header name (default"
                        + " Authorization for token, X-API-Key for api-key)}."));
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
    public Object compile(StepCompiler compiler, YNode block) {
        Template uri = compiler.template(block.get("uri"));
        String method = block.get("method") == null ? "GET" : block.get("method").text();
        Map<String, Template> query = templates(compiler, block.get("query"));
        Map<String, Template> headers = templates(compiler, block.get("headers"));
        TemplatedValue body = block.get("body") == null ? null : TemplatedValue.compile(compiler, block.get("body"));
        Auth auth = auth(compiler, block.get("authentication"));
        return new Settings(uri, method, query, headers, body, auth);
    }

    private static Map<String, Template> templates(StepCompiler compiler, YNode mapping) {
        Map<String, Template> out = new LinkedHashMap<>();
        if (mapping != null) {
            mapping.entries().forEach((name, value) -> {
                if (value.scalar() != null) {
                    Template template = compiler.template(YNode.scalar(value.text(), value.line(), value.column()));
                    if (template != null) {
                        out.put(name, template);
                    }
                }
            });
        }
        return out;
    }

    private static Auth auth(StepCompiler compiler, YNode node) {
        if (node == null) {
            return null;
        }
        for (Map.Entry<String, YNode> entry : node.entries().entrySet()) {
            if (!AUTH_KEYS.contains(entry.getKey())) {
                compiler.problem(node.keyNode(entry.getKey()), "rest.authentication: unknown key '" + entry.getKey()
                        + "' (expected one of: " + String.join(", ", AUTH_KEYS) + ")");
            } else if (!entry.getValue().isString()) {
                compiler.problem(entry.getValue(), "rest.authentication." + entry.getKey() + ": expected a string");
            }
        }
        YNode type = node.get("type");
        YNode secret = node.get("secret");
        if (type == null || !AUTH_TYPES.contains(type.text())) {
            compiler.problem(type == null ? node : type, "rest.authentication.type: expected one of "
                    + String.join(", ", AUTH_TYPES) + (type == null ? "" : ", found '" + type.text() + "'"));
            return null;
        }
        if (secret == null) {
            compiler.problem(node, "rest.authentication: missing required key 'secret'");
            return null;
        }
        String defaultHeader = type.text().equals("api-key") ? "X-API-Key" : "Authorization";
        return new Auth(type.text(), secret.text(),
                node.get("bearer") == null ? "Bearer" : node.get("bearer").text(),
                node.get("header") == null ? defaultHeader : node.get("header").text());
    }

    @Override
    public void build(StepBuild build) {
        Settings settings = build.settings(Settings.class);
        ObjectMapper json = build.services().json();
        SecretStore secrets = build.services().secrets();
        boolean keyed = build.step().dataKey() != null;
        build.route()
                .process(exchange -> prepare(exchange, settings, keyed, json, secrets)).id(build.id("request"))
                // the real address comes in the CamelHttpUri header; 3xx are followed, 4xx/5xx throw
                .to("http://octoflow-rest-step?followRedirects=true&okStatusCodeRange=100-399").id(build.id())
                .process(exchange -> response(exchange, json)).id(build.id("response"));
    }

    private static void prepare(Exchange exchange, Settings settings, boolean keyed, ObjectMapper json,
            SecretStore secrets) throws Exception {
        FlowRun run = FlowRun.of(exchange);
        Map<String, Object> context = run.templateContext();
        Message message = exchange.getMessage();
        Object body = keyed ? message.getBody() : settings.body() == null ? null : settings.body().evaluate(context);
        message.removeHeaders("*");
        StringBuilder uri = new StringBuilder(settings.uri().render(context).trim());
        if (!settings.query().isEmpty()) {
            uri.append(uri.indexOf("?") < 0 ? '?' : '&');
            boolean first = true;
            for (Map.Entry<String, Template> entry : settings.query().entrySet()) {
                if (!first) {
                    uri.append('&');
                }
                first = false;
                uri.append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(entry.getValue().render(context), StandardCharsets.UTF_8));
            }
        }
        message.setHeader(Exchange.HTTP_URI, uri.toString());
        message.setHeader(Exchange.HTTP_METHOD, settings.method());
        message.setHeader("Accept", "application/json, */*");
        settings.headers().forEach((name, value) -> message.setHeader(name, value.render(context)));
        if (settings.auth() != null) {
            authenticate(message, settings.auth(), secrets);
        }
        if (body != null && !settings.method().equals("GET") && !settings.method().equals("HEAD")) {
            if (message.getHeader(Exchange.CONTENT_TYPE) == null && message.getHeader("content-type") == null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            message.setBody(body instanceof String text ? text : json.writeValueAsString(body));
        } else {
            message.setBody(null);
        }
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
                message.setHeader(auth.header(), auth.bearer().isEmpty() ? token : auth.bearer() + " " + token);
            }
            default -> {
                String key = secret.fields().containsKey("key") ? secret.field("key")
                        : secret.fields().containsKey("api_key") ? secret.field("api_key") : secret.field("token");
                message.setHeader(secret.fields().getOrDefault("header", auth.header()), key);
            }
        }
    }

    private static void response(Exchange exchange, ObjectMapper json) throws Exception {
        Message message = exchange.getMessage();
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        String text = message.getBody(String.class);
        message.removeHeaders("*");
        if (text == null || text.isEmpty()) {
            message.setBody(null);
            return;
        }
        String trimmed = text.stripLeading();
        boolean looksJson = trimmed.startsWith("{") || trimmed.startsWith("[");
        if (contentType != null && contentType.toLowerCase().contains("json") || looksJson) {
            try {
                message.setBody(json.readValue(text, Object.class));
                return;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                if (contentType != null && contentType.toLowerCase().contains("json")) {
                    throw new IllegalArgumentException("the response claims JSON but does not parse: "
                            + e.getOriginalMessage());
                }
            }
        }
        message.setBody(text);
    }
}

package io.octoflow.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.OpenApiHelper;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.servers.Server;

/**
 * {@code /api/openapi.json}: the OpenAPI 3.1 document camel-openapi-java reads from the REST DSL (every rest of the
 * service), served with a relative server URL ({@code /}). Camel's own API endpoint names the bind address as the
 * server ({@code http://0.0.0.0}), where a browser cannot send "Try it out" requests; relative, they go to the host
 * the page came from, behind a proxy too. Open: it holds no data.
 */
final class OpenApiDocument {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, String> textBodies = new LinkedHashMap<>();
    private volatile String rendered;

    OpenApiDocument(String title, String description) {
        properties.put("openapi.version", "3.1.0");
        properties.put("api.title", title);
        properties.put("api.version", "1");
        properties.put("api.description", description);
    }

    /** The body of {@code operationId} is text of {@code mediaType}, not JSON (the REST DSL documents JSON only). */
    OpenApiDocument textBody(String operationId, String mediaType) {
        textBodies.put(operationId, mediaType);
        return this;
    }

    void serve(Exchange exchange) throws Exception {
        String json = rendered;
        if (json == null) { // the REST DSL is complete once the service answers requests
            json = render(exchange.getContext());
            rendered = json;
        }
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }

    String render(CamelContext camel) throws Exception {
        RestOpenApiSupport support = new RestOpenApiSupport();
        BeanConfig config = new BeanConfig();
        support.initOpenApi(config, properties);
        OpenAPI document = new RestOpenApiReader().read(camel, support.getRestDefinitions(camel), config,
                camel.getName(), camel.getClassResolver());
        OpenApiHelper.clearVendorExtensions(document); // x-className, x-camelContextId: Camel's internals
        document.setServers(List.of(new Server().url("/").description("This service")));
        document.getPaths().values().forEach(path -> path.readOperations().forEach(this::textBody));
        return RestOpenApiSupport.getJsonFromOpenAPIAsString(document, config);
    }

    private void textBody(Operation operation) {
        String mediaType = textBodies.get(operation.getOperationId());
        if (mediaType == null || operation.getRequestBody() == null) {
            return;
        }
        Content content = operation.getRequestBody().getContent();
        MediaType json = content.values().iterator().next();
        content.clear();
        content.addMediaType(mediaType, json);
    }
}

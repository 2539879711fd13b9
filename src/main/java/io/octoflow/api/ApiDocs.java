package io.octoflow.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.apache.camel.Exchange;

/** {@code /api/docs}: Swagger UI (from its webjar) over {@code /api/openapi.json}; open, it holds no data. */
final class ApiDocs {

    private static final String SWAGGER = "META-INF/resources/webjars/swagger-ui/";

    void page(Exchange exchange) {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Octoflow API</title>
                <link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
                <body><div id="ui"></div>
                <script src="/api/docs/swagger-ui-bundle.js"></script>
                <script>SwaggerUIBundle({url: '/api/openapi.json', dom_id: '#ui'});</script>
                </body></html>
                """;
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setBody(html);
    }

    void file(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("file", String.class);
        var message = exchange.getMessage();
        message.removeHeaders("*");
        if (name == null || !name.matches("[A-Za-z0-9._-]+") || name.contains("..")) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setBody(null);
            return;
        }
        String version = swaggerVersion();
        try (InputStream in = version == null ? null
                : getClass().getClassLoader().getResourceAsStream(SWAGGER + version + "/" + name)) {
            if (in == null) {
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
                message.setBody(null);
                return;
            }
            message.setHeader(Exchange.CONTENT_TYPE, name.endsWith(".css") ? "text/css"
                    : name.endsWith(".js") ? "application/javascript" : "application/octet-stream");
            message.setBody(in.readAllBytes());
        }
    }

    private String swaggerVersion() throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }
}

package io.octoflow.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The web console on the API's port: {@code GET /} is the sign-in page, or the console itself once signed in;
 * {@code POST /console/signin} takes the API token from a form and answers a session cookie; {@code POST
 * /console/signout} ends the session. The page's script and style are files of the jar ({@code console/}); the
 * page reads and changes everything through the REST API ({@code /api/*}), which takes the session cookie as it
 * takes the Bearer token (with the session's CSRF token on changes). No page, header or log line carries the
 * API token; every answer forbids inline scripts and framing.
 */
public final class ConsoleRoutes extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(ConsoleRoutes.class);

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final String ASSETS = "console/";

    private final ConsoleSessions sessions;
    private final Predicate<String> tokenMatches;
    private final boolean secureCookie;

    /**
     * @param tokenMatches whether a presented token is the API token (constant time)
     * @param secureCookie the cookie only over https (API_PROTOCOL https)
     */
    public ConsoleRoutes(ConsoleSessions sessions, Predicate<String> tokenMatches, boolean secureCookie) {
        this.sessions = sessions;
        this.tokenMatches = tokenMatches;
        this.secureCookie = secureCookie;
    }

    @Override
    public void configure() {
        from("platform-http:/?httpMethodRestrict=GET").routeId("console-page").process(this::page);
        from("platform-http:/console/signin?httpMethodRestrict=POST").routeId("console-signin").process(this::signIn);
        from("platform-http:/console/signout?httpMethodRestrict=POST").routeId("console-signout")
                .process(this::signOut);
        for (String file : new String[] {"console.js", "console.css"}) {
            from("platform-http:/console/" + file + "?httpMethodRestrict=GET").routeId("console-" + file)
                    .process(exchange -> asset(exchange, file));
        }
    }

    private void page(Exchange exchange) {
        String cookies = exchange.getMessage().getHeader("Cookie", String.class);
        var session = sessions.find(cookies);
        Message message = answer(exchange, 200);
        if (session.isEmpty()) {
            message.setBody(ConsolePages.signIn(null));
            return;
        }
        message.setBody(ConsolePages.console(session.get().csrf()));
    }

    private void signIn(Exchange exchange) {
        Message request = exchange.getMessage();
        String query = request.getHeader(Exchange.HTTP_QUERY, String.class);
        if (query != null && !query.isEmpty()) {
            // a token in a URL ends up in histories and proxy logs: refuse it, even when right
            answer(exchange, 400).setBody(ConsolePages.signIn("Send the API token in the form, never in the URL."));
            return;
        }
        String token = formField(request, "token");
        if (token == null || !tokenMatches.test(token.trim())) {
            LOG.warn("console sign-in refused: {}", token == null || token.isBlank() ? "no token" : "wrong token");
            answer(exchange, 401).setBody(ConsolePages.signIn(token == null || token.isBlank()
                    ? "Enter the API token." : "That is not the API token."));
            return;
        }
        ConsoleSessions.Session session = sessions.create();
        Message message = answer(exchange, 303);
        message.setHeader("Location", "/");
        message.setHeader("Set-Cookie", ConsoleSessions.COOKIE + "=" + session.id()
                + "; Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : ""));
        message.setBody("");
    }

    private void signOut(Exchange exchange) {
        Message request = exchange.getMessage();
        String cookies = request.getHeader("Cookie", String.class);
        var session = sessions.find(cookies);
        if (session.isPresent() && !session.get().csrfMatches(formField(request, "csrf"))) {
            answer(exchange, 403).setBody(ConsolePages.error(403, "Sign-out refused: the form did not carry this"
                    + " session's CSRF token. Reload the console and sign out from it."));
            return;
        }
        sessions.remove(cookies);
        Message message = answer(exchange, 303);
        message.setHeader("Location", "/");
        message.setHeader("Set-Cookie", ConsoleSessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        message.setBody("");
    }

    private void asset(Exchange exchange, String file) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ASSETS + file)) {
            if (in == null) {
                answer(exchange, 404).setBody(ConsolePages.error(404, "No such file: " + file));
                return;
            }
            byte[] content = in.readAllBytes();
            Message message = answer(exchange, 200);
            message.setHeader(Exchange.CONTENT_TYPE, file.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : "text/css; charset=utf-8");
            message.setHeader("Cache-Control", "no-cache");
            message.setBody(content);
        }
    }

    /** Clears the request's headers (none may echo back) and sets the status and the console's safety headers. */
    private static Message answer(Exchange exchange, int status) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setHeader("Content-Security-Policy", CSP);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("X-Frame-Options", "DENY");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setHeader("Cache-Control", "no-store");
        return message;
    }

    /** A field of an {@code application/x-www-form-urlencoded} body (platform-http may have made it a header). */
    static String formField(Message request, String name) {
        String body = request.getBody(String.class);
        if (body != null) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return request.getHeader(name, String.class);
    }
}

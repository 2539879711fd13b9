package io.octoflow.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.octoflow.console.ConsoleSessions;

/** Whether a request may call the API: throws {@link ApiException} (401) saying why not. */
@FunctionalInterface
interface ApiAuthorization {

    void check(Message request);

    /**
     * Octoflow's and rego's API: {@code Authorization: Bearer <token>} (compared in constant time), or the token in
     * {@code X-Rego-Api-Key}, where rego's CLI sends its API key.
     */
    static ApiAuthorization bearer(ApiToken token) {
        return bearer(token, null);
    }

    /**
     * {@link #bearer(ApiToken)}, or the web console's session cookie when no token header is sent ({@code sessions}
     * null: no console). With the cookie, a request that changes something (not GET or HEAD) must also carry the
     * session's {@code X-CSRF-Token}: a page of another site can make the browser send the cookie, not the header.
     */
    static ApiAuthorization bearer(ApiToken token, ConsoleSessions sessions) {
        return request -> {
            String header = request.getHeader("Authorization", String.class);
            String cookies = request.getHeader("Cookie", String.class);
            if (sessions != null && header == null && request.getHeader(RegoTaskApi.API_KEY_HEADER) == null
                    && ConsoleSessions.presented(cookies)) {
                ConsoleSessions.Session session = sessions.find(cookies).orElseThrow(() -> new ApiException(401,
                        "console session expired or signed out: sign in again"));
                String method = request.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
                if (!method.equals("GET") && !method.equals("HEAD")
                        && !session.csrfMatches(request.getHeader(ConsoleSessions.CSRF_HEADER, String.class))) {
                    throw new ApiException(403, "missing or wrong " + ConsoleSessions.CSRF_HEADER
                            + " header (a console session's changes must echo its CSRF token)");
                }
                return;
            }
            String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim() : null;
            String regoKey = request.getHeader(RegoTaskApi.API_KEY_HEADER, String.class);
            if (presented == null && regoKey != null) {
                presented = regoKey.trim();
                header = regoKey;
            }
            if (!token.matches(presented)) {
                throw new ApiException(401, header == null ? "missing 'Authorization: Bearer <token>' header"
                        : "invalid token");
            }
        };
    }

    /** The spooler's API: Bearer (or Basic with the token as password); else its {@code {"error": "Unauthorized"}}. */
    static ApiAuthorization spooler(ApiToken token) {
        return request -> {
            if (!token.authorizes(request.getHeader("Authorization", String.class))) {
                throw new ApiException(401, "Unauthorized");
            }
        };
    }
}

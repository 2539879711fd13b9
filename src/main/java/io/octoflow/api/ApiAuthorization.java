package io.octoflow.api;

import org.apache.camel.Message;

import io.octoflow.api.ApiToken;

/** Whether a request may call the API: throws {@link ApiException} (401) saying why not. */
@FunctionalInterface
interface ApiAuthorization {

    void check(Message request);

    /**
     * Octoflow's and rego's API: {@code Authorization: Bearer <token>} (compared in constant time), or the token in
     * {@code X-Rego-Api-Key}, where rego's CLI sends its API key.
     */
    static ApiAuthorization bearer(ApiToken token) {
        return request -> {
            String header = request.getHeader("Authorization", String.class);
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

package io.octoflow.config;

import java.util.Locale;

/** API_PROTOCOL: what the API serves on API_PORT (and, for {@link #BOTH}, https on API_HTTPS_PORT). */
public enum ApiProtocol {
    HTTP, HTTPS, BOTH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

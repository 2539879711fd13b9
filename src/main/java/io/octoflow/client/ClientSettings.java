package io.octoflow.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.octoflow.config.OctoflowConfig;

/**
 * Where the running service is and the token it wants, for the terminal client.
 *
 * @param url         the API's base URL, without {@code /api}
 * @param urlSetting  where the URL came from ({@code --url}, {@code API_URL}, {@code API_PORT}): errors name it
 * @param token       the API token; null when none was found
 * @param tokenSource where the token came from ({@code --token}, {@code API_TOKEN}, the token file); never the token
 */
public record ClientSettings(String url, String urlSetting, String token, String tokenSource) {

    /**
     * The flags when given, else the settings: API_URL (default this host on API_PORT), API_TOKEN, else the token the
     * service generated into DATA_PATH/api-token when it runs on this host with the same DATA_PATH.
     */
    public static ClientSettings resolve(OctoflowConfig config, String urlFlag, String tokenFlag) {
        String url;
        String urlSetting;
        if (urlFlag != null && !urlFlag.isBlank()) {
            url = urlFlag;
            urlSetting = "--url";
        } else if (config.apiUrl() != null) {
            url = config.apiUrl();
            urlSetting = "API_URL";
        } else {
            url = config.clientUrl();
            urlSetting = "API_URL, unset: localhost on API_PORT";
        }
        url = url.strip().replaceAll("/+$", "");
        if (url.endsWith("/api")) { // people paste the API's address as the logs print it
            url = url.substring(0, url.length() - "/api".length());
        }
        if (tokenFlag != null && !tokenFlag.isBlank()) {
            return new ClientSettings(url, urlSetting, tokenFlag.strip(), "--token");
        }
        if (config.apiToken() != null) {
            return new ClientSettings(url, urlSetting, config.apiToken(), "API_TOKEN");
        }
        Path file = config.dataPath().resolve("api-token");
        if (Files.isReadable(file)) {
            try {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!token.isEmpty()) {
                    return new ClientSettings(url, urlSetting, token, "the token file " + file);
                }
            } catch (IOException unreadable) {
                // no token: the 401 says which settings give one
            }
        }
        return new ClientSettings(url, urlSetting, null, null);
    }

    /** The token stays out of every string made of these settings (logs, errors, debuggers). */
    @Override
    public String toString() {
        return "ClientSettings[url=" + url + ", token " + (token == null ? "none" : "from " + tokenSource) + "]";
    }
}

package io.octoflow.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API's bearer token: {@code API_TOKEN}, or a random one generated on first start into
 * {@code DATA_PATH/api-token} (mode 0600). There is no default token. Comparison is constant-time.
 */
public final class ApiToken {

    private final byte[] token;
    private final Path file;

    private ApiToken(String token, Path file) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.file = file;
    }

    public static ApiToken resolve(String configured, Path dataPath) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return new ApiToken(configured, null);
        }
        Path file = dataPath.resolve("api-token");
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataPath);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return new ApiToken(Files.readString(file).trim(), file);
            }
            Files.writeString(file, generated + "\n");
        }
        String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (stored.isEmpty()) {
            throw new IOException(file + " is empty: delete it to generate a new token, or set API_TOKEN");
        }
        return new ApiToken(stored, file);
    }

    /** A token given as is (METRICS_TOKEN). */
    public static ApiToken of(String value) {
        return new ApiToken(value, null);
    }

    /**
     * Whether an {@code Authorization} header carries the token: {@code Bearer <token>}, or {@code Basic} with the
     * token as password and any user name (for Hawtio and other clients that only know Basic).
     */
    public boolean authorizes(String header) {
        if (header == null) {
            return false;
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return matches(header.substring(7).trim());
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon >= 0 && matches(decoded.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    /** Where the generated token is kept; null when it came from API_TOKEN. */
    public Path file() {
        return file;
    }

    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    public String value() {
        return new String(token, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiToken[" + (file == null ? "from API_TOKEN" : file) + "]";
    }
}

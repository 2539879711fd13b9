package io.octoflow.secret;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.kubernetes.KubernetesSecrets;

/**
 * Secrets from {@code SECRETS_PATH} (a YAML list of {name, type, ...}), re-read when the file changes.
 * {@code hashicorp-vault} entries are fetched from their {@code uri} with {@code HASHICORP_VAULT_TOKEN} and kept
 * 60 seconds, as the spooler did; {@code kubernetes} entries are read from a Kubernetes Secret ({@code secret},
 * default the entry's name; {@code key}, default every key; {@code field}, the name the key's value goes by, default
 * the key; {@code namespace}) and kept 60 seconds too. Every
 * value is registered with the {@link Masker} before it is handed out.
 */
public final class SecretStore {

    static final Duration VAULT_TTL = Duration.ofSeconds(60);
    private static final List<String> TYPES = List.of("credential", "token", "api-key", "hashicorp-vault",
            "kubernetes");

    private final Path file;
    private final String vaultToken;
    private final Masker masker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Cached> vaultCache = new ConcurrentHashMap<>();
    private final Map<String, Cached> kubernetesCache = new ConcurrentHashMap<>();
    private final KubernetesSecrets kubernetes;

    private volatile Map<String, Map<String, String>> entries = Map.of();
    private volatile FileTime loadedVersion;

    private record Cached(Secret secret, long expiresAtNanos) {
    }

    public SecretStore(Path file, String vaultToken, Masker masker) {
        this(file, vaultToken, masker, null);
    }

    /** With {@code kubernetes} (may be null: then {@code kubernetes} entries cannot be read). */
    public SecretStore(Path file, String vaultToken, Masker masker, KubernetesSecrets kubernetes) {
        this.kubernetes = kubernetes;
        this.file = file;
        this.vaultToken = vaultToken;
        this.masker = masker;
        if (vaultToken != null) {
            masker.register(vaultToken);
        }
    }

    public Masker masker() {
        return masker;
    }

    public Secret get(String name) {
        Map<String, String> entry = entries().get(name);
        if (entry == null) {
            throw new SecretException("secret '" + name + "' is not defined in " + file.getFileName());
        }
        String type = entry.getOrDefault("type", "");
        if (type.equals("hashicorp-vault")) {
            return fromVault(name, entry.get("uri"));
        }
        if (type.equals("kubernetes")) {
            return fromKubernetes(name, entry);
        }
        return new Secret(name, type, entry);
    }

    private Map<String, Map<String, String>> entries() {
        try {
            if (!Files.exists(file)) {
                return Map.of();
            }
            FileTime version = Files.getLastModifiedTime(file);
            if (!version.equals(loadedVersion)) {
                synchronized (this) {
                    if (!version.equals(loadedVersion)) {
                        entries = load();
                        loadedVersion = version;
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw new SecretException("cannot read the secrets file " + file.getFileName() + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private Map<String, Map<String, String>> load() throws IOException {
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        Map<String, Map<String, String>> loaded = new LinkedHashMap<>();
        if (root == null || root.isNull()) {
            return loaded;
        }
        if (!root.isArray()) {
            throw new SecretException(file.getFileName() + ": expected a list of secrets");
        }
        int index = 0;
        for (JsonNode item : root) {
            index++;
            String name = item.path("name").asText("");
            String type = item.path("type").asText("");
            if (name.isEmpty() || !TYPES.contains(type)) {
                throw new SecretException(file.getFileName() + ": secret #" + index
                        + " needs a 'name' and a 'type' among " + TYPES);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            item.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            if (!type.equals("kubernetes")) {
                // a kubernetes entry only names where the values are: its own fields are no secrets
                register(type, fields);
            }
            loaded.put(name, fields);
        }
        return loaded;
    }

    private void register(String type, Map<String, String> fields) {
        fields.forEach((key, value) -> {
            if (!key.equals("name") && !key.equals("type") && !key.equals("uri") && !key.equals("username")
                    && !key.equals("header")) {
                masker.register(value);
            }
        });
        if (fields.containsKey("password")) {
            masker.registerCredential(fields.get("username"), fields.get("password"));
        }
    }

    private Secret fromKubernetes(String name, Map<String, String> entry) {
        Cached cached = kubernetesCache.get(name);
        if (cached != null && System.nanoTime() < cached.expiresAtNanos) {
            return cached.secret;
        }
        if (kubernetes == null) {
            throw new SecretException("secret '" + name + "' comes from Kubernetes but no cluster is configured");
        }
        String secretName = entry.getOrDefault("secret", name);
        String key = entry.get("key");
        Map<String, String> values;
        try {
            values = kubernetes.read(entry.get("namespace"), secretName);
        } catch (RuntimeException e) {
            throw new SecretException("secret '" + name + "': " + e.getMessage());
        }
        values.values().forEach(masker::register);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("type", "kubernetes");
        if (key == null) {
            fields.putAll(values);
        } else {
            String value = values.get(key);
            if (value == null) {
                throw new SecretException("secret '" + name + "': Kubernetes Secret '" + secretName
                        + "' has no key '" + key + "' (keys: " + String.join(", ", values.keySet()) + ")");
            }
            // exposed under the key's own name, or as the field a step expects (field: token)
            fields.put(entry.getOrDefault("field", key), value);
        }
        Secret secret = new Secret(name, "kubernetes", fields);
        kubernetesCache.put(name, new Cached(secret, System.nanoTime() + VAULT_TTL.toNanos()));
        return secret;
    }

    private Secret fromVault(String name, String uri) {
        Cached cached = vaultCache.get(name);
        if (cached != null && System.nanoTime() < cached.expiresAtNanos) {
            return cached.secret;
        }
        if (uri == null || uri.isBlank()) {
            throw new SecretException("secret '" + name + "' (hashicorp-vault) has no 'uri'");
        }
        if (vaultToken == null || vaultToken.isBlank()) {
            throw new SecretException("secret '" + name + "' comes from Vault but HASHICORP_VAULT_TOKEN is not set");
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Vault-Token", vaultToken)
                    .header("Accept", "application/json")
                    .GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new SecretException("secret '" + name + "': Vault answered HTTP " + response.statusCode());
            }
            JsonNode data = json.readTree(response.body()).path("data");
            // KV version 2 nests the values one level deeper
            if (data.has("data") && data.has("metadata")) {
                data = data.path("data");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", name);
            fields.put("type", "hashicorp-vault");
            data.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            register("hashicorp-vault", fields);
            Secret secret = new Secret(name, "hashicorp-vault", fields);
            vaultCache.put(name, new Cached(secret, System.nanoTime() + VAULT_TTL.toNanos()));
            return secret;
        } catch (IOException e) {
            throw new SecretException("secret '" + name + "': Vault request failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretException("secret '" + name + "': interrupted while reading Vault");
        } catch (IllegalArgumentException e) {
            throw new SecretException("secret '" + name + "': invalid Vault uri");
        }
    }
}

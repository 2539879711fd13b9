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

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Secrets from {@code SECRETS_PATH} (a YAML list of {name, type, ...}), re-read when the file changes.
 * An entry without {@code type} is a {@code credential} (username, password), as on the spooler; {@code token}
 * has a token; {@code api-key} a key (the header name) and a value. {@code hashicorp-vault} entries are fetched
 * from their {@code uri} with {@code HASHICORP_VAULT_TOKEN} (KV v2: {@code data.data}, then the entry's
 * {@code jq_expression} if any) and kept {@code HASHICORP_VAULT_CACHE_TTL} seconds (default 60), as the spooler did; {@code kubernetes} entries are read from a Kubernetes Secret ({@code secret},
 * default the entry's name; {@code key}, default every key; {@code field}, the name the key's value goes by, default
 * the key; {@code namespace}) and kept 60 seconds too. Every
 * value is registered with the {@link Masker} before it is handed out.
 *
 * <p>The file's values are known to the masker from the start ({@link #loadAtStart()}, before any run) and again
 * within a second of a change (the masker asks {@link #refresh()} before masking), not only once a step has asked
 * for a secret: a flow that reads a password some other way (a file, an upstream's echo) has it masked too.
 * Vault and Kubernetes values are registered when they are fetched, before a step can use them.
 */
public final class SecretStore {

    private static final Logger LOG = LogManager.getLogger(SecretStore.class);

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
    private final SecretReader kubernetes;

    private volatile Map<String, Map<String, String>> entries = Map.of();
    /** Entries that cannot be used, by name, with what is wrong (never their values). */
    private volatile Map<String, String> broken = Map.of();
    private volatile Duration vaultTtl = VAULT_TTL;
    private volatile Version loadedVersion;

    /** What tells a changed file: its date and size (an edit within one clock tick changes the size). */
    private record Version(FileTime modified, long size) {
    }

    private record Cached(Secret secret, long expiresAtNanos) {
    }

    public SecretStore(Path file, String vaultToken, Masker masker) {
        this(file, vaultToken, masker, null);
    }

    /** With {@code kubernetes} (may be null: then {@code kubernetes} entries cannot be read). */
    public SecretStore(Path file, String vaultToken, Masker masker, SecretReader kubernetes) {
        this.kubernetes = kubernetes;
        this.file = file;
        this.vaultToken = vaultToken;
        this.masker = masker;
        if (vaultToken != null) {
            masker.register(vaultToken);
        }
        masker.keepCurrentWith(this::refreshQuietly);
    }

    /**
     * Reads the secrets file before anything runs, so that the masker knows every value from the first log line
     * on; a file that cannot be read is logged (by its name and what is wrong, never a value) and reported again
     * when a step uses a secret.
     */
    public void loadAtStart() {
        try {
            refresh();
            LOG.info("{} secret(s) in {}{}", entries.size(), file, broken.isEmpty() ? ""
                    : "; not usable: " + String.join(", ", broken.keySet()));
        } catch (SecretException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /**
     * Reads the file again when it changed since it was last read (its values registered with the masker first).
     *
     * @throws SecretException when it cannot be read or is not a list of secrets
     */
    public void refresh() {
        entries();
    }

    /** For the masker: never throws, never logs (it runs inside the log appender). */
    private void refreshQuietly() {
        try {
            entries();
        } catch (RuntimeException e) {
            // reported when a step uses a secret, or by loadAtStart
        }
    }

    /** How long a hashicorp-vault secret is kept ({@code HASHICORP_VAULT_CACHE_TTL}); zero: never kept. */
    public SecretStore vaultCacheTtl(Duration ttl) {
        this.vaultTtl = ttl;
        return this;
    }

    public Masker masker() {
        return masker;
    }

    public Secret get(String name) {
        Map<String, String> entry = entries().get(name);
        if (entry == null) {
            String problem = broken.get(name);
            if (problem != null) {
                throw new SecretException(file.getFileName() + ": secret '" + name + "' " + problem);
            }
            throw new SecretException("secret '" + name + "' is not defined in " + file.getFileName());
        }
        String type = entry.getOrDefault("type", "credential");
        if (type.equals("hashicorp-vault")) {
            return fromVault(name, entry.get("uri"), entry.get("jq_expression"));
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
            Version version = new Version(Files.getLastModifiedTime(file), Files.size(file));
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

    /**
     * Reads the file. A bad entry does not make the others unusable (as on the spooler, where each entry is only
     * checked when a step uses it): it is remembered by name and reported when used.
     */
    private Map<String, Map<String, String>> load() throws IOException {
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        Map<String, Map<String, String>> loaded = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        broken = Map.of();
        if (root == null || root.isNull()) {
            return loaded;
        }
        if (!root.isArray()) {
            throw new SecretException(file.getFileName() + ": expected a list of secrets");
        }
        for (JsonNode item : root) {
            if (!item.isObject() || !item.path("name").isValueNode() || item.path("name").asText("").isEmpty()) {
                continue; // no name: no step can ask for it
            }
            String name = item.path("name").asText();
            Map<String, String> fields = new LinkedHashMap<>();
            item.fields().forEachRemaining(f -> {
                if (f.getValue().isValueNode()) {
                    fields.put(f.getKey(), f.getValue().asText());
                }
            });
            String type = fields.getOrDefault("type", "credential");
            String problem = !TYPES.contains(type)
                    ? "has an unknown type '" + type + "' (expected one of " + String.join(", ", TYPES) + ")"
                    : missingFields(type, fields);
            if (!type.equals("kubernetes")) {
                // a kubernetes entry only names where the values are: its own fields are no secrets
                register(type, fields);
            }
            if (problem != null) {
                problems.put(name, problem);
                loaded.remove(name);
            } else {
                problems.remove(name);
                loaded.put(name, fields);
            }
        }
        broken = problems;
        return loaded;
    }

    /** What a type needs, as the spooler checks it; null when nothing is missing. */
    private static String missingFields(String type, Map<String, String> fields) {
        List<String> needed = switch (type) {
            case "credential" -> List.of("username", "password");
            case "token" -> List.of("token");
            case "api-key" -> List.of("key", "value");
            case "hashicorp-vault" -> List.of("uri");
            default -> List.of();
        };
        List<String> missing = needed.stream().filter(k -> fields.getOrDefault(k, "").isEmpty()).toList();
        return missing.isEmpty() ? null : "(type " + type + ") is missing " + String.join(" and ", missing);
    }

    private void register(String type, Map<String, String> fields) {
        fields.forEach((key, value) -> {
            // names and addresses are no secrets (an api-key's key is the header name)
            boolean plain = key.equals("name") || key.equals("type") || key.equals("uri") || key.equals("username")
                    || key.equals("header") || key.equals("jq_expression")
                    || key.equals("key") && type.equals("api-key");
            if (!plain) {
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

    private Secret fromVault(String name, String uri, String jqExpression) {
        String cacheKey = name + "|" + uri + "|" + jqExpression;
        Cached cached = vaultCache.get(cacheKey);
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
            // KV version 2 nests the values one level deeper (data.data); version 1 is kept as ours
            if (data.path("data").isObject()) {
                data = data.path("data");
            }
            if (jqExpression != null && !jqExpression.isBlank()) {
                data = VaultJq.apply(name, jqExpression, data);
            }
            if (!data.isObject()) {
                throw new SecretException("secret '" + name + "': Vault's answer" + (jqExpression == null ? ""
                        : " after jq_expression") + " is not a mapping of fields");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", name);
            fields.put("type", "hashicorp-vault");
            data.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            register("hashicorp-vault", fields);
            Secret secret = new Secret(name, "hashicorp-vault", fields);
            vaultCache.put(cacheKey, new Cached(secret, System.nanoTime() + vaultTtl.toNanos()));
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

package io.octoflow.kubernetes.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.secret.SecretReader;

/** Reads the keys of a Kubernetes Secret through the shared client, base64-decoded. */
public final class KubernetesSecrets implements SecretReader {

    private final KubernetesAccess access;

    public KubernetesSecrets(KubernetesAccess access) {
        this.access = access;
    }

    /**
     * The decoded keys of Secret {@code name} in {@code namespace} (null: {@link KubernetesAccess#namespace()}).
     * Errors name the Secret, never a value.
     */
    @Override
    public Map<String, String> read(String namespace, String name) {
        String ns = namespace != null ? namespace : access.namespace();
        Secret secret;
        try {
            secret = access.client().secrets().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot read Kubernetes Secret " + ns + "/" + name + ": HTTP "
                    + e.getCode() + (e.getStatus() != null && e.getStatus().getReason() != null
                            ? " " + e.getStatus().getReason() : ""));
        }
        if (secret == null) {
            throw new IllegalStateException("Kubernetes Secret " + ns + "/" + name + " does not exist");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, encoded) -> values.put(key,
                    new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8)));
        }
        // stringData is write-only on a real API server; some test servers keep it
        if (secret.getStringData() != null) {
            secret.getStringData().forEach(values::putIfAbsent);
        }
        return values;
    }
}

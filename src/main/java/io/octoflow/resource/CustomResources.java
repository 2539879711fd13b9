package io.octoflow.resource;

import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The two custom resources Octoflow watches (their CRDs are in {@code k8s/crds/}), and the one way it writes their
 * status: a JSON merge patch on the status subresource, so that a user's concurrent edit of the spec never
 * conflicts with it and a {@code null} removes a field.
 */
public final class CustomResources {

    /** Octoflow's own: a flow file as a resource ({@code spec} = the flow). */
    public static final ResourceDefinitionContext FLOW = new ResourceDefinitionContext.Builder()
            .withGroup("octoflow.io").withVersion("v1").withKind("Flow").withPlural("flows").withNamespaced(true)
            .build();

    /** miniloops' Loop: a WarpScript POSTed to an endpoint at a fixed interval. */
    public static final ResourceDefinitionContext LOOP = new ResourceDefinitionContext.Builder()
            .withGroup("clever-telemetry.io").withVersion("v1").withKind("Loop").withPlural("loops")
            .withNamespaced(true).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private CustomResources() {
    }

    /** "Loop test/nightly": how errors and log lines name a resource. */
    public static String describe(ResourceDefinitionContext kind, GenericKubernetesResource resource) {
        return kind.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    /** The resource's {@code spec} as a map, or null when it is missing or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> spec(GenericKubernetesResource resource) {
        Object spec = resource.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /**
     * Merges {@code status} into the resource's status. Returns false when the resource is gone (deleted while we
     * worked: nothing to report to).
     */
    public static boolean patchStatus(KubernetesClient client, ResourceDefinitionContext kind, String namespace,
            String name, Map<String, Object> status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        String patch;
        try {
            patch = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status of " + kind.getKind() + " " + name, e);
        }
        try {
            client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }
}

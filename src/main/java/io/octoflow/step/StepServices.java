package io.octoflow.step;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.kubernetes.KubernetesAccess;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.secret.SecretStore;
import io.octoflow.template.Templates;

/** Shared engine services the step types build with. */
public record StepServices(
        CamelContext camelContext,
        OctoflowConfig config,
        Templates templates,
        SecretStore secrets,
        ConfinedPaths dataFiles,
        FlowCatalog flows,
        ObjectMapper json,
        KubernetesAccess kubernetes) {
}

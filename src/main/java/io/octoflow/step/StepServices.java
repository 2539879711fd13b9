package io.octoflow.step;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.secret.SecretStore;
import io.octoflow.template.Templates;

/**
 * Shared engine services the step types build with. What only one step type needs (the Kubernetes client of
 * {@code k8s_job}) is given to that type when the registry is made, not carried here.
 */
public record StepServices(
        CamelContext camelContext,
        OctoflowConfig config,
        Templates templates,
        SecretStore secrets,
        ConfinedPaths dataFiles,
        ObjectMapper json) {
}

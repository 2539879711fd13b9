package io.octoflow.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import io.octoflow.engine.FlowEngine;
import io.octoflow.flow.FlowYaml;

/**
 * Plain Camel YAML DSL route files in FLOWS_PATH ({@code - route:}, {@code - from:}...), loaded next to the flows.
 * They are Camel code (see docs/SECURITY.md): Octoflow bounds how they are read (the flow file limits, the link
 * rule), and hands Camel the text it checked, never the path to read again.
 */
final class CamelYamlFiles {

    private CamelYamlFiles() {
    }

    static boolean isCamelYaml(String text) {
        return FlowYaml.isCamelRoutes(text);
    }

    /**
     * Parses {@code text} first (a broken file changes nothing), then replaces the routes {@code previous} with
     * the ones it declares; answers their ids.
     */
    static List<String> swap(FlowEngine engine, Path file, String text, List<String> previous) throws Exception {
        CamelContext camel = engine.camelContext();
        // named .yaml, the one extension Camel's YAML DSL loader takes, so that .yml files load as the README says
        Resource resource = ResourceHelper.fromString("file:" + file.toString().replaceFirst("\\.yml$", ".yaml"),
                text);
        List<RoutesBuilder> builders = new ArrayList<>(PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource));
        for (RoutesBuilder builder : builders) {
            if (builder instanceof org.apache.camel.builder.RouteBuilder routeBuilder) {
                routeBuilder.setCamelContext(camel);
                routeBuilder.configure();
            }
        }
        for (String routeId : previous) {
            engine.removeRoute(routeId);
        }
        Set<String> before = new HashSet<>();
        camel.getRoutes().forEach(r -> before.add(r.getRouteId()));
        PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
        List<String> added = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            if (!before.contains(route.getRouteId())) {
                added.add(route.getRouteId());
            }
        }
        return List.copyOf(added);
    }
}

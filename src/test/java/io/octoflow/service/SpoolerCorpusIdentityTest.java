package io.octoflow.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ToDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.support.ServiceFixture;

/**
 * The spooler's seven real flows (/work/shared/spooler-corpus; four of them are all named "launch template for
 * ticket") copied into a temporary FLOWS_PATH. What this asserts is what identity by path is responsible for:
 * their names do not collide, and each flow_loop step is wired to the file its {@code path} names.
 */
class SpoolerCorpusIdentityTest {

    private static final Path CORPUS = Path.of(System.getProperty("octoflow.spoolerCorpus",
            "/work/shared/spooler-corpus"));
    private static final String SHARED = "launch template for ticket";
    /** Parent file -> the file its flow_loop step names. */
    private static final Map<String, String> CALLS = Map.of(
            "flow_jira_tickets.yml", "ticket_to_awx_jira.yml",
            "flow_service_now_jobs.yml", "check_awx_job.yml",
            "flow_service_now_tickets.yml", "ticket_to_awx.yml");

    @TempDir
    Path root;

    @Test
    void theRealFlowsAsTheyAreDoNotCollideByName() throws Exception {
        try (ServiceFixture service = corpus(false)) {
            service.start();
            List<Deployment> deployments = service.service().deployments();
            assertThat(deployments).extracting(Deployment::path).containsExactlyInAnyOrder(
                    "check_awx_job.yml", "check_awx_job_jira.yml", "flow_jira_tickets.yml",
                    "flow_service_now_jobs.yml", "flow_service_now_tickets.yml", "ticket_to_awx.yml",
                    "ticket_to_awx_jira.yml");
            for (Deployment deployment : deployments) {
                for (Problem problem : deployment.problems()) {
                    // other areas may still refuse some of their content; never because a name is taken
                    assertThat(problem.message()).as(problem.toString())
                            .doesNotContain("already used", "must be unique", "ambiguous");
                }
            }
            // a parent that is refused for its sub-flow names the sub-flow by the path it gave
            for (Map.Entry<String, String> call : CALLS.entrySet()) {
                Deployment parent = service.service().directory().byPath(call.getKey()).orElseThrow();
                parent.problems().stream().filter(p -> p.message().contains(" is invalid ("))
                        .forEach(p -> assertThat(p.message()).contains("flow '" + call.getValue() + "'"));
            }
        }
    }

    @Test
    void allSevenDeployAndEachLoopCallsTheFileItsPathNames() throws Exception {
        try (ServiceFixture service = corpus(true)) {
            service.start();
            List<Deployment> deployments = service.service().deployments();
            assertThat(deployments).hasSize(7);
            assertThat(deployments).allSatisfy(d -> assertThat(d.problems()).as(d.path()).isEmpty());

            List<FlowDefinition> shared = service.service().directory().flows().stream()
                    .filter(f -> f.name().equals(SHARED)).toList();
            assertThat(shared).extracting(FlowDefinition::path).containsExactlyInAnyOrder("check_awx_job.yml",
                    "check_awx_job_jira.yml", "ticket_to_awx.yml", "ticket_to_awx_jira.yml");
            assertThat(shared).extracting(FlowDefinition::routeId).doesNotHaveDuplicates();

            ModelCamelContext camel = (ModelCamelContext) service.service().camel();
            for (Map.Entry<String, String> call : CALLS.entrySet()) {
                FlowDefinition parent = service.service().directory().flowAt(call.getKey());
                service.service().engine().route(parent); // built with its sub-flows' routes, as on a first run
                List<String> sent = new ArrayList<>();
                directUris(camel.getRouteDefinition(parent.routeId()).getOutputs(), sent);
                assertThat(sent).as(call.getKey()).containsExactly(FlowDefinition.endpointUri(call.getValue()));
                FlowDefinition called = service.service().directory().flowAt(call.getValue());
                assertThat(camel.getRoute(called.routeId()).getEndpoint().getEndpointUri())
                        .isEqualTo("direct://flow-" + call.getValue());
            }
        }
    }

    private static String upperCaseMethods(String text) {
        Matcher method = Pattern.compile("(?m)^(\\s+method: )([a-z]+)$").matcher(text);
        StringBuilder out = new StringBuilder();
        while (method.find()) {
            method.appendReplacement(out, method.group(1) + method.group(2).toUpperCase(java.util.Locale.ROOT));
        }
        return method.appendTail(out).toString();
    }

    private static void directUris(List<ProcessorDefinition<?>> outputs, List<String> uris) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof ToDefinition to && to.getUri().startsWith("direct:flow-")) {
                uris.add(to.getUri());
            }
            directUris(output.getOutputs(), uris);
        }
    }

    /**
     * The corpus in a temporary installation. {@code normalized}: without the steps' {@code description} lines
     * and with lower-case HTTP methods ({@code method: post}) in upper case, so that this test does not wait on
     * the changes that accept them as the spooler does; names, paths and everything else stay as written.
     */
    private ServiceFixture corpus(boolean normalized) throws IOException {
        // the corpus is not part of the repository (it is the spooler's own text): without it there is nothing to do
        assumeTrue(Files.isDirectory(CORPUS.resolve("flows")), "no spooler corpus at " + CORPUS);
        ServiceFixture service = new ServiceFixture(root);
        Map<String, String> flows = new TreeMap<>();
        try (Stream<Path> files = Files.list(CORPUS.resolve("flows"))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                flows.put(file.getFileName().toString(), normalized
                        ? upperCaseMethods(text.replaceAll("(?m)^  description: .*\\n", "")) : text);
            }
        }
        assertThat(flows).hasSize(7);
        flows.forEach(service.files()::flow);
        try (Stream<Path> files = Files.list(CORPUS.resolve("templates"))) {
            for (Path file : files.toList()) {
                service.files().template(file.getFileName().toString(),
                        Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        Files.copy(CORPUS.resolve("secrets.yml"), service.files().secrets(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return service;
    }
}

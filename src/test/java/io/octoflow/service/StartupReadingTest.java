package io.octoflow.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobKey;

import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.step.StepRegistry;
import io.octoflow.support.ServiceFixture;
import io.octoflow.template.Templates;

/**
 * The start-up reads FLOWS_PATH in the background while the rest of the service starts (FlowReadAhead), tells Camel
 * YAML route files from the text its readers read, and puts each schedule on Quartz as its own job (no camel-quartz
 * endpoint): what gets deployed, with which problems, must be what reading each file alone gives, the route file
 * must still load as routes, and a schedule must fire its flow and go with its file.
 */
class StartupReadingTest {

    @TempDir
    Path root;

    @Test
    void whatTheStartReadsAheadIsWhatReadingEachFileAloneGivesAndSchedulesFire() throws Exception {
        ServiceFixture service = new ServiceFixture(root).set("FLOW_LOAD_THREADS", "3");
        for (int i = 0; i < 25; i++) {
            service.files().flow("many/flow-%02d.yml".formatted(i), """
                    name: flow %d
                    %s
                    steps:
                      - name: values
                        type: set_fact
                        set_fact:
                          value: [1, "{{ 1 + %d }}"]
                      - name: show
                        type: debug
                    """.formatted(i, i % 5 == 0 ? "cron: \"" + i + " 3 * * *\"" : "", i));
        }
        service.files().flow("tick.yml", """
                name: tick
                every_seconds: 1
                steps:
                  - name: now
                    type: debug
                """);
        service.files().flow("caller.yml", """
                name: caller
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: many/flow-01.yml
                """);
        service.files().flow("broken/bad-yaml.yml", "name: x\nsteps:\n  - name: a\n    type: debug\n   bad: [\n");
        service.files().flow("broken/unknown-type.yml", """
                name: unknown
                steps:
                  - name: a
                    type: no_such_step
                """);
        Path out = service.files().data().resolve("beat.txt");
        service.files().flow("camel/beat.yaml", """
                - route:
                    id: beat
                    from:
                      uri: "timer:beat?period=200"
                      steps:
                        - setBody:
                            constant: "beat"
                        - to:
                            uri: "file:%s?fileName=%s"
                """.formatted(out.getParent(), out.getFileName()));
        service.start();
        try {
            CamelContext camel = service.service().camel();
            assertThat(camel.getRoute("beat")).as("the Camel YAML route file loads as its routes").isNotNull();
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(out));

            var config = service.files().config();
            FlowCatalog alone = new FlowCatalog(StepRegistry.standard(), new Templates(config.templatesPath()),
                    config.flowsPath(), config.templatesPath());
            List<Deployment> deployments = service.service().deployments();
            assertThat(deployments).hasSize(30);
            for (Deployment deployment : deployments) {
                if (deployment.path().startsWith("camel/")) {
                    assertThat(deployment.routeIds()).containsExactly("beat");
                    continue;
                }
                alone.clear();
                List<io.octoflow.flow.Problem> errors = alone.validate(deployment.file());
                assertThat(deployment.problems()).as(deployment.path()).isEqualTo(errors);
                if (errors.isEmpty()) {
                    FlowDefinition expected = alone.require(deployment.file());
                    FlowDefinition flow = deployment.flow();
                    assertThat(flow.name()).isEqualTo(expected.name());
                    assertThat(flow.cron()).isEqualTo(expected.cron());
                    assertThat(flow.everySeconds()).isEqualTo(expected.everySeconds());
                    assertThat(flow.subFlows()).isEqualTo(expected.subFlows());
                    assertThat(flow.steps().stream().map(StepDefinition::name).toList())
                            .isEqualTo(expected.steps().stream().map(StepDefinition::name).toList());
                }
            }
            assertThat(deployments.stream().filter(d -> !d.valid()).map(Deployment::path))
                    .containsExactlyInAnyOrder("broken/bad-yaml.yml", "broken/unknown-type.yml");
            assertThat(service.service().scheduler().entries()).hasSize(6);

            // the every_seconds flow fires through its own Quartz job; no schedule is a camel-quartz endpoint
            await().atMost(Duration.ofSeconds(20)).until(() -> service.get("/api/executions?flow=tick&status=success")
                    .json().size() >= 2);
            org.quartz.Scheduler quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
            ScheduleEntry tick = service.service().scheduler().forFlow("tick.yml").get(0);
            JobKey job = JobKey.jobKey(tick.id(), "octoflow");
            assertThat(quartz.getJobDetail(job).getJobClass().getSimpleName()).isEqualTo("ScheduledFlowJob");
            assertThat(camel.getEndpoints()).noneMatch(e -> e.getEndpointUri().startsWith("quartz:"));

            // its file removed, its trigger is gone and it fires no more
            Files.delete(config.flowsPath().resolve("tick.yml"));
            await().atMost(Duration.ofSeconds(15)).until(() -> quartz.getJobDetail(job) == null);
            assertThat(service.service().scheduler().forFlow("tick.yml")).isEmpty();
        } finally {
            service.close();
        }
    }
}

package io.octoflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.JobDriver;
import io.octoflow.support.KubernetesMock;

/**
 * The shipped example k8s/examples/ci-metrics.yml (kept out of routes/, whose examples run without a cluster)
 * runs against fabric8's mock API server: its Job gets the token as a secretKeyRef, and what the retriever printed
 * lands in DATA_PATH.
 */
class CiMetricsExampleTest {

    static final Path EXAMPLE = Path.of("k8s/examples/ci-metrics.yml");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theRetrieverRunsAsAJobAndItsOutputIsWrittenUnderDataPath() throws Exception {
        try (KubernetesMock mock = new KubernetesMock();
                FlowFixture fx = new FlowFixture(dir)
                        .set("KUBECONFIG", mock.kubeconfig(dir.resolve("kube")).toString())) {
            Files.copy(EXAMPLE, fx.flows().resolve("ci-metrics.yml"));
            JobDriver driver = new JobDriver(mock);
            var flow = fx.load("ci-metrics.yml");
            assertThat(flow.name()).isEqualTo("ci metrics");
            CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                    () -> fx.engine().run(flow, null, Map.of("repository", "acme/web")));

            Job job = driver.awaitJob();
            Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getEnv()).extracting(EnvVar::getName)
                    .containsExactly("REPOSITORY", "EXECUTION_ID", "GITHUB_TOKEN");
            assertThat(container.getEnv().get(0).getValue()).isEqualTo("acme/web");
            EnvVar token = container.getEnv().get(2);
            assertThat(token.getValue()).isNull();
            assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ci-tokens");
            assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("github");
            assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(900L);

            driver.podEnded(job, 0, """
                    retrieved 3 workflow runs of acme/web
                    {"repository": "acme/web", "runs": 3, "by_conclusion": {"success": 2, "failure": 1}}
                    """, 200);
            driver.succeed(job);
            RunResult r = run.get(20, TimeUnit.SECONDS);

            assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
            Path out = fx.data().resolve("ci-metrics");
            try (var files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.matches("github_\\d{14}\\.json")).contains("github.jsonl");
            }
            JsonNode line = JSON.readTree(fx.readData("ci-metrics/github.jsonl").strip());
            assertThat(line.path("job_name").asText()).isEqualTo(job.getMetadata().getName());
            assertThat(line.path("runs").asInt()).isEqualTo(3);
            assertThat(line.at("/by_conclusion/failure").asInt()).isEqualTo(1);
            assertThat(line.path("ended").asText()).isNotEmpty();
        }
    }
}

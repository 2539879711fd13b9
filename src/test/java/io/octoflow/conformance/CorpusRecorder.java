package io.octoflow.conformance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Records what the ORIGINAL spooler does with the corpus flows: runs it (shared/spooler-reference/run.sh, Debian
 * python3) on a copy of the corpus, its HTTPS_PROXY pointing at the stand-in, launches each case of cases.json
 * through its API and writes {@code src/test/resources/conformance/corpus/<flow>.expected.json}.
 *
 * <p>Run from the project root (see src/test/resources/conformance/README.md):
 * {@code java -cp target/test-classes:target/classes:<test classpath> io.octoflow.conformance.CorpusRecorder
 * [--spooler-src DIR] [--port N]}.
 */
public final class CorpusRecorder {

    /** What the spooler keeps under DATA_PATH for itself: not written by the flows. */
    static final Set<String> SPOOLER_OWN = Set.of("flows", "templates", "logs", "config.yml", "secrets.yml",
            "jobs.sqlite", "jobs.sqlite-journal");
    private static final String TOKEN = "conformance-recorder";

    public static void main(String[] args) throws Exception {
        Path spoolerSrc = Path.of("/work/spooler-src");
        int port = 18231;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--spooler-src" -> spoolerSrc = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --spooler-src DIR or --port N");
            }
        }
        Path project = Path.of("").toAbsolutePath();
        Path corpus = CorpusSource.locate(project);
        Path runSh = corpus.resolveSibling("spooler-reference").resolve("run.sh");
        Path out = project.resolve("src/test/resources/conformance/corpus");
        if (!Files.isDirectory(out)) {
            throw new IllegalStateException("run from the project root: " + out + " is missing");
        }
        Path work = Files.createTempDirectory("corpus-recorder");
        Path spooler = work.resolve("spooler");
        Path data = work.resolve("data");
        // run.sh edits the source (binds to 127.0.0.1) and writes its log there: work on a copy
        CorpusSource.copyTree(spoolerSrc, spooler);
        CorpusSource.copyFlowsAndTemplates(corpus, data.resolve("flows"), data.resolve("templates"));
        Files.copy(corpus.resolve("config.yml"), data.resolve("config.yml"));
        Files.writeString(data.resolve("secrets.yml"), CorpusSource.secrets(corpus));

        try (StandIn standIn = StandIn.start(work)) {
            long pid = startSpooler(runSh, spooler, data, port, standIn.proxyUrl());
            try {
                HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
                String api = "http://127.0.0.1:" + port + "/api/v1";
                awaitApi(http, api);
                CorpusNormalizer normalizer = new CorpusNormalizer(data.resolve("flows"), data);
                for (CorpusCase run : CorpusCase.all()) {
                    standIn.prepare(run);
                    ObjectNode expected = record(http, api, run, standIn, data, normalizer);
                    Path file = out.resolve(run.id() + ".expected.json");
                    Files.writeString(file, CorpusJson.pretty(expected), StandardCharsets.UTF_8);
                    System.out.println(run.id() + ": " + expected.path("status").asText() + ", "
                            + expected.path("requests").size() + " requests, " + expected.path("files").size()
                            + " files -> " + project.relativize(file));
                }
            } finally {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroy();
                    p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                });
            }
        }
        System.out.println("spooler work directory (log in spooler/server." + port + ".out): " + work);
    }

    private static ObjectNode record(HttpClient http, String api, CorpusCase run, StandIn standIn, Path data,
            CorpusNormalizer normalizer) throws IOException, InterruptedException {
        ObjectNode launch = CorpusJson.MAPPER.createObjectNode().put("path", run.flow());
        if (run.input() != null) {
            launch.set("data", run.input());
        }
        // the spooler answers once the run has ended (its launch waits for the flow)
        JsonNode launched = call(http, HttpRequest.newBuilder(URI.create(api + "/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString(launch.toString())), 202);
        String executionId = launched.path("job_id").asText();
        JsonNode job = null;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            job = call(http, HttpRequest.newBuilder(URI.create(api + "/jobs/" + executionId)).GET(), 200);
            if ("finished".equals(job.path("state").asText())) {
                break;
            }
            Thread.sleep(200);
        }
        if (job == null || !"finished".equals(job.path("state").asText())) {
            throw new IllegalStateException(run.flow() + " did not finish on the spooler: " + job);
        }
        JsonNode requests = CorpusOutcome.requests(standIn.server().received(), run, normalizer);
        ObjectNode files = CorpusFiles.read(data, SPOOLER_OWN, normalizer);
        deleteWritten(data);
        CorpusOutcome outcome = new CorpusOutcome(job.path("status").asText(), normalizer.data(job.get("result")),
                files, requests);
        ObjectNode expected = outcome.toJson(run);
        ObjectNode recorded = CorpusJson.MAPPER.createObjectNode();
        recorded.put("by", "io.octoflow.conformance.CorpusRecorder, from the original spooler"
                + " (vcmirko/spooler_service, shared/spooler-reference)");
        recorded.set("jobErrors", job.get("errors"));
        expected.set("recorded", recorded);
        return expected;
    }

    private static void deleteWritten(Path data) throws IOException {
        List<Path> written = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(data)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !SPOOLER_OWN.contains(data.relativize(p).getName(0).toString()))
                    .forEach(written::add);
        }
        for (Path file : written) {
            Files.delete(file);
        }
    }

    private static long startSpooler(Path runSh, Path spooler, Path data, int port, String proxy)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", runSh.toString(), spooler.toString(), data.toString(),
                String.valueOf(port), TOKEN);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        env.put("HTTPS_PROXY", proxy);
        env.put("https_proxy", proxy);
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("run.sh failed: " + output);
        }
        String[] lines = output.split("\n");
        return Long.parseLong(lines[lines.length - 1].trim());
    }

    private static void awaitApi(HttpClient http, String api) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                call(http, HttpRequest.newBuilder(URI.create(api + "/jobs?limit=1")).GET(), 200);
                return;
            } catch (IOException | IllegalStateException notYet) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("the spooler's API did not answer at " + api + " within 60 s");
    }

    private static JsonNode call(HttpClient http, HttpRequest.Builder request, int expectedStatus)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return CorpusJson.parse(response.body());
    }
}

package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Response;

class FlowLoopStepTest {

    /** How long a request waits for the condition it needs; only reached when the behaviour is wrong. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    FlowFixture fx;
    TestHttpServer server;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir).set("FLOW_MAX_WORKERS", "4");
        server = TestHttpServer.start();
        fx.flow("lib/fetch_item.yml", """
                name: fetch item
                steps:
                  - name: index
                    type: set_fact
                    set_fact:
                      value: "{{ __loop_index__ }}"
                  - name: fetched
                    type: rest
                    rest:
                      uri: "{{ __input__.base_url }}/item?id={{ __input__.id }}&index={{ __loop_index__ }}"
                    jq_expression: ".value"
                """);
        fx.flow("loop.yml", """
                name: loop
                steps:
                  - name: results
                    type: flow_loop
                    flow_loop:
                      path: lib/fetch_item.yml
                      data_key: items
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    private Map<String, Object> items(String... ids) {
        return Map.of("items", java.util.Arrays.stream(ids)
                .map(id -> Map.<String, Object>of("id", id, "base_url", server.baseUrl())).toList());
    }

    private static final Map<String, Object> SUCCESS = Map.of("type", "success",
            "message", "Flow completed successfully.");

    /** The sub-flow data of each [data, status] pair of a flow_loop result. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> dataOf(Object results) {
        return ((List<List<Object>>) results).stream().map(pair -> (Map<String, Object>) pair.get(0)).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> statusOf(Object results) {
        return ((List<List<Object>>) results).stream().map(pair -> pair.get(1)).toList();
    }

    private boolean completed(String id) {
        return server.completed().stream().anyMatch(r -> id.equals(r.queryParam("id")));
    }

    @Test
    void resultsKeepInputOrderWhenItemsFinishInAnotherOrder() {
        // a waits until c has been answered, b until a: the items finish c, a, b, d-or-earlier
        server.respond("/item", request -> {
            String id = request.queryParam("id");
            if (id.equals("a")) {
                TestHttpServer.awaitCondition(() -> completed("c"), WAIT);
            } else if (id.equals("b")) {
                TestHttpServer.awaitCondition(() -> completed("a"), WAIT);
            }
            return Response.json("{\"value\": \"value-" + id + "\"}");
        });

        RunResult r = fx.run("loop.yml", items("a", "b", "c", "d"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        List<String> finished = server.completed().stream().map(q -> q.queryParam("id")).toList();
        assertThat(finished.indexOf("c")).isLessThan(finished.indexOf("a"));
        assertThat(finished.indexOf("a")).isLessThan(finished.indexOf("b"));
        Object results = r.data().get("results");
        assertThat(results).asList().allSatisfy(pair -> assertThat(pair).asList().hasSize(2));
        // set_fact stores the rendered text, as on the spooler
        assertThat(dataOf(results)).extracting(d -> d.get("index") + ":" + d.get("fetched"))
                .containsExactly("1:value-a", "2:value-b", "3:value-c", "4:value-d");
        assertThat(dataOf(results)).extracting(d -> d.get("__loop_index__")).containsExactly(1, 2, 3, 4);
        assertThat(dataOf(results).get(0).get("__input__")).isEqualTo(Map.of("id", "a", "base_url",
                server.baseUrl()));
        assertThat(statusOf(results)).containsOnly(SUCCESS).hasSize(4);
    }

    @Test
    void aMissingSubFlowFileFailsTheStepOnlyWhenItIsCalled() {
        // as on the spooler, which opens the sub-flow when it calls it: a warning at load, an error at the call
        fx.flow("ghost_loop.yml", """
                name: ghost loop
                steps:
                  - name: results
                    type: flow_loop
                    flow_loop:
                      path: lib/ghost.yml
                      data_key: items
                """);

        RunResult empty = fx.run("ghost_loop.yml", Map.of("items", List.of()));
        assertThat(empty.status()).as(empty.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(empty.data().get("results")).isEqualTo(List.of());

        RunResult one = fx.run("ghost_loop.yml", Map.of("items", List.of(Map.of("id", "a"))));
        assertThat(one.status()).isEqualTo(RunStatus.FAILED);
        assertThat(one.error()).contains("Flow file not found: ").endsWith("lib/ghost.yml".replace('/',
                java.io.File.separatorChar));
    }

    @Test
    void loopIndexIsOneBasedAndSentWithEachItem() {
        server.respond("/item", request -> Response.json("{\"value\": " + request.queryParam("index") + "}"));

        RunResult r = fx.run("loop.yml", items("x", "y", "z"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(dataOf(r.data().get("results"))).extracting(d -> d.get("fetched")).containsExactly(1, 2, 3);
        assertThat(server.requests()).extracting(q -> q.queryParam("id") + "=" + q.queryParam("index"))
                .containsExactlyInAnyOrder("x=1", "y=2", "z=3");
    }

    @Test
    void itemsRunInParallel() {
        // each request waits until another one is being handled at the same time (once, up to WAIT, when not)
        java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
        server.respond("/item", request -> {
            if (!gaveUp.get() && !TestHttpServer.awaitCondition(() -> server.maxConcurrentRequests() > 1, WAIT)) {
                gaveUp.set(true);
            }
            return Response.json("{\"value\": \"" + request.queryParam("id") + "\"}");
        });

        RunResult r = fx.run("loop.yml", items("1", "2", "3", "4", "5", "6", "7", "8"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(server.maxConcurrentRequests()).isGreaterThan(1).isLessThanOrEqualTo(4);
        assertThat(r.data().get("results")).asList().hasSize(8);
    }

    @Test
    void aFailingItemDoesNotFailTheStepAndIsReportedInItsPair() {
        server.respond("/item", request -> request.queryParam("id").equals("bad")
                ? Response.status(500, "text/plain", "item exploded")
                : Response.json("{\"value\": 1}"));
        fx.flow("loop_then.yml", """
                name: loop then
                steps:
                  - name: results
                    type: flow_loop
                    flow_loop:
                      path: lib/fetch_item.yml
                      data_key: items
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = fx.run("loop_then.yml", items("ok1", "bad", "ok2"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("after")).isEqualTo("ran");
        Object results = r.data().get("results");
        Map<String, Object> failed = new java.util.HashMap<>();
        failed.put("type", "failed");
        failed.put("message", null); // the spooler's message for a failed sub-flow is None
        assertThat(statusOf(results)).containsExactly(SUCCESS, failed, SUCCESS);
        Map<String, Object> bad = dataOf(results).get(1);
        assertThat(bad).doesNotContainKey("fetched");
        assertThat(dataOf(results).get(0).get("fetched")).isEqualTo(1);
    }

    @Test
    void anExitedItemIsReportedAsExit() {
        fx.flow("lib/exits.yml", """
                name: exits
                steps:
                  - name: before
                    type: set_fact
                    set_fact:
                      value: "item {{ __input__ }}"
                  - name: stop
                    type: exit
                    exit:
                      message: nothing to do
                  - name: never
                    type: set_fact
                    set_fact:
                      value: ran
                """);
        fx.flow("loop_exit.yml", """
                name: loop exit
                steps:
                  - name: results
                    type: flow_loop
                    flow_loop:
                      path: lib/exits.yml
                      data_key: items
                """);

        RunResult r = fx.run("loop_exit.yml", Map.of("items", List.of("x")));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        Object results = r.data().get("results");
        assertThat(dataOf(results).get(0)).containsEntry("before", "item x").doesNotContainKey("never");
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) statusOf(results).get(0);
        assertThat(status).containsEntry("type", "exit").containsKey("message");
        assertThat(status.get("message")).isNotNull();
    }

    @Test
    void emptyListGivesAnEmptyResult() {
        RunResult r = fx.run("loop.yml", Map.of("items", List.of()));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) r.data().get("results");
        // each sub-flow's data, without its special variables
        assertThat(results.stream().map(FlowFixture::stored).toList()).isEqualTo(List.of());
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aValueThatIsNotAListFailsTheStep() {
        RunResult r = fx.run("loop.yml", Map.of("items", "not a list"));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("results").contains("must produce a list");
    }

    @Test
    void nestedLoopsKeepEachItemInItsPlaceAndNullItemsRunToo() {
        fx.flow("nest/inner.yml", """
                name: inner
                steps:
                  - name: cell
                    type: set_fact
                    set_fact:
                      value: "{{ __input__ }}@{{ __loop_index__ }}"
                """);
        fx.flow("nest/middle.yml", """
                name: middle
                steps:
                  - name: cells
                    type: jq
                    jq:
                      data_key: __input__
                      expression: '.'
                  - name: inner
                    type: flow_loop
                    flow_loop:
                      path: nest/inner.yml
                      data_key: cells
                """);
        fx.flow("nest/outer.yml", """
                name: outer
                steps:
                  - name: rows
                    type: flow_loop
                    flow_loop:
                      path: nest/middle.yml
                      data_key: __input__
                """);

        List<Object> rows = Arrays.asList(List.of(1, 2), List.of(3), Arrays.asList(4, null));
        RunResult r = fx.run("nest/outer.yml", rows, Map.of());

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        List<Map<String, Object>> middles = dataOf(r.data().get("rows"));
        // an inner loop's split index once overwrote the outer item's: rows were lost
        assertThat(middles).extracting(m -> m.get("__input__")).containsExactly(List.of(1, 2), List.of(3),
                Arrays.asList(4, null));
        assertThat(middles).extracting(m -> dataOf(m.get("inner")).stream().map(d -> d.get("cell")).toList())
                .containsExactly(List.of("1@1", "2@2"), List.of("3@1"), List.of("4@1", "None@2"));
    }
}

package io.octoflow.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.jmx.ManagedFlow;
import io.octoflow.service.AmbiguousFlowException;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The operations port behind the REST API and JMX: one check per refusal, so the port, {@code /api} and the flow's
 * MBean give the same answer (the same words) for an unknown flow, a locked one, a shared name, an ended run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowOperationsTest {

    private static final String DEBUG_FLOW = "steps:\n  - name: say\n    type: debug\n";

    @TempDir
    static Path root;
    ServiceFixture service;
    FlowOperations operations;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("report.yml", "name: report\n" + DEBUG_FLOW);
        service.files().flow("one/same.yml", "name: same\n" + DEBUG_FLOW);
        service.files().flow("two/same.yml", "name: same\n" + DEBUG_FLOW);
        service.start();
        operations = service.service().operations();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void anUnknownFlowIsNotFoundAlikeThroughThePortTheApiAndJmx() {
        OperationException missing = thrown(OperationException.class, () -> operations.resolve("nope"));
        assertThat(missing.reason()).isEqualTo(OperationException.Reason.NOT_FOUND);
        assertThat(missing).hasMessage("no deployed flow has the path or name 'nope'");
        Response launched = service.post("/api/flows/launch", "{\"flow\": \"nope\"}");
        assertThat(launched.status()).isEqualTo(404);
        assertThat(launched.json().get("error").asText()).isEqualTo(missing.getMessage());

        // no lock by that name: false from the port and JMX, 404 from the API
        assertThat(operations.unlock("nope")).isFalse();
        assertThat(service.delete("/api/locks/nope").status()).isEqualTo(404);
        ManagedFlow gone = new ManagedFlow("gone.yml", "gone", operations, ZoneId.of("UTC"));
        assertThat(gone.unlock()).isFalse();
        assertThatThrownBy(() -> gone.launch(""))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("no flow is deployed at 'gone.yml'");
    }

    @Test
    void aLockedFlowIsRefusedWithTheSameWordsEverywhere() throws Exception {
        FlowDefinition report = operations.resolve("report");
        assertThat(service.service().locks().take("report.yml", "stuck-run")).isTrue();
        try {
            OperationException refused = thrown(OperationException.class,
                    () -> operations.launch(report, null, null, Trigger.API));
            assertThat(refused.reason()).isEqualTo(OperationException.Reason.CONFLICT);
            assertThat(refused.getMessage()).contains("report.yml").contains("locked");

            Response api = service.post("/api/flows/launch", "{\"path\": \"report.yml\"}");
            assertThat(api.status()).isEqualTo(409);
            assertThat(api.json().get("error").asText()).isEqualTo(refused.getMessage());

            // over JMX a JDK exception (jconsole has none of Octoflow's classes) with the same message
            Throwable jmx = catchThrowable(() -> ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("io.octoflow:type=Flow,name=\"report\",path=\"report.yml\""), "launch",
                    new Object[] {""}, new String[] {String.class.getName()}));
            assertThat(jmx).isInstanceOf(RuntimeMBeanException.class);
            assertThat(((RuntimeMBeanException) jmx).getTargetException())
                    .isExactlyInstanceOf(IllegalStateException.class).hasMessage(refused.getMessage());
        } finally {
            // the lock named by the flow's name, which only this flow has
            assertThat(operations.unlock("report")).isTrue();
        }
        assertThat(operations.locked("report.yml")).isFalse();
    }

    @Test
    void aSharedNameIsAmbiguousThroughThePortTheApiAndJmx() {
        assertThatThrownBy(() -> operations.find("same")).isInstanceOf(AmbiguousFlowException.class)
                .hasMessageContaining("one/same.yml").hasMessageContaining("two/same.yml");
        Response api = service.delete("/api/locks/same");
        assertThat(api.status()).isEqualTo(409);
        assertThat(api.json().get("paths")).hasSize(2);
        // an MBean named by what turns out to be a shared name: a plain IllegalArgumentException over JMX
        ManagedFlow named = new ManagedFlow("same", "same", operations, ZoneId.of("UTC"));
        assertThatThrownBy(named::unlock).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ambiguous");
    }

    @Test
    void abortIsRefusedAlikeForAnUnknownAndAnEndedRun() throws Exception {
        OperationException unknown = thrown(OperationException.class, () -> operations.abort("no-such-run"));
        assertThat(unknown.reason()).isEqualTo(OperationException.Reason.NOT_FOUND);
        Response api = service.post("/api/executions/no-such-run/abort", "");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.json().get("error").asText()).isEqualTo(unknown.getMessage());

        Launched launched = operations.launch(operations.resolve("two/same.yml"), Map.of("day", "monday"), null,
                Trigger.API);
        RunResult result = launched.await().orElseThrow();
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(operations.execution(launched.executionId()).orElseThrow().trigger()).isEqualTo("api");

        OperationException ended = thrown(OperationException.class, () -> operations.abort(launched.executionId()));
        assertThat(ended.reason()).isEqualTo(OperationException.Reason.CONFLICT);
        assertThat(ended).hasMessageContaining("is not running (status success)");
        Response again = service.post("/api/executions/" + launched.executionId() + "/abort", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo(ended.getMessage());
    }

    @Test
    void aScheduleMayBeTheFlowsOnlyOneAndABadOneIsInvalid() {
        FlowDefinition flow = operations.resolve("one/same.yml");
        ScheduleEntry first = operations.addSchedule(flow,
                new ScheduleRequest(null, 3600L, null, "api", true, true));
        try {
            ScheduleConflictException taken = thrown(ScheduleConflictException.class, () -> operations.addSchedule(
                    flow, new ScheduleRequest("0 3 * * *", null, null, "api", false, true)));
            assertThat(taken.existing().id()).isEqualTo(first.id());
            assertThat(operations.schedules("one/same.yml")).extracting(ScheduleEntry::id).containsExactly(first.id());

            OperationException bad = thrown(OperationException.class, () -> operations.addSchedule(flow,
                    new ScheduleRequest("not a cron", null, null, "api", false, false)));
            assertThat(bad.reason()).isEqualTo(OperationException.Reason.INVALID);
            Response api = service.post("/api/flows/add", "{\"path\": \"one/same.yml\", \"cron\": \"not a cron\"}");
            assertThat(api.status()).isEqualTo(400);
            assertThat(api.json().get("error").asText()).isEqualTo(bad.getMessage());
        } finally {
            assertThat(operations.removeSchedule(first.id())).isTrue();
        }
        assertThat(operations.removeSchedule(first.id())).isFalse();
        assertThat(service.delete("/api/flows/" + URLEncoder.encode(first.id(), StandardCharsets.UTF_8)).status())
                .isEqualTo(404);
    }

    private static <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call) {
        T thrown = catchThrowableOfType(type, call);
        assertThat(thrown).as("expected %s", type.getSimpleName()).isNotNull();
        return thrown;
    }
}

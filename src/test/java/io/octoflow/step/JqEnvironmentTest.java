package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

/**
 * A jq program cannot read the service's environment (API_TOKEN, DB_PASSWORD, VAULT_TOKEN live there): jq's
 * {@code env} and {@code $ENV} are not defined in Octoflow's jq (jackson-jq's environment functions are not
 * loaded), so a flow file cannot copy a service secret into its data. No spooler flow uses them.
 */
class JqEnvironmentTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private RunResult jq(String program) {
        fx.flow("env.yml", """
                name: env
                steps:
                  - name: read
                    type: jq
                    jq:
                      expression: '%s'
                """.formatted(program));
        return fx.run("env.yml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{seen: env}", "{seen: $ENV}", "env.PATH", "$ENV.PATH", "$__prog_args"})
    void theEnvironmentIsNotReachable(String program) {
        String path = System.getenv("PATH");
        assertThat(path).isNotBlank();
        RunResult r = jq(program);

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).containsAnyOf("does not exist", "is not defined").doesNotContain(path);
        assertThat(String.valueOf(r.data())).doesNotContain(path);
    }
}

package io.octoflow.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The pieces of a Loop run that need no cluster: Go durations and the WarpScript text. */
class WarpScriptTest {

    @Test
    void goDurationsParseLikeTimeParseDuration() {
        assertThat(GoDuration.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDuration.parse("2m3s4ms")).isEqualTo(Duration.ofMillis(123_004));
        assertThat(GoDuration.parse("0")).isZero();
        for (String bad : new String[] {"5x", "1", "m", "1 m", "1h-30m", ""}) {
            assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected");
        }
    }

    @Test
    void variablesComeFirstEscapedSoThatNoValueEndsItsLiteral() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("user", "o'neil");
        variables.put("pass", "100%\nDROP");
        variables.put("name", "été");
        String text = WarpScript.build(variables, "$user");
        assertThat(text).isEqualTo("""
                'o%27neil' 'user' STORE
                '100%25%0ADROP' 'pass' STORE
                'été' 'name' STORE
                $user""");
    }
}

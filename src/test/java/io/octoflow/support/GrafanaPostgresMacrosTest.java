package io.octoflow.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The expander writes what Grafana's PostgreSQL datasource writes (the cases of its own macro tests). */
class GrafanaPostgresMacrosTest {

    static final Instant FROM = Instant.parse("2018-04-12T18:00:00Z");
    static final GrafanaPostgresMacros GRAFANA = new GrafanaPostgresMacros(FROM, FROM.plusSeconds(300),
            Duration.ofMinutes(10));

    @Test
    void timeMacros() {
        assertThat(GRAFANA.expand("select $__time(time_column)")).isEqualTo("select time_column AS \"time\"");
        assertThat(GRAFANA.expand("select min($__time(time_column))"))
                .isEqualTo("select min(time_column AS \"time\")");
        assertThat(GRAFANA.expand("WHERE $__timeFilter(time_column)"))
                .isEqualTo("WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'");
        assertThat(GRAFANA.expand("select $__timeFrom()")).isEqualTo("select '2018-04-12T18:00:00Z'");
        assertThat(GRAFANA.expand("select $__timeTo()")).isEqualTo("select '2018-04-12T18:05:00Z'");
        assertThat(GRAFANA.expand("select $__timeEpoch(t)")).isEqualTo("select extract(epoch from t) as \"time\"");
    }

    @Test
    void timeGroupAndItsPre53Alias() {
        assertThat(GRAFANA.expand("SELECT $__timeGroup(time_column,'5m')"))
                .isEqualTo("SELECT floor(extract(epoch from time_column)/300)*300");
        assertThat(GRAFANA.expand("SELECT $__timeGroupAlias(time_column,'5m')"))
                .isEqualTo("SELECT floor(extract(epoch from time_column)/300)*300 AS \"time\"");
        assertThat(GRAFANA.expand("$__timeGroup(time_column , '5m')"))
                .isEqualTo("floor(extract(epoch from time_column)/300)*300");
        // followed by a comma: Grafana adds AS "time", as before 5.3
        assertThat(GRAFANA.expand("SELECT $__timeGroup(time_column,'5m'), value"))
                .isEqualTo("SELECT floor(extract(epoch from time_column)/300)*300 AS \"time\", value");
        assertThat(GRAFANA.expand("SELECT $__timeGroup(time_column,'5m') as time, value"))
                .isEqualTo("SELECT floor(extract(epoch from time_column)/300)*300 as time, value");
        assertThat(GRAFANA.expand("SELECT $__timeGroup(t, '20ms')")).isEqualTo(
                "SELECT floor(extract(epoch from t)/0.02)*0.02");
        assertThat(GRAFANA.expand("SELECT $__timeGroup(t, '12d', 0)")).isEqualTo(
                "SELECT floor(extract(epoch from t)/1036800)*1036800");
        assertThat(GRAFANA.expand("SELECT $__unixEpochGroupAlias(time_column+time_adjustment,'5m')"))
                .isEqualTo("SELECT floor((time_column+time_adjustment)/300)*300 AS \"time\"");
    }

    @Test
    void epochsIntervalsAndFractions() {
        assertThat(GRAFANA.expand("select $__unixEpochFilter(time)"))
                .isEqualTo("select time >= 1523556000 AND time <= 1523556300");
        assertThat(GRAFANA.expand("select $__unixEpochNanoFrom()")).isEqualTo("select 1523556000000000000");
        assertThat(GRAFANA.expand("select $__unixEpochFrom(), $__interval, $__interval_ms"))
                .isEqualTo("select 1523556000, 10m, 600000");
        Instant half = Instant.parse("1960-02-01T07:00:00.500Z");
        assertThat(new GrafanaPostgresMacros(half, half, Duration.ofSeconds(90)).expand("$__timeFrom() $__interval"))
                .isEqualTo("'1960-02-01T07:00:00.5Z' 1m");
        assertThatThrownBy(() -> GRAFANA.expand("$__nope(x)")).hasMessageContaining("unknown macro");
    }
}

package io.octoflow.step.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** :name parameters are found where the database would see a value, and nowhere else. */
class SqlQueryTest {

    @Test
    void namedParametersBecomeQuestionMarksInOrder() {
        SqlQuery q = SqlQuery.parse("SELECT * FROM t WHERE a = :a AND b IN (:b, :a)");
        assertThat(q.problem()).isNull();
        assertThat(q.jdbc()).isEqualTo("SELECT * FROM t WHERE a = ? AND b IN (?, ?)");
        assertThat(q.positions()).containsExactly("a", "b", "a");
        assertThat(q.names()).containsExactly("a", "b");
    }

    @Test
    void castsAssignmentsAndSlicesAreNotParameters() {
        SqlQuery q = SqlQuery.parse("SELECT :ended::timestamptz, x[1:2], y := 3, CAST(:n AS int)");
        assertThat(q.jdbc()).isEqualTo("SELECT ?::timestamptz, x[1:2], y := 3, CAST(? AS int)");
        assertThat(q.positions()).containsExactly("ended", "n");
    }

    @Test
    void stringsIdentifiersCommentsAndDollarBodiesAreLeftAlone() {
        String sql = """
                SELECT ':no', 'it''s :no', E'a\\' :no', "col:no", $$ :no $$, $fn$ :no ' $fn$ -- :no
                /* :no /* nested :no */ still :no */ , :yes, data #>> '{a}' ?? 'k'""";
        SqlQuery q = SqlQuery.parse(sql);
        assertThat(q.problem()).isNull();
        assertThat(q.positions()).isEqualTo(List.of("yes"));
        assertThat(q.jdbc()).isEqualTo(sql.replace(":yes", "?"));
    }

    @Test
    void aBareQuestionMarkOrAnUnclosedStringIsAProblem() {
        assertThat(SqlQuery.parse("SELECT * FROM t WHERE a = ?").problem()).contains("'?'").contains(":name");
        assertThat(SqlQuery.parse("SELECT 'open").problem()).contains("string").contains("not closed");
        assertThat(SqlQuery.parse("SELECT 1 /* open").problem()).contains("comment");
        assertThat(SqlQuery.parse("SELECT $$ open").problem()).contains("$$");
    }
}

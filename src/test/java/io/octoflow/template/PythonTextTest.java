package io.octoflow.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Expected texts printed by Python 3.11's str(). */
class PythonTextTest {

    @Test
    void scalarsPrintAsPythonDoes() {
        assertEquals("None", PythonText.str(null));
        assertEquals("True", PythonText.str(true));
        assertEquals("False", PythonText.str(false));
        assertEquals("42", PythonText.str(42L));
        assertEquals("abc", PythonText.str("abc"));
    }

    @Test
    void floatsPrintWithPythonsShortestRepr() {
        assertEquals("1.0", PythonText.str(1.0));
        assertEquals("1e+16", PythonText.str(1e16));
        assertEquals("1.5e-07", PythonText.str(1.5e-7));
        assertEquals("0.1", PythonText.str(0.1));
        assertEquals("123456789012345.6", PythonText.str(123456789012345.6));
        assertEquals("1e-05", PythonText.str(1e-5));
        assertEquals("0.0001", PythonText.str(0.0001));
        assertEquals("-2.5", PythonText.str(-2.5));
        assertEquals("100.0", PythonText.str(100.0));
    }

    @Test
    void containersPrintTheirItemsRepr() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", "v\n");
        assertEquals("['a', \"it's\", 1, None, {'k': 'v\\n'}]",
                PythonText.str(Arrays.asList("a", "it's", 1, null, inner)));
        assertEquals("{}", PythonText.str(Map.of()));
        assertEquals("[]", PythonText.str(List.of()));
    }

    @Test
    void yamlTimestampsPrintAsPythonsDateAndDatetime() {
        // str() and repr() of what PyYAML's safe_load gives, printed by Python 3.11
        assertEquals("2025-05-26", PythonText.str(PythonDate.parse("2025-05-26")));
        assertEquals("[datetime.date(2025, 5, 26)]", PythonText.str(List.of(PythonDate.parse("2025-05-26"))));
        assertEquals("2025-05-26 10:11:12", PythonText.str(PythonDate.parse("2025-05-26 10:11:12")));
        assertEquals("2001-12-14 21:59:43.100000-05:00", PythonText.str(PythonDate.parse("2001-12-14t21:59:43.10-05:00")));
        assertEquals("datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone("
                + "datetime.timedelta(days=-1, seconds=68400)))", PythonText.repr(PythonDate.parse("2001-12-14 21:59:43.10 -5")));
        assertEquals("2002-12-14 01:02:03+00:00", PythonText.str(PythonDate.parse("2002-12-14T01:02:03Z")));
        assertEquals("datetime.datetime(2002, 12, 14, 1, 2, 3, tzinfo=datetime.timezone.utc)",
                PythonText.repr(PythonDate.parse("2002-12-14T01:02:03Z")));
        assertEquals("2002-12-14 01:02:03.123456+02:30", PythonText.str(PythonDate.parse("2002-12-14 01:02:03.1234567 +02:30")));
        assertEquals("2001-12-15 02:59:43.100000", PythonText.str(PythonDate.parse("2001-12-15 2:59:43.10")));
    }

    @Test
    void tuplesPrintWithParentheses() {
        assertEquals("(1, 'a')", PythonText.str(PythonTuple.of(1, "a")));
        assertEquals("(1,)", PythonText.str(PythonTuple.of(1)));
        assertEquals("()", PythonText.str(PythonTuple.of()));
        assertEquals("[('b', 2)]", PythonText.str(List.of(PythonTuple.of("b", 2))));
    }
}

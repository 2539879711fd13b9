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
}

package io.octoflow.step.types;

import io.octoflow.template.PythonJson;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** PyYAML's and Python json's text, byte for byte; expected values produced with /usr/bin/python3 (PyYAML 6). */
class PythonFormatsTest {

    private static Map<String, Object> table() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("zeta", "10000");
        data.put("alpha", "1.5");
        data.put("date", "2025-05-26");
        data.put("yes_word", "yes");
        data.put("on", "on");
        data.put("null_word", "null");
        data.put("tilde", "~");
        data.put("n", 10000);
        data.put("f", 1.5);
        data.put("t", true);
        data.put("none", null);
        data.put("empty", "");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", "v");
        inner.put("b", List.of(1, 2));
        data.put("list", List.of("a", 1, inner));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("b", Map.of("c", List.of()));
        nested.put("a", Map.of());
        data.put("nested", nested);
        data.put("exp", "1e3");
        data.put("sexa", "12:30");
        data.put("colon", "a: b");
        data.put("hash", "x #y");
        data.put("dash", "- x");
        data.put("multi", "line1\nline2");
        data.put("unicode", "café");
        data.put("star", "*x");
        data.put("quote", "it's");
        data.put("lead", " space");
        data.put("float_str", "1_000");
        data.put("octal", "010");
        data.put("inf", ".inf");
        return data;
    }

    @Test
    void yamlIsWrittenAsPyYamlDumpsItWithDefaultFlowStyleFalse() {
        // yaml.dump(data, default_flow_style=False); only the case of \x escapes differs (same value read back)
        assertThat(PyYaml.dump(table()).replace("\\xe9", "\\xE9")).isEqualTo("alpha: '1.5'\ncolon: 'a: b'\ndash: '- x'\ndate: '2025-05-26'\n"
                + "empty: ''\nexp: 1e3\nf: 1.5\nfloat_str: '1_000'\nhash: 'x #y'\ninf: '.inf'\nlead: ' space'\n"
                + "list:\n- a\n- 1\n- b:\n  - 1\n  - 2\n  k: v\nmulti: 'line1\n\n  line2'\nn: 10000\nnested:\n"
                + "  a: {}\n  b:\n    c: []\nnone: null\nnull_word: 'null'\noctal: '010'\n'on': 'on'\nquote: it's\n"
                + "sexa: '12:30'\nstar: '*x'\nt: true\ntilde: '~'\nunicode: \"caf\\xE9\"\nyes_word: 'yes'\n"
                + "zeta: '10000'\n");
    }

    @Test
    void jsonIsWrittenAsPythonJsonDumpsIt() {
        assertThat(PythonJson.dumps(table())).isEqualTo("{\"zeta\": \"10000\", \"alpha\": \"1.5\", \"date\":"
                + " \"2025-05-26\", \"yes_word\": \"yes\", \"on\": \"on\", \"null_word\": \"null\", \"tilde\": \"~\","
                + " \"n\": 10000, \"f\": 1.5, \"t\": true, \"none\": null, \"empty\": \"\", \"list\": [\"a\", 1,"
                + " {\"k\": \"v\", \"b\": [1, 2]}], \"nested\": {\"b\": {\"c\": []}, \"a\": {}}, \"exp\": \"1e3\","
                + " \"sexa\": \"12:30\", \"colon\": \"a: b\", \"hash\": \"x #y\", \"dash\": \"- x\", \"multi\":"
                + " \"line1\\nline2\", \"unicode\": \"caf\\u00e9\", \"star\": \"*x\", \"quote\": \"it's\", \"lead\":"
                + " \" space\", \"float_str\": \"1_000\", \"octal\": \"010\", \"inf\": \".inf\"}");
    }

    @Test
    void yamlIsReadAsYaml11LikePyYamlSafeLoad() {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) PyYaml.load("a: 1e3\nb: 12:30\nc: .inf\nd: yes\n"
                + "e: 2025-05-26\nf: 010\ng: 0x1f\nh: 1_000\ni: ~\nj: 1.5e+3\nk: off\nl: 190:20:30\n");

        assertThat(read.get("a")).isEqualTo("1e3");
        assertThat(((Number) read.get("b")).longValue()).isEqualTo(750);
        assertThat(read.get("c")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(read.get("d")).isEqualTo(true);
        assertThat(read.get("e")).isEqualTo(io.octoflow.template.PythonDate.parse("2025-05-26"));
        assertThat(read.get("e").toString()).isEqualTo("2025-05-26");
        assertThat(((Number) read.get("f")).longValue()).isEqualTo(8);
        assertThat(((Number) read.get("g")).longValue()).isEqualTo(31);
        assertThat(((Number) read.get("h")).longValue()).isEqualTo(1000);
        assertThat(read).containsEntry("i", null);
        assertThat(read.get("j")).isEqualTo(1500.0);
        assertThat(read.get("k")).isEqualTo(false);
        assertThat(((Number) read.get("l")).longValue()).isEqualTo(685230);
        assertThat(PyYaml.load("")).isNull();
        assertThat(PyYaml.load("n: 123456789012345678901234567890")).isEqualTo(
                Map.of("n", new BigInteger("123456789012345678901234567890")));
    }
}

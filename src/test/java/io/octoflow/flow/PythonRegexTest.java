package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python regexes (ignore_errors, switch cases) read as Python's re module reads them, matched as re.match. */
class PythonRegexTest {

    private static boolean match(String python, String text) {
        return PythonRegex.matchesAtStart(PythonRegex.compile(python), text);
    }

    @ParameterizedTest(name = "re.match {0} on {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "{'status_code': 404      | {'status_code': 404, 'response_content': None} | true",
            "{'status_code': 40[0-9]} | {'status_code': 404}                           | true",
            "{}                       | {}                                             | true",
            "^{}$                     | {}                                             | true",
            "a{2}                     | aa                                             | true",
            "a{,2}b                   | b                                              | true",
            "a{2,}                    | a                                              | false",
            "x{a}                     | x{a}                                           | true",
            "igh                      | high                                           | false",
            ".*igh                    | high                                           | true",
            "hi                       | high                                           | true",
            "(?P<code>\\d+) (?P=code) | 42 42                                          | true",
            "[[]x                     | [x                                             | true",
            "[a&&b]                   | &                                              | true",
            "end\\Z                   | end                                            | true"})
    void readsLikePython(String python, String text, boolean matches) {
        assertThat(match(python.strip(), text.strip())).isEqualTo(matches);
    }

    @Test
    void aBackslashEscapeIsKept() {
        assertThat(match("\\{'a'\\}", "{'a'}")).isTrue();
        assertThat(match("5\\d\\d", "503")).isTrue();
    }

    @Test
    void whatPythonRefusesJavaRefusesToo() {
        assertThatThrownBy(() -> PythonRegex.compile("(unclosed")).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> PythonRegex.compile("[unclosed")).isInstanceOf(PatternSyntaxException.class);
    }
}

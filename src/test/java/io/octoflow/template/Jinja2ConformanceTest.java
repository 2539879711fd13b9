package io.octoflow.template;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Renders every case of src/test/resources/jinja2/cases.yaml (expected texts recorded with the real Jinja2 by
 * record.py) with Octoflow's templates. A case must match Jinja2, or be listed with a {@code divergence} reason; a
 * listed divergence that now matches fails too, so the list stays true. Writes the pass rate to
 * target/conformance/jinja2.txt.
 */
class Jinja2ConformanceTest {

    record Case(String name, String template, Map<String, Object> data, String expected, boolean error,
            String divergence) {
    }

    @TempDir
    Path templatesDir;

    @Test
    void everyCaseMatchesJinja2OrIsAListedDivergence() throws IOException {
        List<Case> cases = load();
        assertTrue(cases.size() >= 200, "the table has " + cases.size() + " cases");
        Templates templates = new Templates(templatesDir);
        List<String> unexpected = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int equal = 0;
        int divergences = 0;
        for (Case c : cases) {
            String actual = run(templates, c);
            String wanted = c.error() ? "<error>" : c.expected();
            boolean same = c.error() ? actual.startsWith("<error>") : actual.equals(wanted);
            if (same) {
                equal++;
                if (c.divergence() != null) {
                    unexpected.add(c.name() + ": listed as a divergence (" + c.divergence() + ") but now equal");
                }
            } else if (c.divergence() != null) {
                divergences++;
                details.add(c.name() + " [divergence: " + c.divergence() + "]\n  jinja2: " + show(wanted)
                        + "\n  octoflow: " + show(actual));
            } else {
                unexpected.add(c.name() + ": " + c.template().replace("\n", "\\n") + "\n  jinja2:   " + show(wanted)
                        + "\n  octoflow: " + show(actual));
            }
        }
        String summary = "Jinja2 conformance: " + equal + "/" + cases.size() + " cases equal, " + divergences
                + " listed divergences";
        Path out = Path.of("target", "conformance");
        Files.createDirectories(out);
        Files.writeString(out.resolve("jinja2.txt"), summary + "\n", StandardCharsets.UTF_8);
        Files.writeString(out.resolve("jinja2-divergences.txt"), String.join("\n", details) + "\n",
                StandardCharsets.UTF_8);
        System.out.println(summary);
        if (!unexpected.isEmpty()) {
            fail(summary + "; " + unexpected.size() + " unexpected results:\n" + String.join("\n", unexpected));
        }
    }

    private static String run(Templates templates, Case c) {
        try {
            return templates.compile(c.template()).render(c.data() == null ? Map.of() : c.data());
        } catch (TemplateException e) {
            return "<error> " + e.getMessage();
        } catch (RuntimeException e) {
            // not a TemplateException: still a failure of the template, but one Octoflow did not word for the user
            return "<crash> " + e;
        }
    }

    private static String show(String text) {
        return text == null ? "null" : "[" + text.replace("\n", "\\n") + "]";
    }

    private static List<Case> load() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        try (InputStream in = Jinja2ConformanceTest.class.getResourceAsStream("/jinja2/cases.yaml")) {
            if (in == null) {
                throw new IOException("jinja2/cases.yaml is not on the test class path");
            }
            return yaml.readValue(in, new TypeReference<List<Case>>() {
            });
        }
    }
}

package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import io.octoflow.template.PythonDate;
import io.octoflow.template.PythonText;

/**
 * YAML read and written as the spooler's PyYAML does: YAML 1.1 scalars ({@code yes} a boolean, {@code 12:30} a
 * sexagesimal number, {@code 1e3} a string, {@code .inf}), and {@code dump(default_flow_style=False)}: block style,
 * keys sorted, strings that would read back as something else quoted. SnakeYAML is a port of PyYAML; only
 * its float pattern differs (it takes {@code 1e3} as a number), so PyYAML's is used. Timestamps are
 * {@link PythonDate}s, as PyYAML's date and datetime objects (they print as Python prints those).
 */
final class PyYaml {

    // PyYAML's float: a dot is required, the exponent needs a sign
    private static final Pattern PY_FLOAT = Pattern.compile("^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
            + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
            + "|[-+]?\\.(?:inf|Inf|INF)"
            + "|\\.(?:nan|NaN|NAN))$");

    private PyYaml() {
    }

    /** PyYAML's implicit types. */
    private static final class PyYamlResolver extends Resolver {

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, PY_FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
            addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789");
        }
    }

    /** safe_load's types, with timestamps as Python's date and datetime. */
    private static final class PyYamlConstructor extends SafeConstructor {

        PyYamlConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return PythonDate.parse(((ScalarNode) node).getValue());
                }
            });
        }
    }

    /** Lets the emitter choose every string's style, as PyYAML does (SnakeYAML writes multi-line ones as |). */
    private static final class PyYamlRepresenter extends Representer {

        PyYamlRepresenter(DumperOptions options) {
            super(options);
            // PyYAML never writes a multi-line string plain: single-quoted, or double-quoted when it must
            representers.put(String.class, data -> representScalar(Tag.STR, (String) data,
                    ((String) data).indexOf('\n') >= 0 ? DumperOptions.ScalarStyle.SINGLE_QUOTED
                            : DumperOptions.ScalarStyle.PLAIN));
            // a date read from YAML is written back as a timestamp, unquoted
            representers.put(PythonDate.class, data -> representScalar(Tag.TIMESTAMP, data.toString(),
                    DumperOptions.ScalarStyle.PLAIN));
        }
    }

    /**
     * A reader and a writer per thread: SnakeYAML's instances are not thread-safe, and making one (its constructors,
     * representers and resolvers, all registered in maps) cost a tenth of a small file's read.
     */
    private static final ThreadLocal<Loader> LOADER = ThreadLocal.withInitial(Loader::new);
    private static final ThreadLocal<Yaml> DUMPER = ThreadLocal.withInitial(PyYaml::dumper);

    /** A thread's reader, which lets go of the text it read (its constructor keeps the last parser otherwise). */
    private static final class Loader {
        private final PyYamlConstructor constructor;
        private final Yaml yaml;

        Loader() {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // PyYAML keeps the last one
            DumperOptions dumper = new DumperOptions();
            constructor = new PyYamlConstructor(options);
            yaml = new Yaml(constructor, new Representer(dumper), dumper, options, new PyYamlResolver());
        }

        Object load(String text) {
            try {
                return yaml.load(text);
            } finally {
                constructor.setComposer(null);
            }
        }
    }

    static Object load(String text) {
        return LOADER.get().load(text);
    }

    /** Like {@code yaml.dump(value, default_flow_style=False)}. */
    static String dump(Object value) {
        return DUMPER.get().dump(sorted(value));
    }

    private static Yaml dumper() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setAllowUnicode(false);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(80);
        options.setSplitLines(true);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new PyYamlRepresenter(options), options,
                new LoaderOptions(), new PyYamlResolver());
    }

    /** Keys sorted as PyYAML sorts them; values other than maps, lists and plain scalars printed as Python does. */
    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sorted(v)));
            return out;
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof PythonDate) {
            return value;
        }
        return PythonText.str(value);
    }
}

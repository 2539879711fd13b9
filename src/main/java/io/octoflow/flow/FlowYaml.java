package io.octoflow.flow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Reads and pre-checks flow files, which come from many hands (the drop-in directory, {@code POST /api/validate},
 * Kubernetes resources), so that no file can exhaust the service: the size is checked before a byte is read, a
 * file inside a confined root must really be there (a symbolic link leading out is refused at open time), and one
 * linear pass over the YAML events bounds nesting depth, aliases and the number of nodes the document expands to
 * (an "alias bomb" of a few hundred bytes expands to billions) before anything is built. Each refusal names the
 * limit and the setting that raises it. See docs/SECURITY.md.
 */
public final class FlowYaml {

    /** The limits, as the settings FLOW_FILE_MAX_BYTES, _DEPTH, _ALIASES and _NODES give them. */
    public record Limits(long maxBytes, int maxDepth, int maxAliases, long maxNodes) {
        public static final Limits DEFAULTS = new Limits(1_048_576, 64, 50, 100_000);

        public Limits {
            if (maxBytes <= 0 || maxDepth <= 0 || maxAliases < 0 || maxNodes <= 0) {
                throw new IllegalArgumentException("flow file limits must be positive: " + maxBytes + ", "
                        + maxDepth + ", " + maxAliases + ", " + maxNodes);
            }
        }
    }

    /** A file refused before parsing (too large, not a regular file, outside its root, not UTF-8). */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    /** A document over a limit, with the place where it went over; reported as {@code file:line:column}. */
    public static final class LimitExceeded extends MarkedYamlEngineException {
        LimitExceeded(String problem, Optional<Mark> mark) {
            super(null, Optional.empty(), problem, mark);
        }
    }

    /** Process-wide, as the settings are: set once by the service from its configuration. */
    private static volatile Limits limits = Limits.DEFAULTS;

    private FlowYaml() {
    }

    /**
     * What a flow file is, the one rule for the watcher, the start-up scan and {@code validate} of a directory:
     * a name ending in {@code .yml} or {@code .yaml} that does not start with a dot (editors' lock and swap files
     * such as Emacs's {@code .#flow.yml}).
     */
    public static boolean isFlowFile(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String text = name.toString();
        return !text.startsWith(".") && (text.endsWith(".yml") || text.endsWith(".yaml"));
    }

    private static final java.util.regex.Pattern CAMEL_ROUTES = java.util.regex.Pattern.compile(
            "^-\\s*(route|from|rest|beans|routeConfiguration|routeTemplate|templatedRoute|errorHandler"
                    + "|intercept|interceptFrom|interceptSendToEndpoint|onException|onCompletion)\\s*:",
            java.util.regex.Pattern.MULTILINE);

    /**
     * Whether a file's text is Camel YAML DSL ({@code - route:}, {@code - from:}...) rather than a flow: FLOWS_PATH
     * deploys such files as the Camel routes they declare. Here so that the start-up's readers, which have the
     * text in hand, can tell it without reading the file again.
     */
    public static boolean isCamelRoutes(String text) {
        return CAMEL_ROUTES.matcher(text).find();
    }

    public static Limits limits() {
        return limits;
    }

    public static void limit(Limits given) {
        limits = java.util.Objects.requireNonNull(given, "limits");
    }

    /**
     * The text of a flow file. When {@code file} lies under {@code confinedRoot} (may be null), its real path
     * (symbolic links resolved) must lie under the root's real path too, and that real path is what is opened,
     * without following links; the size is checked on the opened file, and at most the limit is ever read.
     */
    public static String read(Path file, Path confinedRoot) throws IOException {
        Limits current = limits;
        Path absolute = file.toAbsolutePath().normalize();
        Path real = absolute.toRealPath();
        if (confinedRoot != null) {
            Path root = confinedRoot.toAbsolutePath().normalize();
            if (absolute.startsWith(root) && !real.startsWith(root.toRealPath())) {
                throw new Refused("the file is a symbolic link leading outside FLOWS_PATH; it is not read");
            }
        }
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            // a FIFO or a device would block or never end
            throw new Refused("not a regular file");
        }
        try (SeekableByteChannel channel = Files.newByteChannel(real, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size > current.maxBytes()) {
                throw tooLarge(size, current);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // the file may grow while read: more than announced is refused below
            }
            if (buffer.position() > current.maxBytes()) {
                throw tooLarge(buffer.position(), current);
            }
            buffer.flip();
            return decode(buffer);
        }
    }

    /** Text given directly (a request body), checked against the same size limit. */
    public static void checkSize(long bytes) throws Refused {
        if (bytes > limits.maxBytes()) {
            throw tooLarge(bytes, limits);
        }
    }

    private static Refused tooLarge(long size, Limits current) {
        return new Refused("the file has " + size + " bytes, more than the " + current.maxBytes()
                + " a flow file may have (setting FLOW_FILE_MAX_BYTES)");
    }

    private static String decode(ByteBuffer bytes) throws Refused {
        int start = bytes.position();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("not UTF-8 text (an invalid byte near offset " + (bytes.position() - start)
                    + "); flow files are UTF-8");
        }
    }

    /** The settings every flow document is parsed with. */
    public static LoadSettings settings(String label) {
        Limits current = limits;
        return LoadSettings.builder()
                .setLabel(label)
                .setSchema(SCHEMA)
                .setMaxAliasesForCollections(current.maxAliases())
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, Math.max(current.maxBytes(), 1)))
                // reported by YNode with their position, instead of an exception without one
                .setAllowNonScalarKeys(true)
                .build();
    }

    /**
     * YAML 1.2's core schema with one resolver (its regexes are only read when resolving): CoreSchema builds a new
     * resolver for every composer, a good part of parsing a small flow file.
     */
    private static final Schema SCHEMA = new CoreSchema() {
        private ScalarResolver resolver;

        @Override
        public synchronized ScalarResolver getScalarResolver() {
            if (resolver == null) {
                resolver = super.getScalarResolver();
            }
            return resolver;
        }
    };

    /** The settings documents are composed with, built once for the current limits (building them costs). */
    private record Composing(Limits limits, LoadSettings settings) {
    }

    private static volatile Composing composing;

    private static LoadSettings composingSettings() {
        Composing current = composing;
        if (current == null || current.limits() != limits) {
            // the label names no file: the problems take their place from the marks, and their file from the parser
            current = new Composing(limits, settings("flow file"));
            composing = current;
        }
        return current.settings();
    }

    /**
     * One pass over the parser's events (the parser keeps a stack of states; it does not recurse, unlike the
     * composer): throws {@link LimitExceeded} at the first place that nests too deep, uses too many aliases, or
     * makes the document expand to too many nodes. A syntax error is thrown as the parser's own, with its place.
     */
    public static void check(String text, String label) {
        EventCheck check = new EventCheck(text);
        for (Event event : new Parse(settings(label)).parseString(text)) {
            check.accept(event);
        }
    }

    /**
     * The document's node tree, composed in the same pass as {@link #check} (each event is checked as the composer
     * takes it, so nothing too deep or too large is ever built): what {@code check} then a composition would give,
     * in one parse. When the composer fails (an undefined alias, a second document), the rest of the text is still
     * parsed and checked, so that a later syntax error or limit is what is reported, as with the two passes.
     */
    static Optional<Node> compose(String text) {
        LoadSettings settings = composingSettings();
        CheckedParser parser = new CheckedParser(new ParserImpl(settings, new StreamReader(settings, text)),
                new EventCheck(text));
        try {
            return new Composer(settings, parser).getSingleNode();
        } catch (RuntimeException e) {
            if (!parser.failed) {
                while (parser.hasNext()) {
                    parser.next();
                }
            }
            throw e;
        }
    }

    /** The limits, checked on each event in document order. */
    private static final class EventCheck {
        private final Limits current = limits;
        private final Map<String, Long> anchored = new HashMap<>();
        private final Deque<Frame> open = new ArrayDeque<>();
        private long nodes;
        private int aliases;

        EventCheck(String text) {
            if (text.length() > current.maxBytes()) {
                throw new LimitExceeded("the document has " + text.length() + " characters, more than the "
                        + current.maxBytes() + " a flow file may have (setting FLOW_FILE_MAX_BYTES)",
                        Optional.empty());
            }
        }

        void accept(Event event) {
            long size;
            if (event instanceof CollectionStartEvent start) {
                if (open.size() + 1 > current.maxDepth()) {
                    throw new LimitExceeded("nested deeper than " + current.maxDepth() + " levels (setting"
                            + " FLOW_FILE_MAX_DEPTH)", event.getStartMark());
                }
                open.push(new Frame(start.getAnchor().map(a -> a.getValue()).orElse(null)));
                nodes++;
                size = 0; // added to its parent when it ends
            } else if (event.getEventId() == Event.ID.MappingEnd || event.getEventId() == Event.ID.SequenceEnd) {
                Frame done = open.pop();
                if (done.anchor != null) {
                    anchored.put(done.anchor, done.size);
                }
                size = done.size;
            } else if (event instanceof ScalarEvent scalar) {
                nodes++;
                size = 1;
                scalar.getAnchor().ifPresent(a -> anchored.put(a.getValue(), 1L));
            } else if (event instanceof AliasEvent alias) {
                size = anchored.getOrDefault(alias.getAlias().getValue(), 1L);
                if (size > 1 && ++aliases > current.maxAliases()) {
                    throw new LimitExceeded("more than " + current.maxAliases() + " aliases to lists or mappings"
                            + " (setting FLOW_FILE_MAX_ALIASES)", event.getStartMark());
                }
                nodes += size;
            } else {
                return;
            }
            if (nodes > current.maxNodes()) {
                throw new LimitExceeded("the document expands to more than " + current.maxNodes() + " values"
                        + (aliases > 0 ? " (each use of an alias counts its whole anchor)" : "")
                        + " (setting FLOW_FILE_MAX_NODES)", event.getStartMark());
            }
            if (!(event instanceof CollectionStartEvent) && !open.isEmpty()) {
                open.peek().size += size;
            }
        }
    }

    /** The parser the composer reads from: each event it takes is checked first; a failure here is remembered. */
    private static final class CheckedParser implements Parser {
        private final Parser parser;
        private final EventCheck check;
        boolean failed;

        CheckedParser(Parser parser, EventCheck check) {
            this.parser = parser;
            this.check = check;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return guarded(() -> parser.checkEvent(choice));
        }

        @Override
        public Event peekEvent() {
            return guarded(parser::peekEvent);
        }

        @Override
        public boolean hasNext() {
            return guarded(parser::hasNext);
        }

        @Override
        public Event next() {
            return guarded(() -> {
                Event event = parser.next();
                check.accept(event);
                return event;
            });
        }

        private <T> T guarded(java.util.function.Supplier<T> step) {
            try {
                return step.get();
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }

    private static final class Frame {
        final String anchor;
        /** This collection and everything in it, aliases expanded. */
        long size = 1;

        Frame(String anchor) {
            this.anchor = anchor;
        }
    }
}

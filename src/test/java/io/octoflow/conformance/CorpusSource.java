package io.octoflow.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the spooler corpus is (the seven real flows with their templates, config.yml and secrets.yml) and how a
 * run gets its copy of it: flows and templates unchanged, secrets.yml with the two credentials the flows use.
 */
public final class CorpusSource {

    /** Overrides the search (a directory holding flows/ and templates/). */
    public static final String PROPERTY = "octoflow.spoolerCorpus";
    public static final String SECRETS_EXTRA = "/conformance/corpus/secrets-extra.yml";

    private CorpusSource() {
    }

    /**
     * {@code shared/spooler-corpus} beside the project (CI clones the project next to {@code shared/}), or beside
     * one of its parents (a git worktree one level down); fails with where it looked when there is none.
     */
    public static Path locate(Path projectRoot) {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir.resolve("flows"))) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + override + " has no flows/ directory");
            }
            return dir;
        }
        List<Path> looked = new ArrayList<>();
        for (Path dir = projectRoot.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("spooler-corpus");
            looked.add(candidate);
            if (Files.isDirectory(candidate.resolve("flows"))) {
                return candidate;
            }
            if (looked.size() == 2) {
                break;
            }
        }
        throw new IllegalStateException("the spooler corpus is missing: expected the real spooler flows in "
                + looked.get(0) + "/flows (the project's ../shared/spooler-corpus"
                + (looked.size() > 1 ? ", also looked in " + looked.get(1) : "") + "); check out 'shared' beside"
                + " the project or pass -D" + PROPERTY + "=<dir>");
    }

    public static Path projectRoot() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
    }

    /** Copies flows/ and templates/ unchanged to {@code flows} and {@code templates}. */
    public static void copyFlowsAndTemplates(Path corpus, Path flows, Path templates) {
        copyTree(corpus.resolve("flows"), flows);
        copyTree(corpus.resolve("templates"), templates);
    }

    /** The corpus's secrets.yml followed by the credentials of {@value #SECRETS_EXTRA}. */
    public static String secrets(Path corpus) {
        try (var extra = CorpusSource.class.getResourceAsStream(SECRETS_EXTRA)) {
            if (extra == null) {
                throw new IllegalStateException("test resource " + SECRETS_EXTRA + " is missing");
            }
            String shipped = Files.readString(corpus.resolve("secrets.yml"));
            return shipped + (shipped.endsWith("\n") ? "" : "\n") + new String(extra.readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus's secrets", e);
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}

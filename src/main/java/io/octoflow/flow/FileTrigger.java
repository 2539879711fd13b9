package io.octoflow.flow;

import java.nio.file.Path;
import java.util.List;

import io.octoflow.flow.Key.Kind;

/**
 * {@code trigger: {file: {path, pattern?, move_to?}}}: one run per file appearing in a directory of DATA_PATH; a
 * {@code .json} file is parsed as the run's {@code __input__}, any other is its text. After the run the file moves to
 * {@code move_to} (a failed run: to {@code .error}), both inside the watched directory.
 *
 * @param path    the directory, relative to DATA_PATH
 * @param pattern a glob of file names ({@code *.json}); {@code *} by default
 * @param moveTo  where processed files go, relative to the directory
 */
public record FileTrigger(String path, String pattern, String moveTo, At at) implements TriggerDefinition {

    public static final String KIND = "file";
    public static final String ERROR_DIRECTORY = ".error";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String exclusiveKey() {
        // two flows on one directory would race for each file
        return "file trigger directory '" + Path.of(path).normalize() + "'";
    }

    static final class Format implements TriggerFormat {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String description() {
            return "Run once per file appearing in a directory of DATA_PATH; the file (JSON parsed, other text as"
                    + " it is) is __input__.";
        }

        @Override
        public List<Key> keys() {
            return List.of(
                    Key.required("path", Kind.STRING, "The directory watched, relative to DATA_PATH (created if"
                            + " missing); only one flow may watch a directory."),
                    Key.optional("pattern", Kind.STRING, "*", "Glob of the file names taken (*.json, report-*.csv);"
                            + " other files are left alone."),
                    Key.optional("move_to", Kind.STRING, ".done", "Where a file goes after a successful run,"
                            + " relative to the directory (after a failed run: .error)."));
        }

        @Override
        public TriggerDefinition compile(YNode block, TriggerCompiler compiler) {
            YNode pathNode = block.get("path");
            boolean ok = compiler.dataPath(pathNode, "trigger.file.path");
            YNode patternNode = block.get("pattern");
            String pattern = patternNode == null ? "*" : patternNode.text();
            if (pattern.isBlank() || pattern.contains("/") || pattern.contains("\\")) {
                compiler.problem(patternNode, "trigger.file.pattern: expected a glob of file names (*.json),"
                        + " without '/', found '" + pattern + "'");
                ok = false;
            }
            YNode moveNode = block.get("move_to");
            String moveTo = moveNode == null ? ".done" : moveNode.text();
            Path move = Path.of(moveTo).normalize();
            if (moveTo.isBlank() || move.isAbsolute() || move.startsWith("..") || move.toString().isEmpty()
                    || move.toString().equals(ERROR_DIRECTORY)) {
                compiler.problem(moveNode, "trigger.file.move_to: expected a directory inside the watched one"
                        + " (relative, not '..', not '.error'), found '" + moveTo + "'");
                ok = false;
            }
            return ok ? new FileTrigger(pathNode.text(), pattern, moveTo, compiler.at(block)) : null;
        }
    }
}

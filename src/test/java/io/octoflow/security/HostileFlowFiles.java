package io.octoflow.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Generated malformed flow files, each a way a file in FLOWS_PATH (or a {@code POST /api/validate} body) has
 * been, or could be, made to hurt the service: bombs, depth, size, binary, bad encodings, links, odd file kinds.
 * {@link #write} lays them out in a directory; {@link #contents} are the ones that are plain bytes.
 */
final class HostileFlowFiles {

    /** The alias bomb of issue 18 #1: 50 aliases (within SnakeYAML's limit) expanding to 10^5 lists of 10. */
    static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("name: bomb\n");
        yaml.append("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char level = 'b'; level <= 'f'; level++) {
            yaml.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = level;
        }
        yaml.append("steps:\n  - name: s\n    type: set_fact\n    set_fact:\n      value: *f\n");
        return yaml.toString();
    }

    /** Issue 18 #2: 20 KB nested 10,000 deep (flow style), which overflowed the stack. */
    static String deepLists(int depth) {
        return "name: deep\nsteps: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
    }

    static String deepMappings(int depth) {
        return "name: deep\nsteps: " + "{a: ".repeat(depth) + "1" + "}".repeat(depth) + "\n";
    }

    /** Every generated file that is plain bytes, by name. */
    static Map<String, byte[]> contents() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("alias-bomb.yml", utf8(aliasBomb()));
        files.put("alias-bomb-keys.yml", utf8("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b {? *a : *a, c: [*a, *a, *a]}\n"
                + "c: &c [" + "*b, ".repeat(49) + "*b]\n" + "name: keys\nsteps: []\n"));
        files.put("recursive-alias.yml", utf8("name: loop\nsteps: &s [{name: a, type: debug, debug: *s}]\n"));
        files.put("deep-lists.yml", utf8(deepLists(10_000)));
        files.put("deep-mappings.yml", utf8(deepMappings(10_000)));
        files.put("deep-block.yml", utf8(deepBlock(700)));
        files.put("large.yml", large(4 * 1024 * 1024));
        files.put("long-scalar.yml", utf8("name: long\ndescription: " + "x".repeat(1_100_000) + "\nsteps: []\n"));
        files.put("binary.yml", binary(64 * 1024));
        files.put("nul-bytes.yml", utf8("name: a\u0000b\nsteps: []\n"));
        files.put("latin1.yml", "name: caf\u00e9\nsteps: []\n".getBytes(StandardCharsets.ISO_8859_1));
        files.put("utf16.yml", "\uFEFFname: u16\nsteps: []\n".getBytes(StandardCharsets.UTF_16LE));
        files.put("truncated-utf8.yml", new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE2, (byte) 0x82});
        files.put("empty.yml", new byte[0]);
        files.put("only-comment.yml", utf8("# nothing here\n"));
        files.put("not-a-mapping.yml", utf8("- just\n- a\n- list\n"));
        files.put("unclosed.yml", utf8("name: x\nsteps: [ {name: a, type: debug\n"));
        files.put("template-key.yml", utf8("name: t\nsteps:\n  - {{ name }}: x\n"));
        files.put("many-documents.yml", utf8("name: a\nsteps: []\n---\nname: b\n".repeat(2_000)));
        files.put("tabs.yml", utf8("name: tabs\nsteps:\n\t- name: a\n"));
        // a Camel YAML DSL route file goes to Camel's loader: it gets the same limits first
        files.put("camel-bomb.yml", utf8("- from:\n    uri: direct:bomb\n    steps: [{log: x}]\n"
                + aliasBomb().replace("name: bomb\n", "").replaceAll("(?m)^steps:.*\\n(  .*\\n)*", "")
                        .replaceAll("(?m)^([a-f]): ", "- $1: ")));
        return files;
    }

    /** A document nested {@code depth} deep in block style (indentation grows: 700 deep is ~0.5 MB). */
    private static String deepBlock(int depth) {
        StringBuilder yaml = new StringBuilder("name: block\nsteps:\n");
        for (int i = 0; i < depth; i++) {
            yaml.append("  ".repeat(i + 1)).append("- \n");
        }
        return yaml.toString();
    }

    private static byte[] large(int bytes) {
        StringBuilder yaml = new StringBuilder(bytes + 100).append("name: large\nsteps:\n");
        int i = 0;
        while (yaml.length() < bytes) {
            yaml.append("  - name: s").append(i++).append("\n    type: debug\n");
        }
        return utf8(yaml.toString());
    }

    private static byte[] binary(int size) {
        byte[] bytes = new byte[size];
        new Random(18).nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes every hostile file into {@code dir}, plus the kinds that are not plain bytes: a link to a valid flow
     * outside FLOWS_PATH, a dangling link, a directory and a named pipe with a flow file's name.
     *
     * @return how many hostile entries were made
     */
    static int write(Path dir, Path outside) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int count = 0;
        for (Map.Entry<String, byte[]> file : contents().entrySet()) {
            Files.write(dir.resolve(file.getKey()), file.getValue());
            count++;
        }
        Path target = outside.resolve("outside-flow.yml");
        if (!Files.exists(target)) {
            Files.createDirectories(outside);
            Files.writeString(target, "name: outside\nsteps:\n  - name: a\n    type: debug\n");
        }
        Files.createSymbolicLink(dir.resolve("link-outside.yml"), target);
        Files.createSymbolicLink(dir.resolve("dangling.yml"), outside.resolve("missing.yml"));
        Files.createDirectories(dir.resolve("directory.yml"));
        count += 3;
        Process fifo = new ProcessBuilder("mkfifo", dir.resolve("pipe.yml").toString()).start();
        if (fifo.waitFor() == 0) {
            count++;
        }
        return count;
    }

    private HostileFlowFiles() {
    }
}

package io.octoflow.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.flow.Problem;
import io.octoflow.support.FlowFixture;

class PathConfinementTest {

    private static final String OUTSIDE_CONTENT = "content outside every root";

    @TempDir
    Path dir;
    FlowFixture fx;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        fx = new FlowFixture(dir.resolve("octoflow"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), OUTSIDE_CONTENT);
        Files.writeString(outside.resolve("outside.j2"), OUTSIDE_CONTENT);
        Files.writeString(outside.resolve("other.yml"), """
                name: other
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 1
                """);
        // the same files one level above each root, reachable with ../
        Files.writeString(fx.root().resolve("secret.txt"), OUTSIDE_CONTENT);
        Files.writeString(fx.root().resolve("outside.j2"), OUTSIDE_CONTENT);
        Files.copy(outside.resolve("other.yml"), fx.root().resolve("other.yml"));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Problem onlyProblem(String flowFile) {
        InvalidFlowException e = catchThrowableOfType(InvalidFlowException.class,
                () -> fx.load(flowFile));
        assertThat(e).as("loading %s must fail validation", flowFile).isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    private void fileFlow(String flowFile, String path, String mode) {
        fx.flow(flowFile, """
                name: %s
                steps:
                  - name: payload
                    type: set_fact
                    set_fact:
                      value: written
                  - name: touch file
                    type: file
                    file:
                      path: "%s"
                      mode: %s
                %s
                """.formatted(flowFile.replace(".yml", ""), path, mode,
                mode.equals("read") ? "" : "      data_key: payload"));
    }

    @Test
    void constantDotDotPathIsRefusedAtValidation() {
        fileFlow("dotdot.yml", "../secret.txt", "read");
        fileFlow("deep_dotdot.yml", "sub/../../secret.txt", "read");
        fileFlow("dotdot_write.yml", "../written.txt", "write");

        for (String flow : new String[] {"dotdot.yml", "deep_dotdot.yml", "dotdot_write.yml"}) {
            Problem problem = onlyProblem(flow);
            assertThat(problem.line()).as(flow).isEqualTo(10);
            assertThat(problem.message()).contains("touch file").contains("..").contains("DATA_PATH");
        }
        assertThat(onlyProblem("dotdot.yml").message()).contains("'../secret.txt'");
        assertThat(onlyProblem("deep_dotdot.yml").message()).contains("'sub/../../secret.txt'");
        assertThat(fx.root().resolve("written.txt")).doesNotExist();
    }

    @Test
    void constantAbsolutePathIsRefusedAtValidation() {
        String absolute = outside.resolve("secret.txt").toString();
        fileFlow("absolute.yml", absolute, "read");
        fileFlow("absolute_inside.yml", fx.data().resolve("x.txt").toString(), "read");

        Problem problem = onlyProblem("absolute.yml");
        assertThat(problem.line()).isEqualTo(10);
        assertThat(problem.message()).contains("touch file").contains(absolute);
        // even an absolute path that happens to point inside DATA_PATH: paths are relative to DATA_PATH
        assertThat(onlyProblem("absolute_inside.yml").message()).contains("touch file");
    }

    private Path linkToOutside() {
        Path link = fx.data().resolve("link");
        try {
            Files.createSymbolicLink(link, outside);
        } catch (IOException | UnsupportedOperationException e) {
            Assumptions.abort("symbolic links are not available here: " + e);
        }
        return link;
    }

    @Test
    void symlinkLeadingOutsideIsRefusedAtRunTime() {
        linkToOutside();
        fileFlow("link_read.yml", "{{ where }}/secret.txt", "read");
        fileFlow("link_write.yml", "{{ where }}/new.txt", "write");

        RunResult read = fx.run("link_read.yml", Map.of("where", "link"));
        RunResult write = fx.run("link_write.yml", Map.of("where", "link"));

        assertThat(read.status()).isEqualTo(RunStatus.FAILED);
        assertThat(read.error()).contains("failed at step 'touch file'").contains("'link/secret.txt'")
                .contains("symbolic link");
        assertThat(String.valueOf(read.data())).doesNotContain(OUTSIDE_CONTENT);
        assertThat(write.status()).isEqualTo(RunStatus.FAILED);
        assertThat(write.error()).contains("failed at step 'touch file'").contains("'link/new.txt'")
                .contains("symbolic link");
        assertThat(outside.resolve("new.txt")).doesNotExist();
    }

    @Test
    void constantPathThroughASymlinkLeadingOutsideIsRefusedAtValidation() {
        linkToOutside();
        fileFlow("link_const.yml", "link/secret.txt", "read");

        // README: "a symbolic link leading outside is refused ... at validation for fixed paths"
        Problem problem = onlyProblem("link_const.yml");
        assertThat(problem.line()).isEqualTo(10);
        assertThat(problem.message()).contains("touch file").contains("link/secret.txt");
    }

    @Test
    void symlinkStayingInsideIsAllowed() throws IOException {
        Files.createDirectories(fx.data().resolve("real"));
        Files.writeString(fx.data().resolve("real/inside.txt"), "inside");
        try {
            Files.createSymbolicLink(fx.data().resolve("alias"), fx.data().resolve("real"));
        } catch (IOException | UnsupportedOperationException e) {
            Assumptions.abort("symbolic links are not available here: " + e);
        }
        fileFlow("alias.yml", "alias/inside.txt", "read");

        RunResult r = fx.run("alias.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("touch file", "inside");
    }

    @Test
    void templatedPathRenderedOutsideIsRefusedAtRunTime() {
        fileFlow("templated_read.yml", "{{ name }}", "read");
        fileFlow("templated_write.yml", "out/{{ name }}", "write");

        RunResult read = fx.run("templated_read.yml", Map.of("name", "../secret.txt"));
        RunResult write = fx.run("templated_write.yml", Map.of("name", "../../escape.txt"));
        RunResult absolute = fx.run("templated_read.yml", Map.of("name", outside.resolve("secret.txt").toString()));

        assertThat(read.status()).isEqualTo(RunStatus.FAILED);
        assertThat(read.error()).contains("failed at step 'touch file'").contains("'../secret.txt'")
                .contains("outside DATA_PATH");
        assertThat(String.valueOf(read.data())).doesNotContain(OUTSIDE_CONTENT);
        assertThat(write.status()).isEqualTo(RunStatus.FAILED);
        assertThat(write.error()).contains("failed at step 'touch file'").contains("'out/../../escape.txt'")
                .contains("outside DATA_PATH");
        assertThat(fx.root().resolve("escape.txt")).doesNotExist();
        assertThat(absolute.status()).isEqualTo(RunStatus.FAILED);
        assertThat(absolute.error()).contains("failed at step 'touch file'").contains("absolute");
        assertThat(String.valueOf(absolute.data())).doesNotContain(OUTSIDE_CONTENT);
    }

    @Test
    void templatedPathStayingInsideIsAllowed() {
        fx.dataFile("in/ok.txt", "fine");
        fileFlow("templated_ok.yml", "in/../{{ name }}", "read");

        RunResult r = fx.run("templated_ok.yml", Map.of("name", "in/ok.txt"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("touch file", "fine");
    }

    @Test
    void jinjaTemplatePathOutsideTemplatesPathIsRefusedAtValidation() {
        fx.flow("jinja_out.yml", """
                name: jinja out
                steps:
                  - name: render outside
                    type: jinja
                    jinja:
                      path: ../outside.j2
                """);
        fx.flow("jinja_abs.yml", """
                name: jinja abs
                steps:
                  - name: render absolute
                    type: jinja
                    jinja:
                      path: %s
                """.formatted(outside.resolve("outside.j2")));

        Problem dotdot = onlyProblem("jinja_out.yml");
        assertThat(dotdot.line()).isEqualTo(6);
        assertThat(dotdot.message()).contains("render outside").contains("../outside.j2").contains("TEMPLATES_PATH");
        Problem absolute = onlyProblem("jinja_abs.yml");
        assertThat(absolute.line()).isEqualTo(6);
        assertThat(absolute.message()).contains("render absolute").contains(outside.resolve("outside.j2").toString());
    }

    @Test
    void jinjaIncludeOutsideTemplatesPathDoesNotReadTheFile() {
        fx.template("sneaky.j2", "before[{% include '../outside.j2' %}]after");
        fx.flow("sneaky.yml", """
                name: sneaky
                steps:
                  - name: render sneaky
                    type: jinja
                    jinja:
                      path: sneaky.j2
                """);

        RunResult r = fx.run("sneaky.yml");

        assertThat(String.valueOf(r.data())).doesNotContain(OUTSIDE_CONTENT);
        assertThat(String.valueOf(r.error())).doesNotContain(OUTSIDE_CONTENT);
    }

    @Test
    void jinjaIncludeOutsideTemplatesPathFailsTheStepNamingThePath() {
        fx.template("sneaky.j2", "before[{% include '../outside.j2' %}]after");
        fx.flow("sneaky.yml", """
                name: sneaky
                steps:
                  - name: render sneaky
                    type: jinja
                    jinja:
                      path: sneaky.j2
                """);

        RunResult r = fx.run("sneaky.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        // README: an include leaving TEMPLATES_PATH "is refused with an error naming the step and the path"
        assertThat(r.error()).contains("failed at step 'render sneaky'").contains("../outside.j2");
    }

    @Test
    void flowPathOutsideFlowsPathIsRefusedAtValidation() {
        fx.flow("call_out.yml", """
                name: call out
                steps:
                  - name: call outside
                    type: flow
                    flow:
                      path: ../other.yml
                """);
        fx.flow("loop_abs.yml", """
                name: loop abs
                steps:
                  - name: loop outside
                    type: flow_loop
                    flow_loop:
                      path: %s
                      data_key: items
                """.formatted(outside.resolve("other.yml")));

        Problem dotdot = onlyProblem("call_out.yml");
        assertThat(dotdot.line()).isEqualTo(6);
        assertThat(dotdot.message()).contains("call outside").contains("../other.yml").contains("FLOWS_PATH");
        Problem absolute = onlyProblem("loop_abs.yml");
        assertThat(absolute.line()).isEqualTo(6);
        assertThat(absolute.message()).contains("loop outside").contains(outside.resolve("other.yml").toString());
        assertThat(fx.engine().camelContext().getRoutes()).isEmpty();
    }

    /** Issue 18 #6: a dangling link inside DATA_PATH let a write or append create its target outside. */
    @Test
    void aDanglingLinkInDataPathDoesNotLetAWriteCreateAFileOutside() throws IOException {
        Path target = outside.resolve("created.txt");
        Files.createDirectories(fx.data());
        Files.createSymbolicLink(fx.data().resolve("out.txt"), target);
        fileFlow("dangling_write.yml", "{{ name }}", "write");
        fileFlow("dangling_append.yml", "{{ name }}", "append");

        RunResult write = fx.run("dangling_write.yml", Map.of("name", "out.txt"));
        RunResult append = fx.run("dangling_append.yml", Map.of("name", "out.txt"));

        assertThat(write.status()).isEqualTo(RunStatus.FAILED);
        assertThat(write.error()).contains("'out.txt'").contains("symbolic link");
        assertThat(append.status()).isEqualTo(RunStatus.FAILED);
        assertThat(target).doesNotExist();
        // a fixed path through it is refused when the flow loads
        fileFlow("dangling_fixed.yml", "out.txt", "write");
        assertThat(onlyProblem("dangling_fixed.yml").message()).contains("out.txt");
    }

    /** Issue 18 #6: swapping a directory for a link to outside while writes run put 25 of 400 writes outside. */
    @Test
    void swappingADirectoryForALinkWhileWritingNeverWritesOutside() throws Exception {
        ConfinedPaths data = new ConfinedPaths(fx.data(), "DATA_PATH");
        Path sub = Files.createDirectories(fx.data().resolve("sub"));
        Path parked = fx.data().resolve("parked");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(sub, parked);
                    Files.createSymbolicLink(sub, outside);
                    Thread.onSpinWait();
                    Files.delete(sub);
                    Files.move(parked, sub);
                } catch (IOException e) {
                    // a write created sub meanwhile: swap again
                    try {
                        if (Files.isSymbolicLink(sub)) {
                            Files.delete(sub);
                        }
                        if (Files.isDirectory(parked) && !Files.exists(sub)) {
                            Files.move(parked, sub);
                        }
                    } catch (IOException ignored) {
                        // next round
                    }
                }
            }
        });
        long before = outsideBytes();
        int written = 0;
        int refused = 0;
        swapper.start();
        try {
            for (int i = 0; i < 400; i++) {
                try {
                    data.write(data.resolve("sub/f" + i + ".txt"), "payload " + i, i % 2 == 0);
                    written++;
                } catch (ConfinedPaths.PathOutsideRootException | IOException e) {
                    refused++;
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(written + refused).isEqualTo(400);
        assertThat(outsideBytes()).as("bytes written outside DATA_PATH").isEqualTo(before);
        try (var files = Files.list(outside)) {
            assertThat(files.map(f -> f.getFileName().toString())).allMatch(n -> !n.startsWith("f"));
        }
    }

    private long outsideBytes() throws IOException {
        try (var files = Files.walk(outside)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void aLinkStayingInsideIsFollowedWhenTheFileIsOpened() throws IOException {
        ConfinedPaths data = new ConfinedPaths(fx.data(), "DATA_PATH");
        Files.createDirectories(fx.data().resolve("real"));
        Files.createSymbolicLink(fx.data().resolve("alias"), fx.data().resolve("real"));
        Files.writeString(fx.data().resolve("real/other.txt"), "before");
        Files.createSymbolicLink(fx.data().resolve("real/name.txt"), Path.of("other.txt"));
        data.write(data.resolve("alias/name.txt"), "through two links", false);
        assertThat(fx.data().resolve("real/other.txt")).hasContent("through two links");
        assertThat(data.readString(data.resolve("alias/name.txt"))).isEqualTo("through two links");
        Files.createSymbolicLink(fx.data().resolve("real/away.txt"), outside.resolve("secret.txt"));
        assertThat(catchThrowableOfType(ConfinedPaths.PathOutsideRootException.class,
                () -> data.readString(fx.data().resolve("alias/away.txt")))).hasMessageContaining("outside DATA_PATH");
    }
}

package io.octoflow.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.PlainCamel;

/**
 * What Camel 4.17's idempotent consumer really does with {@link LockIdempotentRepository} on a {@link FileLockStore}:
 * the recipe that makes it a
 * lock, and what goes wrong when one of its options is left at another value.
 */
class LockIdempotentRepositoryCamelTest {

    @TempDir
    Path dir;

    private FileLockStore locks;
    private LockIdempotentRepository repository;
    private DefaultCamelContext context;
    private ProducerTemplate template;

    private final AtomicInteger bodyRuns = new AtomicInteger();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** The flow's work: "block" waits for the test, "fail" throws. */
    private final Processor body = exchange -> {
        bodyRuns.incrementAndGet();
        String mode = exchange.getMessage().getHeader("mode", String.class);
        if ("block".equals(mode)) {
            entered.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } else if ("fail".equals(mode)) {
            throw new IllegalStateException("step failed");
        }
    };

    /** Runs after the idempotent block: records what a trigger would see there. */
    private final Processor after = exchange -> {
        String flow = exchange.getMessage().getHeader("flow", String.class);
        exchange.getMessage().setHeader("afterBlock", true);
        exchange.getMessage().setHeader("lockHeldAfterBlock", repository.contains(flow));
    };

    @BeforeEach
    void createContext() {
        locks = new FileLockStore(dir.resolve("locks"));
        repository = new LockIdempotentRepository(locks);
        context = PlainCamel.withoutCliConnector();
    }

    @AfterEach
    void stopContext() {
        release.countDown();
        context.stop();
    }

    private void start(RouteBuilder... routes) throws Exception {
        for (RouteBuilder route : routes) {
            context.addRoutes(route);
        }
        context.start();
        template = context.createProducerTemplate();
    }

    /** The route flows use: eager add, removeOnFailure, completionEager, skipDuplicate. */
    private RouteBuilder recipe(String uri, String id) {
        return route(uri, id, repository, true, true, true, true, false);
    }

    private RouteBuilder route(String uri, String id, IdempotentRepository repo, boolean eager,
            boolean removeOnFailure, boolean completionEager, boolean skipDuplicate, boolean handleErrors) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                if (handleErrors) {
                    onException(Exception.class).handled(true).setHeader("handled", constant(true));
                }
                from(uri).routeId(id)
                        .idempotentConsumer(header("flow"), repo)
                            .eager(eager).removeOnFailure(removeOnFailure).completionEager(completionEager)
                            .skipDuplicate(skipDuplicate)
                            .process(body)
                        .end()
                        .process(after);
            }
        };
    }

    private Exchange send(String uri, String flow, String mode) {
        return template.send(uri, exchange -> {
            exchange.getMessage().setHeader("flow", flow);
            exchange.getMessage().setHeader("mode", mode);
        });
    }

    private CompletableFuture<Exchange> startBlockedRun(String uri, String flow) throws InterruptedException {
        CompletableFuture<Exchange> run = template.asyncSend(uri, exchange -> {
            exchange.getMessage().setHeader("flow", flow);
            exchange.getMessage().setHeader("mode", "block");
            exchange.setProperty(LockIdempotentRepository.EXECUTION_ID_PROPERTY, "exec-1");
        });
        assertThat(entered.await(5, TimeUnit.SECONDS)).as("first run entered the block").isTrue();
        return run;
    }

    private static boolean duplicate(Exchange exchange) {
        return exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class);
    }

    @Test
    void aSecondRunOfALockedFlowIsSkippedAndMarkedDuplicate() throws Exception {
        start(recipe("direct:run", "run"));
        CompletableFuture<Exchange> first = startBlockedRun("direct:run", "x");
        assertThat(locks.fileFor("x")).isRegularFile();
        assertThat(locks.get("x")).hasValueSatisfying(lock -> {
            assertThat(lock.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(lock.execution()).as("execution id from the exchange property").isEqualTo("exec-1");
        });

        Exchange second = send("direct:run", "x", "quick");
        assertThat(Exchange.DUPLICATE_MESSAGE).isEqualTo("CamelDuplicateMessage");
        assertThat(duplicate(second)).isTrue();
        assertThat(second.isFailed()).isFalse();
        assertThat(bodyRuns).as("the block did not run for the duplicate").hasValue(1);
        assertThat(second.getMessage().getHeader("afterBlock", Boolean.class))
                .as("the route goes on after end(), where 'skipped' is recorded").isTrue();

        Exchange otherFlow = send("direct:run", "y", "quick");
        assertThat(duplicate(otherFlow)).isFalse();
        assertThat(bodyRuns).as("another flow is not locked out").hasValue(2);

        release.countDown();
        Exchange firstDone = first.get(5, TimeUnit.SECONDS);
        assertThat(firstDone.isFailed()).isFalse();
        assertThat(duplicate(firstDone)).isFalse();
        assertThat(firstDone.getMessage().getHeader("lockHeldAfterBlock", Boolean.class))
                .as("completionEager: released when the block ends").isFalse();
        assertThat(locks.fileFor("x")).doesNotExist();

        Exchange next = send("direct:run", "x", "quick");
        assertThat(duplicate(next)).isFalse();
        assertThat(bodyRuns).hasValue(3);
        assertThat(locks.list()).isEmpty();
    }

    /** Issue 18 #11 on the route flows use: the end of a run whose lock was forced away releases nothing. */
    @Test
    void theEndOfARunWhoseLockWasForcedAwayLeavesTheNextRunsLock() throws Exception {
        start(recipe("direct:run", "run"));
        CompletableFuture<Exchange> first = startBlockedRun("direct:run", "x"); // owner exec-1

        assertThat(locks.forceRelease("x")).as("DELETE /api/locks/x").isTrue();
        assertThat(locks.take("x", "exec-2")).as("the next run takes the lock").isTrue();

        release.countDown();
        Exchange firstDone = first.get(5, TimeUnit.SECONDS);
        assertThat(firstDone.isFailed()).isFalse();
        assertThat(locks.get("x")).as("the first run's confirm() left the next run's lock")
                .hasValueSatisfying(lock -> assertThat(lock.execution()).isEqualTo("exec-2"));
        assertThat(duplicate(send("direct:run", "x", "quick"))).as("no third run overlaps the second").isTrue();
        assertThat(bodyRuns).hasValue(1);
    }

    @Test
    void aFailedRunReleasesTheLock() throws Exception {
        start(recipe("direct:run", "run"));
        Exchange failed = send("direct:run", "x", "fail");
        assertThat(failed.isFailed()).isTrue();
        assertThat(failed.getException()).hasMessage("step failed");
        assertThat(locks.fileFor("x")).doesNotExist();

        Exchange next = send("direct:run", "x", "quick");
        assertThat(next.isFailed()).isFalse();
        assertThat(duplicate(next)).isFalse();
        assertThat(bodyRuns).hasValue(2);
        assertThat(locks.list()).isEmpty();
    }

    @Test
    void aFailureHandledByOnExceptionReleasesTheLock() throws Exception {
        start(route("direct:run", "run", repository, true, true, true, true, true));
        Exchange handled = send("direct:run", "x", "fail");
        assertThat(handled.isFailed()).isFalse();
        assertThat(handled.getMessage().getHeader("handled", Boolean.class)).isTrue();
        assertThat(locks.fileFor("x")).doesNotExist();

        assertThat(duplicate(send("direct:run", "x", "quick"))).isFalse();
        assertThat(bodyRuns).hasValue(2);
    }

    @Test
    void aLockThatCannotBeTakenFailsTheRunWithoutRunningIt() throws Exception {
        start(recipe("direct:run", "run"));
        java.nio.file.Files.delete(locks.getDirectory());
        java.nio.file.Files.writeString(locks.getDirectory(), "not a directory");
        Exchange run = send("direct:run", "x", "quick");
        assertThat(run.isFailed()).isTrue();
        assertThat(run.getException()).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("flow 'x'");
        assertThat(duplicate(run)).isFalse();
        assertThat(bodyRuns).hasValue(0);
        assertThat(run.getMessage().getHeader("afterBlock")).as("the route stops at the failure").isNull();
    }

    @Test
    void theRepositoryIsStartedWithTheRouteAndRemovesStaleLocks() throws Exception {
        java.nio.file.Files.createDirectories(locks.getDirectory());
        FileLockStoreTest.writeLock(locks.fileFor("x"), "x", FileLockStoreTest.deadPid(),
                FileLockStore.currentHost(), java.time.Instant.now());
        start(recipe("direct:run", "run"));
        assertThat(repository.getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(locks.fileFor("x")).as("stale lock removed at start").doesNotExist();
        assertThat(duplicate(send("direct:run", "x", "quick"))).isFalse();
    }

    @Test
    void removingARouteStopsASharedRepositoryButKeepsTheLocksOfRunningFlows() throws Exception {
        start(recipe("direct:run", "run"), recipe("direct:other", "other"));
        CompletableFuture<Exchange> first = startBlockedRun("direct:run", "x");

        context.getRouteController().stopRoute("other");
        context.removeRoute("other");
        assertThat(repository.isShutdown()).as("Camel shuts the shared repository down with the removed route")
                .isTrue();
        assertThat(context.hasService(repository)).as("and takes it out of the context's services").isFalse();
        assertThat(repository.contains("x")).isTrue();
        assertThat(duplicate(send("direct:run", "x", "quick"))).as("still locked while stopped").isTrue();

        context.addRoutes(recipe("direct:third", "third"));
        assertThat(repository.getStatus()).as("started again by the next route").isEqualTo(ServiceStatus.Started);
        assertThat(repository.contains("x")).as("a restart does not remove live locks").isTrue();
        assertThat(duplicate(send("direct:third", "x", "quick"))).isTrue();

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).isFailed()).isFalse();
        assertThat(locks.list()).isEmpty();
        assertThat(duplicate(send("direct:third", "x", "quick"))).isFalse();
    }

    // ------------------------------------------------------------------ why each option of the recipe

    @Test
    void withCamelDefaultsAndAClassicRepositoryASuccessfulRunBlocksEveryLaterRun() throws Exception {
        IdempotentRepository memory = MemoryIdempotentRepository.memoryIdempotentRepository();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").idempotentConsumer(header("flow"), memory).process(body).end().process(after);
            }
        });
        assertThat(duplicate(send("direct:run", "x", "quick"))).isFalse();
        assertThat(duplicate(send("direct:run", "x", "quick"))).as("confirm() keeps the key").isTrue();
        assertThat(bodyRuns).hasValue(1);
    }

    @Test
    void withoutCompletionEagerTheLockIsHeldUntilTheWholeExchangeEnds() throws Exception {
        start(route("direct:run", "run", repository, true, true, false, true, false));
        Exchange done = send("direct:run", "x", "quick");
        assertThat(done.getMessage().getHeader("lockHeldAfterBlock", Boolean.class))
                .as("still locked while the steps after end() run").isTrue();
        assertThat(repository.contains("x")).as("released at the end of the unit of work").isFalse();
    }

    @Test
    void withoutRemoveOnFailureAFailedRunKeepsItsLock() throws Exception {
        start(route("direct:run", "run", repository, true, false, true, true, false));
        assertThat(send("direct:run", "x", "fail").isFailed()).isTrue();
        assertThat(repository.contains("x")).isTrue();
        assertThat(duplicate(send("direct:run", "x", "quick"))).isTrue();
    }

    @Test
    void withoutSkipDuplicateTheDuplicateRunsButItsConfirmCannotReleaseTheRunningFlowsLock() throws Exception {
        start(route("direct:run", "run", repository, true, true, true, false, false));
        CompletableFuture<Exchange> first = startBlockedRun("direct:run", "x");
        Exchange second = send("direct:run", "x", "quick");
        assertThat(duplicate(second)).isTrue();
        assertThat(bodyRuns).as("the duplicate ran the block").hasValue(2);
        assertThat(repository.contains("x")).as("its confirm() is not the owner's: the first run's lock stays")
                .isTrue();
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertThat(repository.contains("x")).as("the owner's confirm() releases it").isFalse();
    }

    @Test
    void withoutEagerTwoRunsOfOneFlowOverlap() throws Exception {
        start(route("direct:run", "run", repository, false, true, true, true, false));
        CompletableFuture<Exchange> first = startBlockedRun("direct:run", "x");
        assertThat(repository.contains("x")).as("nothing is added before the block").isFalse();
        Exchange second = send("direct:run", "x", "quick");
        assertThat(duplicate(second)).isFalse();
        assertThat(bodyRuns).as("both runs entered the block").hasValue(2);
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertThat(repository.contains("x")).as("add() then confirm() at the end").isFalse();
    }
}

package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** Execution ids are version-7 UUIDs: the 36-character form of before, time-ordered, unique across threads. */
class ExecutionIdsTest {

    @Test
    void anIdIsAVersion7UuidInTheUsualFormCarryingItsMillisecond() {
        long before = System.currentTimeMillis();
        String id = ExecutionIds.next();
        long after = System.currentTimeMillis();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        // the counter may run ahead of the clock by a few milliseconds only when ids are made faster than 4,096/ms
        assertThat(ExecutionIds.millis(id)).isBetween(before, after + 5);
        assertThat(ExecutionIds.millis(UUID.randomUUID().toString())).as("an older run's v4 id").isEqualTo(-1);
        assertThat(ExecutionIds.millis("not an id")).isEqualTo(-1);
    }

    @Test
    void idsMadeOneAfterTheOtherSortAsTextInTheOrderTheyWereMade() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // several ids per millisecond: the counter orders them
            made.add(ExecutionIds.next());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void idsMadeByManyThreadsAtOnceAreUniqueAndEachThreadsAreIncreasing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 10_000; i++) {
                        ids.add(ExecutionIds.next());
                    }
                    return ids;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> thread : threads) {
                List<String> ids = thread.get();
                assertThat(ids).isSorted();
                all.addAll(ids);
            }
            assertThat(all).hasSize(80_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTimeAndCounterOfTheNextIdNeverGoBackEvenWhenTheClockDoes() {
        long now = System.currentTimeMillis();
        long first = ExecutionIds.stamp(now + 2); // small: the other tests' ids carry their time
        long second = ExecutionIds.stamp(now); // the clock stepped back
        assertThat(second).isGreaterThan(first);
    }
}

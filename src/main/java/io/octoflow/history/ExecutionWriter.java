package io.octoflow.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.execution.StepRecord;

/**
 * Writes the runs' rows for every thread that records one: the writes wait in a bounded queue, and one thread takes
 * all that is there (up to a batch) and writes them in ONE transaction ({@link ExecutionBatch}), then, when any of
 * them must survive a kill -9 (a launch's admission, an end its caller is about to be told), makes the transaction
 * durable once for all of them ({@link Database#sync}). Each caller waits for its own write's commit: nothing is
 * acknowledged, and no read can miss a row, before it is in the database. Under load the batches grow by
 * themselves: what arrives while one batch is written goes into the next. A full queue blocks the caller
 * (back-pressure, never a dropped row).
 * <p>
 * Flat combining: a caller who finds nobody writing (the {@code combiner} lock free) writes the queue's batch
 * itself, its own write with whatever queued meanwhile, instead of waking the writer thread and waiting to be woken
 * (two thread hand-offs per run, most of a lone caller's cost). Whoever holds the lock writes what is queued; a
 * caller who finds it held waits for its own outcome, and the holder, once its own write is done, leaves what is
 * still queued to the writer thread (started when none runs), so that no caller writes the others' runs for ever.
 * The thread stops after a second without writes and starts again when needed; {@link #close} waits until every
 * queued write is written.
 */
final class ExecutionWriter {

    private static final Logger LOG = LogManager.getLogger(ExecutionWriter.class);
    /** How long the thread waits for a write before it stops (it starts again with the next one). */
    private static final long IDLE_MILLIS = 1000;
    private static final long POLL_MILLIS = 50;

    /** A run's row to write: a row inserted (a run started, or a whole run), or a running row's end. */
    sealed interface Write permits Insert, End {
    }

    /** A row inserted as it is ({@code row}'s status, end, data, steps and dropped count), owned by {@code replica}. */
    record Insert(Execution row, String replica) implements Write {
    }

    /** The end of the running row {@code id}; {@code dropped}: the steps beyond the cap. */
    record End(String id, String status, Instant endedAt, String error, String data, List<StepRecord> steps,
            int dropped) implements Write {
    }

    private record Pending(Write write, boolean durable, CompletableFuture<Boolean> done) {
    }

    private final Database database;
    private final ExecutionBatch batches;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final Object lock = new Object();
    /** Held by whoever writes a batch: a caller (flat combining) or the writer thread; batches never overlap. */
    private final ReentrantLock combiner = new ReentrantLock();
    /** Guarded by {@code lock}: the writing thread, null when none runs; whether {@link #close} was called. */
    private Thread thread;
    private boolean closed;

    /**
     * @param capacity writes that may wait at once before a recording thread blocks (HISTORY_WRITE_QUEUE)
     * @param maxBatch the most writes in one transaction (HISTORY_WRITE_BATCH)
     */
    ExecutionWriter(Database database, ExecutionBatch batches, int capacity, int maxBatch) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("the history writer's queue and batch hold at least 1 write, not "
                    + capacity + " and " + maxBatch);
        }
        this.database = database;
        this.batches = batches;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
    }

    /**
     * Queues {@code write} and waits until its transaction is committed (and, when {@code durable}, in the database
     * file).
     *
     * @return true when written; false for an end that found no running row
     * @throws DatabaseException when the database did not take it
     */
    boolean write(Write write, boolean durable) {
        Pending pending = new Pending(write, durable, new CompletableFuture<>());
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(pending); // blocks while the queue is full: the recording thread waits, nothing is dropped
                break;
            } catch (InterruptedException e) {
                interrupted = true; // a row is never given up for an interrupt: it is what says the run happened
            }
        }
        // an interrupted thread never writes itself: an interrupt during a FileChannel write closes H2's file
        if (interrupted || Thread.currentThread().isInterrupted() || !combine(pending)) {
            startThread();
        }
        try {
            return pending.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new DatabaseException("cannot record " + write + ": " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Flat combining: when nobody writes, writes the queued batches here until {@code own} is written.
     *
     * @return false when someone else must write what is still queued (the writer thread)
     */
    private boolean combine(Pending own) {
        if (!combiner.tryLock()) {
            // whoever holds it writes, or hands to the thread, what is queued when it lets go (own included)
            return true;
        }
        try {
            List<Pending> batch = new ArrayList<>();
            while (!own.done().isDone()) {
                batch.clear();
                if (queue.drainTo(batch, maxBatch) == 0) {
                    break; // taken by the thread's batch, which completes it
                }
                writeBatch(batch);
            }
        } finally {
            combiner.unlock();
        }
        // what queued after the last batch (its callers found the lock held): the thread writes it
        return queue.isEmpty();
    }

    private void startThread() {
        synchronized (lock) {
            if (thread == null) {
                thread = new Thread(this::drain, "octoflow-history-writer");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** Waits until every queued write is written and the thread has stopped; later writes start it again. */
    void close() {
        synchronized (lock) {
            closed = true;
            while (thread != null) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        combiner.lock(); // a caller writing its batch ends it first
        try {
            List<Pending> batch = new ArrayList<>();
            while (queue.drainTo(batch, maxBatch) > 0) {
                writeBatch(batch);
                batch.clear();
            }
        } finally {
            combiner.unlock();
        }
        if (!queue.isEmpty()) {
            startThread(); // queued by a caller who found the lock held here: later writes are still taken
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        long idleSince = System.nanoTime();
        while (true) {
            Pending first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = queue.poll();
            }
            if (first == null) {
                synchronized (lock) {
                    boolean idle = closed || System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
                    if (idle && queue.isEmpty()) {
                        thread = null; // a write queued after this starts a new one
                        lock.notifyAll();
                        return;
                    }
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            combiner.lock(); // after a caller's batch, if one is being written: one batch at a time
            try {
                queue.drainTo(batch, maxBatch - 1);
                writeBatch(batch);
            } finally {
                combiner.unlock();
            }
            idleSince = System.nanoTime();
        }
    }

    /** Writes a batch; an Error goes to its callers, and the writer goes on with the next batch. */
    private void writeBatch(List<Pending> batch) {
        try {
            write(batch);
        } catch (Throwable t) {
            batch.forEach(p -> p.done().completeExceptionally(t));
        }
    }

    private void write(List<Pending> batch) {
        List<Write> writes = new ArrayList<>(batch.size());
        boolean durable = false;
        for (Pending p : batch) {
            writes.add(p.write());
            durable |= p.durable();
        }
        boolean[] written;
        try {
            written = database.inTransaction("record " + batch.size() + " run(s)", c -> batches.write(c, writes));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            // one bad write (a duplicate id, say) must not cost the others theirs: each again, in its own transaction
            LOG.debug("a batch of {} history writes failed, written one by one: {}", batch.size(), e.getMessage());
            for (Pending p : batch) {
                write(List.of(p));
            }
            return;
        }
        if (durable) {
            try {
                database.sync("write " + batch.size() + " recorded run(s) to the database file");
            } catch (RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e)); // committed, but not known to be durable
                return;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(written[i]);
        }
    }
}

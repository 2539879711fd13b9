package io.octoflow.lock;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A {@link LockStore} as the repository of Camel's idempotent consumer, so that a flow never runs twice at once.
 * <p>
 * {@link #add(Exchange, String)} takes the lock for the exchange's execution (the exchange property named at
 * construction, {@value #EXECUTION_ID_PROPERTY} by default), {@link #contains(String)} tells whether it is held, and
 * <b>both {@link #remove(Exchange, String)} and {@link #confirm(Exchange, String)} release it</b>, only when that
 * execution still owns it. A normal idempotent repository keeps a confirmed key forever (that is what
 * de-duplication means); a lock must drop it when the run ends.
 * <p>
 * What Camel 4.17's {@code IdempotentConsumer} does (read from its code, {@code IdempotentConsumer} and
 * {@code IdempotentOnCompletion} in camel-core-processor, and checked by {@code LockIdempotentRepositoryCamelTest}),
 * and therefore the options a flow route sets:
 * <pre>{@code
 * from("direct:flow-x")
 *     .idempotentConsumer(header("flow"), repository)
 *         .eager(true)            // add() BEFORE the block runs: the atomic take is the lock.
 *                                 // eager(false) only calls contains() before and add() + confirm() after
 *                                 // the block: two runs both find the key absent and overlap.
 *         .removeOnFailure(true)  // a failed run calls remove(), also when onException handled the failure.
 *                                 // With false a failed run keeps its lock for good.
 *         .completionEager(true)  // release when the BLOCK ends. With false the release waits for the end of
 *                                 // the exchange's unit of work: the lock is still held while the steps after
 *                                 // end() run (and for as long as a caller's unit of work lasts).
 *         .skipDuplicate(true)    // a locked flow's exchange skips the block. With false the block runs anyway
 *                                 // and its completion calls confirm() (which the owner check then ignores).
 *         .process(runTheFlow)
 *     .end()
 *     .process(recordSkippedWhen(exchangeProperty(Exchange.DUPLICATE_MESSAGE)));
 * }</pre>
 * With eager add Camel never calls {@code add} again: on success it calls {@code confirm(exchange, key)}, on failure
 * {@code remove(exchange, key)}, and this class releases the lock in both. A skipped exchange has the exchange
 * property {@link Exchange#DUPLICATE_MESSAGE} ({@code "CamelDuplicateMessage"}) set to {@code true}, is not failed,
 * and goes on with the processors after {@code end()}: that is where a trigger records "skipped" or the API answers
 * 409. A store whose take throws (lock directory not writable) fails the exchange before the block runs.
 * Camel's defaults are eager, removeOnFailure and skipDuplicate true, completionEager false; with them a classic
 * repository keeps the key after a successful run and blocks every later run. Set all four explicitly.
 * <p>
 * The idempotent consumer starts its repository with its route and, when <em>any</em> route using it is removed,
 * stops it and takes it out of the context's services; the next route starts it again. Starting opens the store
 * (its stale-lock policy runs on the first open only); stopping releases nothing, so that one flow's swap never drops
 * the locks of the flows still running.
 */
public final class LockIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    /** The default exchange property holding the execution id that owns the lock. */
    public static final String EXECUTION_ID_PROPERTY = "OctoflowExecutionId";

    private final LockStore locks;
    private final String ownerProperty;

    public LockIdempotentRepository(LockStore locks) {
        this(locks, EXECUTION_ID_PROPERTY);
    }

    /** @param ownerProperty the exchange property whose value owns the lock (the execution id) */
    public LockIdempotentRepository(LockStore locks, String ownerProperty) {
        this.locks = locks;
        this.ownerProperty = ownerProperty;
    }

    public LockStore locks() {
        return locks;
    }

    private String owner(Exchange exchange) {
        return exchange.getProperty(ownerProperty, String.class);
    }

    @Override
    public boolean add(String key) {
        return locks.take(key, null);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        return locks.take(key, owner(exchange));
    }

    @Override
    public boolean contains(String key) {
        return locks.isHeld(key);
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        return locks.isHeld(key);
    }

    @Override
    public boolean remove(String key) {
        return locks.release(key, null);
    }

    /** A failed run ends: releases its lock, if it still owns it. */
    @Override
    public boolean remove(Exchange exchange, String key) {
        return locks.release(key, owner(exchange));
    }

    @Override
    public boolean confirm(String key) {
        return locks.release(key, null);
    }

    /** A successful run ends: releases its lock, if it still owns it. */
    @Override
    public boolean confirm(Exchange exchange, String key) {
        return locks.release(key, owner(exchange));
    }

    /** Releases every lock of the store. */
    @Override
    public void clear() {
        locks.releaseAll();
    }

    @Override
    protected void doStart() {
        locks.open();
    }

    @Override
    protected void doStop() {
        // locks of running flows must survive a route's removal, which stops a shared repository
    }

    @Override
    public String toString() {
        return "LockIdempotentRepository[" + locks + "]";
    }
}

package io.octoflow.cluster;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.trigger.TriggerSource;

/**
 * A trigger source that runs on one replica at a time: the holder of the {@link LeaderLease}. It starts when this
 * replica becomes the leader (at start, or at a heartbeat once the previous leader's lease expired) and stops when
 * the lease is lost. Loops and Flow resources (Kubernetes watches) run through it in cluster mode.
 */
public final class LeaderOnly implements TriggerSource {

    private static final Logger LOG = LogManager.getLogger(LeaderOnly.class);

    private final TriggerSource source;
    private final LeaderLease lease;
    private boolean running;
    private boolean stopped;

    public LeaderOnly(TriggerSource source, LeaderLease lease, ClusterNode node) {
        this.source = source;
        this.lease = lease;
        node.onBeat(this::follow);
    }

    @Override
    public String name() {
        return source.name() + " (leader only)";
    }

    @Override
    public void start() {
        if (!lease.held()) {
            lease.tryHold();
        }
        follow();
    }

    /** Starts or stops the source to match the lease, called on every heartbeat. */
    synchronized void follow() {
        if (stopped) {
            return;
        }
        boolean leader = lease.held(); // renewed just before, on the same beat (see ClusterWiring)
        if (leader && !running) {
            try {
                source.start();
                running = true;
            } catch (Exception e) {
                LOG.warn("cannot start the {} on the leader: {}", source.name(), e.getMessage());
            }
        } else if (!leader && running) {
            source.stop();
            running = false;
        }
    }

    public synchronized boolean running() {
        return running;
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        if (running) {
            source.stop();
            running = false;
        }
    }
}

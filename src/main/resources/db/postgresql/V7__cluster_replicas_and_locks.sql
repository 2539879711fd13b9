-- Cluster mode (CLUSTER=true on PostgreSQL, io.octoflow.cluster): the replicas alive, the flow locks shared by
-- every replica, and the leader lease. PostgreSQL only (this folder is a Flyway location only for PostgreSQL).
-- Times are the database's own clock (now()), so that replicas with skewed clocks agree on what is stale.

-- One row per replica, its heartbeat refreshed every CLUSTER_HEARTBEAT_SECONDS; a replica whose heartbeat is
-- older than CLUSTER_STALE_SECONDS is dead: its locks are removed, its leader lease taken over.
CREATE TABLE octoflow_replicas (
    id          VARCHAR(200) NOT NULL,
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT       NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    heartbeat   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT pk_octoflow_replicas PRIMARY KEY (id)
);

-- One row per locked flow (io.octoflow.lock.JdbcLockStore): the primary key is the lock.
CREATE TABLE octoflow_locks (
    flow        VARCHAR(4096) NOT NULL,
    execution   VARCHAR(64),             -- the run that owns it (null: a lock without an owner)
    replica     VARCHAR(200) NOT NULL,   -- the replica that took it (octoflow_replicas.id)
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT       NOT NULL,
    since       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT pk_octoflow_locks PRIMARY KEY (flow)
);
CREATE INDEX idx_octoflow_locks_replica ON octoflow_locks (replica);

-- The leader lease (io.octoflow.cluster.LeaderLease): one row per lease name, held by one replica until it expires.
CREATE TABLE octoflow_leases (
    name        VARCHAR(100) NOT NULL,
    holder      VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_octoflow_leases PRIMARY KEY (name)
);

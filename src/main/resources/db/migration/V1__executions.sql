-- Execution history (io.octoflow.history.ExecutionStore).
-- One row per run of a flow and one row per step of that run.
-- Portable SQL: the same file migrates the embedded H2 database and PostgreSQL.
-- Timestamps are TIMESTAMP WITH TIME ZONE (microsecond precision on both).
-- input/data are TEXT (CHARACTER VARYING of up to 10^9 characters on H2 2.x, unlimited
-- text on PostgreSQL); the store caps them (1 MiB by default) before writing.

CREATE TABLE executions (
    id            VARCHAR(64)   NOT NULL,
    flow_name     VARCHAR(1024) NOT NULL,
    flow_path     VARCHAR(4096),
    trigger_type  VARCHAR(32)   NOT NULL,  -- schedule | api | cli | jmx | startup
    scheduled_at  TIMESTAMP WITH TIME ZONE,  -- the trigger's fire time, null unless scheduled
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at      TIMESTAMP WITH TIME ZONE,  -- null while running
    status        VARCHAR(16)   NOT NULL,  -- running | success | failed | exit | skipped | timeout | aborted
    error         VARCHAR(8192),
    input         TEXT,                    -- JSON, capped
    data          TEXT,                    -- JSON, secrets masked, capped
    CONSTRAINT pk_executions PRIMARY KEY (id)
);

CREATE TABLE execution_steps (
    execution_id    VARCHAR(64)   NOT NULL,
    seq             INTEGER       NOT NULL,  -- 0-based, in the order the steps ran
    step            VARCHAR(1024) NOT NULL,
    status          VARCHAR(32)   NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE,
    duration_micros BIGINT        NOT NULL,
    error           VARCHAR(8192),
    CONSTRAINT pk_execution_steps PRIMARY KEY (execution_id, seq),
    CONSTRAINT fk_execution_steps_execution FOREIGN KEY (execution_id)
        REFERENCES executions (id) ON DELETE CASCADE
);

-- list by flow, newest first
CREATE INDEX idx_executions_flow_started ON executions (flow_name, started_at);
-- list by status, newest first; markRunningAborted finds status = 'running'
CREATE INDEX idx_executions_status_started ON executions (status, started_at);
-- list everything newest first; purge by age
CREATE INDEX idx_executions_started ON executions (started_at);
-- lastScheduledFire: the latest scheduled_at of one flow without scanning its history
CREATE INDEX idx_executions_flow_scheduled ON executions (flow_name, scheduled_at);

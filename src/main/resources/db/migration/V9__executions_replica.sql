-- Cluster mode: the replica (octoflow_replicas.id) that owns a running or queued row, so that the others can tell
-- the rows of a dead replica (mark its runs aborted, take over its queued launches) from a live replica's.
-- Null outside cluster mode and for rows written before this column. Few rows are running or queued at once:
-- the owner is read through idx_executions_status_started, no index of its own.
ALTER TABLE executions ADD COLUMN replica_id VARCHAR(200);

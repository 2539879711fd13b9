-- A launch of a concurrency: queue flow waiting for the flow's lock is a row with status 'queued' (started_at: when
-- it was admitted, the queue's order). A restart runs these rows again, each with the timeout its launch had: kept
-- here, in milliseconds (null for every other row).
ALTER TABLE executions ADD COLUMN queue_timeout_ms BIGINT;

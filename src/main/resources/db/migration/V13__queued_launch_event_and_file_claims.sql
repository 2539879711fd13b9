-- A queued launch from an event trigger keeps the event (the run's __trigger__, JSON) so that a restart, or the
-- replica taking over a dead one's queue, runs it with the same __trigger__; null for every other row.
ALTER TABLE executions ADD COLUMN queue_event TEXT;

-- Cluster mode: the files a 'trigger: file' flow took from a directory the replicas share, one row per flow and file
-- (name, size, date). Inserting the row is the claim (its key refuses a second one), so one replica runs a file.
CREATE TABLE file_trigger_taken (
    flow_id   VARCHAR(1024) NOT NULL,
    file_key  VARCHAR(1024) NOT NULL,
    taken_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_file_trigger_taken PRIMARY KEY (flow_id, file_key)
);

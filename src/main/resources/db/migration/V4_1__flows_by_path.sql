-- Flows are identified by their path (spooler files may share a name): the history is read by flow_path,
-- and a pause belongs to a path. (Version 4.1 leaves 4 free for another change made at the same time.)

-- list one flow's runs, newest first; lastScheduledFire of one flow
CREATE INDEX idx_executions_path_started ON executions (flow_path, started_at);
CREATE INDEX idx_executions_path_scheduled ON executions (flow_path, scheduled_at);

-- rows written before this version hold flow names: the service moves each to its flow's path when the name
-- belongs to exactly one deployed flow
ALTER TABLE paused_flows RENAME COLUMN flow_name TO flow_path;

-- A step with retry (an Octoflow addition to the flow format) runs up to retry.max_attempts times; each attempt is
-- a row of execution_steps: its attempt number (1, 2...; every one but the last has status 'retried'). Rows written
-- before this version, and steps without retry, are attempt 1.
ALTER TABLE execution_steps ADD COLUMN attempt INTEGER DEFAULT 1 NOT NULL;

-- A run keeps at most HISTORY_MAX_STEPS_PER_RUN step rows (a goto loop once wrote 814,825 for one run); the rest
-- are only counted here.
ALTER TABLE executions ADD COLUMN steps_dropped INTEGER DEFAULT 0 NOT NULL;

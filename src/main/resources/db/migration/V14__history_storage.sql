-- Issue 17 (fourth session): cheaper to store a run.
--
-- 1. idx_executions_flow_scheduled (flow_name, scheduled_at) has served no query since V4_1: the last scheduled fire
--    is read by flow path (idx_executions_path_scheduled). Every run wrote an entry into it, one B-tree more in each
--    of H2's chunks. The plans of every history query, on H2 and PostgreSQL, are checked by
--    ExecutionRepositoryContract.everyHistoryQueryReadsAnIndex.
DROP INDEX idx_executions_flow_scheduled;

-- 2. A run's final data holds its input again (__input__), for a batch run 1,000 records twice. When the data's
--    __input__ is the run's input, it is written once, in the input column, and left out of data: input_in_data
--    says so, and the history puts it back into data when it reads the run. False for the rows written before
--    (their data holds __input__ itself) and for runs whose flow replaced __input__.
ALTER TABLE executions ADD COLUMN input_in_data BOOLEAN DEFAULT FALSE NOT NULL;

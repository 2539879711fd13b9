-- A queued launch from an event trigger keeps the event (the run's __trigger__, JSON) so that a restart, or the
-- replica taking over a dead one's queue, runs it with the same __trigger__; null for every other row.
ALTER TABLE executions ADD COLUMN queue_event TEXT;

-- Schedules added over the API (POST /api/flows/add, POST /api/v1/schedules): kept here so that a restart (and every
-- replica of a cluster) applies them again; DELETE /api/flows/{id} (or /api/v1/schedules/{id}) removes the row.
-- schedule_id is the schedule's deterministic id (io.octoflow.schedule.ScheduleIds), also its Quartz trigger's key.
CREATE TABLE api_schedules (
    schedule_id               VARCHAR(64)   NOT NULL,
    flow_path                 VARCHAR(1024) NOT NULL,
    cron                      VARCHAR(512),
    every_seconds             BIGINT,
    timeout_seconds           BIGINT,
    first_fire_after_interval BOOLEAN       NOT NULL,
    added_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_api_schedules PRIMARY KEY (schedule_id)
);

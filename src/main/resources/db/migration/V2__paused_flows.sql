-- Flows whose schedules are paused (POST /api/flows/{id}/pause, JMX pause()): they stay paused across restarts.
CREATE TABLE paused_flows (
    flow_name  VARCHAR(1024) NOT NULL,
    paused_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_paused_flows PRIMARY KEY (flow_name)
);

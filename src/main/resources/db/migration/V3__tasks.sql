-- rego's task definitions (POST /api/v1/task): each runs as a flow with one k8s_job step.
CREATE TABLE tasks (
    id                  VARCHAR(64)   NOT NULL,
    name                VARCHAR(253),
    image               VARCHAR(1024) NOT NULL,
    namespace           VARCHAR(253),
    execution_interval  INTEGER,
    enabled             BOOLEAN       NOT NULL,
    deleted             BOOLEAN       NOT NULL,
    cmd                 TEXT,
    args                TEXT,
    metadata            TEXT,
    next_execution_time TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_tasks PRIMARY KEY (id)
);

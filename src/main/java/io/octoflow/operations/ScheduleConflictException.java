package io.octoflow.operations;

import io.octoflow.schedule.ScheduleEntry;

/** A schedule was asked for a flow that may have only one, and it has {@link #existing()}. */
public final class ScheduleConflictException extends OperationException {

    private final transient ScheduleEntry existing;

    public ScheduleConflictException(ScheduleEntry existing) {
        super(Reason.CONFLICT, "flow " + existing.path() + " is already scheduled (schedule " + existing.id() + ", "
                + existing.describe() + ")");
        this.existing = existing;
    }

    public ScheduleEntry existing() {
        return existing;
    }
}

package io.octoflow.task;

import java.util.List;
import java.util.Optional;

/** Where rego task definitions are kept; a deleted task stays, marked, as in rego. */
public interface TaskRepository {

    /** Stores a new task. */
    void insert(Task task);

    /** Replaces the stored definition of {@code task.id()}; false when there is none. */
    boolean update(Task task);

    Optional<Task> find(String id);

    /** Every task not deleted, oldest first. */
    List<Task> live();
}

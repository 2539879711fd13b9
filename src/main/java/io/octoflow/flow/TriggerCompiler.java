package io.octoflow.flow;

/** What a trigger kind may ask for while its block compiles: the flow it belongs to, and where to report. */
public interface TriggerCompiler {

    /** Reports an error at a node (the flow does not load). */
    void problem(YNode at, String message);

    /** The flow's name (its {@code name}, or its file name without extension). */
    String flowName();

    /** The flow's path relative to FLOWS_PATH (its id). */
    String flowPath();

    /** Where {@code node} is, for a problem that another file's deploy reports. */
    TriggerDefinition.At at(YNode node);

    /** Checks that a path is relative and stays inside DATA_PATH (reported at {@code node}); false when it does not. */
    boolean dataPath(YNode node, String key);
}

package io.octoflow.flow;

/**
 * A flow's {@code trigger:} block, compiled: one kind of event that starts a run (Octoflow's addition to the spooler
 * format). Each kind is one record here with its {@link TriggerFormat}, and one source in
 * {@code io.octoflow.trigger} that turns its events into launches.
 */
public interface TriggerDefinition {

    /** The kind's key in the block: {@code webhook}, {@code file}, {@code flow}. */
    String kind();

    /** Where the kind's block is written, for problems that involve another file (two flows on one webhook path). */
    At at();

    /**
     * What no two deployed flows may share (a webhook's path), or null. A second flow claiming a key a deployed flow
     * holds is not deployed.
     */
    default String exclusiveKey() {
        return null;
    }

    /** A position in a flow file: {@code routes/a.yml:4:5}. */
    record At(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }
}

package io.octoflow.flow;

import io.octoflow.template.Template;
import io.octoflow.template.Templates;

/** What a step type may ask for while it compiles: report a problem, compile templates, resolve files. */
public interface StepCompiler {

    /** Reports an error at a node (the flow does not load); the message is prefixed with the step's name. */
    void problem(YNode at, String message);

    /**
     * Reports a warning at a node: one of Octoflow's stricter checks on something the spooler accepts. The flow
     * loads; {@code validate} prints it; {@code validate --strict} fails on it.
     */
    void warning(YNode at, String message);

    /**
     * Reports a warning about something the spooler fails on only when it runs the step (a template or jq program
     * that does not compile): the flow loads, and the step fails with this message each time it runs (an error
     * {@code ignore_errors} and {@code on_error_goto} see). The step's {@code build} is then not called.
     */
    void failsWhenRun(YNode at, String message);

    Templates templates();

    /** Compiles a template written at {@code node}; returns null when it does not parse (see {@link #failsWhenRun}). */
    Template template(YNode node);

    /** Checks that a template file exists inside TEMPLATES_PATH and parses; returns it compiled, or null. */
    Template templateFile(YNode pathNode);

    /** Checks that a fixed file path stays inside DATA_PATH (symbolic links included). */
    void dataFile(YNode pathNode);

    /** Checks that a flow file exists inside FLOWS_PATH and validates (cycles included); returns its path. */
    String subFlow(YNode pathNode);

    /**
     * Records a reference to a step of the same flow (goto); checked once every step is known: a name no step has is
     * a warning (the spooler fails only when it takes that goto). The special targets are always known.
     */
    void stepName(YNode nameNode);

    /** Parses and compiles a step written inside another one (switch cases). */
    StepDefinition<?> nestedStep(YNode stepNode);

    /** Compiles a jq program written at {@code node}; returns false when it does not compile (see {@link #failsWhenRun}). */
    boolean jq(YNode node);
}

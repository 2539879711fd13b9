package io.octoflow.step;

import io.octoflow.flow.StepDefinition;
import io.octoflow.flow.YNode;
import io.octoflow.template.Template;
import io.octoflow.template.Templates;

/** What a step type may ask for while it compiles: report a problem, compile templates, resolve files. */
public interface StepCompiler {

    /** Reports a problem at a node; the message is prefixed with the step's name. */
    void problem(YNode at, String message);

    Templates templates();

    /** Compiles a template written at {@code node}; reports and returns null when it does not parse. */
    Template template(YNode node);

    /** Checks that a template file exists inside TEMPLATES_PATH and parses; returns it compiled, or null. */
    Template templateFile(YNode pathNode);

    /** Checks that a fixed file path stays inside DATA_PATH (symbolic links included). */
    void dataFile(YNode pathNode);

    /** Checks that a flow file exists inside FLOWS_PATH and validates (cycles included); returns its path. */
    String subFlow(YNode pathNode);

    /** Records a reference to a step of the same flow (goto); checked once every step is known. */
    void stepName(YNode nameNode);

    /** Parses and compiles a step written inside another one (switch cases). */
    StepDefinition nestedStep(YNode stepNode);

    /** Compiles a jq program written at {@code node}; reports and returns false when it does not compile. */
    boolean jq(YNode node);
}

package io.octoflow.flow;

import java.util.List;

/** The step types a flow may use, by the name flows write in {@code type:} (the step registry, seen by the format). */
public interface StepFormats {

    /** The step type named {@code type}, or null. */
    StepFormat<?> find(String type);

    List<String> types();

    List<? extends StepFormat<?>> all();
}

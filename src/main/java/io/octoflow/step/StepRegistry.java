package io.octoflow.step;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.datasource.Datasources;
import io.octoflow.flow.StepFormats;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.step.types.DebugStep;
import io.octoflow.step.types.ExitStep;
import io.octoflow.step.types.FileStep;
import io.octoflow.step.types.FlowLoopStep;
import io.octoflow.step.types.FlowStep;
import io.octoflow.step.types.GotoStep;
import io.octoflow.step.types.JinjaStep;
import io.octoflow.step.types.JiraNamesMergeStep;
import io.octoflow.step.types.JqStep;
import io.octoflow.step.types.KafkaStep;
import io.octoflow.step.types.InfluxStep;
import io.octoflow.step.types.KubernetesJobStep;
import io.octoflow.step.types.RestStep;
import io.octoflow.step.types.SetFactStep;
import io.octoflow.step.types.SleepStep;
import io.octoflow.step.types.SqlStep;
import io.octoflow.step.types.SwitchStep;

/** Every step type, by the name flows use in {@code type:}. */
public final class StepRegistry implements StepFormats {

    private final Map<String, StepType<?>> types = new LinkedHashMap<>();

    public StepRegistry(List<StepType<?>> stepTypes) {
        stepTypes.forEach(t -> types.put(t.type(), t));
    }

    /** The standard step types, to validate flows and write the schema: none of them is built. */
    public static StepRegistry standard() {
        return standard(null, null);
    }

    /**
     * The standard step types, to build routes; {@code kubernetes} is the client the {@code k8s_job} step uses,
     * {@code datasources} the databases of the {@code sql} step (their names are checked when a flow loads).
     */
    public static StepRegistry standard(KubernetesAccess kubernetes, Datasources datasources) {
        return new StepRegistry(List.of(
                new FileStep(), new RestStep(), new JqStep(), new JinjaStep(), new FlowStep(), new FlowLoopStep(),
                new JiraNamesMergeStep(), new DebugStep(), new SleepStep(), new ExitStep(), new SwitchStep(),
                new GotoStep(), new SetFactStep(), new KubernetesJobStep(kubernetes), new SqlStep(datasources),
                new KafkaStep(), new InfluxStep()));
    }

    @Override
    public StepType<?> find(String type) {
        return types.get(type);
    }

    @Override
    public List<String> types() {
        return List.copyOf(types.keySet());
    }

    @Override
    public List<StepType<?>> all() {
        return List.copyOf(types.values());
    }
}

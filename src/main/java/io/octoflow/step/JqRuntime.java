package io.octoflow.step;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.execution.Cancellation;
import io.octoflow.step.JqBudget.JqLimitException;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.module.loaders.BuiltinModuleLoader;

/**
 * Evaluates jq programs with jackson-jq (the library camel-jq runs) under limits, so that a runaway program ends
 * its step with an error naming the limit, and its thread is free again, instead of burning a core or filling the
 * heap after its run timed out.
 *
 * <p>Why this way. jackson-jq evaluates on the caller's thread with no hook for interruption, and a Java thread can
 * no longer be stopped from outside (Thread.stop is gone), so evaluating elsewhere and giving up on it would leave
 * the work running. camel-jq's expression collects every output in an unbounded list and offers no hook either. The
 * deepest place jackson-jq lets us in is its function table: every function call, jq-defined built-ins included,
 * is looked up by name in the scope at run time. So each built-in of the root scope is replaced by a checked copy
 * that counts one step per call and per value it emits ({@link JqBudget}: JQ_MAX_STEPS, and the run's
 * cancellation); the built-ins defined in jq (map, select, recurse, until, limit...) call each other through the
 * same table, so a loop through them is counted too. What a loop cannot avoid: range and every other generator,
 * recursion through built-ins, and endless recursion of a program's own functions, which ends in a
 * StackOverflowError, turned here into a step error. The outputs are bounded by JQ_MAX_OUTPUT_NODES before they
 * are converted. An OutOfMemoryError still possible in between (a program building huge values from a small input
 * by syntax alone) is caught here: the evaluation's garbage is unreachable once it unwinds, the step fails and the
 * error is logged.
 */
final class JqRuntime {

    private static final Logger LOG = LogManager.getLogger(JqRuntime.class);
    /** The version camel-jq evaluates with, so that programs behave as they always did here. */
    static final Version VERSION = Versions.JQ_1_6;
    private static final Scope ROOT = checkedRoot();

    private JqRuntime() {
    }

    private static Scope checkedRoot() {
        Scope root = Scope.newEmptyScope();
        root.setModuleLoader(BuiltinModuleLoader.getInstance());
        Map<String, Function> builtins = BuiltinFunctionLoader.getInstance().listFunctions(VERSION, root);
        builtins.forEach((name, function) -> root.addFunction(name, checked(function)));
        return root;
    }

    private static Function checked(Function function) {
        return (scope, args, in, path, output, version) -> {
            JqBudget budget = JqBudget.current();
            if (budget == null) {
                function.apply(scope, args, in, path, output, version);
                return;
            }
            budget.step();
            function.apply(scope, args, in, path, (value, valuePath) -> {
                budget.step();
                output.emit(value, valuePath);
            }, version);
        };
    }

    static JsonQuery compile(String program) throws JsonQueryException {
        return JsonQuery.compile(program, VERSION);
    }

    /**
     * The outputs of {@code query} on {@code input}: at most {@code maxSteps} steps and {@code maxOutputNodes} values
     * in all outputs, stopped when {@code cancellation} (may be null) is set.
     */
    static List<JsonNode> evaluate(JsonQuery query, JsonNode input, long maxSteps, long maxOutputNodes,
            Cancellation cancellation) throws JsonQueryException {
        JqBudget budget = new JqBudget(maxSteps, cancellation);
        List<JsonNode> outputs = new ArrayList<>(1);
        long[] nodes = {0};
        budget.enter();
        try {
            query.apply(Scope.newChildScope(ROOT), input, output -> {
                budget.step();
                nodes[0] += countNodes(output, maxOutputNodes - nodes[0]);
                if (nodes[0] > maxOutputNodes) {
                    throw new JqLimitException("jq program stopped: its output has more than " + maxOutputNodes
                            + " values (JQ_MAX_OUTPUT_NODES)");
                }
                outputs.add(output);
            });
        } catch (StackOverflowError e) {
            throw new JqLimitException("jq program stopped: it recursed deeper than the stack allows (a function"
                    + " calling itself without end?)");
        } catch (OutOfMemoryError e) {
            outputs.clear();
            LOG.error("a jq program ran out of memory (Java heap space) after {} steps; its step fails. Lower"
                    + " JQ_MAX_STEPS or JQ_MAX_OUTPUT_NODES, or give the JVM more heap", budget.steps());
            throw new JqLimitException("jq program stopped: it ran out of memory (Java heap space) after "
                    + budget.steps() + " steps");
        } finally {
            JqBudget.leave();
        }
        return outputs;
    }

    /** The values in {@code tree} (itself included), counting no further than just past {@code room}. */
    private static long countNodes(JsonNode tree, long room) {
        long count = 0;
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(tree);
        while (!pending.isEmpty() && count <= room) {
            JsonNode node = pending.pop();
            count++;
            if (node.isContainerNode()) {
                node.forEach(pending::push);
            }
        }
        return count;
    }
}

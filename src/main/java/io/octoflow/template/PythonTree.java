package io.octoflow.template;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.FunctionNode;
import jinjava.de.odysseus.el.tree.IdentifierNode;
import jinjava.de.odysseus.el.tree.Tree;
import jinjava.javax.el.FunctionMapper;
import jinjava.javax.el.VariableMapper;

/**
 * A parsed expression whose calls bind even when no function of that name is registered: in Jinja2 a variable can
 * be called ({@code pipe()}), which only the running context knows ({@link PythonCall}).
 */
final class PythonTree extends Tree {

    PythonTree(Tree parsed) {
        super(parsed.getRoot(), list(parsed.getFunctionNodes()), list(parsed.getIdentifierNodes()),
                parsed.isDeferred());
    }

    private static <T> List<T> list(Iterable<T> nodes) {
        List<T> out = new ArrayList<>();
        nodes.forEach(out::add);
        return out;
    }

    @Override
    public Bindings bind(FunctionMapper functions, VariableMapper variables, TypeConverter converter) {
        FunctionMapper lenient = functions == null ? null : new FunctionMapper() {
            @Override
            public Method resolveFunction(String prefix, String localName) {
                Method method = functions.resolveFunction(prefix, localName);
                return method != null || !prefix.isEmpty() ? method : PythonCall.UNRESOLVED;
            }
        };
        return super.bind(lenient, variables, converter);
    }
}

package io.octoflow.template;

import java.util.List;

import com.hubspot.jinjava.el.ext.AstTuple;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.javax.el.ELContext;

/** A tuple literal, {@code (1, 'a')}: its value is a {@link PythonTuple}. */
final class TupleLiteral extends AstTuple {

    TupleLiteral(AstParameters elements) {
        super(elements);
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        return new PythonTuple((List<?>) super.eval(bindings, context));
    }
}

package io.octoflow.template;

import java.util.Properties;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;

import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.ExpressionFactory;

/** Jinjava whose expressions parse with {@link PythonSyntax} and convert values with {@link PythonTypeConverter}. */
final class PythonJinjava extends Jinjava {

    private final ExpressionFactory expressions;

    PythonJinjava(JinjavaConfig config) {
        super(config);
        Properties properties = new Properties();
        properties.setProperty(TreeBuilder.class.getName(), PythonSyntax.class.getName());
        this.expressions = new ExpressionFactoryImpl(properties, new PythonTypeConverter());
    }

    @Override
    public ExpressionFactory getExpressionFactory() {
        return expressions;
    }
}

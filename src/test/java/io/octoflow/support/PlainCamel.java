package io.octoflow.support;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnectorFactory;

/**
 * A plain Camel context for tests of Camel-level behaviour. camel-cli-connector is on the class path (for the
 * service), so a plain context would start Camel's CLI connector on its own; its dev-console registry then races the
 * context's start (a ConcurrentModificationException in DefaultDevConsoleRegistry.doStart, seen in CI), and it writes
 * status files under ~/.camel. Octoflow's own context turns it off the same way unless asked.
 */
public final class PlainCamel {

    private PlainCamel() {
    }

    public static DefaultCamelContext withoutCliConnector() {
        DefaultCamelContext context = new DefaultCamelContext();
        CliConnectorFactory cli = context.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        if (cli != null) {
            cli.setEnabled(false);
        }
        return context;
    }
}

package io.octoflow.route;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.cli.connector.LocalCliConnector;
import org.apache.camel.spi.CliConnector;
import org.apache.camel.spi.CliConnectorFactory;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Camel JBang's CLI connector ({@code camel get}, {@code camel get route}, {@code camel top}...): a status file
 * {@code ~/.camel/<pid>-status.json} that the connector rewrites every 2 s from Camel's dev consoles (routes, their
 * counters, endpoints, health), and an action file through which the CLI asks for more.
 * <p>
 * Camel attaches it to every context once {@code camel-cli-connector} is on the class path. Here only the service
 * does ({@link #attach}), and only one context per JVM: the files are named by the process id, so a second context
 * would overwrite the first's status and, stopping, delete the file the first one watches. A flow engine of
 * {@code launch} (or of a test) has none ({@link #disable}).
 */
public final class CamelCliConnector {

    private static final Logger LOG = LogManager.getLogger(CamelCliConnector.class);
    /** The context of this JVM whose connector writes ~/.camel/&lt;pid&gt;*; null when none. */
    private static final AtomicReference<CamelContext> ATTACHED = new AtomicReference<>();

    private CamelCliConnector() {
    }

    /** Called as the context is built, before it starts: no connector unless {@link #attach} turns it on. */
    static void disable(CamelContext context) {
        CliConnectorFactory factory = context.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        if (factory != null) {
            factory.setEnabled(false);
        }
    }

    /**
     * Turns the connector on for {@code context}, before it starts, unless another context of this JVM has it.
     *
     * @return whether this context has it
     */
    public static boolean attach(CamelContext context) {
        if (!ATTACHED.compareAndSet(null, context)) {
            LOG.info("Camel CLI connector not attached: another Camel context of this process has it");
            return false;
        }
        privateCamelDirectory();
        CliConnectorFactory factory = new Factory();
        factory.setRuntimeStartClass("io.octoflow.Octoflow");
        context.getCamelContextExtension().addContextPlugin(CliConnectorFactory.class, factory);
        // the next service of this JVM may attach once this one has stopped
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    ATTACHED.compareAndSet(context, null);
                }
            }, true, true);
        } catch (Exception e) {
            ATTACHED.compareAndSet(context, null);
            throw new IllegalStateException("Camel CLI connector: " + e.getMessage(), e);
        }
        return true;
    }

    /** Whether a context of this JVM has the connector. */
    public static boolean attached() {
        return ATTACHED.get() != null;
    }

    /**
     * The connector writes its files with the default permissions: a {@code ~/.camel} made here is the user's alone
     * (its status lists the routes' endpoints; its action file takes commands).
     */
    private static void privateCamelDirectory() {
        Path dir = Path.of(System.getProperty("user.home"), ".camel");
        if (Files.isDirectory(dir) || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.createDirectories(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            LOG.warn("Camel CLI connector: cannot create {}: {}", dir, e.getMessage());
        }
    }

    /** Camel's factory, making {@link Connector}s. */
    private static final class Factory extends DefaultCliConnectorFactory {
        @Override
        public CliConnector createConnector() {
            return isEnabled() ? new Connector(this) : null;
        }
    }

    /**
     * Camel's local connector, but {@code camel stop} (which deletes {@code ~/.camel/<pid>}) does not stop the Camel
     * context under a running service: that would leave a process with no routes, no API and its locks held. The
     * connector detaches instead; the service stops on SIGTERM or Ctrl-C.
     */
    private static final class Connector extends LocalCliConnector {

        Connector(CliConnectorFactory factory) {
            super(factory);
        }

        /**
         * Its thread starts once the context has fully started: the registry of dev consoles starts late in the
         * context's start, iterating the set of consoles that this thread adds to as it resolves them (a
         * ConcurrentModificationException out of the context's start when the two meet).
         */
        @Override
        protected void doStart() throws Exception {
            CamelContext context = getCamelContext();
            if (context == null || context.isStarted()) {
                super.doStart();
                return;
            }
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                    if (isStarted()) {
                        startThread();
                    }
                }
            });
        }

        private void startThread() throws Exception {
            super.doStart();
        }

        @Override
        public void sigterm() {
            LOG.warn("Camel CLI connector: ~/.camel/{} was removed (camel stop): the connector detaches and the service"
                    + " runs on; stop Octoflow with SIGTERM or Ctrl-C", ProcessHandle.current().pid());
            // not from the connector's own thread, which the stop shuts down
            Thread detach = new Thread(() -> ServiceHelper.stopService(this), "camel-cli-detach");
            detach.setDaemon(true);
            detach.start();
        }
    }
}

package io.octoflow.jmx;

import java.lang.management.ManagementFactory;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.operations.FlowOperations;

/**
 * Registers one {@link FlowMBean} per deployed flow in the platform MBean server, and removes it with the flow.
 * Beans are kept by flow path (files may share a name).
 */
public final class FlowMBeans implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FlowMBeans.class);
    public static final String DOMAIN = "io.octoflow";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FlowOperations operations;
    private final ZoneId timezone;
    /** Object names by flow path. */
    private final Map<String, ObjectName> registered = new ConcurrentHashMap<>();

    public FlowMBeans(FlowOperations operations, ZoneId timezone) {
        this.operations = operations;
        this.timezone = timezone;
    }

    /** {@code io.octoflow:type=Flow,name="<name>",path="<path>"}. */
    public static ObjectName name(String flowName, String flowPath) {
        try {
            return new ObjectName(DOMAIN + ":type=Flow,name=" + ObjectName.quote(flowName) + ",path="
                    + ObjectName.quote(flowPath));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("flow '" + flowName + "' (" + flowPath + ") cannot name an MBean", e);
        }
    }

    public void register(FlowDefinition flow) {
        if (registered.containsKey(flow.path())) {
            return;
        }
        String flowName = flow.name();
        ObjectName name = name(flowName, flow.path());
        try {
            StandardMBean bean = new StandardMBean(new ManagedFlow(flow.path(), flowName, operations, timezone),
                    FlowMBean.class);
            try {
                server.registerMBean(bean, name);
            } catch (InstanceAlreadyExistsException e) {
                // left by an earlier service in this JVM (tests): this one takes the name over
                server.unregisterMBean(name);
                server.registerMBean(bean, name);
            }
            registered.put(flow.path(), name);
        } catch (JMException e) {
            LOG.warn("flow '{}' ({}): no MBean: {}", flowName, flow.path(), e.getMessage());
        }
    }

    /** Removes the MBean of the flow at {@code flowPath}. */
    public void unregister(String flowPath) {
        ObjectName name = registered.remove(flowPath);
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            LOG.warn("flow {}: cannot remove its MBean: {}", flowPath, e.getMessage());
        }
    }

    @Override
    public void close() {
        Set.copyOf(registered.keySet()).forEach(this::unregister);
    }
}

package io.octoflow.jmx;

import java.lang.management.ManagementFactory;
import java.time.ZoneId;
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

/** Registers one {@link FlowMBean} per deployed flow in the platform MBean server, and removes it with the flow. */
public final class FlowMBeans implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FlowMBeans.class);
    public static final String DOMAIN = "io.octoflow";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FlowControl control;
    private final ZoneId timezone;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public FlowMBeans(FlowControl control, ZoneId timezone) {
        this.control = control;
        this.timezone = timezone;
    }

    public static ObjectName name(String flowName) {
        try {
            return new ObjectName(DOMAIN + ":type=Flow,name=" + ObjectName.quote(flowName));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("flow name '" + flowName + "' cannot name an MBean", e);
        }
    }

    public void register(String flowName) {
        if (registered.contains(flowName)) {
            return;
        }
        ObjectName name = name(flowName);
        try {
            StandardMBean bean = new StandardMBean(new ManagedFlow(flowName, control, timezone), FlowMBean.class);
            try {
                server.registerMBean(bean, name);
            } catch (InstanceAlreadyExistsException e) {
                // left by an earlier service in this JVM (tests): this one takes the name over
                server.unregisterMBean(name);
                server.registerMBean(bean, name);
            }
            registered.add(flowName);
        } catch (JMException e) {
            LOG.warn("flow '{}': no MBean: {}", flowName, e.getMessage());
        }
    }

    public void unregister(String flowName) {
        if (!registered.remove(flowName)) {
            return;
        }
        try {
            server.unregisterMBean(name(flowName));
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            LOG.warn("flow '{}': cannot remove its MBean: {}", flowName, e.getMessage());
        }
    }

    @Override
    public void close() {
        Set.copyOf(registered).forEach(this::unregister);
    }
}

package io.octoflow.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Set;

import javax.management.RuntimeMBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The flows in JMX, as jconsole sees them: through a real RMI connection to the JVM's MBean server; and through
 * Jolokia over HTTP, as Hawtio sees them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowMBeanTest {

    @TempDir
    static Path root;
    ServiceFixture service;
    Registry rmiRegistry;
    JMXConnectorServer connectorServer;
    JMXConnector connector;
    MBeanServerConnection jmx;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("report.yml", """
                name: report
                every_seconds: 3600
                steps:
                  - name: read input
                    type: set_fact
                    result_key: value
                    set_fact:
                      value: "{{ __input__.day | default('none') }}"
                  - name: write report
                    type: debug
                """);
        service.start();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        rmiRegistry = LocateRegistry.createRegistry(port);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + port + "/jmxrmi");
        connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(url, null,
                ManagementFactory.getPlatformMBeanServer());
        connectorServer.start();
        connector = JMXConnectorFactory.connect(url);
        jmx = connector.getMBeanServerConnection();
    }

    @AfterAll
    void stop() throws Exception {
        connector.close();
        connectorServer.stop();
        UnicastRemoteObject.unexportObject(rmiRegistry, true);
        service.close();
    }

    private long scheduledRuns(String flow) {
        return java.util.stream.StreamSupport.stream(service.get("/api/executions?flow=" + flow).json().spliterator(),
                false).filter(run -> run.get("trigger").asText().equals("schedule")).count();
    }

    private ObjectName flow(String name) throws Exception {
        return new ObjectName("io.octoflow:type=Flow,name=\"" + name + "\",path=\"" + name + ".yml\"");
    }

    @Test
    void eachFlowHasAnMBeanWithItsScheduleAndState() throws Exception {
        ObjectName report = flow("report");
        assertThat(jmx.isRegistered(report)).isTrue();
        assertThat(jmx.getAttribute(report, "Schedule")).isEqualTo("every 3600 s");
        assertThat(jmx.getAttribute(report, "Path")).isEqualTo("report.yml");
        // the first fire comes right after start; the next one an hour later
        await().atMost(Duration.ofSeconds(20)).until(() ->
                scheduledRuns("report") >= 1);
        OffsetDateTime next = OffsetDateTime.parse((String) jmx.getAttribute(report, "NextFireTime"));
        assertThat(next).isAfter(OffsetDateTime.now().plusMinutes(59))
                .isBefore(OffsetDateTime.now().plusHours(1).plusMinutes(1));
        assertThat(jmx.getAttribute(report, "Locked")).isEqualTo(false);
    }

    @Test
    void launchRunsTheFlowWithTheGivenDataAndUnlockRemovesALock() throws Exception {
        ObjectName report = flow("report");
        String id = (String) jmx.invoke(report, "launch", new Object[] {"{\"day\": \"monday\"}"},
                new String[] {String.class.getName()});
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "success".equals(service.get("/api/executions/" + id).json().path("status").asText()));
        JsonNode run = service.get("/api/executions/" + id).json();
        assertThat(run.get("trigger").asText()).isEqualTo("jmx");
        assertThat(run.at("/data/value").asText()).isEqualTo("monday");
        assertThat(jmx.getAttribute(report, "LastStatus")).isEqualTo("success");

        // a stuck run's lock, removed from jconsole
        assertThat(service.service().locks().take("report.yml", "stuck-run")).isTrue();
        assertThat(jmx.getAttribute(report, "Locked")).isEqualTo(true);
        assertThatThrownBy(() -> jmx.invoke(report, "launch", new Object[] {""}, new String[] {String.class.getName()}))
                .isInstanceOf(RuntimeMBeanException.class).hasStackTraceContaining("already running (locked)");
        assertThat(jmx.invoke(report, "unlock", new Object[0], new String[0])).isEqualTo(true);
        assertThat(jmx.getAttribute(report, "Locked")).isEqualTo(false);
        assertThat(jmx.invoke(report, "unlock", new Object[0], new String[0])).isEqualTo(false);
    }

    @Test
    void badJsonIsRefusedWithWhereItWentWrong() {
        assertThatThrownBy(() -> jmx.invoke(flow("report"), "launch", new Object[] {"{\"day\": }"},
                new String[] {String.class.getName()}))
                .hasStackTraceContaining("dataJson: expected JSON").hasStackTraceContaining("line 1 column 9");
    }

    @Test
    void pauseAndResumeFromJmxShowInTheApi() throws Exception {
        ObjectName report = flow("report");
        jmx.invoke(report, "pause", new Object[0], new String[0]);
        assertThat(jmx.getAttribute(report, "Paused")).isEqualTo(true);
        assertThat(service.get("/api/flows").json().at("/flows/0/paused").asBoolean()).isTrue();
        jmx.invoke(report, "resume", new Object[0], new String[0]);
        assertThat(jmx.getAttribute(report, "Paused")).isEqualTo(false);
        assertThat(service.get("/api/flows").json().at("/flows/0/paused").asBoolean()).isFalse();
    }

    @Test
    void camelShowsTheFlowRouteAndItsStepsByName() throws Exception {
        Set<ObjectName> routes = jmx.queryNames(
                new ObjectName("org.apache.camel:type=routes,name=\"flow-report.yml\",*"), null);
        assertThat(routes).hasSize(1);
        Set<ObjectName> steps = jmx.queryNames(new ObjectName("org.apache.camel:type=processors,*"), null);
        assertThat(steps).extracting(name -> name.getKeyProperty("name"))
                .contains("\"report.yml/read input\"", "\"report.yml/write report\"");
    }

    @Test
    void jolokiaServesTheSameMBeansBehindTheApiToken() {
        String read = "/jolokia/read/io.octoflow:type=Flow,name=%22report%22,path=%22report.yml%22/Schedule";
        Response anonymous = service.send(service.request(read).setHeader("Authorization", "Bearer nope"));
        assertThat(anonymous.status()).isEqualTo(401);

        String basic = "Basic " + Base64.getEncoder().encodeToString(("hawtio:" + ServiceFixture.TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        Response answer = service.send(service.request(read).setHeader("Authorization", basic));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("value").asText()).isEqualTo("every 3600 s");

        Response exec = service.post("/jolokia", """
                {"type": "exec", "mbean": "io.octoflow:type=Flow,name=\\"report\\",path=\\"report.yml\\"",
                 "operation": "launch",
                 "arguments": ["{\\"day\\": \\"friday\\"}"]}
                """);
        assertThat(exec.json().get("status").asInt()).as(exec.body()).isEqualTo(200);
        String id = exec.json().get("value").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "friday".equals(service.get("/api/executions/" + id).json().at("/data/value").asText()));
    }
}

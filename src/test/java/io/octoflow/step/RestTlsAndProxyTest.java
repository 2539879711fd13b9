package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpsServer;
import io.octoflow.support.TestProxy;

/** rest over real TLS and through a real proxy: certificates verified or not, CA bundle, HTTPS via CONNECT. */
class RestTlsAndProxyTest {

    @TempDir
    static Path tlsDir;
    static TestHttpsServer https;

    @TempDir
    Path dir;
    FlowFixture fx;
    TestProxy proxy;

    // one certificate for the class: keytool is slow on a busy machine
    @BeforeAll
    static void startHttps() {
        https = TestHttpsServer.start(tlsDir, "{\"version\": \"24.6.1\"}", "awx.example.test");
    }

    @AfterAll
    static void stopHttps() {
        https.close();
    }

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir.resolve("fixture"));
        https.clearRequests();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        if (proxy != null) {
            proxy.close();
        }
    }

    private void flow(String uri, String extra) {
        fx.flow("call.yml", """
                name: tls call
                steps:
                  - name: ping
                    type: rest
                    rest:
                      uri: "%s"
                %s
                """.formatted(uri, extra.indent(6).stripTrailing()));
    }

    @Test
    void httpsThroughAnAuthenticatingConnectProxyTrustsTheCaBundle() {
        proxy = TestProxy.start(https.port(), "proxy-user", "p@ss:word");
        fx.set("HTTPS_PROXY", "http://proxy-user:p%40ss%3Aword@127.0.0.1:" + proxy.port())
                .set("REST_CA_BUNDLE", https.caPem().toString());
        flow("https://awx.example.test/api/v2/ping/", "");

        RunResult r = fx.run("call.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("ping")).isEqualTo(Map.of("version", "24.6.1"));
        assertThat(proxy.served()).containsExactly("CONNECT awx.example.test:443 HTTP/1.1");
        assertThat(https.requests()).containsExactly("GET /api/v2/ping/ awx.example.test");
    }

    @Test
    void anUntrustedCertificateFailsTheStepByDefault() {
        flow("https://127.0.0.1:" + https.port() + "/api/v2/ping/", "");

        RunResult r = fx.run("call.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).containsIgnoringCase("certificat");
        assertThat(https.requests()).isEmpty();
    }

    @Test
    void verifyFalseOnTheStepAcceptsAnyCertificateAndHostName() {
        // the certificate names localhost and awx.example.test, the call uses 127.0.0.1's other name
        flow("https://127.0.0.1:" + https.port() + "/api/v2/ping/", "verify: false");

        RunResult r = fx.run("call.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("ping")).isEqualTo(Map.of("version", "24.6.1"));
    }

    @Test
    void restVerifyTlsFalseTurnsVerificationOffForEveryStep() {
        fx.set("REST_VERIFY_TLS", "false");
        flow("https://localhost:" + https.port() + "/api/v2/ping/", "");

        RunResult r = fx.run("call.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void theCaBundleAloneMakesADirectCallVerified() {
        fx.set("REST_CA_BUNDLE", https.caPem().toString());
        flow("https://localhost:" + https.port() + "/api/v2/ping/", "");

        RunResult r = fx.run("call.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
    }

    @Test
    void plainHttpGoesThroughHttpProxyUnlessNoProxyListsTheHost() {
        try (TestHttpServer server = TestHttpServer.start()) {
            server.respond("/items", 200, "application/json", "{\"n\": 1}");
            proxy = TestProxy.start(server.port(), null, null);
            fx.set("HTTP_PROXY", "127.0.0.1:" + proxy.port()).set("NO_PROXY", "localhost, .internal.test");
            fx.flow("two.yml", """
                    name: proxied and direct
                    steps:
                      - name: proxied
                        type: rest
                        rest:
                          uri: "http://api.example.test/items"
                          query: {a: 1}
                      - name: direct
                        type: rest
                        rest:
                          uri: "http://localhost:%d/items"
                    """.formatted(server.port()));

            RunResult r = fx.run("two.yml");

            assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
            assertThat(r.data().get("proxied")).isEqualTo(Map.of("n", 1));
            assertThat(r.data().get("direct")).isEqualTo(Map.of("n", 1));
            assertThat(proxy.served()).containsExactly("GET http://api.example.test/items?a=1 HTTP/1.1");
            assertThat(server.requests("/items")).hasSize(2);
        }
    }
}

package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;

/**
 * The API's HTTP server against clients that hold connections (issue 18 #15: 3,000 slowloris connections were held
 * 90 s, and with 1,024 file descriptors the API stopped accepting and scheduled fires failed). Real sockets on a
 * started service; bounds on time are generous (a shared machine), the outcome is what is asserted.
 */
class ApiConnectionLimitsTest {

    private static final int SLOW_CLIENTS = 500;

    @TempDir
    Path root;

    @Test
    void slowlorisConnectionsAreClosedAfterTheHeaderTimeoutAndNormalClientsAreServedMeanwhile() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root).set("API_HEADER_TIMEOUT_SECONDS", "3")) {
            service.start();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    Socket socket = new Socket("localhost", service.port());
                    socket.setSoTimeout(1);
                    socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    slow.add(socket);
                }
                // a normal client is answered while the slow ones trickle their heads
                assertThat(service.get("/health/live").status()).isEqualTo(200);
                assertThat(service.get("/api/flows").status()).isEqualTo(200);

                // one header byte a second each, never the blank line that ends a head: closed by the server
                long deadline = System.nanoTime() + 120_000_000_000L;
                int open = SLOW_CLIENTS;
                while (open > 0 && System.nanoTime() < deadline) {
                    open = 0;
                    for (Socket socket : slow) {
                        if (!closedByServer(socket)) {
                            open++;
                            trickle(socket);
                        }
                    }
                    Thread.sleep(1000);
                }
                assertThat(open).as("slow connections still open after 120 s").isZero();
                assertThat(service.get("/health/live").status()).isEqualTo(200);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAtOnce() throws Exception {
        int max = 20;
        try (ServiceFixture service = new ServiceFixture(root).set("API_MAX_CONNECTIONS", String.valueOf(max))
                .set("API_HEADER_TIMEOUT_SECONDS", "600")) {
            service.start();
            List<Socket> held = new ArrayList<>();
            try {
                // the fixture's client may keep one connection alive: fill what is left
                assertThat(service.get("/health/live").status()).isEqualTo(200);
                while (held.size() < max) {
                    Socket socket = new Socket("localhost", service.port());
                    socket.setSoTimeout(60_000);
                    held.add(socket);
                }
                // these are over the maximum: closed by the server without an answer
                for (int i = 0; i < 5; i++) {
                    try (Socket extra = new Socket("localhost", service.port())) {
                        extra.setSoTimeout(60_000);
                        assertThat(readAnswer(extra)).as("connection %d over the maximum", i).isEmpty();
                    }
                }
                // the held ones are still served
                Socket first = held.get(0);
                first.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readAnswer(first)).startsWith("HTTP/1.1 200");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            // once they are gone, new connections are served again
            assertThat(service.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void aHeadOverTheHeaderLimitIsRefused() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root).set("API_MAX_HEADER_BYTES", "2000")) {
            service.start();
            assertThat(service.send(service.request("/api/flows").header("X-Filler", "f".repeat(1500))).status())
                    .isEqualTo(200);
            assertThat(service.send(service.request("/api/flows").header("X-Filler", "f".repeat(3000))).status())
                    .isEqualTo(431);
            assertThat(service.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void bothPortsOfApiProtocolBothServeUnderTheSameLimits() throws Exception {
        int httpsPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            httpsPort = free.getLocalPort();
        }
        try (ServiceFixture service = new ServiceFixture(root).set("API_PROTOCOL", "both")
                .set("API_HTTPS_PORT", String.valueOf(httpsPort)).set("API_HEADER_TIMEOUT_SECONDS", "2")) {
            service.start();
            assertThat(service.get("/health/live").status()).isEqualTo(200);
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            // a TLS connection that sends no request is closed after the header timeout, as on http
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                    .createSocket("localhost", httpsPort)) {
                tls.setSoTimeout(120_000);
                tls.startHandshake();
                assertThat(tls.getInputStream().read()).isEqualTo(-1);
            }
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                    .createSocket("localhost", httpsPort)) {
                tls.setSoTimeout(60_000);
                tls.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readAnswer(tls)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void aLongWaitedLaunchIsNeverCutButAnIdleKeptAliveConnectionIsClosed() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root).set("API_IDLE_TIMEOUT_SECONDS", "2")
                .set("API_HEADER_TIMEOUT_SECONDS", "2")) {
            service.files().flow("nap.yml", """
                    name: nap
                    steps:
                      - name: nap
                        type: sleep
                        sleep:
                          seconds: 8
                    """);
            service.start();
            // the run outlasts both timeouts: its request is being answered, so its connection stays
            ServiceFixture.Response waited = service.post("/api/flows/launch?wait=true", "{\"path\": \"nap.yml\"}");
            assertThat(waited.status()).isEqualTo(200);
            assertThat(waited.json().get("status").asText()).isEqualTo("success");

            try (Socket kept = new Socket("localhost", service.port())) {
                kept.setSoTimeout(120_000);
                kept.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readAnswer(kept)).startsWith("HTTP/1.1 200");
                // kept alive, then idle: closed by the server (the answer's body may still be unread)
                InputStream in = kept.getInputStream();
                while (in.read() != -1) {
                    // the rest of the answer
                }
            }
        }
    }

    @Test
    void theLimitsAreSettingsWithDocumentedDefaults() {
        assertThat(io.octoflow.config.OctoflowConfig.from(java.util.Map.of()).apiLimits())
                .isEqualTo(new io.octoflow.config.ApiLimits(10, 60, 512, 8192, 1_048_576, 1_048_576));
        assertThat(io.octoflow.config.OctoflowConfig.from(java.util.Map.of("API_MAX_CONNECTIONS", "64",
                "API_MAX_RESULT_BYTES", "100")).apiLimits())
                .extracting(io.octoflow.config.ApiLimits::maxConnections, io.octoflow.config.ApiLimits::maxResultBytes)
                .containsExactly(64, 100);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.octoflow.config.OctoflowConfig.from(
                java.util.Map.of("API_HEADER_TIMEOUT_SECONDS", "0"))).hasMessageContaining("API_HEADER_TIMEOUT_SECONDS");
    }

    /** True once the server closed the connection (end of stream, or reset). */
    private static boolean closedByServer(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void trickle(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write('X');
            out.flush();
        } catch (IOException closed) {
            // seen as closed on the next read
        }
    }

    /** The server's answer up to its end or the close of the connection ("" when it closed without one). */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                if (answer.indexOf("\r\n\r\n") >= 0) {
                    break; // a whole head: enough for the status line
                }
            }
        } catch (java.net.SocketException reset) {
            // closed
        }
        return answer.toString();
    }
}

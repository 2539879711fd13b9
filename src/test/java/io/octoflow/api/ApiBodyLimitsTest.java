package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Request and result sizes and body types of a started service's API (issue 18 #14, #19): a body over
 * API_MAX_BODY_BYTES is 413 naming the setting, before it is read; a {@code ?wait=true} result over
 * API_MAX_RESULT_BYTES is not returned whole; form bodies are read as sent, multipart ones are 415.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBodyLimitsTest {

    private static final int MAX_BODY = 4000;
    private static final int MAX_RESULT = 2000;

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root).set("API_MAX_BODY_BYTES", String.valueOf(MAX_BODY))
                .set("API_MAX_RESULT_BYTES", String.valueOf(MAX_RESULT));
        service.files().dataFile("big.json", "{\"text\": \"" + "x".repeat(10 * MAX_RESULT) + "\"}");
        service.files().dataFile("small.json", "{\"text\": \"small\"}");
        service.files().flow("big.yml", """
                name: big
                steps:
                  - name: read
                    type: file
                    file:
                      path: big.json
                """);
        service.files().flow("small.yml", """
                name: small
                steps:
                  - name: read
                    type: file
                    file:
                      path: small.json
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aBodyOverTheLimitIs413NamingTheSettingAndTheServiceStaysUp() throws Exception {
        String big = "{\"path\": \"small.yml\", \"data\": \"" + "a".repeat(MAX_BODY) + "\"}";
        Response sized = service.post("/api/flows/launch", big);
        assertThat(sized.status()).isEqualTo(413);
        assertThat(sized.json().get("error").asText()).contains("API_MAX_BODY_BYTES", String.valueOf(MAX_BODY));

        // no Content-Length (chunked): stopped at the limit too
        Response chunked = service.send(service.request("/api/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.json().get("error").asText()).contains("API_MAX_BODY_BYTES");

        // 200 MB announced, none sent: the answer comes before any of it (nothing is buffered up to the limit)
        try (Socket socket = new Socket("localhost", service.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/validate HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + ServiceFixture.TOKEN + "\r\nContent-Type: application/yaml\r\nContent-Length: 200000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = new String(readSome(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(head).startsWith("HTTP/1.1 413").contains("API_MAX_BODY_BYTES");
        }

        Response fine = service.post("/api/flows/launch?wait=true", "{\"path\": \"small.yml\"}");
        assertThat(fine.status()).isEqualTo(200);
        assertThat(service.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void aWaitedResultOverTheLimitIsNotReturnedWhole() {
        Response big = service.post("/api/flows/launch?wait=true", "{\"path\": \"big.yml\"}");
        assertThat(big.status()).isEqualTo(200);
        assertThat(big.body().length()).isLessThan(MAX_RESULT * 2);
        String id = big.json().get("execution_id").asText();
        assertThat(big.json().get("status").asText()).isEqualTo("success");
        assertThat(big.json().get("data").isNull()).isTrue();
        assertThat(big.json().get("data_truncated").asBoolean()).isTrue();
        assertThat(big.json().get("message").asText()).contains("API_MAX_RESULT_BYTES", String.valueOf(MAX_RESULT),
                "/api/executions/" + id);

        Response small = service.post("/api/flows/launch?wait=true", "{\"path\": \"small.yml\"}");
        assertThat(small.json().at("/data/read/text").asText()).isEqualTo("small");
        assertThat(small.json().has("data_truncated")).isFalse();
    }

    @Test
    void formEncodedBodiesAreReadAsSent() {
        // curl -d '{"path": ...}' sends application/x-www-form-urlencoded unless told otherwise
        Response launched = service.send(service.request("/api/flows/launch?wait=true")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"small.yml\", \"data\": {\"a&b\": \"c=d\"}}")));
        assertThat(launched.status()).as(launched.body()).isEqualTo(200);
        assertThat(launched.json().at("/data/read/text").asText()).isEqualTo("small");
        assertThat(service.get("/api/executions/" + launched.json().get("execution_id").asText()).json()
                .at("/input/a&b").asText()).isEqualTo("c=d");

        Response job = service.send(service.request("/api/v1/jobs")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"small.yml\"}")));
        assertThat(job.status()).as(job.body()).isEqualTo(202);

        // curl --data-binary @flow.yml
        Response validated = service.send(service.request("/api/validate")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name: x\nsteps:\n  - name: a\n    type: set_fact\n"
                        + "    set_fact:\n      value: \"a=b&c\"\n")));
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        assertThat(validated.json().get("valid").asBoolean()).as(validated.body()).isTrue();

        // a form field is no request parameter: 'wait=true' in the body does not make the launch wait
        Response notWaited = service.send(service.request("/api/flows/launch")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("wait=true")));
        assertThat(notWaited.status()).isEqualTo(400);
        assertThat(notWaited.json().get("error").asText()).contains("malformed JSON");
    }

    @Test
    void multipartBodiesAre415NamingWhatToSend() {
        String boundary = "XyZ123";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.yml\"\r\n"
                + "Content-Type: application/yaml\r\n\r\nname: x\n\r\n--" + boundary + "--\r\n";
        for (String path : new String[] {"/api/validate", "/api/flows/launch", "/api/v1/jobs"}) {
            Response answer = service.send(service.request(path)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(multipart)));
            assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(415);
            assertThat(answer.json().get("error").asText()).contains("multipart/form-data",
                    "Content-Type: application/json");
        }
        assertThat(service.get("/health/live").status()).isEqualTo(200);
    }

    /** What the server sends until its JSON answer ends (or it closes). */
    private static byte[] readSome(InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while (!read.toString(StandardCharsets.UTF_8).contains("}") && (n = in.read(buffer)) > 0) {
            read.write(buffer, 0, n);
        }
        return read.toByteArray();
    }
}

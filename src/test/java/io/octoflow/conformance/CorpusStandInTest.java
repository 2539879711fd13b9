package io.octoflow.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The stand-in the corpus suite relies on: a client that keeps the real https URL, only its proxy pointing at
 * the stand-in's CONNECT proxy and trusting the stand-in's PEM, gets the canned answer; the request is recorded
 * with its host, decoded query, headers and parsed body; the certificate names the three hosts only.
 */
class CorpusStandInTest {

    @TempDir
    static Path dir;
    static StandIn standIn;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        standIn = StandIn.start(dir);
        URI proxy = URI.create(standIn.proxyUrl());
        client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())))
                .sslContext(trusting(standIn.caBundle())).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void clear() {
        standIn.server().clear();
    }

    static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("stand-in", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void answersAwxThroughTheProxyWithTheRealUrlAndRecordsTheRequest() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://awx.charko.be/api/v2/job_templates/?name=Demo+Job+Template"))
                .header("Authorization", "Basic YWRtaW46eHh4").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CorpusJson.parse(response.body()).at("/results/0/related/launch").asText())
                .isEqualTo("/api/v2/job_templates/7/launch/");
        JsonNode recorded = standIn.server().received().get(0).toJson();
        assertThat(recorded.toString()).isEqualTo("""
                {"method":"GET","host":"awx.charko.be","path":"/api/v2/job_templates/",\
                "query":{"name":"Demo Job Template"},"headers":{"authorization":"Basic YWRtaW46eHh4"},"body":null}""");
    }

    @Test
    void patchOfAServiceNowRecordIsRecordedWithItsParsedBody() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                "https://dev226512.service-now.com/api/now/table/x_1734579_storag_0_ansible_request/"
                        + "3c5d7e9f0a1b4c2d8e6f1a2b3c4d5e6f"))
                .header("Content-Type", "application/json; charset=UTF-8")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\": \"finished\", \"n\": 1.0}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        StandInRequest recorded = standIn.server().received().get(0);
        assertThat(recorded.method()).isEqualTo("PATCH");
        assertThat(recorded.host()).isEqualTo("dev226512.service-now.com");
        assertThat(recorded.headers()).containsEntry("content-type", "application/json");
        assertThat(recorded.body().toString()).isEqualTo("{\"status\":\"finished\",\"n\":1.0}");
    }

    @Test
    void aRequestWithoutCannedAnswerIsRecordedAndAnswered404() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://vitoresearch-sandbox-292.atlassian.net/rest/api/2/issue/99/transitions"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(standIn.server().received()).extracting(StandInRequest::summary)
                .containsExactly("GET https://vitoresearch-sandbox-292.atlassian.net/rest/api/2/issue/99/transitions");
    }

    @Test
    void theCertificateDoesNotNameOtherHosts() {
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://example.org/")).GET().build(),
                HttpResponse.BodyHandlers.ofString()))
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(standIn.server().received()).isEmpty();
    }
}

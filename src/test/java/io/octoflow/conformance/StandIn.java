package io.octoflow.conformance;

import java.nio.file.Path;

/**
 * The stand-in for the corpus's upstreams, ready to use: certificate, HTTPS server and CONNECT proxy. Clients
 * set HTTPS_PROXY to {@link #proxyUrl()} and trust {@link #caBundle()} (or do not verify, as the spooler).
 */
public final class StandIn implements AutoCloseable {

    private final StandInAnswers answers;
    private final StandInCertificate certificate;
    private final StandInServer server;
    private final StandInProxy proxy;

    private StandIn(StandInAnswers answers, StandInCertificate certificate, StandInServer server,
            StandInProxy proxy) {
        this.answers = answers;
        this.certificate = certificate;
        this.server = server;
        this.proxy = proxy;
    }

    /** Starts with the canned answers of the test resources; {@code dir} receives the keystore and the PEM. */
    public static StandIn start(Path dir) {
        StandInAnswers answers = StandInAnswers.fromResource();
        StandInCertificate certificate = StandInCertificate.create(dir, answers.hosts());
        StandInServer server = StandInServer.start(answers, certificate);
        return new StandIn(answers, certificate, server, StandInProxy.start(server));
    }

    /** Forgets the requests received so far and answers with the canned answers plus those of {@code run}. */
    public void prepare(CorpusCase run) {
        server.answerWith(answers.withFirst(run.answers(), CorpusCase.RESOURCE + " " + run.id() + " answers"));
        server.clear();
    }

    public StandInServer server() {
        return server;
    }

    public String proxyUrl() {
        return proxy.url();
    }

    public Path caBundle() {
        return certificate.pem();
    }

    @Override
    public void close() {
        proxy.close();
        server.close();
    }
}

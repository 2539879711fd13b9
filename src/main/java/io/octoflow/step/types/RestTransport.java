package io.octoflow.step.types;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.config.StepLimits;

/**
 * How rest steps reach servers: the camel-http endpoint URIs, and the TLS and proxy objects they name in the
 * Camel registry. Two endpoints per Camel context (certificates verified, or not for {@code verify: false} and
 * {@code REST_VERIFY_TLS=false}), each with its own connection pool. Verified calls trust the JVM's authorities
 * plus those of {@code REST_CA_BUNDLE}; proxies come from {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY}.
 */
final class RestTransport {

    private static final String VERIFIED_TLS = "octoflowRestVerifiedTls";
    private static final String UNVERIFIED_TLS = "octoflowRestUnverifiedTls";
    private static final String ANY_HOST_NAME = "octoflowRestAnyHostName";
    private static final String ROUTING = "octoflowRestRouting";
    // the real address comes in the CamelHttpUri header; redirects are followed like Python's requests does
    private static final String BASE = "http://octoflow-rest-step?followRedirects=true&okStatusCodeRange=200-299"
            + "&httpClientConfigurer=#" + ROUTING;

    private RestTransport() {
    }

    /** The endpoint URI for a step, after registering what it refers to (once per Camel context). */
    static String endpointUri(CamelContext context, OctoflowConfig config, boolean verify) {
        register(context, config);
        String base = BASE + limits(config.stepLimits());
        if (verify && config.restVerifyTls()) {
            return base + "&sslContextParameters=#" + VERIFIED_TLS;
        }
        return base + "&sslContextParameters=#" + UNVERIFIED_TLS + "&x509HostnameVerifier=#" + ANY_HOST_NAME;
    }

    /**
     * Timeouts and pool sizes (the spooler's requests calls had none): the pool wait and the connection are bounded
     * by the connect timeout; every read of the answer (soTimeout, and responseTimeout for the headers) by the read
     * timeout. A hung server holds at most REST_MAX_CONNECTIONS_PER_HOST connections, fewer than the pool has, and
     * each for at most the read timeout or until its run ends (see {@link RestCallLimits}).
     */
    private static String limits(StepLimits limits) {
        long connect = limits.restConnectTimeoutSeconds() * 1000L;
        long read = limits.restReadTimeoutSeconds() * 1000L;
        return "&connectTimeout=" + connect + "&connectionRequestTimeout=" + connect + "&soTimeout=" + read
                + "&responseTimeout=" + read + "&maxTotalConnections=" + limits.restMaxConnections()
                + "&connectionsPerRoute=" + limits.restMaxConnectionsPerHost();
    }

    private static void register(CamelContext context, OctoflowConfig config) {
        Registry registry = context.getRegistry();
        synchronized (context) {
            if (registry.lookupByName(ROUTING) != null) {
                return;
            }
            registry.bind(VERIFIED_TLS, tls(verifiedTrust(config.restCaBundle())));
            registry.bind(UNVERIFIED_TLS, tls(new TrustEverything()));
            registry.bind(ANY_HOST_NAME, NoopHostnameVerifier.INSTANCE);
            registry.bind(ROUTING, routing(new ProxyRoutePlanner(config.httpsProxy(), config.httpProxy(),
                    config.noProxy()), new RestCallLimits(config.stepLimits())));
        }
    }

    private static HttpClientConfigurer routing(ProxyRoutePlanner planner, RestCallLimits callLimits) {
        return builder -> {
            builder.setRoutePlanner(planner);
            // outermost: redirects, the pool, the connection and the body are all inside the call's limits
            builder.addExecInterceptorFirst("octoflow-call-limits", callLimits);
            // HttpClient retries a 503 or 429 by itself; a request is sent once, as the spooler sends it (a retry
            // of a POST could do its work twice)
            builder.disableAutomaticRetries();
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            for (ProxyRoutePlanner.Proxy proxy : planner.proxies()) {
                if (proxy.user() != null) {
                    credentials.setCredentials(new AuthScope(proxy.host().getHostName(), proxy.host().getPort()),
                            new UsernamePasswordCredentials(proxy.user(), proxy.password().toCharArray()));
                }
            }
            builder.setDefaultCredentialsProvider(credentials);
        };
    }

    private static SSLContextParameters tls(X509TrustManager trust) {
        TrustManagersParameters managers = new TrustManagersParameters();
        managers.setTrustManager(trust);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(managers);
        return parameters;
    }

    /** The JVM's trusted authorities, plus the certificates of a PEM bundle when one is set. */
    static X509TrustManager verifiedTrust(Path caBundle) {
        try {
            X509TrustManager jvm = trustManager(null);
            if (caBundle == null) {
                return jvm;
            }
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caBundle)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("REST_CA_BUNDLE: " + caBundle + " holds no PEM certificate");
            }
            int index = 0;
            for (Certificate certificate : certificates) {
                extra.setCertificateEntry("ca-" + index++, certificate);
            }
            return new EitherTrust(jvm, trustManager(extra));
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("REST_CA_BUNDLE: cannot read " + caBundle + " as PEM certificates: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM offers no X.509 trust manager");
    }

    /** Trusts a server that either manager trusts. */
    private record EitherTrust(X509TrustManager first, X509TrustManager second) implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkClientTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(Arrays.asList(first.getAcceptedIssuers()));
            all.addAll(Arrays.asList(second.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }

    /** For verify: false, as the spooler called every server. */
    private static final class TrustEverything implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not checked on purpose: the flow asked for no verification
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // not checked on purpose: the flow asked for no verification
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

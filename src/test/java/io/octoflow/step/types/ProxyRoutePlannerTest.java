package io.octoflow.step.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;

/** NO_PROXY matching and proxy URLs as curl and Python's requests read them. */
class ProxyRoutePlannerTest {

    private static HttpHost https(String host, int port) {
        return new HttpHost("https", host, port);
    }

    @Test
    void noProxyMatchesNamesTheirSubDomainsPortsAndIpRanges() {
        ProxyRoutePlanner planner = new ProxyRoutePlanner("http://proxy:3128", null,
                " localhost, .corp.example, example.org:8443, 10.0.0.0/8 ");

        assertThat(planner.bypassed(https("localhost", 443))).isTrue();
        assertThat(planner.bypassed(https("jira.corp.example", 443))).isTrue();
        assertThat(planner.bypassed(https("corp.example", 443))).isTrue();
        assertThat(planner.bypassed(https("notcorp.example", 443))).isFalse();
        assertThat(planner.bypassed(https("example.org", 8443))).isTrue();
        assertThat(planner.bypassed(https("example.org", 443))).isFalse();
        assertThat(planner.bypassed(https("10.20.30.40", 443))).isTrue();
        assertThat(planner.bypassed(https("11.0.0.1", 443))).isFalse();
        assertThat(planner.bypassed(https("awx.example.com", 443))).isFalse();
        assertThat(new ProxyRoutePlanner("http://p:1", null, "*").bypassed(https("anything", 443))).isTrue();
    }

    @Test
    void proxyUrlsCarryUserAndPasswordAndDefaultToHttp() {
        ProxyRoutePlanner planner = new ProxyRoutePlanner("user:p%40ss@proxy.example:3128", "http://plain:8080",
                null);

        assertThat(planner.proxies()).hasSize(2);
        ProxyRoutePlanner.Proxy https = planner.proxies().get(0);
        assertThat(https.host()).isEqualTo(new HttpHost("http", "proxy.example", 3128));
        assertThat(https.user()).isEqualTo("user");
        assertThat(https.password()).isEqualTo("p@ss");
        assertThat(https.toString()).doesNotContain("p@ss");
        assertThat(planner.proxies().get(1).user()).isNull();
        assertThatThrownBy(() -> new ProxyRoutePlanner("http://", null, null))
                .hasMessageContaining("HTTPS_PROXY");
    }
}

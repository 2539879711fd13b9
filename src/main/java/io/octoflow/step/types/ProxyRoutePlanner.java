package io.octoflow.step.types;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Chooses the proxy of each call as curl and Python's requests do: {@code HTTPS_PROXY} for https URLs (reached
 * through it with CONNECT), {@code HTTP_PROXY} for http URLs, none for a host {@code NO_PROXY} lists (a name and
 * its sub-domains, {@code host:port}, an IP address or an IPv4 CIDR range, or {@code *} for every host).
 */
final class ProxyRoutePlanner extends DefaultRoutePlanner {

    /** A proxy, with the user and password its URL carries (null when none). */
    record Proxy(HttpHost host, String user, String password) {

        @Override
        public String toString() {
            return host.toURI(); // never the password
        }
    }

    private final Proxy https;
    private final Proxy http;
    private final List<String> noProxy = new ArrayList<>();

    ProxyRoutePlanner(String httpsProxy, String httpProxy, String noProxyList) {
        super(DefaultSchemePortResolver.INSTANCE);
        this.https = parse("HTTPS_PROXY", httpsProxy);
        this.http = parse("HTTP_PROXY", httpProxy);
        if (noProxyList != null) {
            for (String entry : noProxyList.split(",")) {
                String trimmed = entry.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    noProxy.add(trimmed);
                }
            }
        }
    }

    List<Proxy> proxies() {
        List<Proxy> all = new ArrayList<>();
        if (https != null) {
            all.add(https);
        }
        if (http != null) {
            all.add(http);
        }
        return all;
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        Proxy proxy = "https".equalsIgnoreCase(target.getSchemeName()) ? https : http;
        if (proxy == null || bypassed(target)) {
            return null;
        }
        return proxy.host();
    }

    boolean bypassed(HttpHost target) {
        String host = target.getHostName().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
                if (Integer.parseInt(entry.substring(colon + 1)) != port(target)) {
                    continue;
                }
                name = entry.substring(0, colon);
            }
            if (name.contains("/") ? inRange(host, name) : matchesName(host, name)) {
                return true;
            }
        }
        return false;
    }

    private static int port(HttpHost target) {
        if (target.getPort() > 0) {
            return target.getPort();
        }
        return "https".equalsIgnoreCase(target.getSchemeName()) ? 443 : 80;
    }

    private static boolean matchesName(String host, String entry) {
        String name = entry.startsWith("*.") ? entry.substring(2) : entry.startsWith(".") ? entry.substring(1) : entry;
        return host.equals(name) || host.endsWith("." + name);
    }

    /** Whether an IPv4 address lies in a CIDR range such as 10.0.0.0/8. */
    private static boolean inRange(String host, String cidr) {
        if (!host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return false;
        }
        try {
            String[] parts = cidr.split("/");
            int bits = Integer.parseInt(parts[1]);
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            byte[] address = InetAddress.getByName(host).getAddress();
            if (network.length != 4 || bits < 0 || bits > 32) {
                return false;
            }
            long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
            return (toLong(network) & mask) == (toLong(address) & mask);
        } catch (UnknownHostException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static long toLong(byte[] address) {
        long value = 0;
        for (byte b : address) {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }

    private static Proxy parse(String setting, String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String text = url.contains("://") ? url.trim() : "http://" + url.trim();
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(setting + ": expected a proxy URL such as"
                        + " http://proxy.example.com:3128, found no host in it");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] pair = uri.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
                password = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "";
            }
            return new Proxy(new HttpHost(scheme, uri.getHost(), port), user, password);
        } catch (URISyntaxException e) {
            // the URL may carry a password: say where it is wrong, not what it is
            throw new IllegalArgumentException(setting + ": not a valid proxy URL (expected"
                    + " http://[user:password@]host:port): " + e.getReason());
        }
    }
}

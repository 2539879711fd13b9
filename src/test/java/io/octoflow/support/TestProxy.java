package io.octoflow.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real forward proxy on an ephemeral port: tunnels CONNECT requests (https) and forwards absolute-URI requests
 * (plain http). Every target host is sent to one local address, so that flows calling https://awx.example.test
 * reach a local stand-in. With a user and password it answers 407 until the client authenticates, as real
 * proxies do. Records the request lines it served.
 */
public final class TestProxy implements AutoCloseable {

    /** A request line as the proxy saw it, and whether it carried the right credentials. */
    public record Seen(String requestLine, boolean authenticated) {
    }

    private final ServerSocket server;
    private final int targetPort;
    private final String expectedAuth;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-proxy");
        t.setDaemon(true);
        return t;
    });

    private TestProxy(int targetPort, String user, String password) throws IOException {
        this.targetPort = targetPort;
        this.expectedAuth = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A proxy sending every target to 127.0.0.1:targetPort; user null: no authentication asked. */
    public static TestProxy start(int targetPort, String user, String password) {
        try {
            return new TestProxy(targetPort, user, password);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test proxy", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The request lines that carried the right credentials (or all, without authentication). */
    public List<String> served() {
        return seen.stream().filter(Seen::authenticated).map(Seen::requestLine).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
            String requestLine = lines.remove(0);
            String auth = null;
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("proxy-authorization:")) {
                    auth = line.substring(line.indexOf(':') + 1).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            boolean authenticated = expectedAuth == null || expectedAuth.equals(auth);
            seen.add(new Seen(requestLine, authenticated));
            if (!authenticated) {
                in.readNBytes(length);
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                if (requestLine.startsWith("CONNECT ")) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else {
                    // absolute URI to origin form; one request per connection
                    String[] parts = requestLine.split(" ");
                    URI uri = URI.create(parts[1]);
                    StringBuilder forwarded = new StringBuilder(parts[0] + " " + uri.getRawPath()
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n");
                    for (String line : lines) {
                        String lower = line.toLowerCase(Locale.ROOT);
                        if (!lower.startsWith("proxy-") && !lower.startsWith("connection:")) {
                            forwarded.append(line).append("\r\n");
                        }
                    }
                    forwarded.append("Connection: close\r\n\r\n");
                    target.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                    target.getOutputStream().write(in.readNBytes(length));
                    target.getOutputStream().flush();
                }
                Thread upstream = new Thread(() -> pipe(in, target), "test-proxy-up");
                upstream.setDaemon(true);
                upstream.start();
                pipe(target.getInputStream(), client);
            }
        } catch (IOException e) {
            // the client or the target went away: nothing to do in a test proxy
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            state = b == '\r' && (state == 0 || state == 2) ? state + 1 : b == '\n' && (state == 1 || state == 3)
                    ? state + 1 : 0;
            if (state == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "TestProxy[" + new InetSocketAddress(InetAddress.getLoopbackAddress(), port()) + ", seen=" + seen + "]";
    }
}

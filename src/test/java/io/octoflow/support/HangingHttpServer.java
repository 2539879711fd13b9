package io.octoflow.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) that misbehaves on purpose, one thread per connection:
 * {@code /hang...} reads the request and never answers (it notices when the client closes the connection);
 * {@code /endless} answers 200 with a chunked body that never ends; anything else answers {@code {"ok": true}}.
 */
public final class HangingHttpServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger hanging = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicLong endlessBytes = new AtomicLong();
    private final Thread acceptor;

    public HangingHttpServer() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the hanging test server", e);
        }
        acceptor = new Thread(this::accept, "hanging-http-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Requests to /hang... being held now (not yet closed by the client). */
    public int hanging() {
        return hanging.get();
    }

    /** Held requests whose connection the client closed. */
    public int closedByClient() {
        return closedByClient.get();
    }

    public int answered() {
        return answered.get();
    }

    /** Body bytes sent by /endless so far (the client's reading is what limits them). */
    public long endlessBytes() {
        return endlessBytes.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread handler = new Thread(() -> handle(socket), "hanging-http-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            String path = requestPath(in);
            if (path == null) {
                return;
            }
            if (path.startsWith("/hang")) {
                hanging.incrementAndGet();
                try {
                    while (in.read() >= 0) {
                        // hold the request; a read of -1 (or an error) is the client giving up
                    }
                } catch (IOException e) {
                    // reset by the client: given up as well
                } finally {
                    hanging.decrementAndGet();
                    closedByClient.incrementAndGet();
                }
            } else if (path.startsWith("/endless")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    out.write(chunk);
                    endlessBytes.addAndGet(0x10000);
                }
            } else {
                byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads the request head; returns the path of its request line (null when the client closed first). */
    private static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
                return requestLine.length > 1 ? requestLine[1] : "/";
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
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}

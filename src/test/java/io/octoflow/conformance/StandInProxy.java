package io.octoflow.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP proxy that tunnels every CONNECT, whatever host it names, to the stand-in, so that clients keep
 * the real URLs (https://awx.charko.be/...) and only their proxy setting points here. A request sent as plain
 * HTTP is answered 502 and recorded, so that a client bypassing tunnels shows in the comparison.
 */
public final class StandInProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final StandInServer target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> tunnels = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private StandInProxy(StandInServer target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = daemon("stand-in-proxy", this::acceptLoop);
        acceptor.start();
    }

    public static StandInProxy start(StandInServer target) {
        try {
            return new StandInProxy(target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the stand-in proxy: " + e.getMessage(), e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** http://127.0.0.1:port, the value of HTTPS_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The host:port of every CONNECT so far. */
    public List<String> tunnels() {
        return List.copyOf(tunnels);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                daemon("stand-in-proxy-conn", () -> serve(client)).start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            if (requestLine.length >= 2 && requestLine[0].equalsIgnoreCase("CONNECT")) {
                tunnels.add(requestLine[1]);
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target.port());
                open.add(upstream);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = daemon("stand-in-proxy-pipe", () -> pipe(upstream, client));
                back.start();
                pipe(client, upstream);
                back.join();
            } else {
                recordPlain(requestLine, head, in);
                out.write(("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client or the stand-in closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
        }
    }

    private void recordPlain(String[] requestLine, List<String> head, InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int length = 0;
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                }
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        URI uri = URI.create(requestLine.length > 1 ? requestLine[1] : "/");
        target.recordUntunnelled(new StandInRequest(requestLine[0], String.valueOf(uri.getHost()),
                uri.getPath(), StandInRequest.decodeQuery(uri.getRawQuery()),
                StandInRequest.relevantHeaders(headers), StandInRequest.parseBody(body), false));
    }

    /** The request line and header lines, up to the empty line. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            // a half-closed tunnel is of no use to either side
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(this::closeQuietly);
    }
}

package io.octoflow.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Whether a port can be listened on, checked before the API starts: a taken port must stop the start. */
final class PortCheck {

    private PortCheck() {
    }

    static void free(String host, int port, String setting) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException(setting + " " + port + " on " + host + " is not free (" + e.getMessage()
                    + "): another process listens there; stop it or set " + setting + " (and API_BIND) to another"
                    + " port or address");
        }
    }
}

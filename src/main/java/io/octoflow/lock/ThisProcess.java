package io.octoflow.lock;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who takes a lock: this process's pid and host, as written in lock files. */
final class ThisProcess {

    static final long PID = ProcessHandle.current().pid();
    static final String HOST = hostName();

    private ThisProcess() {
    }

    private static String hostName() {
        try {
            // the kernel's node name: what `hostname` prints, the pod name in Kubernetes, same for every process
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}

package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate whose subject alternative names are the stand-in's hosts, made by the JDK's own
 * keytool in a temporary directory (no key is kept in the repository), with its PEM for REST_CA_BUNDLE.
 */
public final class StandInCertificate {

    private static final String ALIAS = "stand-in";
    private static final char[] PASSWORD = "stand-in-keystore".toCharArray();

    private final Path keystore;
    private final Path pem;

    private StandInCertificate(Path keystore, Path pem) {
        this.keystore = keystore;
        this.pem = pem;
    }

    public static StandInCertificate create(Path dir, Collection<String> hosts) {
        Path keystore = dir.resolve("stand-in.p12");
        Path pem = dir.resolve("stand-in.pem");
        List<String> san = new ArrayList<>();
        hosts.forEach(h -> san.add("dns:" + h));
        san.add("ip:127.0.0.1");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=conformance stand-in", "-ext", "SAN=" + String.join(",", san),
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-file", pem.toString());
        return new StandInCertificate(keystore, pem);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    /** The certificate in PEM, the file REST_CA_BUNDLE names. */
    public Path pem() {
        return pem;
    }

    /** A server-side TLS context presenting the certificate. */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the stand-in's keystore: " + e.getMessage(), e);
        }
    }
}

package io.octoflow.flow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The start-up's reading of FLOWS_PATH, begun before the service needs it: the files are listed and read on
 * background threads while the service opens its history, starts Camel and its HTTP server (a fixed cost of
 * seconds during which one core did nothing for the flows), and the thread deploying them joins the reading once
 * it gets there ({@link #finish}). What the catalog then holds is what it would have read itself, file by file:
 * see {@link FlowCatalog#readAhead}. A reader also notes whether each text is a Camel YAML route file, which the
 * directory used to read every file a second time to tell.
 *
 * <p>With fewer than two threads nothing is read ahead: the catalog reads the files one by one when asked.
 */
public final class FlowReadAhead {

    private final FlowCatalog catalog;
    private final Path root;
    private final int threads;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Thread> helpers = new ArrayList<>();
    /** Guards the listing: the first thread to ask lists the files, the others wait for it. */
    private final Object listing = new Object();
    private List<Path> files;
    private IOException listingFailed;
    private FlowCatalog.Parsed[] read;
    /** Per file: 0 not known, 1 a Camel YAML route file, 2 not one. */
    private byte[] camelRoutes;

    private FlowReadAhead(FlowCatalog catalog, Path root, List<Path> files, int threads) {
        this.catalog = catalog;
        this.root = root;
        this.threads = threads;
        if (files != null) {
            listed(files);
        }
    }

    /**
     * Lists the flow files under {@code root} ({@link FlowCatalog#flowFilesUnder}, absolute and normalized) and
     * starts reading them on {@code threads - 1} background threads; the caller's thread is the last one, in
     * {@link #finish}.
     */
    public static FlowReadAhead start(FlowCatalog catalog, Path root, int threads) {
        FlowReadAhead reading = new FlowReadAhead(catalog, root, null, threads);
        reading.startHelpers();
        return reading;
    }

    /** Reads the files given (absolute, normalized) on {@code threads} threads, this one included, and waits. */
    static void readNow(FlowCatalog catalog, List<Path> files, int threads) {
        FlowReadAhead reading = new FlowReadAhead(catalog, null, files, Math.min(threads, files.size()));
        reading.startHelpers();
        reading.finish();
    }

    private void startHelpers() {
        for (int i = 1; i < threads; i++) {
            Thread helper = new Thread(this::readFiles, "octoflow-flow-reader-" + i);
            helper.setDaemon(true);
            helper.start();
            helpers.add(helper);
        }
    }

    /** The files, in path order (listed by the first thread asking). */
    public List<Path> files() throws IOException {
        synchronized (listing) {
            if (files == null && listingFailed == null) {
                try {
                    listed(FlowCatalog.flowFilesUnder(root).stream().map(f -> f.toAbsolutePath().normalize())
                            .toList());
                } catch (IOException | RuntimeException e) {
                    listingFailed = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
            }
            if (listingFailed != null) {
                throw listingFailed;
            }
            return files;
        }
    }

    private void listed(List<Path> found) {
        read = new FlowCatalog.Parsed[found.size()];
        camelRoutes = new byte[found.size()];
        files = found;
    }

    /**
     * Whether the {@code index}th file's text declares Camel routes ({@link FlowYaml#isCamelRoutes}), as its reader
     * saw it; null when no reader read it. Only after {@link #finish}.
     */
    public Boolean isCamelRoutes(int index) {
        byte known = camelRoutes[index];
        return known == 0 ? null : known == 1;
    }

    /**
     * Reads what is left on this thread too, waits for the other readers and gives the catalog what they read
     * (the files read before are kept by path, see {@link FlowCatalog#readAhead}).
     */
    public void finish() {
        if (threads < 2) {
            return;
        }
        readFiles();
        try {
            for (Thread helper : helpers) {
                helper.join(); // also makes what it read visible here
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the catalog reads them
        }
        if (files != null) {
            catalog.accept(files, read);
        }
    }

    private void readFiles() {
        List<Path> all;
        try {
            all = files();
        } catch (IOException e) {
            return; // the caller's files() reports it
        }
        for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) {
            FlowFileParser parser = new FlowFileParser(catalog, all.get(i), new ArrayDeque<>(List.of(all.get(i))),
                    true);
            read[i] = readAlone(parser);
            String text = parser.text();
            camelRoutes[i] = text == null ? 0 : FlowYaml.isCamelRoutes(text) ? (byte) 1 : (byte) 2;
        }
    }

    /** The file read on its own; null when it calls another flow or reading it failed (see readAhead). */
    private static FlowCatalog.Parsed readAlone(FlowFileParser parser) {
        try {
            return parser.parse();
        } catch (FlowFileCompiler.CallsOtherFlows e) {
            return null;
        } catch (Throwable e) { // read again by the catalog, which reports it
            return null;
        }
    }
}

package io.octoflow.service;

import java.nio.file.Path;

import io.octoflow.trigger.TriggerSource;
import io.octoflow.watch.DirectoryWatcher;

/**
 * FLOWS_PATH as a source of runs: at start every file is deployed (its flow's schedule fires from then on), then the
 * directory is watched so that a saved file is deployed again; at stop the watching ends.
 */
public final class DirectorySource implements TriggerSource {

    private final Path flowsPath;
    private final FlowDirectory directory;
    private DirectoryWatcher watcher;

    public DirectorySource(Path flowsPath, FlowDirectory directory) {
        this.flowsPath = flowsPath;
        this.directory = directory;
    }

    @Override
    public String name() {
        return "flows directory";
    }

    @Override
    public void start() throws Exception {
        directory.loadAll();
        watcher = new DirectoryWatcher(flowsPath, FlowDirectory::isFlowFile, directory);
        watcher.start();
    }

    @Override
    public void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }
}

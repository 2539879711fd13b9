package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The corpus flows allowed to differ from the spooler (divergences.yml), flow file to reason. */
public final class CorpusDivergences {

    public static final String RESOURCE = "/conformance/corpus/divergences.yml";

    private CorpusDivergences() {
    }

    public static Map<String, String> load() {
        try (InputStream in = CorpusDivergences.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " is missing");
            }
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            Object entries = root instanceof Map<?, ?> map ? map.get("divergences") : null;
            if (!(entries instanceof Map<?, ?> listed)) {
                throw new IllegalStateException(RESOURCE + ": expected a mapping 'divergences: {<flow file>: <reason>}'");
            }
            Map<String, String> reasons = new LinkedHashMap<>();
            listed.forEach((flow, reason) -> {
                if (reason == null || String.valueOf(reason).isBlank()) {
                    throw new IllegalStateException(RESOURCE + ": divergence of " + flow
                            + " has no reason; expected the \"keep ours\" of SPOOLER-SEMANTICS.md it follows");
                }
                reasons.put(String.valueOf(flow), String.valueOf(reason));
            });
            return reasons;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}

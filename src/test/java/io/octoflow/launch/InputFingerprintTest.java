package io.octoflow.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The recorder's test of "the run did not change its input in place": equal content, equal fingerprint. */
class InputFingerprintTest {

    private static Map<String, Object> record(int i) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("amount", i);
        r.put("source", "s" + i);
        r.put("tags", new ArrayList<>(List.of("a", "b")));
        r.put("note", null);
        return r;
    }

    private static List<Object> batch() {
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(record(i));
        }
        return batch;
    }

    @Test
    void equalContentHasAnEqualFingerprintAndEveryChangeInPlaceChangesIt() {
        List<Object> input = batch();
        long before = InputFingerprint.of(input);
        assertThat(before).isNotEqualTo(InputFingerprint.UNKNOWN).isEqualTo(InputFingerprint.of(batch()));

        @SuppressWarnings("unchecked")
        Map<String, Object> fifth = (Map<String, Object>) input.get(5);
        fifth.put("amount", 6); // a value
        assertThat(InputFingerprint.of(input)).isNotEqualTo(before);
        fifth.put("amount", 5);
        assertThat(InputFingerprint.of(input)).isEqualTo(before);
        fifth.put("fields", Map.of()); // a key added
        assertThat(InputFingerprint.of(input)).isNotEqualTo(before);
        fifth.remove("fields");
        ((List<Object>) fifth.get("tags")).add("c"); // deep in a list
        assertThat(InputFingerprint.of(input)).isNotEqualTo(before);
        ((List<Object>) fifth.get("tags")).remove("c");
        input.add(input.remove(0)); // the same records in another order
        assertThat(InputFingerprint.of(input)).isNotEqualTo(before);
    }

    @Test
    void typesAndKeyOrderCountAsJsonWritesThem() {
        assertThat(InputFingerprint.of(1)).isNotEqualTo(InputFingerprint.of(1L)).isNotEqualTo(InputFingerprint.of(1.0))
                .isNotEqualTo(InputFingerprint.of("1"));
        assertThat(InputFingerprint.of(new BigDecimal("2.50"))).isEqualTo(InputFingerprint.of(new BigDecimal("2.50")));
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2);
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        assertThat(InputFingerprint.of(ab)).isNotEqualTo(InputFingerprint.of(ba));
        assertThat(InputFingerprint.of(List.of())).isNotEqualTo(InputFingerprint.of(Map.of()))
                .isNotEqualTo(InputFingerprint.of(null));
    }

    @Test
    void contentThatIsNotJsonLikeIsNotFingerprinted() {
        assertThat(InputFingerprint.of(new byte[] {1, 2})).isEqualTo(InputFingerprint.UNKNOWN);
        assertThat(InputFingerprint.of(List.of(Map.of("at", java.time.Instant.EPOCH))))
                .isEqualTo(InputFingerprint.UNKNOWN);
    }
}

package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CapsTest {

    @Test
    void utf8LengthMatchesTheJdkEncoder() {
        for (String s : new String[] {"", "abc", "é", "€uro", "😀 smile", "a😀é€"}) {
            assertThat(Caps.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void jsonThatFitsIsKeptAndLargerJsonBecomesTheMarker() {
        assertThat(Caps.json(null, 64)).isNull();
        assertThat(Caps.json("{\"a\":1}", 64)).isEqualTo("{\"a\":1}");
        String big = "[" + "1,".repeat(100) + "1]";
        assertThat(Caps.json(big, 64)).isEqualTo("{\"_truncated\":true,\"size\":" + big.length() + "}");
    }

    @Test
    void textIsCutOnACharacterBoundaryWithinTheByteBudget() {
        String s = "😀".repeat(100); // 400 bytes
        String cut = Caps.text(s, 100);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
        assertThat(cut).endsWith("... [truncated, 400 bytes]");
        String head = cut.substring(0, cut.indexOf("..."));
        assertThat(head).isNotEmpty().isEqualTo("😀".repeat(head.length() / 2));
        assertThat(Caps.text("short", 100)).isEqualTo("short");
    }

    @Test
    void clipNeverSplitsASurrogatePair() {
        assertThat(Caps.clip("ab😀", 3)).isEqualTo("ab");
        assertThat(Caps.clip("abc", 3)).isEqualTo("abc");
        assertThat(Caps.clip("abcd", 3)).isEqualTo("abc");
    }
}

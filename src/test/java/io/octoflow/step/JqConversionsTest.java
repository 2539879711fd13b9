package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The jq step's conversions between flow data and Jackson trees are walked directly for speed: they must give
 * exactly what Jackson's own conversions gave (node types included: an IntNode is not a LongNode), then the
 * integral numbers of the class comment.
 */
class JqConversionsTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void flowDataBecomesTheTreeJacksonMakes() {
        Random random = new Random(17);
        for (int i = 0; i < 2000; i++) {
            Object value = randomValue(random, 0);
            JsonNode expected = json.valueToTree(value);
            assertThat(JqProcessors.tree(json, value)).as("%s", value).isEqualTo(expected);
        }
    }

    @Test
    void valuesJacksonConvertsItsOwnWayStillGoThroughJackson() {
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("float", 1.5f);
        other.put("short", (short) 3);
        other.put("big", new BigInteger("123456789012345678901234567890"));
        other.put("decimal", new BigDecimal("1.10"));
        other.put("set", new java.util.TreeSet<>(List.of("b", "a")));
        other.put("array", new int[] {1, 2});
        Map<Object, Object> numberKeys = new HashMap<>();
        numberKeys.put(1, "one");
        for (Object value : List.of(other, Map.of("nested", numberKeys), List.of(List.of(deep(300))))) {
            assertThat(JqProcessors.tree(json, value)).isEqualTo(json.valueToTree(value));
        }
        assertThat(JqProcessors.tree(json, null)).isEqualTo(json.getNodeFactory().nullNode());
    }

    @Test
    void treesBecomePlainDataAsJacksonGivesThemWithIntegralNumbers() {
        Random random = new Random(18);
        for (int i = 0; i < 2000; i++) {
            JsonNode node = json.valueToTree(randomValue(random, 0));
            Object expected = JqProcessors.integralNumbers(json.convertValue(node, Object.class));
            Object actual = JqProcessors.integralNumbers(JqProcessors.plain(json, node));
            assertThat(actual).as("%s", node).isEqualTo(expected);
            assertSameTypes(actual, expected);
        }
        JsonNodeFactory nodes = json.getNodeFactory();
        var odd = nodes.objectNode();
        odd.set("decimal", nodes.numberNode(new BigDecimal("2.0")));
        odd.set("big", nodes.numberNode(new BigInteger("123456789012345678901234567890")));
        odd.set("float", nodes.numberNode(2.5f));
        odd.set("text", nodes.textNode("binary nodes convert to byte[], compared by identity: left out"));
        odd.set("deep", json.valueToTree(deep(300)));
        Object expected = JqProcessors.integralNumbers(json.convertValue(odd, Object.class));
        assertThat(JqProcessors.integralNumbers(JqProcessors.plain(json, odd))).isEqualTo(expected);
        assertThat(JqProcessors.plain(json, nodes.nullNode())).isNull();
        assertThat(JqProcessors.plain(json, nodes.missingNode())).isNull();
    }

    @Test
    void integralNumbersCopyOnlyWhatChanges() {
        Map<String, Object> unchanged = new LinkedHashMap<>(Map.of("a", List.of(1, 2.5, "x"), "b", 3L));
        assertThat(JqProcessors.integralNumbers(unchanged)).isSameAs(unchanged);
        Map<String, Object> changed = new LinkedHashMap<>(Map.of("a", List.of(1, 2.0), "b", 1e12,
                "c", new BigDecimal("4.00"), "d", Double.NaN, "e", Double.POSITIVE_INFINITY, "f", 1e300));
        assertThat(JqProcessors.integralNumbers(changed)).isEqualTo(Map.of("a", List.of(1, 2), "b", 1_000_000_000_000L,
                "c", 4, "d", Double.NaN, "e", Double.POSITIVE_INFINITY, "f", 1e300));
    }

    private static void assertSameTypes(Object actual, Object expected) {
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        assertThat(actual).hasSameClassAs(expected);
        if (expected instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertSameTypes(((Map<?, ?>) actual).get(k), v));
        } else if (expected instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertSameTypes(((List<?>) actual).get(i), list.get(i));
            }
        }
    }

    private static Object deep(int depth) {
        Object value = "bottom";
        for (int i = 0; i < depth; i++) {
            value = i % 2 == 0 ? List.of(value) : Map.of("k", value);
        }
        return value;
    }

    /** Flow data as the steps make it: maps (ordered or not), lists, text, numbers, booleans and nulls. */
    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 9 : 11);
        return switch (kind) {
            case 0 -> null;
            case 1 -> "text " + random.nextInt(100);
            case 2 -> random.nextInt();
            case 3 -> random.nextBoolean() ? random.nextLong() : (long) random.nextInt(10);
            case 4 -> random.nextBoolean() ? random.nextDouble() * 1000 : (double) random.nextInt(50);
            case 5 -> random.nextBoolean();
            case 6 -> Arrays.asList(Double.NaN, -0.0, 1e16, Double.NEGATIVE_INFINITY, 9007199254740993d, "");
            case 7 -> LocalDate.of(2026, 12, 1).toString();
            case 8 -> (long) Integer.MAX_VALUE + 1;
            case 9 -> {
                Map<String, Object> map = random.nextBoolean() ? new LinkedHashMap<>() : new HashMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put("k" + random.nextInt(20), randomValue(random, depth + 1));
                }
                yield map;
            }
            default -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                yield list;
            }
        };
    }
}

package io.octoflow.step.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Values between the flow data and JDBC. Parameters: strings, numbers, booleans and null are bound as themselves;
 * a mapping or list as its JSON text (cast it in SQL: {@code CAST(:doc AS jsonb)}). Rows: each column becomes a
 * value the flow data holds elsewhere (what a JSON document parses to), so jq, templates and the history read it:
 * whole numbers as integers, other numbers as floats, times as ISO 8601 text, JSON columns parsed, arrays as lists,
 * binary data as base64 text.
 */
final class SqlValues {

    private SqlValues() {
    }

    static void bind(PreparedStatement statement, int index, Object value, ObjectMapper json)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof String s) {
            statement.setString(index, s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            statement.setLong(index, ((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            statement.setBigDecimal(index, new BigDecimal(big));
        } else if (value instanceof BigDecimal decimal) {
            statement.setBigDecimal(index, decimal);
        } else if (value instanceof Number number) {
            statement.setDouble(index, number.doubleValue());
        } else if (value instanceof Boolean b) {
            statement.setBoolean(index, b);
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                statement.setString(index, json.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("a value that is not JSON: " + e.getOriginalMessage());
            }
        } else {
            statement.setString(index, value.toString());
        }
    }

    /** Every row of {@code rows} as a mapping of column label to value, in column order. */
    static List<Map<String, Object>> rows(ResultSet rows, ObjectMapper json) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        for (int i = 0; i < columns; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
        }
        List<Map<String, Object>> result = new ArrayList<>();
        while (rows.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < columns; i++) {
                row.put(labels[i], column(rows, meta, i + 1, json));
            }
            result.add(row);
        }
        return result;
    }

    private static Object column(ResultSet rows, ResultSetMetaData meta, int i, ObjectMapper json)
            throws SQLException {
        int type = meta.getColumnType(i);
        String typeName = meta.getColumnTypeName(i) == null ? "" : meta.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        switch (type) {
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return text(rows.getObject(i, OffsetDateTime.class));
            case Types.TIMESTAMP:
                // PostgreSQL's driver reports timestamptz as TIMESTAMP: its type name tells them apart
                return typeName.equals("timestamptz") ? text(rows.getObject(i, OffsetDateTime.class))
                        : text(rows.getObject(i, LocalDateTime.class));
            case Types.DATE:
                return text(rows.getObject(i, LocalDate.class));
            case Types.TIME:
                return text(rows.getObject(i, LocalTime.class));
            case Types.ARRAY: {
                Array array = rows.getArray(i);
                if (array == null) {
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (Object item : (Object[]) array.getArray()) {
                    items.add(plain(item));
                }
                return items;
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB: {
                byte[] bytes = rows.getBytes(i);
                return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
            }
            default:
                break;
        }
        if (typeName.equals("json") || typeName.equals("jsonb")) {
            String text = rows.getString(i);
            try {
                return text == null ? null : json.readValue(text, Object.class);
            } catch (JsonProcessingException e) {
                return text;
            }
        }
        return plain(rows.getObject(i));
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Double) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return whole(((Number) value).longValue());
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigDecimal decimal) {
            return number(decimal);
        }
        if (value instanceof BigInteger) {
            return value;
        }
        if (value instanceof java.sql.Timestamp t) {
            return text(t.toLocalDateTime());
        }
        if (value instanceof java.sql.Date d) {
            return text(d.toLocalDate());
        }
        return value.toString();
    }

    /**
     * A whole number as the smallest of int, long and BigInteger that holds it, anything else as a double: what
     * the same number read from JSON or YAML is, so that comparisons in jq and templates agree.
     */
    private static Object number(BigDecimal decimal) {
        BigDecimal stripped = decimal.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            BigInteger whole = stripped.toBigInteger();
            return whole.bitLength() < 64 ? whole(whole.longValue()) : whole;
        }
        return decimal.doubleValue();
    }

    private static Object whole(long value) {
        return value == (int) value ? (Object) (int) value : (Object) value;
    }

    private static String text(Object time) {
        return time == null ? null : time.toString();
    }
}

package dev.jobctl.helper.core;

import java.util.List;
import java.util.Map;

/**
 * Writes the protocol's canonical JSON (PROTOCOL.md §3.1): single line, no spaces,
 * ASCII only (non-ASCII and control characters as lower-case {@code \\uXXXX}),
 * map keys in iteration order.
 */
public final class JsonWriter {
    private JsonWriter() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            appendString(out, (String) value);
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            out.append(value.toString());
        } else if (value instanceof Double) {
            appendDouble(out, (Double) value);
        } else if (value instanceof Map) {
            appendObject(out, (Map<?, ?>) value);
        } else if (value instanceof List) {
            appendArray(out, (List<?>) value);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void appendDouble(StringBuilder out, Double value) {
        if (value.isNaN() || value.isInfinite()) {
            throw new IllegalArgumentException("not a JSON number: " + value);
        }
        out.append(value.toString());
    }

    private static void appendObject(StringBuilder out, Map<?, ?> object) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            appendString(out, (String) entry.getKey());
            out.append(':');
            append(out, entry.getValue());
        }
        out.append('}');
    }

    private static void appendArray(StringBuilder out, List<?> array) {
        out.append('[');
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            append(out, array.get(i));
        }
        out.append(']');
    }

    private static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append("\\\"");
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}

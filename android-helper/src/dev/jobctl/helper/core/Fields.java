package dev.jobctl.helper.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware access to a JSON object from a request. Every failure is a
 * {@code bad_request} naming the full field path (PROTOCOL.md §4).
 */
public final class Fields {
    private final Map<String, Object> object;
    private final String path;

    public Fields(Map<String, Object> object, String path) {
        this.object = object;
        this.path = path;
    }

    @SuppressWarnings("unchecked")
    public static Fields of(Object value, String path) throws CommandError {
        if (!(value instanceof Map)) {
            throw CommandError.badRequest("field " + path + ": expected object");
        }
        return new Fields((Map<String, Object>) value, path);
    }

    public Map<String, Object> raw() {
        return object;
    }

    public String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        return object.get(key) != null;
    }

    /** Rejects any key not in {@code allowed}. */
    public void allowOnly(String... allowed) throws CommandError {
        Set<String> known = new HashSet<String>(Arrays.asList(allowed));
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw CommandError.badRequest("unknown field: " + pathOf(key));
            }
        }
    }

    private CommandError typeError(String key, String expected) {
        return CommandError.badRequest("field " + pathOf(key) + ": expected " + expected);
    }

    private Object require(String key) throws CommandError {
        Object value = object.get(key);
        if (value == null) {
            throw CommandError.badRequest("missing field: " + pathOf(key));
        }
        return value;
    }

    public long reqLong(String key) throws CommandError {
        Object value = require(key);
        if (!(value instanceof Long)) {
            throw typeError(key, "integer");
        }
        return (Long) value;
    }

    public Long optLong(String key) throws CommandError {
        return has(key) ? Long.valueOf(reqLong(key)) : null;
    }

    public long longOr(String key, long fallback) throws CommandError {
        return has(key) ? reqLong(key) : fallback;
    }

    public long reqNonNegative(String key) throws CommandError {
        long value = reqLong(key);
        if (value < 0) {
            throw CommandError.badRequest("field " + pathOf(key) + ": must be >= 0");
        }
        return value;
    }

    public int reqInt(String key) throws CommandError {
        long value = reqLong(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw typeError(key, "32-bit integer");
        }
        return (int) value;
    }

    public String reqString(String key) throws CommandError {
        Object value = require(key);
        if (!(value instanceof String)) {
            throw typeError(key, "string");
        }
        return (String) value;
    }

    public String optString(String key) throws CommandError {
        return has(key) ? reqString(key) : null;
    }

    public boolean boolOr(String key, boolean fallback) throws CommandError {
        if (!has(key)) {
            return fallback;
        }
        Object value = object.get(key);
        if (!(value instanceof Boolean)) {
            throw typeError(key, "boolean");
        }
        return (Boolean) value;
    }

    public Fields reqObject(String key) throws CommandError {
        return Fields.of(require(key), pathOf(key));
    }

    public Fields optObject(String key) throws CommandError {
        return has(key) ? reqObject(key) : null;
    }

    @SuppressWarnings("unchecked")
    public List<Object> reqList(String key) throws CommandError {
        Object value = require(key);
        if (!(value instanceof List)) {
            throw typeError(key, "array");
        }
        return (List<Object>) value;
    }

    public List<Object> optList(String key) throws CommandError {
        return has(key) ? reqList(key) : null;
    }

    public List<Integer> optIntList(String key) throws CommandError {
        List<Object> values = optList(key);
        if (values == null) {
            return null;
        }
        List<Integer> ints = new ArrayList<Integer>();
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (!(value instanceof Long) || (Long) value < Integer.MIN_VALUE || (Long) value > Integer.MAX_VALUE) {
                throw CommandError.badRequest("field " + pathOf(key) + "[" + i + "]: expected 32-bit integer");
            }
            ints.add(((Long) value).intValue());
        }
        return ints;
    }

    public List<String> optStringList(String key) throws CommandError {
        List<Object> values = optList(key);
        if (values == null) {
            return null;
        }
        List<String> strings = new ArrayList<String>();
        for (int i = 0; i < values.size(); i++) {
            if (!(values.get(i) instanceof String)) {
                throw CommandError.badRequest("field " + pathOf(key) + "[" + i + "]: expected string");
            }
            strings.add((String) values.get(i));
        }
        return strings;
    }
}

package dev.jobctl.helper.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds ordered event field maps; ints are widened to longs as the JSON reader returns them. */
public final class Events {
    private Events() {
    }

    public static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            if (value instanceof Integer) {
                value = Long.valueOf((Integer) value);
            }
            fields.put((String) keysAndValues[i], value);
        }
        return fields;
    }
}

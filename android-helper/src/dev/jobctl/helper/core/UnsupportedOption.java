package dev.jobctl.helper.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the {@code unsupported_option} error (PROTOCOL.md §4). */
final class UnsupportedOption {
    private UnsupportedOption() {
    }

    static CommandError of(String option, int minApi, int apiLevel) {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("option", option);
        details.put("min_api", (long) minApi);
        details.put("api_level", (long) apiLevel);
        return new CommandError(CommandError.UNSUPPORTED_OPTION,
                option + " requires API " + minApi + ", device is API " + apiLevel, null, details);
    }
}

package dev.jobctl.helper.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** A structured protocol error (PROTOCOL.md §4), thrown inside the core and turned into a response. */
public final class CommandError extends Exception {
    private static final long serialVersionUID = 1L;

    public static final String MALFORMED_JSON = "malformed_json";
    public static final String BAD_REQUEST = "bad_request";
    public static final String UNKNOWN_COMMAND = "unknown_command";
    public static final String UNSUPPORTED_VERSION = "unsupported_version";
    public static final String UNSUPPORTED_OPTION = "unsupported_option";
    public static final String PLATFORM_EXCEPTION = "platform_exception";
    public static final String SCHEDULE_FAILED = "schedule_failed";
    public static final String INBOX_MISSING = "inbox_missing";
    public static final String JOURNAL_RANGE = "journal_range";
    public static final String FORBIDDEN = "forbidden";
    public static final String INTERNAL = "internal";

    private final String code;
    private final String javaType;
    private final Map<String, Object> details;

    public CommandError(String code, String message) {
        this(code, message, null, null);
    }

    public CommandError(String code, String message, String javaType, Map<String, Object> details) {
        super(message);
        this.code = code;
        this.javaType = javaType;
        this.details = details;
    }

    public static CommandError badRequest(String message) {
        return new CommandError(BAD_REQUEST, message);
    }

    /** Relays a platform exception with its Java type and exact message. */
    public static CommandError fromPlatform(RuntimeException e, Map<String, Object> details) {
        return new CommandError(PLATFORM_EXCEPTION, e.getMessage(), e.getClass().getName(), details);
    }

    public String code() {
        return code;
    }

    /** The error object of the response, keys in protocol order. */
    public Map<String, Object> toJson() {
        Map<String, Object> error = new LinkedHashMap<String, Object>();
        error.put("code", code);
        error.put("message", getMessage());
        error.put("type", javaType);
        error.put("details", details);
        return error;
    }
}

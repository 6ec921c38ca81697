package dev.jobctl.helper.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal strict JSON parser (RFC 8259) for requests and journal lines.
 * Objects become {@link LinkedHashMap} (key order kept, last duplicate wins),
 * arrays {@link ArrayList}, integers {@link Long}, other numbers {@link Double}.
 */
public final class JsonReader {
    /** Thrown for any syntax error; the message names the offset. */
    public static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedJsonException(String message) {
            super(message);
        }
    }

    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    public static Object parse(String text) throws MalformedJsonException {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        Object value = reader.readValue(0);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("trailing characters");
        }
        return value;
    }

    private MalformedJsonException error(String what) {
        return new MalformedJsonException("malformed JSON at offset " + pos + ": " + what);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object readValue(int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw error("nesting too deep");
        }
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return readObject(depth);
            case '[':
                return readArray(depth);
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private void expectWord(String word) throws MalformedJsonException {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
    }

    private Map<String, Object> readObject(int depth) throws MalformedJsonException {
        Map<String, Object> object = new LinkedHashMap<String, Object>();
        pos++;
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected object key");
            }
            String key = readString();
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':'");
            }
            pos++;
            skipWhitespace();
            object.put(key, readValue(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return object;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> readArray(int depth) throws MalformedJsonException {
        List<Object> array = new ArrayList<Object>();
        pos++;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return array;
        }
        while (true) {
            skipWhitespace();
            array.add(readValue(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return array;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private char peek() throws MalformedJsonException {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private String readString() throws MalformedJsonException {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = peek();
            pos++;
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = peek();
            pos++;
            switch (escape) {
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u': out.append(readHex4()); break;
                default:
                    pos--;
                    throw error("bad escape");
            }
        }
    }

    private char readHex4() throws MalformedJsonException {
        if (pos + 4 > text.length()) {
            throw error("unexpected end of input");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            value = value * 16 + digit;
            pos++;
        }
        return (char) value;
    }

    private Object readNumber() throws MalformedJsonException {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        skipDigits();
        if (pos == intStart) {
            throw error("expected digit");
        }
        if (text.charAt(intStart) == '0' && pos - intStart > 1) {
            throw error("leading zero");
        }
        boolean integral = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integral = false;
            pos++;
            int fracStart = pos;
            skipDigits();
            if (pos == fracStart) {
                throw error("expected digit");
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            int expStart = pos;
            skipDigits();
            if (pos == expStart) {
                throw error("expected digit");
            }
        }
        String literal = text.substring(start, pos);
        if (!integral) {
            return Double.valueOf(literal);
        }
        try {
            return Long.valueOf(literal);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("integer out of range");
        }
    }

    private void skipDigits() {
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
    }
}

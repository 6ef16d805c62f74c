package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds compact JWS strings byte by byte, so that hostile tests can put exactly what they mean
 * into a header or payload (duplicate members, invalid UTF-8, JSON that is not an object), and
 * still sign it with a real key.
 */
final class RawJws {
    private RawJws() {
    }

    /** A JSON fragment written verbatim by {@link #json}. */
    static final class Raw {
        final String text;

        Raw(String text) {
            this.text = text;
        }
    }

    static Raw raw(String json) {
        return new Raw(json);
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs {@code base64url(header) . base64url(payload)} with {@code algorithm}. */
    static String sign(Algorithm algorithm, byte[] header, byte[] payload) {
        String signingInput = b64(header) + "." + b64(payload);
        return signingInput + "." + signature(algorithm, b64(header), b64(payload));
    }

    static String sign(Algorithm algorithm, String headerJson, String payloadJson) {
        return sign(algorithm, headerJson.getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature segment java-jwt computes over two encoded segments (ECDSA in JOSE r||s form). */
    static String signature(Algorithm algorithm, String headerSegment, String payloadSegment) {
        return b64(algorithm.sign(headerSegment.getBytes(StandardCharsets.US_ASCII),
                payloadSegment.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The claims of a token the agents under test accept: issuer, audience, subject, iat and exp. */
    static Map<String, Object> claims(String subject) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", Tokens.ISSUER);
        claims.put("aud", Tokens.AUDIENCE);
        claims.put("sub", subject);
        claims.put("iat", now);
        claims.put("exp", now + 600);
        return claims;
    }

    /** A header naming {@code alg}, with further members as name, value pairs. */
    static Map<String, Object> header(String alg, Object... more) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("typ", "JWT");
        for (int i = 0; i < more.length; i += 2) {
            header.put((String) more[i], more[i + 1]);
        }
        return header;
    }

    /** Minimal JSON writer: String, Number, Boolean, null, List, Map and {@link Raw}. */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Raw) {
            out.append(((Raw) value).text);
        } else if (value instanceof String) {
            out.append('"');
            for (char c : ((String) value).toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass());
        }
    }

    /** {@code sha256:} and 12 hex digits: how the agent names a token, and how tests may print one. */
    static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder("sha256:");
            for (int i = 0; i < 6; i++) {
                sb.append(String.format("%02x", digest[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

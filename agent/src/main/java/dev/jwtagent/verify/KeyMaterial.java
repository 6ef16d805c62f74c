package dev.jwtagent.verify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads keys from PEM text and from JWK / JWKS documents. */
final class KeyMaterial {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private KeyMaterial() {
    }

    /**
     * Public keys from PEM text: {@code PUBLIC KEY}, {@code RSA PUBLIC KEY} and {@code CERTIFICATE}
     * blocks. Certificates are only key containers here: validity and chains are not checked.
     *
     * @throws IllegalArgumentException with a message fit to follow the setting name
     */
    static List<PublicKey> readPem(String text) {
        String privateKey = privateKeyType(text);
        if (privateKey != null) {
            // Also an encrypted one, whose headers make it no block to read: a signing key has no place beside a verifier.
            throw new IllegalArgumentException("contains a PEM block of type " + privateKey + "; only PUBLIC KEY, RSA PUBLIC KEY and CERTIFICATE"
                    + " blocks are accepted (a private key does not belong on a service that verifies)");
        }
        List<PublicKey> keys = new ArrayList<>();
        int readUpTo = 0;
        for (PemBlock block = PemBlock.find(text, 0); block != null; block = PemBlock.find(text, block.end)) {
            requireNoBlockPassedOver(text, readUpTo, block.begin);
            readUpTo = block.end;
            String type = block.type;
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid base64 in a " + type + " block");
            }
            switch (type) {
                case "PUBLIC KEY":
                    keys.add(subjectPublicKeyInfo(der));
                    break;
                case "RSA PUBLIC KEY":
                    keys.add(subjectPublicKeyInfo(wrapPkcs1(der)));
                    break;
                case "CERTIFICATE":
                    keys.add(certificateKey(der));
                    break;
                default:
                    throw new IllegalArgumentException("contains a PEM block of type " + type
                            + "; only PUBLIC KEY, RSA PUBLIC KEY and CERTIFICATE blocks are accepted");
            }
        }
        requireNoBlockPassedOver(text, readUpTo, text.length());
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PEM public key or certificate found");
        }
        return keys;
    }

    /**
     * A BEGIN line between {@code from} and {@code to} starts no block that could be read (no END line,
     * a line that is not base64 in it, an END line of another type): a key cut short or damaged in
     * copying. Passed over, it would leave the service without that key, said only by a key count.
     */
    private static void requireNoBlockPassedOver(String text, int from, int to) {
        int begin = text.indexOf(BEGIN, from);
        if (begin >= 0 && begin < to) {
            int typeEnd = begin + BEGIN.length();
            while (typeEnd < text.length() && PemBlock.isTypeChar(text.charAt(typeEnd))) {
                typeEnd++;
            }
            String type = text.substring(begin + BEGIN.length(), typeEnd).trim();
            throw new IllegalArgumentException("a " + (type.isEmpty() ? "PEM" : type) + " block cannot be read (no matching END line,"
                    + " or a line in it that is not base64): the key is cut short or damaged");
        }
    }

    /** The type of the first {@code -----BEGIN ... PRIVATE KEY-----} line in the text, or null. */
    static String privateKeyType(String text) {
        for (int begin = text.indexOf(BEGIN); begin >= 0; begin = text.indexOf(BEGIN, begin + 1)) {
            int typeStart = begin + BEGIN.length();
            int typeEnd = text.indexOf(DASHES, typeStart);
            if (typeEnd < 0) {
                return null;
            }
            String type = text.substring(typeStart, typeEnd);
            if (type.endsWith("PRIVATE KEY") && type.length() <= 40 && isLabel(type)) {
                return type;
            }
        }
        return null;
    }

    /** Whether text is a PEM label (capitals, digits, spaces), which the refusal may quote. */
    private static boolean isLabel(String type) {
        for (int i = 0; i < type.length(); i++) {
            if (!PemBlock.isTypeChar(type.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The usable signing keys of a JWKS document. Keys that are not for signature verification,
     * too weak, of an unknown type or malformed are skipped, so one bad entry cannot take the
     * others down.
     *
     * @param allowSymmetric whether {@code oct} keys are accepted; never for remote documents
     * @throws IOException when the document is not a JWKS
     */
    static List<VerificationKey> parseJwks(String json, Set<String> allowed, boolean allowSymmetric)
            throws IOException {
        Map<String, Object> doc;
        try {
            doc = Jose.parseObject(json);
        } catch (TokenRejectedException e) {
            throw new IOException("not a JSON object with unique member names");
        }
        Object keys = doc.get("keys");
        if (!(keys instanceof List)) {
            throw new IOException("no \"keys\" array");
        }
        List<VerificationKey> result = new ArrayList<>();
        for (Object entry : (List<?>) keys) {
            if (!(entry instanceof Map)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) entry;
            try {
                VerificationKey key = parseJwk(jwk, allowed, allowSymmetric);
                if (key.isUsable()) {
                    result.add(key);
                }
            } catch (IllegalArgumentException e) {
                // Skipped on purpose: see the method comment.
            }
        }
        return result;
    }

    /**
     * One JWK as a verification key, bound to the algorithms its type, curve, {@code alg},
     * {@code use} and {@code key_ops} allow.
     *
     * @throws IllegalArgumentException when the JWK cannot be used to verify signatures
     */
    static VerificationKey parseJwk(Map<String, Object> jwk, Set<String> allowed, boolean allowSymmetric) {
        Object use = jwk.get("use");
        if (use != null && !"sig".equals(use)) {
            throw new IllegalArgumentException("key use is not sig");
        }
        Object ops = jwk.get("key_ops");
        if (ops != null && !(ops instanceof List && ((List<?>) ops).contains("verify"))) {
            throw new IllegalArgumentException("key_ops does not include verify");
        }
        Object kidValue = jwk.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw new IllegalArgumentException("kid is not a string");
        }
        String kid = (String) kidValue;
        Set<String> algs = new LinkedHashSet<>(allowed);
        Object alg = jwk.get("alg");
        if (alg != null) {
            algs.retainAll(Collections.singleton(alg));
        }
        String kty = string(jwk, "kty");
        try {
            switch (kty) {
                case "RSA": {
                    BigInteger n = new BigInteger(1, Jose.base64Url(string(jwk, "n")));
                    BigInteger e = new BigInteger(1, Jose.base64Url(string(jwk, "e")));
                    if (!e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0) {
                        throw new IllegalArgumentException("bad RSA exponent");
                    }
                    PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
                    return VerificationKey.publicKey(kid, key, algs);
                }
                case "EC": {
                    ECParameterSpec params = JwsAlgorithms.curveForJwk(string(jwk, "crv"));
                    if (params == null) {
                        throw new IllegalArgumentException("unsupported curve");
                    }
                    int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
                    byte[] x = Jose.base64Url(string(jwk, "x"));
                    byte[] y = Jose.base64Url(string(jwk, "y"));
                    if (x.length != size || y.length != size) {
                        throw new IllegalArgumentException("EC coordinate of the wrong length");
                    }
                    ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
                    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
                    return VerificationKey.publicKey(kid, key, algs);
                }
                case "oct": {
                    if (!allowSymmetric) {
                        throw new IllegalArgumentException("symmetric keys are not accepted from a key set");
                    }
                    byte[] k = Jose.base64Url(string(jwk, "k"));
                    if (k.length < JwsAlgorithms.MIN_HMAC_BYTES) {
                        throw new IllegalArgumentException("HMAC key too short");
                    }
                    return VerificationKey.hmac(kid, k, algs);
                }
                default:
                    throw new IllegalArgumentException("unsupported kty");
            }
        } catch (TokenRejectedException | GeneralSecurityException e) {
            throw new IllegalArgumentException("malformed " + kty + " key");
        }
    }

    private static String string(Map<String, Object> jwk, String name) {
        Object value = jwk.get(name);
        if (!(value instanceof String)) {
            throw new IllegalArgumentException(name + " missing");
        }
        return (String) value;
    }

    private static PublicKey subjectPublicKeyInfo(byte[] der) {
        PublicKey rsa = ParsedRsaPublicKey.parse(der);
        if (rsa != null) {
            return rsa;
        }
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException("a PUBLIC KEY block is neither an RSA nor an EC key");
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            return cert.getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("a CERTIFICATE block cannot be read");
        }
    }

    /** PKCS#1 RSAPublicKey wrapped as SubjectPublicKeyInfo, which is what the JDK's KeyFactory reads. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0x03);
        writeLength(bitString, pkcs1.length + 1);
        bitString.write(0x00);
        bitString.write(pkcs1, 0, pkcs1.length);
        ByteArrayOutputStream spki = new ByteArrayOutputStream();
        spki.write(0x30);
        byte[] algorithm = ParsedRsaPublicKey.RSA_ALGORITHM_ID;
        writeLength(spki, algorithm.length + bitString.size());
        spki.write(algorithm, 0, algorithm.length);
        byte[] bits = bitString.toByteArray();
        spki.write(bits, 0, bits.length);
        return spki.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xFF);
        }
    }

    /**
     * One {@code -----BEGIN T-----} ... {@code -----END T-----} block whose body holds only base64
     * characters and white space; a block with anything else (encryption headers, say) is passed
     * over. Read by hand: a regular expression costs a JVM's startup several milliseconds.
     */
    static final class PemBlock {
        final String type;
        final String base64;
        /** Where the block's BEGIN line starts. */
        final int begin;
        /** Where the text after the block starts. */
        final int end;

        private PemBlock(String type, String base64, int begin, int end) {
            this.type = type;
            this.base64 = base64;
            this.begin = begin;
            this.end = end;
        }

        /** The first complete block at or after {@code from}, or null. */
        static PemBlock find(String text, int from) {
            for (int begin = text.indexOf(BEGIN, from); begin >= 0; begin = text.indexOf(BEGIN, begin + 1)) {
                int typeStart = begin + BEGIN.length();
                int typeEnd = typeStart;
                while (typeEnd < text.length() && isTypeChar(text.charAt(typeEnd))) {
                    typeEnd++;
                }
                if (typeEnd == typeStart || !text.startsWith(DASHES, typeEnd)) {
                    continue;
                }
                int bodyStart = typeEnd + DASHES.length();
                int bodyEnd = bodyStart;
                while (bodyEnd < text.length() && isBodyChar(text.charAt(bodyEnd))) {
                    bodyEnd++;
                }
                String type = text.substring(typeStart, typeEnd);
                String closing = END + type + DASHES;
                if (text.startsWith(closing, bodyEnd)) {
                    return new PemBlock(type, text.substring(bodyStart, bodyEnd), begin, bodyEnd + closing.length());
                }
            }
            return null;
        }

        static boolean isTypeChar(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
        }

        private static boolean isBodyChar(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='
                    || c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
        }
    }
}

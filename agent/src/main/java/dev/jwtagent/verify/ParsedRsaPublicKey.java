package dev.jwtagent.verify;

import com.auth0.jwt.interfaces.RSAKeyProvider;
import dev.jwtagent.log.AgentLog;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * An RSA public key read from its X.509 {@code SubjectPublicKeyInfo} by this class rather than by
 * the JDK's key factory. The first use of the JCA loads and registers the security providers:
 * about 30 ms on one core, which a PEM key file would otherwise add to every start. The key is
 * handed to the JCA ({@link #forSignature}) the first time a signature is checked with it.
 *
 * <p>Only a canonical DER encoding with the {@code rsaEncryption} algorithm and sizes the JDK's
 * RSA provider accepts is read here; anything else is left to the key factory, which refuses at
 * startup what it cannot read. Should another security provider refuse a key read here when it
 * is first used, that is logged once at error level, and no RS or PS token passes.
 */
final class ParsedRsaPublicKey implements RSAPublicKey {
    private static final long serialVersionUID = 1L;
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** The JDK's RSA provider refuses larger moduli, and public exponents over 64 bits with moduli over 3072 bits. */
    private static final int MAX_MODULUS_BITS = 16384;
    private static final int MAX_EXPONENT_BITS = 64;
    private static final int MIN_MODULUS_BITS = 512;

    private final BigInteger modulus;
    private final BigInteger exponent;
    private final byte[] encoded;
    private transient volatile RSAPublicKey jdkKey;

    private ParsedRsaPublicKey(BigInteger modulus, BigInteger exponent, byte[] encoded) {
        this.modulus = modulus;
        this.exponent = exponent;
        this.encoded = encoded;
    }

    /** The key in {@code spki}, or null when the key factory must decide (another algorithm, an unusual encoding or size). */
    static ParsedRsaPublicKey parse(byte[] spki) {
        Der outer = new Der(spki, 0, spki.length);
        Der info = outer.enter(0x30);
        if (info == null || !outer.atEnd() || !info.skipExactly(RSA_ALGORITHM_ID)) {
            return null;
        }
        Der bits = info.enter(0x03);
        if (bits == null || !info.atEnd() || !bits.skipExactly(new byte[] {0x00})) {
            return null;
        }
        Der key = bits.enter(0x30);
        if (key == null || !bits.atEnd()) {
            return null;
        }
        BigInteger n = key.positiveInteger();
        BigInteger e = n == null ? null : key.positiveInteger();
        if (e == null || !key.atEnd()) {
            return null;
        }
        if (n.bitLength() < MIN_MODULUS_BITS || n.bitLength() > MAX_MODULUS_BITS
                || !e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || e.bitLength() > MAX_EXPONENT_BITS) {
            return null;
        }
        return new ParsedRsaPublicKey(n, e, spki.clone());
    }

    /** The key to give the JCA: the JDK's own object for a key read here, made on first use. */
    static RSAPublicKey forSignature(RSAPublicKey key) {
        return key instanceof ParsedRsaPublicKey ? ((ParsedRsaPublicKey) key).jdkKey() : key;
    }

    /** A java-jwt key provider that gives {@link #forSignature} of {@code key} for every kid. */
    static RSAKeyProvider provider(RSAPublicKey key) {
        return new RSAKeyProvider() {
            @Override
            public RSAPublicKey getPublicKeyById(String keyId) {
                return forSignature(key);
            }

            @Override
            public RSAPrivateKey getPrivateKey() {
                return null;
            }

            @Override
            public String getPrivateKeyId() {
                return null;
            }
        };
    }

    private RSAPublicKey jdkKey() {
        RSAPublicKey made = jdkKey;
        if (made == null) {
            try {
                made = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
            } catch (GeneralSecurityException | ClassCastException e) {
                // parse() takes only keys within the JDK RSA provider's limits, but another provider
                // (a FIPS one, say) may come first: then no RS or PS token can pass. Say so, once.
                if (AgentLog.firstTime("rsa-key-refused")) {
                    AgentLog.logger("verify").error("the security provider refused an RSA key of {} bits from the PEM file ({}); "
                            + "every RS and PS token is refused (logged once)", modulus.bitLength(), e.getClass().getSimpleName());
                }
                throw new IllegalStateException("the security provider refused an RSA key read at startup");
            }
            jdkKey = made;
        }
        return made;
    }

    @Override
    public BigInteger getModulus() {
        return modulus;
    }

    @Override
    public BigInteger getPublicExponent() {
        return exponent;
    }

    @Override
    public String getAlgorithm() {
        return "RSA";
    }

    @Override
    public String getFormat() {
        return "X.509";
    }

    @Override
    public byte[] getEncoded() {
        return encoded.clone();
    }

    /**
     * Equal to any key with the same X.509 encoding, as the JDK's keys are. The hash code is not the
     * JDK keys' (theirs differs between JDK versions): do not mix the two in a hash-based collection.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Key && "X.509".equals(((Key) o).getFormat()) && Arrays.equals(encoded, ((Key) o).getEncoded());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "RSA public key, " + modulus.bitLength() + " bits";
    }

    /** A bounded view of DER bytes: definite, minimal lengths only. */
    private static final class Der {
        private final byte[] bytes;
        private int position;
        private final int end;

        Der(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.position = start;
            this.end = end;
        }

        boolean atEnd() {
            return position == end;
        }

        /** The contents of the next element if it has this tag, or null. */
        Der enter(int tag) {
            if (position >= end || (bytes[position] & 0xFF) != tag) {
                return null;
            }
            int at = position + 1;
            if (at >= end) {
                return null;
            }
            int first = bytes[at++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else if (first == 0x81 && at < end && (bytes[at] & 0xFF) >= 0x80) {
                length = bytes[at++] & 0xFF;
            } else if (first == 0x82 && at + 1 < end && (bytes[at] & 0xFF) != 0) {
                length = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
                if (length < 0x100) {
                    return null;
                }
                at += 2;
            } else {
                return null;
            }
            if (length > end - at) {
                return null;
            }
            position = at + length;
            return new Der(bytes, at, at + length);
        }

        /** Skips {@code expected} if the next bytes are exactly it. */
        boolean skipExactly(byte[] expected) {
            if (end - position < expected.length
                    || !Arrays.equals(bytes, position, position + expected.length, expected, 0, expected.length)) {
                return false;
            }
            position += expected.length;
            return true;
        }

        /** The next INTEGER if it is positive and minimally encoded, or null. */
        BigInteger positiveInteger() {
            Der value = enter(0x02);
            if (value == null || value.end == value.position) {
                return null;
            }
            int first = bytes[value.position] & 0xFF;
            int length = value.end - value.position;
            if (first >= 0x80 || (first == 0 && (length == 1 || (bytes[value.position + 1] & 0xFF) < 0x80))) {
                return null;
            }
            return new BigInteger(1, Arrays.copyOfRange(bytes, value.position, value.end));
        }
    }
}

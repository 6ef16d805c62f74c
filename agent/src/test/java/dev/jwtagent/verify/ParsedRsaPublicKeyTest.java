package dev.jwtagent.verify;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ParsedRsaPublicKeyTest {

    private static final RSAPublicKey JDK_KEY = (RSAPublicKey) TestSupport.rsa("a").getPublic();

    @Test
    void readsTheSameKeyAsTheJdkKeyFactory() {
        ParsedRsaPublicKey parsed = ParsedRsaPublicKey.parse(JDK_KEY.getEncoded());
        assertNotNull(parsed);
        assertEquals(JDK_KEY.getModulus(), parsed.getModulus());
        assertEquals(JDK_KEY.getPublicExponent(), parsed.getPublicExponent());
        assertArrayEquals(JDK_KEY.getEncoded(), parsed.getEncoded());
        assertEquals("RSA", parsed.getAlgorithm());
        assertEquals("X.509", parsed.getFormat());
        assertEquals(parsed, JDK_KEY);
        assertEquals(JDK_KEY, parsed);
    }

    @Test
    void becomesAJdkKeyForTheSignatureCheckOnceAndKeepsIt() {
        ParsedRsaPublicKey parsed = ParsedRsaPublicKey.parse(JDK_KEY.getEncoded());
        RSAPublicKey forSignature = ParsedRsaPublicKey.forSignature(parsed);
        assertFalse(forSignature instanceof ParsedRsaPublicKey);
        assertEquals(JDK_KEY, forSignature);
        assertSame(forSignature, ParsedRsaPublicKey.forSignature(parsed));
        assertSame(JDK_KEY, ParsedRsaPublicKey.forSignature(JDK_KEY), "a JDK key is used as it is");
        assertSame(forSignature, ParsedRsaPublicKey.provider(parsed).getPublicKeyById("any kid"));
    }

    /** A provider placed first that refuses every RSA key, as a stricter (FIPS) provider might. */
    public static final class RefusingKeyFactory extends java.security.KeyFactorySpi {
        @Override
        protected PublicKey engineGeneratePublic(java.security.spec.KeySpec spec) throws java.security.spec.InvalidKeySpecException {
            throw new java.security.spec.InvalidKeySpecException("refused by the test provider");
        }

        @Override
        protected java.security.PrivateKey engineGeneratePrivate(java.security.spec.KeySpec spec)
                throws java.security.spec.InvalidKeySpecException {
            throw new java.security.spec.InvalidKeySpecException("refused by the test provider");
        }

        @Override
        protected <T extends java.security.spec.KeySpec> T engineGetKeySpec(java.security.Key key, Class<T> spec)
                throws java.security.spec.InvalidKeySpecException {
            throw new java.security.spec.InvalidKeySpecException("refused by the test provider");
        }

        @Override
        protected java.security.Key engineTranslateKey(java.security.Key key) throws java.security.InvalidKeyException {
            throw new java.security.InvalidKeyException("refused by the test provider");
        }
    }

    @Test
    void aKeyThatTheProviderRefusesAtFirstUseFailsEveryCheckInsteadOfPassingOne() {
        ParsedRsaPublicKey parsed = ParsedRsaPublicKey.parse(JDK_KEY.getEncoded());
        java.security.Provider refusing = new java.security.Provider("RefusingRsa", "1", "refuses RSA keys") {
            private static final long serialVersionUID = 1L;

            {
                putService(new Service(this, "KeyFactory", "RSA", RefusingKeyFactory.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object parameter) {
                        return new RefusingKeyFactory();
                    }
                });
            }
        };
        String token = TestSupport.sign(TestSupport.signer("RS256", TestSupport.rsa("a")), TestSupport.header("RS256"), TestSupport.claims(""));
        // The key factory fails over to the next provider: the JDK's RSA provider must be gone, as in a FIPS setup.
        java.security.Provider[] before = java.security.Security.getProviders();
        java.security.Provider jdkRsa = java.security.Security.getProvider("SunRsaSign");
        int position = java.util.Arrays.asList(before).indexOf(jdkRsa) + 1;
        java.security.Security.removeProvider("SunRsaSign");
        java.security.Security.insertProviderAt(refusing, 1);
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> ParsedRsaPublicKey.forSignature(parsed));
            assertFalse(e.getMessage().contains(JDK_KEY.getModulus().toString(16).substring(0, 12)), "no key material in the message");
            org.junit.jupiter.api.Assertions.assertThrows(com.auth0.jwt.exceptions.SignatureVerificationException.class,
                    () -> com.auth0.jwt.JWT.require(com.auth0.jwt.algorithms.Algorithm.RSA256(ParsedRsaPublicKey.provider(parsed))).build()
                            .verify(token));
        } finally {
            java.security.Security.removeProvider("RefusingRsa");
            java.security.Security.insertProviderAt(jdkRsa, position);
        }
        assertArrayEquals(before, java.security.Security.getProviders(), "providers restored");
        assertEquals(JDK_KEY, ParsedRsaPublicKey.forSignature(parsed), "usable again once the JDK's provider decides");
    }

    @Test
    void readingAPemRsaKeyDoesNotUseTheKeyFactory() {
        List<PublicKey> keys = KeyMaterial.readPem(TestSupport.pem(JDK_KEY, TestSupport.ec("secp256r1", "a").getPublic()));
        assertInstanceOf(ParsedRsaPublicKey.class, keys.get(0));
        assertEquals(JDK_KEY, keys.get(0));
        assertFalse(keys.get(1) instanceof ParsedRsaPublicKey, "EC keys are read by the key factory");
    }

    @Test
    void leavesOtherAlgorithmsAndUnusualEncodingsToTheKeyFactory() throws Exception {
        byte[] good = JDK_KEY.getEncoded();
        assertNull(ParsedRsaPublicKey.parse(TestSupport.ec("secp256r1", "a").getPublic().getEncoded()), "EC key");
        assertNull(ParsedRsaPublicKey.parse(Arrays.copyOf(good, good.length + 1)), "trailing byte");
        assertNull(ParsedRsaPublicKey.parse(Arrays.copyOf(good, good.length - 1)), "truncated");
        assertNull(ParsedRsaPublicKey.parse(new byte[0]), "empty");

        byte[] pss = good.clone();
        assertEquals(0x01, pss[16], "the last byte of the rsaEncryption OID");
        pss[16] = 0x0a; // 1.2.840.113549.1.1.10, RSASSA-PSS
        assertNull(ParsedRsaPublicKey.parse(pss), "RSASSA-PSS algorithm identifier");

        byte[] longForm = longFormOuterLength(good);
        assertNull(ParsedRsaPublicKey.parse(longForm), "a length in more bytes than needed");
    }

    @Test
    void leavesOddSizesAndExponentsToTheKeyFactory() throws Exception {
        BigInteger n = JDK_KEY.getModulus();
        assertNotNull(ParsedRsaPublicKey.parse(encode(n, BigInteger.valueOf(65537))));
        assertNull(ParsedRsaPublicKey.parse(encode(n, BigInteger.valueOf(65536))), "even exponent");
        assertNull(ParsedRsaPublicKey.parse(encode(n, BigInteger.ONE)), "exponent 1");
        assertNull(ParsedRsaPublicKey.parse(encode(n, BigInteger.ONE.shiftLeft(64).add(BigInteger.ONE))), "exponent over 64 bits");
        assertNull(ParsedRsaPublicKey.parse(encode(BigInteger.ONE.shiftLeft(16384).add(BigInteger.ONE), BigInteger.valueOf(3))),
                "modulus over 16384 bits");
        assertNull(ParsedRsaPublicKey.parse(encode(BigInteger.ONE.shiftLeft(500).add(BigInteger.ONE), BigInteger.valueOf(3))),
                "modulus under 512 bits");
    }

    @Test
    void refusesNegativeAndNonMinimalIntegers() throws Exception {
        byte[] good = encode(JDK_KEY.getModulus(), BigInteger.valueOf(65537));
        // The exponent 65537 is the last five bytes: 02 03 01 00 01. Make it 02 03 81 00 01 (negative).
        byte[] negative = good.clone();
        negative[negative.length - 3] = (byte) 0x81;
        assertNull(ParsedRsaPublicKey.parse(negative));
        // 02 03 00 01 01 is 257 with a needless leading zero.
        byte[] padded = good.clone();
        padded[padded.length - 3] = 0x00;
        padded[padded.length - 2] = 0x01;
        assertNull(ParsedRsaPublicKey.parse(padded));
    }

    @Test
    void pemBlocksAreFoundAsTheFormatDefines() {
        String base64 = Base64.getMimeEncoder().encodeToString(JDK_KEY.getEncoded());
        String text = "comment line\n"
                + "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n" + base64 + "\n-----END PUBLIC KEY-----\n"
                + "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END CERTIFICATE-----\n"
                + "-----BEGIN PUBLIC KEY-----\r\n" + base64 + "\r\n-----END PUBLIC KEY-----\n";
        KeyMaterial.PemBlock block = KeyMaterial.PemBlock.find(text, 0);
        assertNotNull(block);
        assertEquals("PUBLIC KEY", block.type);
        assertEquals("\r\n" + base64 + "\r\n", block.base64);
        assertNull(KeyMaterial.PemBlock.find(text, block.end));
        // readPem does not pass such blocks over: a damaged key would be dropped without a word (PemKeyFileTest).
        IllegalArgumentException damaged = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KeyMaterial.readPem(text));
        assertEquals("a PUBLIC KEY block cannot be read (no matching END line, or a line in it that is not base64): the key is cut short"
                + " or damaged", damaged.getMessage());
        String good = "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
        for (String cut : java.util.List.of(good + "-----BEGIN PUBLIC KEY-----\n" + base64.substring(0, 40) + "\n",
                good + "-----BEGIN PUBLIC KEY-----\n# second key\n" + base64 + "\n-----END PUBLIC KEY-----\n",
                "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC  KEY-----\n" + good)) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> KeyMaterial.readPem(cut), cut);
        }
        assertEquals(2, KeyMaterial.readPem("subject=CN=a\n" + good + "issuer=CN=b\n" + good).size(), "text between blocks is fine");
        assertNull(KeyMaterial.PemBlock.find("-----BEGIN -----\n" + base64 + "\n-----END -----", 0), "no type");
        assertNull(KeyMaterial.PemBlock.find("-----BEGIN public key-----\n" + base64 + "\n-----END public key-----", 0));
    }

    /** SubjectPublicKeyInfo for (n, e), built with the JDK's key factory where it accepts the values. */
    private static byte[] encode(BigInteger n, BigInteger e) throws Exception {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)).getEncoded();
        } catch (java.security.GeneralSecurityException refused) {
            return spki(n, e);
        }
    }

    /** SubjectPublicKeyInfo for (n, e), encoded here. */
    private static byte[] spki(BigInteger n, BigInteger e) {
        byte[] key = sequence(0x30, concat(integer(n), integer(e)));
        byte[] bits = sequence(0x03, concat(new byte[] {0}, key));
        return sequence(0x30, concat(ParsedRsaPublicKey.RSA_ALGORITHM_ID, bits));
    }

    private static byte[] integer(BigInteger value) {
        return sequence(0x02, value.toByteArray());
    }

    private static byte[] sequence(int tag, byte[] contents) {
        int n = contents.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, concat(length, contents));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The same encoding with the outer SEQUENCE's two-byte length written in three. */
    private static byte[] longFormOuterLength(byte[] der) {
        assertEquals((byte) 0x82, der[1]);
        byte[] out = new byte[der.length + 1];
        out[0] = der[0];
        out[1] = (byte) 0x83;
        out[2] = 0;
        System.arraycopy(der, 2, out, 3, der.length - 2);
        return out;
    }
}

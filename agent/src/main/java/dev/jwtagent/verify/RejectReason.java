package dev.jwtagent.verify;

import java.util.Locale;

/** Why a token was refused. Descriptions are safe to put in a {@code WWW-Authenticate} header. */
public enum RejectReason {
    MALFORMED("malformed token"),
    TOO_LARGE("token too large"),
    ALGORITHM_NOT_ALLOWED("algorithm not allowed"),
    BAD_SIGNATURE("bad signature"),
    UNKNOWN_KEY("unknown key"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid"),
    ISSUED_IN_FUTURE("token issued in the future"),
    MISSING_EXP("token has no exp claim"),
    WRONG_ISSUER("wrong issuer"),
    WRONG_AUDIENCE("wrong audience"),
    MISSING_CLAIM("missing required claim"),
    UNSUPPORTED_CRIT("unsupported critical header"),
    DUPLICATE_MEMBER("duplicate JSON member"),
    INTERNAL_ERROR("internal error");

    private final String description;
    private final String metricName;

    RejectReason(String description) {
        this.description = description;
        this.metricName = name().toLowerCase(Locale.ROOT);
    }

    /** Lower-case name for counters, e.g. {@code bad_signature}. */
    public String metricName() {
        return metricName;
    }

    /** RFC 6750 {@code error_description} text: plain ASCII, no quotes or backslashes, never token content. */
    public String description() {
        return description;
    }
}

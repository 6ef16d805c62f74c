package dev.jwtagent.verify;

/**
 * A token was refused. The message is the reason's fixed description and never carries token
 * content. No stack trace is captured: rejections are routine and must stay cheap under attack.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public TokenRejectedException(RejectReason reason) {
        super(reason.description());
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

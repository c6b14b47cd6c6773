package dev.nanobanana.camel.egress;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/**
 * The proxy a call goes through could not be reached: nothing left this machine, so the call may be made again. A
 * {@link ConnectException}, as a refused connection to RunPod itself is.
 */
public class ProxyUnreachableException extends ConnectException {

    private static final long serialVersionUID = 1L;

    private final String proxy;
    private final String givenBy;

    public ProxyUnreachableException(String proxy, String givenBy, Throwable cause) {
        super("proxy " + proxy + (cause instanceof HttpConnectTimeoutException
                ? " did not accept the connection in time" : " refused the connection") + " (the proxy of " + givenBy
              + ")");
        this.proxy = proxy;
        this.givenBy = givenBy;
        initCause(cause);
    }

    /** {@code host:port}. */
    public String proxy() {
        return proxy;
    }

    /** The setting or variable that named it. */
    public String givenBy() {
        return givenBy;
    }
}

package dev.nanobanana.camel.egress;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/**
 * The proxy a call goes through could not be reached, or refused it (HTTP 407, or another answer than 200 to the CONNECT
 * of an https URL): nothing reached the host behind it, so the call may be made again. A {@link ConnectException}, as a
 * refused connection to RunPod itself is.
 */
public class ProxyRefusedException extends ConnectException {

    private static final long serialVersionUID = 1L;

    private final String hint;

    private ProxyRefusedException(String message, String hint, Throwable cause) {
        super(message);
        this.hint = hint;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** The proxy ({@code host:port}, named by {@code givenBy}) did not take the connection. */
    static ProxyRefusedException unreachable(String proxy, String givenBy, Throwable cause) {
        return new ProxyRefusedException("proxy " + proxy + (cause instanceof HttpConnectTimeoutException
                ? " did not accept the connection in time" : " refused the connection") + " (the proxy of " + givenBy
                + ")", "check " + givenBy + " and that the proxy runs", cause);
    }

    /** The proxy answered the CONNECT to {@code host} ({@code host:port}) with {@code status}, such as 502. */
    static ProxyRefusedException tunnel(String proxy, String givenBy, int status, String host, Throwable cause) {
        return new ProxyRefusedException("proxy " + proxy + " did not open a tunnel to " + host + " (HTTP " + status
                + ") (the proxy of " + givenBy + ")", "check that the proxy may reach " + host
                + ", and its own log", cause);
    }

    /** The proxy answered 407: the credentials of its URL are wrong, or there are none. */
    static ProxyRefusedException credentials(String proxy, String givenBy, boolean given) {
        return new ProxyRefusedException("proxy " + proxy + (given ? " refused the credentials" : " asks for credentials")
                + " (HTTP 407) (the proxy of " + givenBy + ")", given ? "check the user and password in " + givenBy
                : "give them in " + givenBy + " as http://user:password@host:port", null);
    }

    /** What to do about it, naming the setting or variable. */
    public String hint() {
        return hint;
    }
}

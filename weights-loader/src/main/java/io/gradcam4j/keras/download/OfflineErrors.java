package io.gradcam4j.keras.download;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;

/**
 * Tells "the server cannot be reached" (a machine offline or behind a firewall: the user needs
 * manual instructions) from other failures. java.net.http reports an unknown host as a
 * ConnectException caused by UnresolvedAddressException, so the whole cause chain is searched.
 */
final class OfflineErrors {
    private static final List<Class<? extends Throwable>> OFFLINE = List.of(ConnectException.class,
            UnknownHostException.class, UnresolvedAddressException.class, NoRouteToHostException.class,
            HttpTimeoutException.class, SocketTimeoutException.class);

    private OfflineErrors() {
    }

    static boolean isOffline(Throwable error) {
        return OFFLINE.stream().anyMatch(type -> has(error, type));
    }

    /**
     * A short reason for messages. java.net.http leaves the messages of its connect errors null
     * (a refused connection is ConnectException -> ConnectException -> ClosedChannelException),
     * so the kind of failure is named from the types in the chain.
     */
    static String reason(Throwable error) {
        if (has(error, UnresolvedAddressException.class) || has(error, UnknownHostException.class)) {
            return "unknown host";
        }
        if (has(error, HttpTimeoutException.class) || has(error, SocketTimeoutException.class)) {
            return "timed out";
        }
        if (has(error, ConnectException.class) || has(error, NoRouteToHostException.class)) {
            return "connection refused or no route";
        }
        return firstMessage(error);
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String firstMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return error.getClass().getSimpleName();
    }
}

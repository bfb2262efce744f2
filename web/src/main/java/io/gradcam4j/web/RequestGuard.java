package io.gradcam4j.web;

import io.javalin.http.Context;

import java.util.Locale;
import java.util.Set;

/**
 * What every request passes before a route sees it. A page on another site must not be able to
 * make the user's browser explain, cancel or upload here: a state-changing request (anything but
 * GET, HEAD and OPTIONS) that a browser marks as coming from another origin ({@code Origin} not
 * this server, or {@code Sec-Fetch-Site} other than same-origin or none) is refused with 403. A
 * server bound to a loopback address also refuses a {@code Host} that is not a loopback name, so
 * that a DNS name pointed at 127.0.0.1 (DNS rebinding) does not make another site same-origin.
 * Requests with neither header (curl, scripts) are not a browser's cross-origin requests and pass.
 */
final class RequestGuard {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final boolean loopbackOnly;

    /** @param loopbackOnly whether the server is bound to a loopback address (the default) */
    RequestGuard(boolean loopbackOnly) {
        this.loopbackOnly = loopbackOnly;
    }

    void check(Context ctx) {
        String host = ctx.header("Host");
        if (loopbackOnly && (host == null || !LOOPBACK_NAMES.contains(hostName(host)))) {
            throw new ApiException(403, "forbidden", "this server answers only to 127.0.0.1, localhost or [::1], not "
                    + host);
        }
        if (SAFE_METHODS.contains(ctx.method().name())) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new ApiException(403, "forbidden", "cross-origin request refused (Sec-Fetch-Site: " + site + ")");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            throw new ApiException(403, "forbidden", "cross-origin request refused (Origin: " + origin + ")");
        }
    }

    /** {@code localhost:8080} -> {@code localhost}; {@code [::1]:8080} -> {@code [::1]}. */
    static String hostName(String hostHeader) {
        String h = hostHeader.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        return colon > h.lastIndexOf(']') ? h.substring(0, colon) : h;
    }

    /**
     * Headers that keep the page to itself: no script, style or font from elsewhere (the page
     * works offline and a CDN could not be reached anyway), not framed by another site, content
     * types not guessed by the browser.
     */
    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "
                + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}

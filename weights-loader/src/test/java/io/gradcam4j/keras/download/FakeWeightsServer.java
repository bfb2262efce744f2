package io.gradcam4j.keras.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A local stand-in for storage.googleapis.com: serves given bytes under given paths, counts requests. */
final class FakeWeightsServer implements AutoCloseable {
    static final String PREFIX = "/tensorflow/keras-applications/";

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, Integer> truncated = new ConcurrentHashMap<>();

    private FakeWeightsServer(HttpServer server) {
        this.server = server;
    }

    static FakeWeightsServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeWeightsServer fake = new FakeWeightsServer(server);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    /** Serves {@code bytes} at {@code relativePath} below {@link #baseUrl}. */
    void serve(String relativePath, byte[] bytes) {
        files.put(PREFIX + relativePath, bytes);
    }

    /** Promises the full length of the file but sends only {@code sent} bytes, then hangs up. */
    void truncate(String relativePath, int sent) {
        truncated.put(PREFIX + relativePath, sent);
    }

    void redirect(String fromRelative, String toRelative) {
        redirects.put(PREFIX + fromRelative, PREFIX + toRelative);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PREFIX);
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (redirects.containsKey(path)) {
                exchange.getResponseHeaders().add("Location", redirects.get(path));
                exchange.sendResponseHeaders(302, -1);
            } else if (!files.containsKey(path)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                send(exchange, files.get(path), truncated.getOrDefault(path, Integer.MAX_VALUE));
            }
        }
    }

    private static void send(HttpExchange exchange, byte[] body, int sent) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, Math.min(sent, body.length));
        out.flush();
    }
}

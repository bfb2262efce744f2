package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input the API can be sent gets a clear JSON error with the right status and kind,
 * never a stack trace, and the server goes on serving.
 */
class BadInputTest {
    private static LocalServer s;
    private static byte[] star;

    @BeforeAll
    static void start() throws Exception {
        s = new LocalServer(8);
        star = LocalServer.demoImage("star.png");
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    /** The answer has this status and kind, a message that says {@code says}, and no trace of Java internals. */
    private static JsonNode assertRefused(HttpResponse<String> r, int status, String kind, String says) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0], r.body());
        JsonNode e = LocalServer.json(r);
        assertEquals(kind, e.get("kind").asText(), r.body());
        assertTrue(e.get("error").asText().contains(says), r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception") || r.body().contains("/tmp/"),
                "no stack trace, exception name or server path: " + r.body());
        return e;
    }

    @Test
    void noImage() throws Exception {
        assertRefused(s.explain(null, null, LocalServer.fields("model", "demo")), 400, "invalid-request", "no image");
    }

    @Test
    void aTextFileNamedLikeAPicture() throws Exception {
        byte[] text = "this is not a picture\n".getBytes(StandardCharsets.UTF_8);
        assertRefused(s.explain(text, "photo.png", LocalServer.fields()), 415, "unsupported", "not an image");
    }

    @Test
    void aGifIsRefusedByName() throws Exception {
        byte[] gif = "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(s.explain(gif, "a.png", LocalServer.fields()), 415, "unsupported", "GIF");
    }

    @Test
    void anEmptyUpload() throws Exception {
        assertRefused(s.explain(new byte[0], "empty.png", LocalServer.fields()), 415, "unsupported", "empty");
    }

    /** A 100000 x 100000 PNG of a few hundred bytes: refused from its header, named by the upload's name. */
    @Test
    void aDecompressionBomb() throws Exception {
        JsonNode e = assertRefused(s.explain(bombPng(100_000, 100_000), "bomb.png", LocalServer.fields()), 413,
                "resource-limit", "10000000000 pixels");
        assertTrue(e.get("error").asText().startsWith("bomb.png"), e.toString());
    }

    @Test
    void aTruncatedPng() throws Exception {
        assertRefused(s.explain(Arrays.copyOf(star, star.length / 2), "cut.png", LocalServer.fields()), 422,
                "damaged-input", "cut.png");
    }

    @Test
    void anUnknownModelIdOrAPath() throws Exception {
        assertRefused(s.explain(star, "star.png", LocalServer.fields("model", "vgg99")), 404, "invalid-request",
                "unknown model 'vgg99'; models: demo, demo-shortcut");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("model", "/etc/passwd")), 404, "invalid-request",
                "unknown model");
        assertRefused(s.get("/api/models/..%2F..%2Fetc%2Fpasswd/layers"), 404, "invalid-request", "unknown model");
    }

    @Test
    void anUnknownLayer() throws Exception {
        assertRefused(s.explain(star, "star.png", LocalServer.fields("layer", "block99")), 400, "invalid-request",
                "no layer named 'block99'");
    }

    @Test
    void anUnknownClass() throws Exception {
        assertRefused(s.explain(star, "star.png", LocalServer.fields("class", "5")), 400, "invalid-request",
                "class 5: the model has 5 classes (0..4)");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("class", "-1")), 400, "invalid-request", "class -1");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("class", "hexagon")), 400, "invalid-request",
                "no class is labelled 'hexagon'");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("class", "top:0")), 400, "invalid-request", "top:K");
    }

    @Test
    void unknownMethodScoreColormapAndBadNumbers() throws Exception {
        assertRefused(s.explain(star, "star.png", LocalServer.fields("method", "magic")), 400, "invalid-request",
                "unknown method 'magic'");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("score", "loss")), 400, "invalid-request", "--score");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("colormap", "rainbow")), 400, "invalid-request",
                "unknown colormap");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("alpha", "NaN")), 400, "invalid-request", "alpha");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("samples", "99999999")), 400, "invalid-request",
                "samples");
        assertRefused(s.explain(star, "star.png", LocalServer.fields("job", "../x")), 400, "invalid-request", "job");
    }

    /** 50 MB with its length announced: refused before the body is read. */
    @Test
    void aFiftyMegabyteUpload() throws Exception {
        byte[] big = fiftyMegabytePng();
        assertRefused(s.explain(big, "big.png", LocalServer.fields()), 413, "resource-limit", "more than");
    }

    /** 50 MB sent chunked, with no length: cut off by the multipart limit while it is read. */
    @Test
    void aFiftyMegabyteUploadWithoutLength() throws Exception {
        HttpRequest.Builder r = s.explainRequest(fiftyMegabytePng(), "big.png", Map.of());
        byte[] body = bodyOf(r);
        r.POST(new ChunkedBody(body));
        assertRefused(s.send(r), 413, "resource-limit", "larger than");
    }

    @Test
    void crossOriginStateChangesAreRefused() throws Exception {
        var evil = s.explainRequest(star, "star.png", Map.of()).header("Origin", "http://evil.example");
        assertRefused(s.send(evil), 403, "forbidden", "Origin: http://evil.example");
        var fetched = s.explainRequest(star, "star.png", Map.of()).header("Sec-Fetch-Site", "cross-site");
        assertRefused(s.send(fetched), 403, "forbidden", "cross-site");
        var cancel = HttpRequest.newBuilder(URI.create(s.url("/api/jobs/x"))).DELETE().header("Origin", "null");
        assertRefused(s.send(cancel), 403, "forbidden", "Origin: null");
        var same = s.explainRequest(star, "star.png", Map.of())
                .header("Origin", "http://127.0.0.1:" + s.server.port()).header("Sec-Fetch-Site", "same-origin");
        assertEquals(200, s.send(same).statusCode(), "the page's own requests pass");
    }

    /** A DNS name pointed at 127.0.0.1 does not make another site this server's origin. */
    @Test
    void aForeignHostNameIsRefused() throws Exception {
        // java.net.http does not let a request set Host; a raw socket does
        try (var socket = new java.net.Socket("127.0.0.1", s.server.port())) {
            socket.getOutputStream().write(("GET /api/health HTTP/1.1\r\nHost: rebind.example:" + s.server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
            assertTrue(answer.contains("answers only to 127.0.0.1, localhost or [::1]"), answer);
        }
    }

    @Test
    void unknownRoutesAndJobs() throws Exception {
        assertRefused(s.get("/api/nothing"), 404, "invalid-request", "no such route");
        assertRefused(s.get("/api/jobs/nobody"), 404, "invalid-request", "no job nobody");
        assertRefused(s.get("/api/audits/none"), 404, "invalid-request", "unknown audit 'none'");
    }

    @Test
    void afterAllOfThatTheServerStillExplains() throws Exception {
        HttpResponse<String> r = s.explain(star, "star.png", LocalServer.fields());
        assertEquals(200, r.statusCode(), r.body());
    }

    /** A PNG whose header declares {@code w x h} pixels, with one tiny compressed row: the shape of a bomb. */
    static byte[] bombPng(int w, int h) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[4096]);
        d.finish();
        byte[] buf = new byte[4096];
        int n = d.deflate(buf);
        chunk(png, "IDAT", Arrays.copyOf(buf, n));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** 50 MB that start like a PNG, so only the size can refuse them. */
    private static byte[] fiftyMegabytePng() {
        byte[] big = new byte[50 << 20];
        System.arraycopy(star, 0, big, 0, star.length);
        return big;
    }

    private static byte[] bodyOf(HttpRequest.Builder r) {
        // the builder's body publisher is the multipart form; rebuild its bytes the same way
        var subscriber = new java.util.concurrent.CompletableFuture<byte[]>();
        var out = new ByteArrayOutputStream();
        r.build().bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription sub) {
                sub.request(Long.MAX_VALUE);
            }

            public void onNext(ByteBuffer item) {
                byte[] b = new byte[item.remaining()];
                item.get(b);
                out.write(b, 0, b.length);
            }

            public void onError(Throwable t) {
                subscriber.completeExceptionally(t);
            }

            public void onComplete() {
                subscriber.complete(out.toByteArray());
            }
        });
        return subscriber.join();
    }

    /** A body publisher of unknown length: java.net.http then sends it chunked. */
    private record ChunkedBody(byte[] body) implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return -1;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            HttpRequest.BodyPublishers.ofByteArray(body).subscribe(subscriber);
        }
    }
}

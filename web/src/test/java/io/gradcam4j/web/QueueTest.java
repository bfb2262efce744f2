package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bounded queue: with one slow explanation running and the one place in line taken, the next
 * request is refused at once with 503 and Retry-After instead of waiting; the one in line is
 * served once the slow one is cancelled.
 */
class QueueTest {

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        try (LocalServer s = new LocalServer(1)) {
            byte[] circle = LocalServer.demoImage("circle.png");
            CompletableFuture<HttpResponse<String>> slow = s.http.sendAsync(s.explainRequest(circle, "circle.png",
                    LocalServer.fields("method", "rise", "samples", "10000", "job", "slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
            waitForState(s, "slow", "running");
            CompletableFuture<HttpResponse<String>> inLine = s.http.sendAsync(s.explainRequest(circle, "circle.png",
                    LocalServer.fields("job", "in-line")).build(), HttpResponse.BodyHandlers.ofString());
            waitForState(s, "in-line", "queued");
            assertEquals(1, LocalServer.json(s.get("/api/health")).get("waiting").asInt());

            long t0 = System.nanoTime();
            HttpResponse<String> refused = s.explain(circle, "circle.png", LocalServer.fields());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("2", refused.headers().firstValue("Retry-After").orElse(""));
            assertEquals("busy", LocalServer.json(refused).get("kind").asText());
            System.out.println("queue full: refused in " + ms + " ms while a RISE run held the model thread");

            s.send(HttpRequest.newBuilder(URI.create(s.url("/api/jobs/slow"))).DELETE());
            assertEquals(409, slow.get(60, TimeUnit.SECONDS).statusCode());
            HttpResponse<String> served = inLine.get(60, TimeUnit.SECONDS);
            assertEquals(200, served.statusCode(), served.body());
            assertEquals("circle", LocalServer.json(served).get("predictions").get(0).get("label").asText());
        }
    }

    private static JsonNode waitForState(LocalServer s, String job, String state) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            HttpResponse<String> r = s.get("/api/jobs/" + job);
            if (r.statusCode() == 200 && LocalServer.json(r).get("state").asText().equals(state)) {
                return LocalServer.json(r);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + job + " was not " + state + " within 60 s");
    }
}

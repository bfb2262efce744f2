package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load on one loaded model: 200 explanations of the demo images from 16 client threads
 * over loopback. Every answer must be 200 and carry exactly the map and predictions a
 * single-threaded run gave for that image (the model is shared); throughput and latency
 * percentiles are printed; the heap after garbage collection must not grow across the run.
 */
class LoadTest {
    private static final int REQUESTS = 200;
    private static final int CLIENTS = 16;
    /** Allowed growth of the heap in use after GC, across the 200 requests (caches are warm before). */
    private static final long MAX_GROWTH_BYTES = 16L << 20;

    @Test
    void twoHundredRequestsFromSixteenThreadsAnswerAsOneThreadDoes() throws Exception {
        try (LocalServer s = new LocalServer(CLIENTS * 2)) {
            List<String> images = List.of("circle.png", "square.png", "triangle.png", "star.png", "cross.png");
            String[] methods = {"gradcam", "gradcam++", "layercam"};
            Map<String, JsonNode> alone = new HashMap<>();
            for (String image : images) {            // the single-threaded answers, one request at a time
                for (String method : methods) {
                    alone.put(image + "/" + method, essentials(explain(s, image, method)));
                }
            }
            for (String image : images) {            // twice more, so every cache is as full as it gets
                for (String method : methods) {
                    explain(s, image, method);
                }
            }
            long before = heapAfterGc();

            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Long>> latencies = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                String image = images.get(i % images.size());
                String method = methods[(i / images.size()) % methods.length];
                latencies.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    JsonNode answer = explain(s, image, method);
                    long t = System.nanoTime() - t0;
                    assertEquals(alone.get(image + "/" + method), essentials(answer),
                            image + " " + method + " under load differs from the single-threaded answer");
                    return t;
                }));
            }
            long[] ns = new long[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                ns[i] = latencies.get(i).get(300, TimeUnit.SECONDS);   // rethrows any failed request
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            clients.shutdown();
            long after = heapAfterGc();

            java.util.Arrays.sort(ns);
            System.out.printf("load test (demo model, %d requests, %d client threads, %s): %.1f requests/s; latency ms "
                            + "p50 %.0f, p90 %.0f, p99 %.0f, max %.0f; heap after GC %d MB before, %d MB after%n",
                    REQUESTS, CLIENTS, cpu(), REQUESTS / seconds, pct(ns, 50), pct(ns, 90), pct(ns, 99),
                    ns[REQUESTS - 1] / 1e6, before >> 20, after >> 20);
            assertTrue(after - before < MAX_GROWTH_BYTES, "heap in use grew by " + ((after - before) >> 20) + " MB");
            assertEquals(0, LocalServer.json(s.get("/api/health")).get("waiting").asInt(), "nothing left waiting");
        }
    }

    private static JsonNode explain(LocalServer s, String image, String method) throws Exception {
        HttpResponse<String> r = s.explain(LocalServer.demoImage(image), image, LocalServer.fields("method", method));
        assertEquals(200, r.statusCode(), r.body());
        return LocalServer.json(r);
    }

    /** What must not depend on the load: predictions, logits and the map with its figures. */
    private static JsonNode essentials(JsonNode report) {
        var n = report.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove(List.of("timings_ms"));
        return n;
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {   // the smallest of several collections: finalizers and soft references settle
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String cpu() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 2))
                    .orElse("unknown CPU") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (java.io.IOException e) {
            return "unknown CPU";
        }
    }
}

package io.gradcam4j.keras.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every test runs against a server on 127.0.0.1 and a temporary home; nothing touches the internet. */
class WeightsCacheTest {
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path home;
    private FakeWeightsServer server;
    private byte[] weights;
    private WeightsFile fake;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeWeightsServer.start();
        weights = fakeHdf5(200_000, 1);
        Path tmp = Files.write(home.resolve("hash-me"), weights);
        fake = new WeightsFile("fake", "fake_weights.h5", "fake/fake_weights.h5",
                HashAlgorithm.MD5.hashFile(tmp), "models");
        Files.delete(tmp);
        server.serve("fake/fake_weights.h5", weights);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void downloadsOnceThenUsesTheCache() throws Exception {
        WeightsCache cache = cache(server.baseUrl());
        Path first = cache.resolve(fake, DownloadProgress.NONE);
        assertEquals(home.resolve(".gradcam4j/models/fake_weights.h5").toAbsolutePath(), first);
        assertArrayEquals(weights, Files.readAllBytes(first));
        assertEquals(1, server.requests());

        Path second = cache.resolve(fake, DownloadProgress.NONE);
        assertEquals(first, second);
        assertEquals(1, server.requests(), "second call must not download");
        assertEquals(List.of("fake_weights.h5"), filesIn(first.getParent()), "no .part file left behind");
    }

    @Test
    void progressReportsBytesAndTotal() {
        List<long[]> calls = new ArrayList<>();
        cache(server.baseUrl()).resolve(fake, (bytes, total) -> calls.add(new long[] {bytes, total}));
        assertArrayEquals(new long[] {0, weights.length}, calls.get(0));
        assertArrayEquals(new long[] {weights.length, weights.length}, calls.get(calls.size() - 1));
        for (int i = 1; i < calls.size(); i++) {
            assertTrue(calls.get(i)[0] >= calls.get(i - 1)[0], "progress never goes back");
        }
    }

    @Test
    void wrongHashIsRefusedAndLeavesNoFile() throws Exception {
        WeightsFile vgg16 = OfficialWeights.VGG16.withTop(true);
        server.serve(vgg16.relativePath(), weights);   // right name, wrong content
        WeightsHashMismatchException e = assertThrows(WeightsHashMismatchException.class,
                () -> cache(server.baseUrl()).resolve(vgg16, DownloadProgress.NONE));
        assertEquals("64373286793e3c8b2b4e3219cbf3544b", e.expected());
        assertEquals(fake.fileHash(), e.actual());
        assertTrue(e.getMessage().contains(vgg16.fileName()), e.getMessage());
        assertTrue(e.getMessage().contains(e.expected()) && e.getMessage().contains(e.actual()), e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve(".gradcam4j/models")));
    }

    @Test
    void cachedFileWithBadHashIsDownloadedAgain() throws Exception {
        Path target = home.resolve(".gradcam4j/models/fake_weights.h5");
        Files.createDirectories(target.getParent());
        Files.write(target, Arrays.copyOf(weights, 1000));   // an earlier download cut short
        Path resolved = cache(server.baseUrl()).resolve(fake, DownloadProgress.NONE);
        assertEquals(1, server.requests());
        assertArrayEquals(weights, Files.readAllBytes(resolved));
    }

    @Test
    void serverDownGivesUrlAndTargetPathForManualInstall() throws Exception {
        URI deadUrl = server.baseUrl();
        server.close();   // the port is now closed: connection refused
        WeightsOfflineException e = assertThrows(WeightsOfflineException.class,
                () -> cache(deadUrl).resolve(fake, DownloadProgress.NONE));
        Path target = home.resolve(".gradcam4j/models/fake_weights.h5").toAbsolutePath();
        assertTrue(e.getMessage().contains(deadUrl + "fake/fake_weights.h5"), e.getMessage());
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fake.fileHash()), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertEquals(target, e.target());
        assertFalse(Files.exists(target));
    }

    @Test
    void offlineMessageMentionsAStaleCachedFile() throws Exception {
        Path target = home.resolve(".gradcam4j/models/fake_weights.h5");
        Files.createDirectories(target.getParent());
        Files.write(target, new byte[] {1, 2, 3});
        URI deadUrl = server.baseUrl();
        server.close();
        WeightsOfflineException e = assertThrows(WeightsOfflineException.class,
                () -> cache(deadUrl).resolve(fake, DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("has md5"), e.getMessage());
    }

    @Test
    void serverThatNeverAnswersTimesOutAsOffline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/base/");
            WeightsCache cache = new WeightsCache(locations(), url, Duration.ofMillis(300));
            WeightsOfflineException e = assertThrows(WeightsOfflineException.class,
                    () -> cache.resolve(fake, DownloadProgress.NONE));
            assertTrue(e.getMessage().contains(url + "fake/fake_weights.h5"), e.getMessage());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void kerasCacheIsUsedWithoutDownload() throws Exception {
        Path keras = home.resolve(".keras/models/fake_weights.h5");
        Files.createDirectories(keras.getParent());
        Files.write(keras, weights);
        assertEquals(keras.toAbsolutePath(), cache(server.baseUrl()).resolve(fake, DownloadProgress.NONE));
        assertEquals(0, server.requests());
        assertFalse(Files.exists(home.resolve(".gradcam4j")), "nothing written to our cache");
    }

    @Test
    void kerasHomeIsSearchedToo() throws Exception {
        Path kerasHome = home.resolve("elsewhere");
        Path keras = kerasHome.resolve("models/fake_weights.h5");
        Files.createDirectories(keras.getParent());
        Files.write(keras, weights);
        CacheLocations loc = CacheLocations.resolve(null, Map.of("KERAS_HOME", kerasHome.toString()), home);
        WeightsCache cache = new WeightsCache(loc, server.baseUrl(), TIMEOUT);
        assertEquals(keras.toAbsolutePath(), cache.resolve(fake, DownloadProgress.NONE));
        assertEquals(0, server.requests());
    }

    @Test
    void kerasFileWithBadHashIsIgnoredAndLeftAlone() throws Exception {
        Path keras = home.resolve(".keras/models/fake_weights.h5");
        Files.createDirectories(keras.getParent());
        Files.write(keras, new byte[] {9, 9, 9});
        Path resolved = cache(server.baseUrl()).resolve(fake, DownloadProgress.NONE);
        assertEquals(home.resolve(".gradcam4j/models/fake_weights.h5").toAbsolutePath(), resolved);
        assertArrayEquals(new byte[] {9, 9, 9}, Files.readAllBytes(keras));
        assertEquals(1, server.requests());
    }

    @Test
    void mobileNetWithoutHashIsAcceptedWhenHdf5() throws Exception {
        WeightsFile mobilenet = OfficialWeights.parse("mobilenet_0.25_128_no_top");
        server.serve(mobilenet.relativePath(), weights);
        Path resolved = cache(server.baseUrl()).resolve("mobilenet_0.25_128_no_top", DownloadProgress.NONE);
        assertEquals("mobilenet_2_5_128_tf_no_top.h5", resolved.getFileName().toString());
        assertArrayEquals(weights, Files.readAllBytes(resolved));
    }

    @Test
    void unhashedDownloadThatIsNotHdf5IsRefused() {
        WeightsFile mobilenet = OfficialWeights.mobilenet(1.0, 224, true);
        server.serve(mobilenet.relativePath(), "<html>please log in</html>".getBytes(StandardCharsets.UTF_8));
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache(server.baseUrl()).resolve(mobilenet, DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("not an HDF5 file"), e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve(".gradcam4j/models")));
    }

    @Test
    void missingFileIsADownloadErrorNotOffline() {
        WeightsFile xception = OfficialWeights.XCEPTION.withTop(false);   // not served: 404
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache(server.baseUrl()).resolve(xception, DownloadProgress.NONE));
        assertFalse(e instanceof WeightsOfflineException);
        assertTrue(e.getMessage().contains("404") && e.getMessage().contains(xception.url(server.baseUrl()).toString()),
                e.getMessage());
    }

    @Test
    void truncatedDownloadLeavesNoFile() {
        server.truncate("fake/fake_weights.h5", 5000);
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache(server.baseUrl()).resolve(fake, DownloadProgress.NONE));
        assertFalse(e instanceof WeightsOfflineException, e.getMessage());
        assertTrue(e.getMessage().contains("connection lost after") && e.getMessage().contains("of " + weights.length),
                e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve(".gradcam4j/models")));
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        WeightsFile moved = new WeightsFile("moved", "moved.h5", "old/moved.h5", fake.fileHash(), "models");
        server.redirect("old/moved.h5", "fake/fake_weights.h5");
        Path resolved = cache(server.baseUrl()).resolve(moved, DownloadProgress.NONE);
        assertArrayEquals(weights, Files.readAllBytes(resolved));
        assertEquals(2, server.requests());
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WeightsCache(locations(), URI.create("http://mirror.example.com/w/"), TIMEOUT));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    @Test
    void offlineErrorIsRecognisedThroughTheCauseChain() {
        Exception unknownHost = new java.net.ConnectException();
        unknownHost.initCause(new java.nio.channels.UnresolvedAddressException());
        assertTrue(OfflineErrors.isOffline(new IOException(unknownHost)));
        assertEquals("unknown host", OfflineErrors.reason(new IOException(unknownHost)));
        assertFalse(OfflineErrors.isOffline(new IOException("disk full")));
        assertInstanceOf(WeightsDownloadException.class, new WeightsOfflineException("m", null, null, null));
    }

    private WeightsCache cache(URI baseUrl) {
        return new WeightsCache(locations(), baseUrl, TIMEOUT);
    }

    private CacheLocations locations() {
        return CacheLocations.resolve(null, Map.of(), home);   // a fake home, never the real one
    }

    private static byte[] fakeHdf5(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(HDF5_SIGNATURE, 0, bytes, 0, HDF5_SIGNATURE.length);
        return bytes;
    }

    private static List<String> filesIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

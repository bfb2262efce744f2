package io.gradcam4j.keras.download;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Official keras.applications weights as local files: downloaded once, verified, cached.
 * <p>
 * {@link #resolve} looks, in order, at gradcam4j's cache, then Keras's caches (read-only; see
 * {@link CacheLocations}); a file is used when its published hash matches (for MobileNet, which
 * has none, when it is an HDF5 file). Otherwise it is downloaded to a {@code .part-*} file in the
 * cache folder, verified, and renamed into place, so an interrupted or corrupted download never
 * looks like a cached file.
 * <p>
 * A file in gradcam4j's cache with a wrong hash is <b>re-downloaded</b>, as Keras's
 * {@code get_file} does: the usual cause is an earlier download cut short or a file copied by
 * hand incompletely, and the stale file is replaced only once the new one has been verified.
 * A file in Keras's cache with a wrong hash is ignored, never touched.
 */
public final class WeightsCache {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final CacheLocations locations;
    private final URI baseUrl;
    private final HttpDownloader downloader;

    /** The standard locations and Keras's download server. */
    public WeightsCache() {
        this(CacheLocations.standard(null));
    }

    /** Keras's download server, 30 s time-out. */
    public WeightsCache(CacheLocations locations) {
        this(locations, OfficialWeights.KERAS_BASE_URL, DEFAULT_TIMEOUT);
    }

    /**
     * @param baseUrl a mirror of {@link OfficialWeights#KERAS_BASE_URL}; must be https, except on
     *                the loopback interface (tests), because MobileNet files have no hash to catch
     *                a file swapped in transit
     * @param timeout for connecting and for the server's first answer
     */
    public WeightsCache(CacheLocations locations, URI baseUrl, Duration timeout) {
        this.locations = locations;
        this.baseUrl = requireSecure(baseUrl);
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)   // follows https->https, never https->http
                .connectTimeout(timeout)
                .proxy(ProxySelector.getDefault())             // honours -Dhttps.proxyHost
                .build();
        this.downloader = new HttpDownloader(client, timeout);
    }

    public CacheLocations locations() {
        return locations;
    }

    /** {@link #resolve(WeightsFile, DownloadProgress)} for a name like {@code vgg19_no_top}. */
    public Path resolve(String name, DownloadProgress progress) {
        return resolve(OfficialWeights.parse(name), progress);
    }

    /** The verified local file, downloaded first if no valid copy exists. */
    public Path resolve(WeightsFile file, DownloadProgress progress) {
        Path target = locations.target(file);
        LocalCheck own = LocalCheck.of(target, file);
        if (own.valid()) {
            return target;
        }
        Optional<Path> keras = inKerasCache(file);
        return keras.isPresent() ? keras.get() : download(file, target, own, progress);
    }

    /** A valid local copy if there is one; never downloads. */
    public Optional<Path> find(WeightsFile file) {
        Path target = locations.target(file);
        return LocalCheck.of(target, file).valid() ? Optional.of(target) : inKerasCache(file);
    }

    private Optional<Path> inKerasCache(WeightsFile file) {
        return locations.kerasCandidates(file).stream().filter(p -> LocalCheck.of(p, file).valid()).findFirst();
    }

    private Path download(WeightsFile file, Path target, LocalCheck own, DownloadProgress progress) {
        URI url = file.url(baseUrl);
        createFolder(file, url, target);
        try {
            HttpDownloader.Download d = downloader.fetch(url, target.getParent(), file.fileName(),
                    file.hashAlgorithm().orElse(null), progress);
            verify(d, file, url, target);
            moveIntoPlace(d.file(), target);
            return target;
        } catch (HttpDownloader.HttpStatusException e) {
            throw failure(file, url, target, "the server answered " + e.getMessage(), own, e);
        } catch (IOException e) {
            if (OfflineErrors.isOffline(e)) {
                throw new WeightsOfflineException(message(file, url, target, "cannot reach " + url.getHost()
                        + " (" + OfflineErrors.reason(e) + "); this machine may be offline", own), url, target, e);
            }
            throw failure(file, url, target, OfflineErrors.reason(e), own, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(file, url, target, "interrupted", own, e);
        }
    }

    /** Deletes the download and throws when it is not the published file. */
    private static void verify(HttpDownloader.Download d, WeightsFile file, URI url, Path target) throws IOException {
        if (file.fileHash() != null && !file.fileHash().equals(d.hash())) {
            Files.deleteIfExists(d.file());
            throw new WeightsHashMismatchException(file, url, target, d.hash());
        }
        if (file.fileHash() == null && !Hdf5Signature.present(d.file())) {
            Files.deleteIfExists(d.file());
            throw new WeightsDownloadException(message(file, url, target,
                    "the server sent something that is not an HDF5 file (a proxy or login page?); it was deleted",
                    null), url, target, null);
        }
    }

    /** A rename within one folder: readers see the old file or the whole new one, never a part. */
    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);   // only still there if the move failed
        }
    }

    private static void createFolder(WeightsFile file, URI url, Path target) {
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new WeightsDownloadException("cannot create the cache folder " + target.getParent() + " ("
                    + OfflineErrors.reason(e) + "); choose another with $" + CacheLocations.CACHE_ENV
                    + ".\n" + WeightsDownloadException.manualInstructions(file, url, target), url, target, e);
        }
    }

    private static WeightsDownloadException failure(WeightsFile file, URI url, Path target, String reason,
                                                    LocalCheck own, Exception cause) {
        return new WeightsDownloadException(message(file, url, target, reason, own), url, target, cause);
    }

    private static String message(WeightsFile file, URI url, Path target, String reason, LocalCheck own) {
        String stale = own != null && own.present() ? "\nNote: " + own.problem() + "; replace it." : "";
        return "cannot download the " + file.name() + " weights (" + file.fileName() + ") from " + url + ": "
                + reason + ".\n" + WeightsDownloadException.manualInstructions(file, url, target) + stale;
    }

    private static URI requireSecure(URI baseUrl) {
        String scheme = String.valueOf(baseUrl.getScheme()).toLowerCase(Locale.ROOT);
        boolean loopbackHttp = scheme.equals("http") && LOOPBACK.contains(String.valueOf(baseUrl.getHost()));
        if (!scheme.equals("https") && !loopbackHttp) {
            throw new IllegalArgumentException("weights base URL must be https (plain http only on the "
                    + "loopback interface, for tests): " + baseUrl);
        }
        return baseUrl;
    }
}

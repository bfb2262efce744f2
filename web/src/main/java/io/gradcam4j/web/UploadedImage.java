package io.gradcam4j.web;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cli.Failure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An uploaded picture, judged by its first bytes and never by its name or declared type: PNG and
 * JPEG go on to {@link ImageLoader}, which refuses a header that declares more pixels than the
 * limit before decoding anything (decompression bombs) and reports damaged files; anything else
 * is refused here, by name where it is a known format.
 */
final class UploadedImage {
    private UploadedImage() {
    }

    /** The format the bytes start like: "png" or "jpeg"; anything else is refused with 415. */
    static String sniff(byte[] bytes) {
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
            return "png";
        }
        if (startsWith(bytes, 0xff, 0xd8, 0xff)) {
            return "jpeg";
        }
        String what = startsWith(bytes, 'G', 'I', 'F', '8') ? "a GIF image"
                : startsWith(bytes, 'B', 'M') ? "a BMP image"
                : startsWith(bytes, 'I', 'I', '*', 0) || startsWith(bytes, 'M', 'M', 0, '*') ? "a TIFF image"
                : startsWith(bytes, 'R', 'I', 'F', 'F') ? "a RIFF file (WebP?)"
                : bytes.length == 0 ? "empty"
                : "not an image";
        throw new ApiException(415, "unsupported", "the upload is " + what + "; give a PNG or JPEG image");
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The picture decoded for a model with {@code options}, through a temporary file (the loader
     * reads files) that is deleted afterwards. Errors name the upload by {@code name}.
     */
    static ImageLoader.LoadedImage load(byte[] bytes, String name, ImageLoader.Options options) throws IOException {
        String format = sniff(bytes);
        Path tmp = Files.createTempFile("gradcam-upload", "." + format);
        try {
            Files.write(tmp, bytes);
            return ImageLoader.load(tmp, options);
        } catch (IOException | RuntimeException e) {
            // the loader names the file it read: the page is told the upload's name, not a server path
            Failure f = Failure.of(e);
            String message = f.message().replace(tmp.toString(), name);
            throw f.kind().equals("io") ? new ApiException(422, "damaged-input", message)
                    : new ApiException(ApiErrors.status(f.kind()), f.kind(), message);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

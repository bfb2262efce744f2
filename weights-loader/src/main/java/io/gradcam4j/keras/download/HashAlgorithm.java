package io.gradcam4j.keras.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash algorithms Keras's {@code get_file} accepts. Keras picks one from the length of the
 * published hash ({@code resolve_hasher} in keras/src/utils/file_utils.py: 64 hex digits is
 * sha256, anything else md5); we do the same but refuse lengths that fit neither, so a typo in
 * the registry fails loudly instead of never matching.
 */
public enum HashAlgorithm {
    MD5("MD5", 32),
    SHA256("SHA-256", 64);

    private final String jcaName;
    private final int hexLength;

    HashAlgorithm(String jcaName, int hexLength) {
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** The algorithm a hex hash of this length was made with. */
    public static HashAlgorithm forHash(String hexHash) {
        for (HashAlgorithm algorithm : values()) {
            if (algorithm.hexLength == hexHash.length() && isHex(hexHash)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("'" + hexHash + "' is neither an md5 (32 hex digits) "
                + "nor a sha256 (64 hex digits) hash");
    }

    public int hexLength() {
        return hexLength;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 and SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException(jcaName + " missing from this JDK", e);
        }
    }

    /** The lower-case hex hash of a file, read in chunks (weights files are up to 575 MB). */
    public String hashFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return hex(digest);
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return this == MD5 ? "md5" : "sha256";
    }

    private static boolean isHex(String s) {
        return s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}

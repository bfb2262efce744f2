package io.gradcam4j.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What an I/O failure means, in words: the JDK's file exceptions carry only the path as their
 * message ({@code NoSuchFileException: x.png}), which tells a user nothing about the cause.
 */
public final class IoErrors {

    private IoErrors() {
    }

    /** "path: not found", "path: permission denied", ... or the exception's own message. */
    public static String describe(IOException e) {
        String why = e instanceof NoSuchFileException ? "not found"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "already exists (and is not a folder)"
                : e instanceof NotDirectoryException ? "is not a folder"
                : e instanceof DirectoryNotEmptyException ? "is a folder that is not empty"
                : null;
        if (why != null) {
            FileSystemException f = (FileSystemException) e;
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why
                    + (f.getReason() != null ? " (" + f.getReason() + ")" : "");
        }
        String m = e.getMessage();
        if (m != null && m.endsWith("Is a directory")) {
            return m.replace(" (Is a directory)", "").replace("Is a directory", "").strip() + ": is a folder, not a file";
        }
        return m != null ? m : e.toString();
    }
}

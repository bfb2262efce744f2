package io.gradcam4j.build.jmh;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** A jar with one main class that writes its arguments, one a line, to the file named by -Drecord.to. */
final class TinyJar {
    static final String MAIN_CLASS = "RecordArguments";

    private static final String SOURCE = "public class RecordArguments {\n"
            + "  public static void main(String[] a) throws Exception {\n"
            + "    java.nio.file.Files.write(java.nio.file.Path.of(System.getProperty(\"record.to\")), java.util.List.of(a));\n"
            + "  }\n"
            + "}\n";

    private TinyJar() {
    }

    static File recordingArguments(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("tiny-src"));
        Files.writeString(src.resolve(MAIN_CLASS + ".java"), SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, "-d", src.toString(), src.resolve(MAIN_CLASS + ".java").toString()) != 0) {
            throw new IllegalStateException("the tiny main class did not compile");
        }
        File jar = dir.resolve("benchmarks.jar").toFile();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()))) {
            out.putNextEntry(new JarEntry(MAIN_CLASS + ".class"));
            Files.copy(src.resolve(MAIN_CLASS + ".class"), (OutputStream) out);
            out.closeEntry();
        }
        return jar;
    }
}

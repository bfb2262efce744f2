package io.gradcam4j.build.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real command, as bench/pom.xml sets it up: a project that declares this plugin and a
 * file:// plugin repository holding it, and Maven asked for {@code jmh:run} by prefix only. It
 * runs the Maven that runs this build with an empty local repository of its own, so that nothing
 * is written to the local repository of the build (~/.m2); what else Maven needs for a plugin
 * (plexus-utils 1.1, which Maven 3 adds to every plugin) it reads from that repository as a
 * second file:// plugin repository. It runs offline, file:// repositories allowed.
 */
class PrefixResolutionTest {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Path BUILD_REPOSITORY = Path.of(System.getProperty("maven.repo.local.of.build", ""));

    @TempDir
    Path dir;

    @Test
    void mvnFindsThePrefixJmhThroughTheFilePluginRepository() throws Exception {
        String mavenHome = System.getProperty("maven.home", "");
        Path mvn = Path.of(mavenHome, "bin", "mvn");
        assumeTrue(Files.isExecutable(mvn), "the Maven running this build is not known (maven.home: " + mavenHome + ")");
        assumeTrue(Files.isRegularFile(BUILD_REPOSITORY.resolve("org/codehaus/plexus/plexus-utils/1.1/plexus-utils-1.1.jar")),
                "plexus-utils 1.1, which Maven adds to every plugin, is not in " + BUILD_REPOSITORY);
        Path repo = pluginRepository();
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), tinyProjectPom(repo));
        Files.createDirectories(project.resolve("target"));
        Files.move(TinyJar.recordingArguments(dir).toPath(), project.resolve("target/benchmarks.jar"));
        Path out = dir.resolve("args.txt");

        Process p = new ProcessBuilder(mvn.toString(), "-B", "-q", "-o", "-Daether.offline.protocols=file",
                "-Dmaven.repo.local=" + dir.resolve("m2"), "jmh:run", "-Djmh.args=-f 1 Tiny", "-Drecord.to=" + out)
                .directory(project.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        assertEquals(List.of("-f", "1", "Tiny"), Files.readAllLines(out), log);
    }

    /** This module's compiled plugin (classes and descriptor) as a jar in a repository folder. */
    private Path pluginRepository() throws Exception {
        Path repo = dir.resolve("plugin-repo");
        Path version = Files.createDirectories(repo.resolve("io/gradcam4j/gradcam4j-jmh-maven-plugin/" + VERSION));
        Path classes = Path.of("target/classes");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(
                version.resolve("gradcam4j-jmh-maven-plugin-" + VERSION + ".jar")));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, (OutputStream) jar);
                jar.closeEntry();
            }
        }
        Files.writeString(version.resolve("gradcam4j-jmh-maven-plugin-" + VERSION + ".pom"),
                "<project><modelVersion>4.0.0</modelVersion><groupId>io.gradcam4j</groupId>"
                        + "<artifactId>gradcam4j-jmh-maven-plugin</artifactId><version>" + VERSION + "</version>"
                        + "<packaging>maven-plugin</packaging></project>");
        return repo;
    }

    /** Like bench/pom.xml: the plugin declared without executions, its repository a folder. */
    private static String tinyProjectPom(Path repo) {
        String buildRepository = BUILD_REPOSITORY.toUri().toString();
        return "<project><modelVersion>4.0.0</modelVersion><groupId>t</groupId><artifactId>tiny</artifactId>"
                + "<version>1</version><packaging>pom</packaging>"
                + "<pluginRepositories><pluginRepository><id>tiny-plugins</id><url>" + repo.toUri() + "</url>"
                + "<snapshots><enabled>true</enabled><updatePolicy>always</updatePolicy></snapshots>"
                + "</pluginRepository>"
                + "<pluginRepository><id>build-local-repository</id><url>" + buildRepository + "</url>"
                + "<snapshots><enabled>false</enabled></snapshots></pluginRepository></pluginRepositories>"
                + "<build><plugins><plugin><groupId>io.gradcam4j</groupId><artifactId>gradcam4j-jmh-maven-plugin</artifactId>"
                + "<version>" + VERSION + "</version><configuration><mainClass>" + TinyJar.MAIN_CLASS + "</mainClass>"
                + "<jvmArgs><jvmArg>-Drecord.to=${record.to}</jvmArg></jvmArgs></configuration></plugin></plugins></build>"
                + "</project>";
    }
}

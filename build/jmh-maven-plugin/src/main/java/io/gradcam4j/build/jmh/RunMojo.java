package io.gradcam4j.build.jmh;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code mvn -pl bench jmh:run [-Djmh.args="KernelBench -f 1 -wi 1 -i 2"]}: runs the benchmarks
 * jar the bench module's package phase made (JMH and every module in one jar) in a forked JVM,
 * with JMH's own command-line arguments passed through.
 *
 * <p>It runs the packaged jar instead of asking Maven for the bench classpath because with
 * {@code -pl bench} and no {@code mvn install} Maven cannot resolve the other modules of this
 * build; the jar is checked against the sources instead, so that a benchmark never times old
 * code without saying so.
 */
@Mojo(name = "run", requiresDependencyResolution = ResolutionScope.NONE, requiresProject = true, threadSafe = true)
public final class RunMojo extends AbstractMojo {

    /** The jar with the benchmarks and everything they need (the bench module's shaded jar). */
    @Parameter(defaultValue = "${project.build.directory}/benchmarks.jar", required = true)
    File benchmarksJar;

    /** The class the forked JVM starts: JMH's Main, or a runner that also summarises the results. */
    @Parameter(defaultValue = "org.openjdk.jmh.Main", required = true)
    String mainClass;

    /** JVM options of the forked JVM (JMH passes them on to its own forks too). */
    @Parameter
    List<String> jvmArgs = List.of();

    /** JMH's arguments, split at white space: benchmark patterns and options such as -f 1 -wi 1 -i 2. */
    @Parameter(property = "jmh.args", defaultValue = "")
    String args;

    /** Folders and files whose change makes the jar out of date (the sources of every module it holds). */
    @Parameter
    List<File> sources = List.of();

    /** The java launcher of the forked JVM: the one running Maven. */
    @Parameter(defaultValue = "${java.home}/bin/java", required = true)
    File java;

    /** Only prints the command line. */
    @Parameter(property = "jmh.dryRun", defaultValue = "false")
    boolean dryRun;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (!benchmarksJar.isFile()) {
            throw new MojoFailureException(benchmarksJar + " does not exist: build it first with `mvn -B verify` or "
                    + "`mvn -B -pl bench -am package -DskipTests`");
        }
        Optional<File> newer = SourceFreshness.newerThan(sources, benchmarksJar.lastModified());
        if (newer.isPresent()) {
            throw new MojoFailureException(benchmarksJar + " is older than " + newer.get() + ": rebuild it with "
                    + "`mvn -B -pl bench -am package -DskipTests` (it would time the old code)");
        }
        List<String> command = BenchmarkCommand.of(java, jvmArgs, benchmarksJar, mainClass, args);
        getLog().info("jmh:run " + String.join(" ", command));
        if (dryRun) {
            return;
        }
        int exit = run(command);
        if (exit != 0) {
            throw new MojoFailureException("the benchmark JVM exited with code " + exit);
        }
    }

    /** Runs the command with this console as its own, so that JMH's progress shows as it goes. */
    private static int run(List<String> command) throws MojoExecutionException {
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot start " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while the benchmarks ran", e);
        }
    }
}

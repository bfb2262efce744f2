package io.gradcam4j.keras;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of weights-loader depend on each other in one direction only: {@code keras} is the
 * loader, {@code keras.applications}, {@code keras.download} and {@code keras.reference} build on
 * it, never the reverse (issue 16: {@code WeightsOnlyFile} and {@code Applications} once imported
 * each other). Read from the compiled classes' constant pools, so a fully qualified name in the
 * code counts as much as an import.
 */
class PackageCyclesTest {
    /** A class named in a descriptor or signature ({@code Lio/gradcam4j/keras/X;}) or as a class constant. */
    private static final Pattern PROJECT_CLASS = Pattern.compile("(?:^|L)(io/gradcam4j/[A-Za-z0-9_/$]+)");

    @Test
    void noTwoPackagesOfTheLoaderDependOnEachOther() throws IOException, URISyntaxException {
        Map<String, Map<String, Set<String>>> edges = packageEdges();
        List<String> cycles = new ArrayList<>();
        for (String from : edges.keySet()) {
            for (String to : edges.get(from).keySet()) {
                if (from.compareTo(to) < 0 && reaches(edges, to, from, new TreeSet<>())) {
                    cycles.add(from + " <-> " + to + " (" + from + " -> " + to + " through "
                            + edges.get(from).get(to) + ")");
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    /** The reading itself works: the edges the loader is built on are seen, the removed one is not. */
    @Test
    void theApplicationsBuildOnTheLoaderNotTheReverse() throws IOException, URISyntaxException {
        Map<String, Map<String, Set<String>>> edges = packageEdges();
        assertTrue(edges.get("io.gradcam4j.keras.applications").containsKey("io.gradcam4j.keras"), edges.toString());
        assertTrue(edges.get("io.gradcam4j.keras.reference").containsKey("io.gradcam4j.keras"), edges.toString());
        assertTrue(edges.get("io.gradcam4j.keras").containsKey("io.gradcam4j.engine.errors"), edges.toString());
        assertEquals(null, edges.get("io.gradcam4j.keras").get("io.gradcam4j.keras.applications"));
    }

    private static boolean reaches(Map<String, Map<String, Set<String>>> edges, String from, String target,
                                   Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : edges.getOrDefault(from, Map.of()).keySet()) {
            if (reaches(edges, next, target, seen)) {
                return true;
            }
        }
        return false;
    }

    /** package -> package it uses -> the classes of the first that use the second. */
    private static Map<String, Map<String, Set<String>>> packageEdges() throws IOException, URISyntaxException {
        Path classes = Path.of(KerasLayers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(files.size() > 50, "only " + files.size() + " classes under " + classes);
        for (Path file : files) {
            String self = classes.relativize(file).toString().replace('\\', '/').replaceAll("\\.class$", "");
            for (String used : referencedClasses(file)) {
                String from = packageOf(self);
                String to = packageOf(used);
                if (!from.equals(to)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                            .add(self.substring(self.lastIndexOf('/') + 1));
                }
            }
        }
        return edges;
    }

    private static String packageOf(String internalName) {
        return internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
    }

    /**
     * The project classes a class file names: every UTF-8 constant of its pool (class constants,
     * field and method descriptors, generic signatures) scanned for {@code io/gradcam4j/...}.
     */
    private static Set<String> referencedClasses(Path classFile) throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException(classFile + " is not a class file");
            }
            in.readUnsignedShort();                  // minor version
            in.readUnsignedShort();                  // major version
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> {                       // Utf8
                        Matcher m = PROJECT_CLASS.matcher(in.readUTF());
                        while (m.find()) {
                            names.add(m.group(1));
                        }
                    }
                    case 3, 4 -> in.readInt();       // Integer, Float
                    case 5, 6 -> {                    // Long, Double: two slots
                        in.readLong();
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.readUnsignedShort();   // Class, String, MethodType, Module, Package
                    case 9, 10, 11, 12, 17, 18 -> in.readInt();         // refs, NameAndType, (Invoke)Dynamic
                    case 15 -> {                      // MethodHandle
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
                }
            }
        }
        return names;
    }
}

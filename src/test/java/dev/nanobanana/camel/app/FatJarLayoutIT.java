package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What the fat jar holds of the jars it merges: their classes for each Java version, as the JVM would load them from
 * the jars themselves.
 */
class FatJarLayoutIT {

    static final String VERSIONS = "META-INF/versions/";

    @Test
    void keepsTheJavaVersionSpecificClassesOfEveryMultiReleaseJarItMerges() throws IOException {
        List<Path> multiRelease = runtimeJars().stream().filter(FatJarLayoutIT::isMultiRelease).toList();
        // JSch's Ed25519 host keys, the default of OpenSSH, live under META-INF/versions/15
        assertThat(multiRelease).extracting(jar -> jar.getFileName().toString())
                .anyMatch(name -> name.startsWith("jsch-"));

        try (JarFile fat = new JarFile(FatJarIT.APP_JAR.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            assertThat(fat.getManifest().getMainAttributes().getValue("Multi-Release"))
                    .as("Multi-Release in the manifest of %s", fat.getName()).isEqualTo("true");
            assertThat(fat.isMultiRelease()).isTrue();
            SoftAssertions softly = new SoftAssertions();
            for (Path jar : multiRelease) {
                try (JarFile merged = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
                    for (String versioned : versionedClasses(merged)) {
                        String name = versioned.replaceFirst(VERSIONS + "\\d+/", "");
                        // every version of the class is there, and the one this JVM picks is the jar's own: no class
                        // of another jar stands in for it or its base
                        softly.assertThat(bytes(fat, fat.getJarEntry(versioned))).as("%s of %s", versioned, jar)
                                .isEqualTo(bytes(merged, merged.getJarEntry(versioned)));
                        softly.assertThat(realName(fat, name)).as("%s of %s on Java %s", name, jar, Runtime.version())
                                .isEqualTo(realName(merged, name));
                        softly.assertThat(bytes(fat, fat.getJarEntry(name))).as("%s of %s", name, jar)
                                .isEqualTo(bytes(merged, merged.getJarEntry(name)));
                    }
                }
            }
            softly.assertAll();
        }
    }

    @Test
    void claimsToBeNoneOfTheModulesItMerges() throws IOException {
        try (JarFile fat = new JarFile(FatJarIT.APP_JAR.toFile())) {
            assertThat(Collections.list(fat.entries())).extracting(JarEntry::getName)
                    .noneMatch(name -> name.endsWith("module-info.class"));
        }
    }

    /** The application's runtime dependencies, as Maven resolved them for the fat jar. */
    static List<Path> runtimeJars() throws IOException {
        String classpath = Files.readString(Path.of(System.getProperty("app.runtime-classpath",
                "target/runtime-classpath.txt"))).strip();
        return Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of)
                .filter(entry -> entry.toString().endsWith(".jar")).toList();
    }

    static boolean isMultiRelease(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && "true".equalsIgnoreCase(manifest.getMainAttributes().getValue("Multi-Release"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar, e);
        }
    }

    private static List<String> versionedClasses(JarFile jar) {
        return Collections.list(jar.entries()).stream().map(JarEntry::getName)
                .filter(name -> name.startsWith(VERSIONS) && name.endsWith(".class")
                                && !name.endsWith("module-info.class"))
                .toList();
    }

    private static String realName(JarFile jar, String name) {
        JarEntry entry = jar.getJarEntry(name);
        return entry == null ? null : entry.getRealName();
    }

    private static byte[] bytes(JarFile jar, JarEntry entry) throws IOException {
        if (entry == null) {
            return null;
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}

package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the application jar is: when it was built, whether the sources changed since, and its main libraries. */
public final class AppJar {

    private static final Pattern LIB = Pattern.compile("BOOT-INF/lib/(spring-boot|spring-graphql|tomcat-embed-core"
            + "|kafka-streams|graphql-java)-(\\d[^/]*)\\.jar");

    private AppJar() {
    }

    /** {@code original} as the user named it; {@code jar} the snapshot copy that ran (same bytes and time). */
    public static String describe(Path original, Path jar) {
        StringBuilder sb = new StringBuilder("`" + original + "` (a copy of it taken at the start ran)");
        try {
            sb.append(", built ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(Files.getLastModifiedTime(jar).toInstant().atOffset(ZoneOffset.UTC)));
            List<String> libs;
            try (JarFile j = new JarFile(jar.toFile())) {
                libs = j.stream().map(e -> LIB.matcher(e.getName())).filter(Matcher::matches)
                        .map(m -> m.group(1) + " " + m.group(2)).sorted().toList();
            }
            if (!libs.isEmpty()) {
                sb.append("; ").append(String.join(", ", libs));
            }
            Path sources = original.toAbsolutePath().getParent().getParent().resolve("src/main");
            if (Files.isDirectory(sources)) {
                long built = Files.getLastModifiedTime(jar).toMillis();
                try (Stream<Path> files = Files.walk(sources)) {
                    // File.lastModified: 0, not an exception, for a file gone meanwhile
                    long newer = files.filter(Files::isRegularFile).filter(p -> p.toFile().lastModified() > built)
                            .count();
                    if (newer > 0) {
                        sb.append("; note: ").append(newer).append(" source file(s) under query-api/src/main changed"
                                + " after this jar was built (the figures are this jar's)");
                    }
                }
            }
        } catch (IOException e) {
            sb.append(" (").append(e.getMessage()).append(")");
        }
        return sb.toString();
    }
}

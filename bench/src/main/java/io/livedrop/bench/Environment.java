package io.livedrop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** The machine, the software versions and the command line of a run, for the report. */
public record Environment(String date, String cpuModel, int cores, String memory, String os, String java, String jvmFlags,
                   Map<String, String> versions, String command, String loadAtStart) {

    /** The opening rows of the "Machine, software, setup" table. */
    public List<String> setupRows() {
        return List.of("| | |", "|---|---|", "| date | " + date + " |", "| command | `" + command() + "` |",
                "| CPU | " + cpuModel + ", " + cores + " cores (nproc) |", "| memory | " + memory + " |",
                "| OS | " + os + " |", "| Java | " + java + " |", "| benchmark JVM flags | `" + jvmFlags + "` |");
    }

    public static Environment capture(String[] args) {
        String command = Optional.ofNullable(System.getProperty("bench.command")).filter(s -> !s.isBlank())
                .orElse("java -jar bench/target/livedrop-bench.jar " + String.join(" ", args)).strip();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Dbench.command") && !a.startsWith("-Dbench.log.file")).toList());
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("livedrop", Optional.ofNullable(Environment.class.getPackage().getImplementationVersion())
                .orElse(mavenVersion("io.livedrop", "livedrop-bench").orElse("0.1.0-SNAPSHOT")));
        String kafka = "/kafka/kafka-version.properties";
        versions.put("Apache Kafka (broker, clients, Streams)", property(kafka, "version").orElse("?") + " (commit "
                + property(kafka, "commitId").orElse("?") + ")");
        versions.put("RocksDB (rocksdbjni)", rocksdbVersion()); // its jar has no pom.properties
        versions.put("Avro", mavenVersion("org.apache.avro", "avro").orElse("?"));
        versions.put("HdrHistogram", mavenVersion("org.hdrhistogram", "HdrHistogram").orElse("?"));
        versions.put("Jedis", mavenVersion("redis.clients", "jedis").orElse("?"));
        versions.put("JFreeChart", mavenVersion("org.jfree", "jfreechart").orElse("?"));
        return new Environment(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT)),
                field("/proc/cpuinfo", "model name").map(m -> m.substring(m.indexOf(':') + 1).strip())
                        .orElse(System.getProperty("os.arch")), Runtime.getRuntime().availableProcessors(),
                field("/proc/meminfo", "MemTotal:").map(kb -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)).orElse("?"),
                field("/etc/os-release", "PRETTY_NAME=").map(n -> n.replace("\"", ""))
                        .orElse(System.getProperty("os.name")) + ", kernel " + System.getProperty("os.version"), java,
                flags, versions, command, loadAverage());
    }

    private static String rocksdbVersion() {
        try {
            org.rocksdb.RocksDB.loadLibrary();
            return org.rocksdb.RocksDB.rocksdbVersion().toString();
        } catch (Throwable t) {
            return "?";
        }
    }

    static Optional<String> mavenVersion(String group, String artifact) {
        return property("/META-INF/maven/" + group + "/" + artifact + "/pom.properties", "version");
    }

    private static Optional<String> property(String resource, String key) {
        Properties p = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unreadable: unknown
        }
        return Optional.ofNullable(p.getProperty(key));
    }

    public static Optional<String> field(String file, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The 1, 5 and 15 minute load averages, "?" where unreadable. */
    public static String loadAverage() {
        return field("/proc/loadavg", "").map(l -> l.strip().split("\\s+")).filter(f -> f.length >= 3)
                .map(f -> f[0] + " " + f[1] + " " + f[2]).orElse("?");
    }

    /** Beside bench.log.file when the script set it, else beside {@code work}. */
    public static Path logDir(Path work) throws IOException {
        Path dir = System.getProperty("bench.log.file") != null
                ? Path.of(System.getProperty("bench.log.file")).toAbsolutePath().getParent()
                : work.resolveSibling(work.getFileName() + "-logs");
        return Files.createDirectories(dir);
    }
}

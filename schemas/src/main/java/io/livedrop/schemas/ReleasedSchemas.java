package io.livedrop.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The released versions of every schema, read from {@code io/livedrop/schemas/released/} on the
 * classpath. A released version is immutable: records written with it may sit in compacted topics
 * for ever, so decoders keep every one of them and each new version must stay compatible with the
 * last (checked by {@code SchemaEvolutionTest}).
 *
 * <p>To release a changed schema: copy the .avsc to {@code released/<full name>/v<N+1>.avsc} and
 * append that path to {@code released/index.txt}.
 */
public final class ReleasedSchemas {

    static final String ROOT = "io/livedrop/schemas/released/";

    /** One released version of one schema. */
    public record Version(String fullName, int number, Schema schema) {
    }

    private final Map<String, List<Version>> byName;

    private ReleasedSchemas(Map<String, List<Version>> byName) {
        this.byName = byName;
    }

    /** Released versions given directly; for tests that need an older version than the repo has. */
    public static ReleasedSchemas of(List<Version> versions) {
        Map<String, List<Version>> byName = new LinkedHashMap<>();
        versions.forEach(v -> byName.computeIfAbsent(v.fullName(), k -> new ArrayList<>()).add(v));
        byName.values().forEach(list -> list.sort(Comparator.comparingInt(Version::number)));
        return new ReleasedSchemas(byName);
    }

    /** Loads the index and every version it names; fails loudly on a missing or malformed file. */
    public static ReleasedSchemas load() {
        Map<String, List<Version>> byName = new LinkedHashMap<>();
        for (String entry : readIndex()) {
            String[] parts = entry.split("/v", 2);
            if (parts.length != 2 || !parts[1].endsWith(".avsc")) {
                throw new IllegalStateException("Malformed line in " + ROOT + "index.txt: '" + entry
                        + "' (expected <full name>/v<N>.avsc)");
            }
            int number = Integer.parseInt(parts[1].substring(0, parts[1].length() - ".avsc".length()));
            Schema schema = parse(ROOT + entry);
            if (!schema.getFullName().equals(parts[0])) {
                throw new IllegalStateException(ROOT + entry + " holds " + schema.getFullName()
                        + ", not " + parts[0]);
            }
            byName.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(new Version(parts[0], number, schema));
        }
        byName.values().forEach(versions -> versions.sort(Comparator.comparingInt(Version::number)));
        return new ReleasedSchemas(byName);
    }

    /** All released versions of a schema, oldest first; empty if it was never released. */
    public List<Version> versions(String fullName) {
        return byName.getOrDefault(fullName, List.of());
    }

    public Optional<Version> latest(String fullName) {
        List<Version> versions = versions(fullName);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public Map<String, List<Version>> all() {
        return byName;
    }

    private static List<String> readIndex() {
        try (InputStream in = resource(ROOT + "index.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(String path) {
        try (InputStream in = resource(path)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read released schema " + path, e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ReleasedSchemas.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("Released schema resource missing from the classpath: " + path);
        }
        return in;
    }
}

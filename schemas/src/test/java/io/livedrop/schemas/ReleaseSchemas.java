package io.livedrop.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Releases every event schema whose compiled form differs from its last released version: writes
 * {@code released/<full name>/v<N+1>.avsc} (self-contained, referenced types inlined) and appends it
 * to the index. Run from the repository root:
 * {@code mvn -q -pl schemas test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.livedrop.schemas.ReleaseSchemas}
 */
public final class ReleaseSchemas {

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "schemas/src/main/resources").resolve(ReleasedSchemas.ROOT);
        ReleasedSchemas released = ReleasedSchemas.load();
        int count = 0;
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            Schema current = EventTypes.schemaOf(type);
            var latest = released.latest(current.getFullName());
            if (latest.isPresent() && latest.get().schema().equals(current)) {
                continue;
            }
            int next = latest.map(v -> v.number() + 1).orElse(1);
            String entry = current.getFullName() + "/v" + next + ".avsc";
            Files.createDirectories(root.resolve(current.getFullName()));
            Files.writeString(root.resolve(entry), current.toString(true) + "\n", StandardCharsets.UTF_8);
            Files.writeString(root.resolve("index.txt"), entry + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.out.println("released " + entry);
            count++;
        }
        System.out.println(count == 0 ? "every schema is already released" : count + " schema version(s) released");
    }
}

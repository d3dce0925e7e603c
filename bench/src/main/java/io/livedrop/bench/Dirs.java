package io.livedrop.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;

/** The benchmarks' work directories. */
public final class Dirs {

    private Dirs() {
    }

    /** Best effort: a leftover temp file must not fail a finished run. */
    public static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            // best effort
        }
    }
}

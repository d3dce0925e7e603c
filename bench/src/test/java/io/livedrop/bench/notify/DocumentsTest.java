package io.livedrop.bench.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The page's document as the benchmark extracts it from livedrop.js: fails when the page's document drifts. */
class DocumentsTest {

    private static final Path SCRIPT = Path.of("../query-api/src/main/resources/static/app/livedrop.js");

    @Test
    void extractsThePagesDropStartedDocument() throws Exception {
        String page = Documents.fromScript(Files.readString(SCRIPT), "dropStarted");

        assertThat(page).isEqualTo("subscription { dropStarted { startedAt drop { id status startsAt initialStock"
                + " remainingStock priceCents currency\n  product { id name } creator { id name viewerFollows } } } }");
    }

    @Test
    void bothDocumentsSelectTheDropsIdFirstForTheSwarmsParse() throws Exception {
        assertThat(Documents.fromScript(Files.readString(SCRIPT), "dropStarted")).contains("drop { id ");
        assertThat(Documents.BENCH).contains("drop { id }");
    }
}

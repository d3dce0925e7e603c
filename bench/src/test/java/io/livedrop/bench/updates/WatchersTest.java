package io.livedrop.bench.updates;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.bench.notify.Documents;
import io.livedrop.bench.updates.UpdatesBenchmark.Watchers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The page's dropUpdates document, and the watchers' reading of its frames: messages, SOLD_OUT with 0 left. */
class WatchersTest {

    private static final Path SCRIPT = Path.of("../query-api/src/main/resources/static/app/livedrop.js");

    /** A frame as the edge writes it for the page's document (its selection order). */
    private static String frame(String status, int remaining, String at) {
        return "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"dropUpdates\":{\"at\":\"" + at + "\",\"drop\":"
                + "{\"id\":\"d1\",\"status\":\"" + status + "\",\"startsAt\":\"2026-12-05T10:00:00Z\","
                + "\"initialStock\":100,\"remainingStock\":" + remaining + ",\"priceCents\":1999,\"currency\":\"USD\","
                + "\"product\":{\"id\":\"p1\",\"name\":\"P\"},\"creator\":{\"id\":\"c\",\"name\":\"C\","
                + "\"viewerFollows\":false}}}}}}";
    }

    @Test
    void extractsThePagesDropUpdatesDocumentWithItsVariable() throws Exception {
        assertThat(Documents.fromScript(Files.readString(SCRIPT), "dropUpdates")).isEqualTo("subscription($id: ID!)"
                + " { dropUpdates(dropId: $id) { at drop { id status startsAt initialStock remainingStock priceCents"
                + " currency\n  product { id name } creator { id name viewerFollows } } } }");
    }

    @Test
    void countsTheFirstMessageApartAndTimesTheFirstSoldOutWithNothingLeft() {
        Watchers w = new Watchers(3);
        w.frame(0, 100, frame("LIVE", 100, "2026-12-05T10:00:00Z"));
        w.frame(1, 100, frame("LIVE", 100, "2026-12-05T10:00:00Z"));
        w.countFromMicros = 1_000;
        w.frame(0, 1_000, frame("LIVE", 40, "2026-12-05T10:00:01Z"));
        w.frame(0, 2_000, frame("SOLD_OUT", 0, "2026-12-05T10:00:02.250Z"));
        w.frame(0, 3_000, frame("SOLD_OUT", 0, "2026-12-05T10:00:02.250Z"));
        w.frame(1, 4_000, frame("LIVE", 0, "2026-12-05T10:00:01.5Z"));
        w.frame(2, 5_000, frame("SOLD_OUT", 3, "2026-12-05T10:00:01.5Z"));

        assertThat(w.first.get()).isEqualTo(2);
        assertThat(w.messages.get(0)).isEqualTo(3);
        assertThat(w.messages.get(1)).isEqualTo(1);
        assertThat(w.soldOut.get()).isEqualTo(1);
        assertThat(w.soldOutMicros.get(0)).isEqualTo(2_000);
        assertThat(w.soldOutMicros.get(1)).isZero();
        assertThat(w.soldOutMicros.get(2)).isZero();
        assertThat(w.soldOutAt).isEqualTo(Instant.parse("2026-12-05T10:00:02.250Z"));
    }
}

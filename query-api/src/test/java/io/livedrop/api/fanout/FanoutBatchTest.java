package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** A batch hands each loop its recipients in chunks as they are added, and the rest on finish; each is told once. */
class FanoutBatchTest {

    @Test
    void aLoopStartsWritingBeforeTheLastRecipientIsAdded() {
        Loop one = new Loop();
        Loop two = new Loop();
        SharedPayload payload = new SharedPayload("{}".getBytes(StandardCharsets.UTF_8));
        Fanout.Batch batch = new Fanout.Batch(payload);
        List<Told> all = new ArrayList<>();
        for (int i = 0; i < Fanout.Batch.CHUNK; i++) {
            all.add(new Told(one));
            batch.add(all.get(all.size() - 1));
        }
        all.add(new Told(two));
        batch.add(all.get(all.size() - 1));

        assertThat(one.tasks).hasSize(1);   // a full chunk went out at once
        assertThat(two.tasks).isEmpty();
        one.run();
        assertThat(all.subList(0, Fanout.Batch.CHUNK)).allMatch(told -> told.told == 1 && told.flushed == 1);

        batch.finish();
        one.run();
        two.run();
        assertThat(all).allMatch(told -> told.told == 1 && told.flushed == 1);
        assertThat(all).allMatch(told -> told.payload == payload);
    }

    private static final class Loop implements Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void run() {
            List<Runnable> now = List.copyOf(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    private static final class Told implements Recipient {
        final Loop loop;
        int told;
        int flushed;
        SharedPayload payload;

        Told(Loop loop) {
            this.loop = loop;
        }

        @Override
        public Executor loop() {
            return loop;
        }

        @Override
        public boolean next(SharedPayload payload, boolean latestWins) {
            this.payload = payload;
            told++;
            return true;
        }

        @Override
        public void flush() {
            flushed++;
        }

        @Override
        public void onWritable(Runnable callback) {
        }
    }
}

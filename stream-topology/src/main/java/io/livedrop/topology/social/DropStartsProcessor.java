package io.livedrop.topology.social;

import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Picks the drop starts out of the drop events and re-keys them by creator, for the broadcast to every follows partition. */
public final class DropStartsProcessor implements Processor<String, DropEvent, String, DropEvent> {

    private ProcessorContext<String, DropEvent> context;

    @Override
    public void init(ProcessorContext<String, DropEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, DropEvent> record) {
        DropEvent event = record.value();
        if (event != null && event.getType() == DropEventType.STARTED && SocialKeys.usable(event.getCreatorId())) {
            context.forward(record.withKey(event.getCreatorId()));
        }
    }
}

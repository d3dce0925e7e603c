package io.livedrop.schemas;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Every record type that travels on a livedrop topic (changelogs included), in one place. */
public final class EventTypes {

    /** The package every generated event class lives under; Avro must trust it to decode. */
    public static final String EVENTS_PACKAGE = "io.livedrop.events";

    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            Creator.class,
            Product.class,
            Drop.class,
            DropEvent.class,
            DropState.class,
            OrderRequest.class,
            OrderDecision.class,
            FollowEvent.class,
            FollowerCount.class,
            PushBatch.class);

    private EventTypes() {
    }

    /** The schema compiled into the generated class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }
}

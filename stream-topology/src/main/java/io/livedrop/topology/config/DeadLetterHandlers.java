package io.livedrop.topology.config;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' log-and-continue handlers with its dead-letter queue (KIP-1034), except on the
 * global thread (the catalog's global stores): Kafka Streams 4.4 cannot send a dead letter from
 * there (a ClassCastException in its error path stops the whole client, found by the fault
 * suite's poison pills on the creators topic), so such a record is logged with where it came from
 * and skipped. Records of tasks still go to the dead-letter topic.
 */
public final class DeadLetterHandlers {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {
    }

    /** The global thread's records have no task (or the placeholder task -1_-1). */
    static boolean onGlobalThread(ErrorHandlerContext context) {
        TaskId task = context.taskId();
        return task == null || task.subtopology() < 0;
    }

    private static void logSkipped(ErrorHandlerContext context, Exception exception) {
        log.error("Skipping an undecodable or unprocessable record of global topic {} partition {} offset {} (the "
                        + "global thread cannot dead-letter it): {}", context.topic(), context.partition(), context.offset(),
                exception.toString());
    }

    /** Deserialization errors: dead letters from tasks, log-and-skip on the global thread. */
    public static final class Deserialization extends LogAndContinueExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (onGlobalThread(context)) {
                logSkipped(context, exception);
                return Response.resume();
            }
            return super.handleError(context, record, exception);
        }
    }

    /** Processing errors: dead letters from tasks, log-and-skip on the global thread. */
    public static final class Processing extends LogAndContinueProcessingExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (onGlobalThread(context)) {
                logSkipped(context, exception);
                return Response.resume();
            }
            return super.handleError(context, record, exception);
        }
    }
}

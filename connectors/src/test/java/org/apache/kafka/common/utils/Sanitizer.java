package org.apache.kafka.common.utils;

/**
 * Bridge for Debezium 3.4 on a Kafka 4.4 worker. Debezium 3.4.0.Final (built against Kafka 4.1) names
 * its JMX metrics with {@code org.apache.kafka.common.utils.Sanitizer}, which Kafka 4.4 moved to
 * {@code org.apache.kafka.common.utils.internals.Sanitizer}; without this class its tasks die with
 * {@code NoClassDefFoundError} at start. Test classpath only (the in-process worker); a real 4.4 worker
 * needs the same class on its own classpath, or a worker of the Kafka line Debezium 3.4 is built
 * against (connectors/README.md, "Versions").
 */
public final class Sanitizer {

    private Sanitizer() {
    }

    public static String sanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.sanitize(name);
    }

    public static String desanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.desanitize(name);
    }

    public static String jmxSanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.jmxSanitize(name);
    }
}

package io.livedrop.schemas.serde;

import io.livedrop.schemas.EventTypes;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 instantiates only classes of trusted packages, when decoding and when building datum
 * writers. Trust livedrop's generated events on top of whatever the JVM already trusts (including
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}), once per JVM.
 */
final class AvroTrust {

    private static boolean installed;

    private AvroTrust() {
    }

    static synchronized void trustEventPackage() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getName().startsWith(EventTypes.EVENTS_PACKAGE + ".")));
        installed = true;
    }
}

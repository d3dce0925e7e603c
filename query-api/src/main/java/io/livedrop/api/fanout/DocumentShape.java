package io.livedrop.api.fanout;

import graphql.schema.FieldCoordinates;
import java.util.Map;

/**
 * A subscription's document as a shared render needs it: the text, operation and variables to
 * execute, and the key that identifies it among equal subscriptions (normalized document and
 * variables: two clients that send the same selection differently share a key). {@code shareable}
 * is false when the selection reads the viewer beyond {@link ViewerFacts}.
 */
public record DocumentShape(String key, String document, String operationName, Map<String, Object> variables,
                            boolean shareable) {

    /**
     * Whether the selection may ask what {@link ViewerFacts} answer: the document names such a field
     * (it may be skipped or an alias name; a false answer is certain), so a feed reads the facts only then.
     */
    public boolean mayAskFacts() {
        for (FieldCoordinates field : ViewerDependentFields.SCHEMA.answeredByFacts()) {
            if (document.contains(field.getFieldName())) {
                return true;
            }
        }
        return false;
    }
}

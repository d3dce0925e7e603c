package io.livedrop.api.fanout;

import graphql.schema.FieldCoordinates;
import graphql.schema.SelectedField;
import java.util.HashSet;
import java.util.Set;

/**
 * The one list of fields whose value depends on who asks. A subscription selection that holds one
 * of them is rendered once for all its recipients only if {@link ViewerFacts} answers it
 * ({@link #answeredByFacts}); any other one keeps the selection on the per-session path. Today
 * that is {@code Creator.viewerFollows} alone, answered by the facts.
 *
 * <p>{@code ViewerDependentFieldsTest} guards the list: it fails when a controller method resolving
 * a field of a type a subscription event reaches reads the viewer and is neither listed here nor
 * known there to be viewer-independent. Known gap: a field resolved without a controller method
 * (a property of the source object) is not inspected; those never see the viewer.
 */
public record ViewerDependentFields(Set<FieldCoordinates> answeredByFacts, Set<FieldCoordinates> perSession) {

    public static final FieldCoordinates VIEWER_FOLLOWS = FieldCoordinates.coordinates("Creator", "viewerFollows");

    /** The fields of today's schema. */
    public static final ViewerDependentFields SCHEMA = new ViewerDependentFields(Set.of(VIEWER_FOLLOWS), Set.of());

    public ViewerDependentFields {
        answeredByFacts = Set.copyOf(answeredByFacts);
        perSession = Set.copyOf(perSession);
    }

    /** Every listed field. */
    public Set<FieldCoordinates> all() {
        Set<FieldCoordinates> all = new HashSet<>(answeredByFacts);
        all.addAll(perSession);
        return all;
    }

    /** Whether {@code field}, on any of the object types it may resolve on, needs a per-session render. */
    public boolean needsSession(SelectedField field) {
        if (perSession.isEmpty()) {
            return false;
        }
        for (String type : field.getObjectTypeNames()) {
            if (perSession.contains(FieldCoordinates.coordinates(type, field.getName()))) {
                return true;
            }
        }
        return false;
    }
}

package io.livedrop.api.catalog;

import java.util.Optional;

/**
 * Where the live feeds read a drop: the state stores ({@link CatalogQueryService}) in an API
 * instance, or an API instance over the peer listener in the edge role (ADR 0012 §5).
 */
public interface DropSource {

    /** The drop as the API shows it; empty if there is none. Throws what the read throws (UNAVAILABLE). */
    Optional<DropView> drop(String id);
}

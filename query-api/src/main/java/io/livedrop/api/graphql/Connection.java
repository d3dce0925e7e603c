package io.livedrop.api.graphql;

import java.util.List;

/** A Relay connection page: the edges and whether there is more after the last one. */
public record Connection<T>(List<Edge<T>> edges, PageInfo pageInfo) {

    public record Edge<T>(String cursor, T node) {
    }

    public record PageInfo(boolean hasNextPage, String endCursor) {
    }
}

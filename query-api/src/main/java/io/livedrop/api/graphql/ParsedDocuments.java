package io.livedrop.api.graphql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Parsed and validated documents by query text. Clients send a handful of operations with
 * variables; parsing and validating the same text again was 10-13 % of a request's CPU
 * (docs/benchmarks/api-method.md). Bounded, so a client sending ever new texts costs memory only
 * up to the bound. Depth and complexity limits still apply on every execution.
 */
final class ParsedDocuments implements PreparsedDocumentProvider {

    private static final int MAX_QUERY_LENGTH = 20_000;

    private final Cache<String, PreparsedDocumentEntry> documents = Caffeine.newBuilder().maximumSize(1_000).build();

    @Override
    public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
            Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
        String query = input.getQuery();
        if (query.length() > MAX_QUERY_LENGTH) {
            // a huge text is most likely hostile and unique: not worth a cache slot
            return CompletableFuture.completedFuture(parseAndValidate.apply(input));
        }
        return CompletableFuture.completedFuture(documents.get(query, text -> parseAndValidate.apply(input)));
    }
}

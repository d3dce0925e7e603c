package io.livedrop.api.graphql;

import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import io.livedrop.api.limits.Refusals;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/** Registers the custom scalars of the schema, the query size and cost limits and the parsed-document cache. */
@Configuration(proxyBeanMethods = false)
public class GraphQlConfiguration {

    @Bean
    GraphQlSourceBuilderCustomizer parsedDocumentCache() {
        return builder -> builder.configureGraphQl(graphQl -> graphQl.preparsedDocumentProvider(new ParsedDocuments()));
    }

    @Bean
    RuntimeWiringConfigurer scalars() {
        return wiring -> wiring.scalar(DateTimeScalar.INSTANCE);
    }

    /** A query nested deeper than allowed is refused before it runs (BAD_REQUEST). */
    @Bean
    MaxQueryDepthInstrumentation maxQueryDepth(QueryLimits limits) {
        return new MaxQueryDepthInstrumentation(limits.maxDepth());
    }

    /**
     * A query selecting more fields than allowed (e.g. hundreds of aliases) is refused before it
     * runs. Kept beside the cost limit: a flood of cheap fields that each cost a read (aliased
     * {@code drop(id)}) stays far below any cost that nested pages need.
     */
    @Bean
    MaxQueryComplexityInstrumentation maxQueryComplexity(QueryLimits limits) {
        return new MaxQueryComplexityInstrumentation(limits.maxComplexity());
    }

    /** A query whose nested pages could answer more than allowed ({@link QueryCost}) is refused before it runs. */
    @Bean
    QueryCost queryCost(QueryLimits limits, ObjectProvider<Refusals> refusals) {
        return new QueryCost(limits.maxCost(), setting -> refusals.ifAvailable(r -> r.count(setting)));
    }
}

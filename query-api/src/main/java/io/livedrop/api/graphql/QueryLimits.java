package io.livedrop.api.graphql;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.graphql.*}: how big a query may be. Depth stops nesting bombs; complexity (one
 * point per selected field, aliases included) stops floods of cheap fields that each cost a read
 * (500 aliased {@code drop(id)}); cost ({@link QueryCost}: page sizes multiply) stops nested lists
 * that amplify a small query into a huge answer. The defaults leave room for GraphiQL's
 * introspection query and every query the web page sends (the largest, the shopper's start page,
 * costs 16,523: 50 followed creators × 20 drops each, 16 fields a drop); {@code QueryCostTest} computes these.
 *
 * @param maxDepth      deepest field nesting allowed
 * @param maxComplexity most fields one query may select
 * @param maxCost       largest cost ({@link QueryCost}) one query may have
 */
@ConfigurationProperties("livedrop.graphql")
public record QueryLimits(@DefaultValue("15") int maxDepth, @DefaultValue("300") int maxComplexity,
                          @DefaultValue("50000") long maxCost) {
}

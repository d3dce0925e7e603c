/**
 * GraphQL plumbing shared by the controllers: the DateTime scalar, Relay connections with opaque
 * cursors, and the mapping of failures to the error codes of the public contract (API.md).
 */
package io.livedrop.api.graphql;

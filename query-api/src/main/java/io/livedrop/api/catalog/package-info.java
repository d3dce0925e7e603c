/**
 * The catalog part of the API: creators, products and drops, read from the topology's stores
 * (creators and products from global stores; drops from the partitioned drop-state store).
 */
package io.livedrop.api.catalog;

/**
 * The order decision rules and the order-side records of a drop's task: order ids, the pure rules
 * that turn (drop state, purchases so far, request) into a decision, and the idempotency records.
 */
package io.livedrop.topology.order;

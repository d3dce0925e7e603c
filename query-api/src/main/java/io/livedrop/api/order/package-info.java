/**
 * Orders through the API: placing one (validate, produce the request, wait for its committed
 * decision), the viewer's orders, and an order's status as a subscription.
 */
package io.livedrop.api.order;

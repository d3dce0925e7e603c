/**
 * The HTTP edge: the peer listener (ADR 0010), the filter every request passes first (headers,
 * which listener serves what, body size, undecodable query strings), the peer endpoints' error
 * answers, and the local profile's sign-in for the web page.
 */
package io.livedrop.api.web;

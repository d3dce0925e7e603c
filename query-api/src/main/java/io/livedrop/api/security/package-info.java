/** Identity: JWT bearer tokens (HS256 locally), and the command that mints local tokens. */
package io.livedrop.api.security;

/** Demo catalog for the local profile, written once when the catalog is empty. */
package io.livedrop.api.demo;

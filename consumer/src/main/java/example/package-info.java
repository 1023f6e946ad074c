/**
 * A user's project in miniature: the README's Java and DL4J snippets, compiled and run against the
 * installed altdiff artifacts through the BOM (core, ojalgo, dl4j). It may use only what a user's
 * project gets from those dependencies.
 */
package example;

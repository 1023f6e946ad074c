/**
 * Problem files in and out: the JSON format altdiff-qp/1 (QpJson, ProblemFiles), MPS/QPS files
 * (MpsReader, MpsModel, MpsProblem, QpConversion), reference objective values, and the
 * InvalidInputException of malformed input. It may use dev.altdiff.api and Jackson, nothing of the
 * solver.
 */
package dev.altdiff.examples.io;

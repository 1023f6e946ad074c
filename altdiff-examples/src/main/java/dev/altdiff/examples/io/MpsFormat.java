package dev.altdiff.examples.io;

/**
 * The layout of an MPS/QPS file's data lines.
 *
 * <ul>
 *   <li>{@link #FIXED}: the classic card layout. Fields in columns 2–3 (row or bound type), 5–12
 *       (name), 15–22 (name), 25–36 (number), 40–47 (name), 50–61 (number); names may contain
 *       spaces; anything outside these columns must be blank.</li>
 *   <li>{@link #FREE}: fields separated by white space; names cannot contain spaces. The set name
 *       of RHS, RANGES and BOUNDS lines may be omitted.</li>
 *   <li>{@link #AUTO}: reads the file as free format and, when that fails, as fixed format (a file
 *       with spaces in its names, e.g. Maros–Meszaros QFORPLAN, reads only as fixed). When both fail
 *       the error of the attempt that got further into the file is reported.</li>
 * </ul>
 */
public enum MpsFormat {
    AUTO, FIXED, FREE
}

/**
 * The Alt-Diff QP layer for Deeplearning4j: AltDiffQpLayer (its JSON-serializable configuration),
 * AltDiffQpLayerImpl (forward and backward through the batched layer) and AltDiffQpParamInitializer
 * (the trainable P factor, A, G, b, h). It may use dev.altdiff.api, dev.altdiff.core and
 * deeplearning4j-nn; the learning examples live in altdiff-examples (dev.altdiff.examples.dl4j).
 */
package dev.altdiff.dl4j;

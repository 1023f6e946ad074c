/**
 * The learning examples of the DL4J layer, run by altdiff train: digit classification on sklearn
 * digits or MNIST (Classification, QpClassifier, ClassifierTraining, the Idx reader), 4x4 Sudoku, and
 * energy generation scheduling on PJM loads (Energy, Scheduler, ExpectedCost), with learning curves
 * (History, Plot, Progress). It may use altdiff-dl4j, the library modules and DL4J.
 */
package dev.altdiff.examples.dl4j;

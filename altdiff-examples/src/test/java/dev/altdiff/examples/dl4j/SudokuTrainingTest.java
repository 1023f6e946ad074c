package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A few Adam steps on Sudoku puzzles move the learned A and lower the training loss. */
class SudokuTrainingTest {

    @Test
    void learningALowersTheLossOfTheBatchItIsTrainedOn() throws Exception {
        Sudoku.Data all = Sudoku.load();
        Sudoku.Data train = all.range(0, 50);
        Sudoku.Data test = all.range(9950, 10_000);
        Settings qp = new Settings(1.0, 1e-4, 2000, Truncation.RELATIVE_CHANGE);
        MultiLayerNetwork net = new MultiLayerNetwork(Sudoku.configuration(40, 0.005, qp, "ojalgo", 0));
        net.init();
        INDArray before = Sudoku.learnedA(net).dup();
        assertEquals(40 * 64, before.length());
        double initial = net.score(train.batch(0, 50));
        History h = Sudoku.train(net, train, test, 6, 50, null, null);
        assertEquals(6, h.batchLosses().size());
        assertFalse(before.equalsWithEps(Sudoku.learnedA(net), 1e-6), "A did not move");
        double after = net.score(train.batch(0, 50));
        assertTrue(after < 0.9 * initial, "the loss on the trained batch went from " + initial + " to " + after);
        double solved = h.last().testAccuracy();
        assertTrue(solved >= 0 && solved <= 1);
    }
}

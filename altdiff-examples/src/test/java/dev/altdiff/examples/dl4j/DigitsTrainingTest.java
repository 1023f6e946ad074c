package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short end-to-end training run through the Alt-Diff QP layer on the bundled 8×8 digits: the
 * test accuracy must end far above chance (10 %), the loss must fall, and the learning-curve PNG
 * must be written.
 */
class DigitsTrainingTest {

    @Test
    void shortRunLearnsDigits(@TempDir Path dir) throws Exception {
        Classification all = Classification.digits();
        assertEquals(1797, all.size());
        assertEquals(64, all.features());
        Classification shuffled = all.shuffled(7);
        Classification train = shuffled.range(0, 1437);
        Classification test = shuffled.range(1437, 1797);
        Settings qp = new Settings(1.0, 1e-4, 1000, Truncation.RELATIVE_CHANGE);
        QpClassifier model = new QpClassifier(64, 32, 8, 8, 10, 1e-2, qp, "ojalgo", 42, 2023);
        MultiLayerNetwork net = new MultiLayerNetwork(model.configuration());
        net.init();
        double before = ClassifierTraining.accuracy(net, test, 256);
        PrintWriter log = new PrintWriter(System.out, true);
        History h = ClassifierTraining.train(net, train, test, 3, 64, 1, null, log);
        double after = h.last().testAccuracy();
        System.out.printf("digits: test accuracy %.3f before, %.3f after 3 epochs; %.1f ms/batch%n", before, after,
                h.last().msPerBatch());
        assertTrue(after > 0.6, "test accuracy " + after + " is not well above chance");
        assertTrue(h.epochs().get(2).trainLoss() < h.epochs().get(0).trainLoss(), "the training loss did not fall");
        Path png = dir.resolve("curves.png");
        Plot.learningCurves(png, "digits", h);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
    }
}

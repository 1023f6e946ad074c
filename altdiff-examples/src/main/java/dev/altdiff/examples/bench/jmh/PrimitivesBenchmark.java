package dev.altdiff.examples.bench.jmh;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.core.AltDiff;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The backend primitives the Alt-Diff core spends its time in, on the paper's problem (p = n/2,
 * m = n/5, ρ = 1), as {@code QpData} and {@code Admm} use them: forming H = P + ρAᵀA + ρGᵀG (a copy
 * and two gemm), its Cholesky factorization, and solves with 1 and with n right-hand sides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PrimitivesBenchmark {
    @Param({"ojalgo", "nd4j"})
    public String backend;

    @Param({"200", "1000", "2000"})
    public int n;

    private static final double RHO = 1.0;

    private LinearAlgebra la;
    private Matrix p;
    private Matrix a;
    private Matrix at;
    private Matrix g;
    private Matrix gt;
    private Matrix h;
    private Factorization chol;
    private Matrix rhs1;
    private Matrix rhsN;

    @Setup(Level.Trial)
    public void setUp() {
        la = AltDiff.backend(backend);
        QuadraticProgram qp = RandomQp.paper(1, n);
        p = la.matrix(n, n, qp.rowMajor(Block.P));
        a = la.matrix(qp.p(), n, qp.rowMajor(Block.A));
        at = la.transpose(a);
        g = la.matrix(qp.m(), n, qp.rowMajor(Block.G));
        gt = la.transpose(g);
        h = formH();
        chol = la.cholesky(h);
        Random r = new Random(2);
        rhs1 = la.matrix(n, 1, Gaussian.vector(r, n));
        rhsN = la.matrix(n, n, Gaussian.vector(r, n * n));
    }

    @Benchmark
    public Matrix formH() {
        Matrix out = la.copy(p);
        la.gemm(RHO, at, false, a, false, 1.0, out);
        la.gemm(RHO, gt, false, g, false, 1.0, out);
        return out;
    }

    @Benchmark
    public Factorization factorH() {
        return la.cholesky(h);
    }

    @Benchmark
    public Matrix solve1() {
        return chol.solve(rhs1);
    }

    @Benchmark
    public Matrix solveN() {
        return chol.solve(rhsN);
    }
}

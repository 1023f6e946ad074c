package dev.altdiff.core;

import dev.altdiff.api.Limits;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import edu.emory.mathcs.csparsej.tdouble.Dcs_amd;
import edu.emory.mathcs.csparsej.tdouble.Dcs_common;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The sparse factorization of a symmetric positive definite matrix S (H = P + ρ_eqAᵀA + ρGᵀG of a sparse
 * problem): a fill-reducing ordering chosen here, then the backend's sparse LDLᵀ
 * ({@link LinearAlgebra#sparseCholeskyOfUpper}), which has no ordering of its own. The same ordering serves the
 * JVM's quasi-definite LDLᵀ ({@link #ordering}, {@link QuasiDefiniteLdl}).
 *
 * <p><b>Ordering.</b> The fill of the factor L is counted exactly from the elimination tree
 * (O(nnz(L)) time, O(n) memory, no numbers) for three orderings, and the smallest is used:
 * <ul>
 *   <li>approximate minimum degree (AMD: Amestoy, Davis and Duff, SIAM J. Matrix Anal. Appl. 1996,
 *       CSparse's {@code cs_amd} through its Java port CSparseJ), the general-purpose choice, as in
 *       OSQP and CHOLMOD; rows denser than 10√n are ordered last;</li>
 *   <li>the natural order, which is already right for banded S (LDLᵀ without pivoting keeps the
 *       band: nnz(L) ≤ n·(bandwidth + 1));</li>
 *   <li>reverse Cuthill–McKee (breadth-first from a pseudo-peripheral vertex, neighbours by
 *       increasing degree, reversed), which recovers a small band or profile when the variables of
 *       a local pattern are numbered badly (e.g. shuffled).</li>
 * </ul>
 * AMD's fill is counted first, and the other two counts stop as soon as they exceed the best so far,
 * so a bad candidate costs no more than the chosen factor's own count. AMD is a heuristic: on large
 * 2-D/3-D meshes nested dissection gives less fill (not implemented); the fill is reported by
 * {@link #nonzeros()}.
 */
public final class SparseCholesky implements Factorization {
    /** How the rows and columns were ordered before factoring. */
    public enum Ordering { APPROXIMATE_MINIMUM_DEGREE, NATURAL, REVERSE_CUTHILL_MCKEE }

    /** The most entries of L + D a factor can have (its compressed columns are indexed by int). */
    public static final long MAX_FACTOR_NONZEROS = Integer.MAX_VALUE - 8;

    private final Factorization factor;
    private final Ordering ordering;
    private final long nonzeros;

    private SparseCholesky(Factorization factor, Ordering ordering, long nonzeros) {
        this.factor = factor;
        this.ordering = ordering;
        this.nonzeros = nonzeros;
    }

    /**
     * @param spd symmetric positive definite, both triangles stored (its pattern must be symmetric)
     * @throws dev.altdiff.api.linalg.NotPositiveDefiniteException when S is not numerically PD
     * @throws UnsupportedOperationException when the backend has no sparse matrices, or when the
     *         factor would exceed {@link #MAX_FACTOR_NONZEROS} entries (counted before any is formed)
     */
    public static SparseCholesky factor(LinearAlgebra la, SparseMatrix spd) {
        Plan plan = plan(spd.columns());
        SparseMatrix upper = spd.permutedUpperTriangle(plan.choice.order());
        spd = null; // S is not held while its factor is formed beside the triangle (the caller's frame dropped it)
        return factorUpper(la, upper, plan);
    }

    /**
     * The factor of S = shift·I + base + Σ weights[k]·C_kᵀC_k ({@link SparseMatrix#shiftedGramSum}) under the ordering
     * planned for its pattern, formed as the upper triangle of S(ordering, ordering) directly: S itself (both
     * triangles) is never formed, so the set-up holds the triangle and then the factor, not S beside them.
     *
     * @param plan the ordering planned for S's pattern ({@link #plan} of {@link SparseMatrix#shiftedGramPattern} with
     *             the same base and blocks)
     * @throws dev.altdiff.api.linalg.NotPositiveDefiniteException when S is not numerically PD
     */
    public static SparseCholesky factorGramSum(LinearAlgebra la, Plan plan, int n, double shift, SparseMatrix base,
                                               double[] weights, SparseMatrix... blocks) {
        return factorUpper(la, SparseMatrix.shiftedGramSum(plan.choice.order(), n, shift, base, weights, blocks), plan);
    }

    private static SparseCholesky factorUpper(LinearAlgebra la, SparseMatrix upper, Plan plan) {
        Choice choice = plan.choice;
        return new SparseCholesky(la.sparseCholeskyOfUpper(upper, choice.order()), choice.name(), choice.fill());
    }

    /**
     * The ordering chosen for a symmetric pattern (the class comment), kept to factor matrices of that pattern again
     * without choosing again (the same ordering, so the same factor as choosing again would give): H for each ρ.
     */
    public static final class Plan {
        private final Choice choice;

        private Plan(Choice choice) {
            this.choice = choice;
        }
    }

    /**
     * @param pattern a symmetric pattern, both triangles stored (values are not read and may be null)
     * @return the ordering of the class comment for it
     * @throws UnsupportedOperationException when the factor would exceed {@link #MAX_FACTOR_NONZEROS} entries
     * @throws dev.altdiff.api.TooLargeException when its entries would not fit in the memory the JVM has left
     */
    public static Plan plan(SparseMatrix.Columns pattern) {
        return new Plan(choose(pattern));
    }

    /**
     * {@link #plan} of the pattern of S = shift·I + base + Σ weights[k]·C_kᵀC_k ({@link SparseMatrix#shiftedGramPattern},
     * which no shift or weight changes), formed twice instead of held: its upper triangle for AMD, then the whole of
     * it for the other candidates and the counts (the same choice).
     */
    public static Plan planGramSum(int n, SparseMatrix base, SparseMatrix... blocks) {
        int[] identity = natural(n);
        return new Plan(choose(n, () -> SparseMatrix.shiftedGramPattern(identity, n, base, blocks),
                () -> SparseMatrix.shiftedGramPattern(null, n, base, blocks)));
    }

    /**
     * @return the ordering of the class comment for a symmetric pattern (both triangles stored), e.g. for
     *         the JVM's {@link QuasiDefiniteLdl}: ordering[k] = the old index placed at position k
     * @throws UnsupportedOperationException when the factor would exceed {@link #MAX_FACTOR_NONZEROS} entries
     * @throws dev.altdiff.api.TooLargeException when its entries would not fit in the memory the JVM has left
     */
    static int[] ordering(SparseMatrix symmetric) {
        return choose(symmetric.columns()).order();
    }

    /** An ordering, its name and the entries of L + D under it. */
    private record Choice(int[] order, Ordering name, long fill) {
    }

    /** @return the candidate with the smallest factor (the class comment) */
    private static Choice choose(SparseMatrix.Columns symmetric) {
        return choose(symmetric.colStart().length - 1, () -> upperTriangle(symmetric), () -> symmetric);
    }

    /**
     * The choice of {@link #choose(SparseMatrix.Columns)} from a symmetric pattern's upper triangle, for AMD, and then
     * the pattern itself, for the other candidates and the counts: each asked for when needed, so that a pattern formed
     * on demand ({@link #planGramSum}) is not held while AMD works on the triangle.
     */
    private static Choice choose(int n, java.util.function.Supplier<SparseMatrix.Columns> upper,
                                 java.util.function.Supplier<SparseMatrix.Columns> pattern) {
        int[] amd = approximateMinimumDegreeOfUpper(n, upper.get());
        SparseMatrix.Columns symmetric = pattern.get();
        int[][] candidates = {amd, natural(n), null};
        Ordering[] names = {Ordering.APPROXIMATE_MINIMUM_DEGREE, Ordering.NATURAL, Ordering.REVERSE_CUTHILL_MCKEE};
        int best = 0;
        long fill = factorNonzeros(symmetric, candidates[0], Long.MAX_VALUE);
        for (int c = 1; c < candidates.length; c++) {
            int[] order = candidates[c] != null ? candidates[c] : (candidates[c] = reverseCuthillMcKee(symmetric));
            long count = factorNonzeros(symmetric, order, fill);
            if (count < fill) {
                best = c;
                fill = count;
            }
        }
        if (fill > MAX_FACTOR_NONZEROS) {
            throw new UnsupportedOptionException("sparse factorization", "the sparse factor of this " + n + "x" + n
                    + " matrix (" + symmetric.colStart()[n] + " entries) would hold " + fill + " entries under the best"
                    + " available ordering (approximate minimum degree, natural or reverse Cuthill-McKee), more than the "
                    + MAX_FACTOR_NONZEROS + " a compressed-column factor can index",
                    "give the problem dense, or split it into smaller problems");
        }
        // the factor's row indices and values (an int and a double per entry), checked before any is formed
        Limits.requireBytes("sparse factor", Limits.times(fill, Integer.BYTES + Double.BYTES),
                "the sparse LDLᵀ factor of a " + n + "x" + n + " matrix (" + fill + " entries under the "
                        + names[best].name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " ordering)");
        return new Choice(candidates[best], names[best], fill);
    }

    /** @return the ordering used */
    public Ordering ordering() { return ordering; }

    /** @return nnz(L) + n: the entries of the unit lower-triangular factor L below the diagonal, plus D */
    public long nonzeros() { return nonzeros; }

    @Override public int size() { return factor.size(); }

    @Override public Matrix solve(Matrix rhs) { return factor.solve(rhs); }

    /**
     * The number of entries of L + D for S(ordering, ordering), from its elimination tree (the
     * symbolic step of QDLDL, Davis' LDL): for each column j, each i &lt; j in the upper triangle
     * walks up the tree until a vertex already reached from j, counting one fill entry per step.
     */
    static long factorNonzeros(SparseMatrix s, int[] ordering) {
        return factorNonzeros(s.columns(), ordering, Long.MAX_VALUE);
    }

    /** {@link #factorNonzeros(SparseMatrix, int[])}, stopped (returning a count above limit) once it exceeds limit. */
    static long factorNonzeros(SparseMatrix.Columns s, int[] ordering, long limit) {
        int n = s.colStart().length - 1;
        int[] inverse = inverse(ordering);
        int[] start = s.colStart();
        int[] row = s.rowIndex();
        int[] parent = new int[n];
        int[] visited = new int[n];
        Arrays.fill(parent, -1);
        Arrays.fill(visited, -1);
        long count = n;
        for (int j = 0; j < n; j++) {
            visited[j] = j;
            int c = ordering[j];
            for (int k = start[c]; k < start[c + 1]; k++) {
                int i = inverse[row[k]];
                while (i < j && visited[i] != j) {
                    visited[i] = j;
                    if (parent[i] == -1) {
                        parent[i] = j;
                    }
                    count++;
                    i = parent[i];
                }
            }
            if (count > limit) {
                return count;
            }
        }
        return count;
    }

    /** @return the identity ordering 0..n−1 */
    private static int[] natural(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * CSparse's approximate minimum degree ordering of the pattern of S + Sᵀ (diagonal ignored), the
     * ordering for a Cholesky or LDLᵀ factorization ({@code cs_amd} with order 1), given the upper triangle of a
     * symmetric pattern: cs_amd forms S + Sᵀ from it (its transpose and their sum), the same pattern in the same order
     * as from both triangles (each column's rows up to the diagonal, then those below it, ascending), so the same
     * ordering, with half the work arrays ({@link #approximateMinimumDegreeOf}).
     *
     * @param s a symmetric pattern, both triangles stored
     * @return ordering[k] = the old index placed at position k
     */
    static int[] approximateMinimumDegree(SparseMatrix.Columns s) {
        return approximateMinimumDegreeOfUpper(s.colStart().length - 1, upperTriangle(s));
    }

    /** @return cs_amd's ordering of the symmetric pattern whose upper triangle (diagonal included) is given */
    private static int[] approximateMinimumDegreeOfUpper(int n, SparseMatrix.Columns upper) {
        return approximateMinimumDegreeOf(n, upper.colStart(), upper.rowIndex());
    }

    /** @return the upper triangle (rows up to the diagonal) of a pattern, values null */
    private static SparseMatrix.Columns upperTriangle(SparseMatrix.Columns s) {
        int n = s.colStart().length - 1;
        int[] start = s.colStart();
        int[] row = s.rowIndex();
        int[] upperStart = new int[n + 1];
        for (int j = 0; j < n; j++) {
            int k = start[j];
            while (k < start[j + 1] && row[k] <= j) { // rows ascend: those up to the diagonal come first
                k++;
            }
            upperStart[j + 1] = upperStart[j] + k - start[j];
        }
        int[] upperRow = new int[upperStart[n]];
        for (int j = 0; j < n; j++) {
            System.arraycopy(row, start[j], upperRow, upperStart[j], upperStart[j + 1] - upperStart[j]);
        }
        return new SparseMatrix.Columns(upperStart, upperRow, null);
    }

    /** @return cs_amd's ordering (order 1: of the pattern of S + Sᵀ) of the pattern given, read only */
    static int[] approximateMinimumDegreeOf(int n, int[] colStart, int[] rowIndex) {
        Dcs_common.Dcs pattern = new Dcs_common.Dcs();
        pattern.m = n;
        pattern.n = n;
        pattern.p = colStart; // read only: cs_amd forms its own pattern of S + Sᵀ
        pattern.i = rowIndex;
        pattern.x = null; // the ordering reads the pattern only
        pattern.nzmax = rowIndex.length;
        pattern.nz = -1; // compressed columns, not triplets
        int[] amd = Dcs_amd.cs_amd(1, pattern);
        if (amd == null) {
            throw new IllegalStateException("CSparse's AMD returned no ordering for a " + n + "x" + n + " pattern");
        }
        return Arrays.copyOf(amd, n); // cs_amd's array has one more (workspace) entry
    }

    /**
     * Reverse Cuthill–McKee ordering of the graph of a symmetric pattern, component by component,
     * each started at a pseudo-peripheral vertex (George–Liu: repeat breadth-first searches from a
     * vertex of minimum degree in the last level while the eccentricity grows).
     *
     * @return ordering[k] = the old index placed at position k
     */
    static int[] reverseCuthillMcKee(SparseMatrix s) {
        return reverseCuthillMcKee(s.columns());
    }

    /** {@link #reverseCuthillMcKee(SparseMatrix)} of a pattern. */
    static int[] reverseCuthillMcKee(SparseMatrix.Columns s) {
        int n = s.colStart().length - 1;
        int[] start = s.colStart();
        int[] row = s.rowIndex();
        int[] degree = new int[n];
        for (int c = 0; c < n; c++) {
            degree[c] = start[c + 1] - start[c];
        }
        int[] order = new int[n];
        boolean[] placed = new boolean[n];
        int[] level = new int[n];
        int filled = 0;
        Integer[] neighbours = new Integer[0];
        for (int seed = 0; seed < n; seed++) {
            if (placed[seed]) {
                continue;
            }
            int root = pseudoPeripheral(seed, start, row, level);
            placed[root] = true;
            order[filled++] = root;
            for (int head = filled - 1; head < filled; head++) {
                int v = order[head];
                int count = 0;
                if (neighbours.length < degree[v]) {
                    neighbours = new Integer[degree[v]];
                }
                for (int k = start[v]; k < start[v + 1]; k++) {
                    int w = row[k];
                    if (!placed[w]) {
                        placed[w] = true;
                        neighbours[count++] = w;
                    }
                }
                Arrays.sort(neighbours, 0, count, (a, b) -> degree[a] != degree[b]
                        ? Integer.compare(degree[a], degree[b]) : Integer.compare(a, b));
                for (int t = 0; t < count; t++) {
                    order[filled++] = neighbours[t];
                }
            }
        }
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** George–Liu pseudo-peripheral vertex of seed's component ({@code level} is scratch, length n). */
    private static int pseudoPeripheral(int seed, int[] start, int[] row, int[] level) {
        int root = seed;
        int eccentricity = -1;
        while (true) {
            int[] far = breadthFirst(root, start, row, level);
            if (far[1] <= eccentricity) {
                return root;
            }
            eccentricity = far[1];
            if (far[0] == root) {
                return root;
            }
            root = far[0];
        }
    }

    /**
     * @return {vertex of minimum degree in the last level, depth of the last level}; level[] (0 for
     *         unreached vertices) is reset to 0 for every vertex reached
     */
    private static int[] breadthFirst(int root, int[] start, int[] row, int[] level) {
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        java.util.List<Integer> reached = new java.util.ArrayList<>();
        level[root] = 1; // 0 is "unreached" for a fresh array; levels are stored +1
        queue.add(root);
        reached.add(root);
        int depth = 1;
        while (!queue.isEmpty()) {
            int v = queue.poll();
            depth = Math.max(depth, level[v]);
            for (int k = start[v]; k < start[v + 1]; k++) {
                int w = row[k];
                if (level[w] == 0) {
                    level[w] = level[v] + 1;
                    queue.add(w);
                    reached.add(w);
                }
            }
        }
        int best = root;
        int bestDegree = Integer.MAX_VALUE;
        for (int v : reached) {
            if (level[v] == depth) {
                int deg = start[v + 1] - start[v];
                if (deg < bestDegree) {
                    bestDegree = deg;
                    best = v;
                }
            }
        }
        for (int v : reached) {
            level[v] = 0;
        }
        return new int[]{best, depth - 1};
    }

    private static int[] inverse(int[] ordering) {
        int[] inverse = new int[ordering.length];
        for (int k = 0; k < ordering.length; k++) {
            inverse[ordering[k]] = k;
        }
        return inverse;
    }
}

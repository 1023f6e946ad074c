package dev.altdiff.core;

import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The sparse factorization of a symmetric positive definite matrix S (H = P + ρAᵀA + ρGᵀG of a
 * sparse problem): a fill-reducing ordering chosen here, then the backend's sparse LDLᵀ
 * ({@link LinearAlgebra#sparseCholesky}), which has no ordering of its own.
 *
 * <p><b>Ordering.</b> The fill of the factor L is counted exactly from the elimination tree
 * (O(nnz(L)) time, O(n) memory, no numbers) for two orderings, and the smaller is used:
 * <ul>
 *   <li>the natural order, which is already right for banded S (LDLᵀ without pivoting keeps the
 *       band: nnz(L) ≤ n·(bandwidth + 1));</li>
 *   <li>reverse Cuthill–McKee (breadth-first from a pseudo-peripheral vertex, neighbours by
 *       increasing degree, reversed), which recovers a small band or profile when the variables of
 *       a local pattern are numbered badly (e.g. shuffled).</li>
 * </ul>
 * Which patterns scale: those with a small bandwidth or profile under some numbering: chains,
 * banded and block-banded matrices, constraints that couple variables in a local window, thin 2-D
 * grids (fill O(n·width)). General patterns, e.g. rows of A coupling random far-apart variables, or
 * large 2-D/3-D meshes, get much more fill than a nested-dissection or AMD ordering would give
 * (neither is implemented: the fill, reported by {@link #nonzeros()}, then grows superlinearly and
 * in the worst case towards n²/2).
 */
public final class SparseCholesky implements Factorization {
    /** How the rows and columns were ordered before factoring. */
    public enum Ordering { NATURAL, REVERSE_CUTHILL_MCKEE }

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
        int n = spd.rows();
        int[] natural = new int[n];
        for (int i = 0; i < n; i++) {
            natural[i] = i;
        }
        int[] rcm = reverseCuthillMcKee(spd);
        long naturalFill = factorNonzeros(spd, natural);
        long rcmFill = factorNonzeros(spd, rcm);
        boolean useRcm = rcmFill < naturalFill;
        long fill = Math.min(rcmFill, naturalFill);
        if (fill > MAX_FACTOR_NONZEROS) {
            throw new UnsupportedOptionException("sparse factorization", "the sparse factor of this " + n + "x" + n
                    + " matrix (" + spd.nonzeros() + " entries) would hold " + fill + " entries under the best available"
                    + " ordering (natural or reverse Cuthill-McKee), more than the " + MAX_FACTOR_NONZEROS
                    + " a compressed-column factor can index: its pattern has no small band or profile",
                    "give the problem dense, or number its variables so that the pattern has a small band");
        }
        int[] order = useRcm ? rcm : natural;
        return new SparseCholesky(la.sparseCholesky(spd, order), useRcm ? Ordering.REVERSE_CUTHILL_MCKEE
                : Ordering.NATURAL, useRcm ? rcmFill : naturalFill);
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
        int n = s.rows();
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
        }
        return count;
    }

    /**
     * Reverse Cuthill–McKee ordering of the graph of a symmetric pattern, component by component,
     * each started at a pseudo-peripheral vertex (George–Liu: repeat breadth-first searches from a
     * vertex of minimum degree in the last level while the eccentricity grows).
     *
     * @return ordering[k] = the old index placed at position k
     */
    static int[] reverseCuthillMcKee(SparseMatrix s) {
        int n = s.rows();
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

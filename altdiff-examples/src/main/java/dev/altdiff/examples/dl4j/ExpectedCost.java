package dev.altdiff.examples.dl4j;



/**
 * The generation-scheduling cost of Donti, Amos &amp; Kolter (NeurIPS 2017, "power_sched"): for a
 * scheduled generation z and a realised load y, per hour
 * c(z, y) = γ_under·(y − z)₊ + γ_over·(z − y)₊ + ½(z − y)², and its expectation under a Gaussian
 * prediction y ~ N(μ, σ²). With d = z − μ and a = d/σ:
 * <pre>
 *   f(z)   = γ_u·[σφ(a) − d(1 − Φ(a))] + γ_o·[σφ(a) + dΦ(a)] + ½(d² + σ²)
 *   f'(z)  = −γ_u + (γ_u + γ_o)Φ(a) + d
 *   f''(z) = (γ_u + γ_o)φ(a)/σ + 1  (> 0: f is smooth and strictly convex)
 * </pre>
 * and the derivatives of f' and f'' in μ and σ used by the chain rule from the QP's (P, q) back to
 * the network's (μ, σ).
 */
public final class ExpectedCost {
    /** γ_under: cost per unit of load not covered by the schedule. */
    public static final double GAMMA_UNDER = 50;
    /** γ_over: cost per unit of generation in excess of the load. */
    public static final double GAMMA_OVER = 0.5;
    /** The ramp limit |z_{t+1} − z_t| ≤ 0.4 (load units, GW). */
    public static final double RAMP = 0.4;

    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private final double under;
    private final double over;

    public ExpectedCost(double under, double over) {
        if (!(under >= 0) || !(over >= 0)) {
            throw new IllegalArgumentException("the cost weights must be >= 0, got " + under + ", " + over);
        }
        this.under = under;
        this.over = over;
    }

    /** The paper's weights, γ_under = 50 and γ_over = 0.5. */
    public static ExpectedCost paper() {
        return new ExpectedCost(GAMMA_UNDER, GAMMA_OVER);
    }

    public double under() {
        return under;
    }

    public double over() {
        return over;
    }

    /** The standard normal density φ. */
    public static double pdf(double a) {
        return INV_SQRT_2PI * Math.exp(-0.5 * a * a);
    }

    /**
     * The standard normal distribution function Φ (Hart 1968, as given by G. West, "Better
     * approximations to cumulative normal functions", 2005; double precision, absolute error ~1e-15).
     */
    public static double cdf(double x) {
        double xabs = Math.abs(x);
        double c;
        if (xabs > 37) {
            c = 0;
        } else {
            double e = Math.exp(-xabs * xabs / 2);
            if (xabs < 7.07106781186547) {
                double b = 3.52624965998911e-02 * xabs + 0.700383064443688;
                b = b * xabs + 6.37396220353165;
                b = b * xabs + 33.912866078383;
                b = b * xabs + 112.079291497871;
                b = b * xabs + 221.213596169931;
                b = b * xabs + 220.206867912376;
                c = e * b;
                b = 8.83883476483184e-02 * xabs + 1.75566716318264;
                b = b * xabs + 16.064177579207;
                b = b * xabs + 86.7807322029461;
                b = b * xabs + 296.564248779674;
                b = b * xabs + 637.333633378831;
                b = b * xabs + 793.826512519948;
                b = b * xabs + 440.413735824752;
                c = c / b;
            } else {
                double b = xabs + 0.65;
                b = xabs + 4 / b;
                b = xabs + 3 / b;
                b = xabs + 2 / b;
                b = xabs + 1 / b;
                c = e / b / 2.506628274631;
            }
        }
        return x > 0 ? 1 - c : c;
    }

    /** The realised cost of scheduling z when the load is y. */
    public double cost(double z, double y) {
        double d = z - y;
        return under * Math.max(-d, 0) + over * Math.max(d, 0) + 0.5 * d * d;
    }

    /** ∂cost/∂z (the subgradient 0 of the kinks is taken at z = y). */
    public double costDerivative(double z, double y) {
        double d = z - y;
        return (d < 0 ? -under : d > 0 ? over : 0) + d;
    }

    /** The realised cost of a day's schedule: Σ_t cost(z_t, y_t). */
    public double dayCost(double[] z, double[] y) {
        double sum = 0;
        for (int t = 0; t < z.length; t++) {
            sum += cost(z[t], y[t]);
        }
        return sum;
    }

    /** f(z) = E[cost(z, y)] for y ~ N(μ, σ²). */
    public double value(double z, double mu, double sigma) {
        double d = z - mu;
        double a = d / sigma;
        double phi = pdf(a);
        double cdf = cdf(a);
        return under * (sigma * phi - d * (1 - cdf)) + over * (sigma * phi + d * cdf) + 0.5 * (d * d + sigma * sigma);
    }

    /** f'(z). */
    public double first(double z, double mu, double sigma) {
        double d = z - mu;
        return -under + (under + over) * cdf(d / sigma) + d;
    }

    /** f''(z). */
    public double second(double z, double mu, double sigma) {
        return (under + over) * pdf((z - mu) / sigma) / sigma + 1;
    }

    /** ∂f'/∂μ = −f''. */
    public double firstDMu(double z, double mu, double sigma) {
        return -second(z, mu, sigma);
    }

    /** ∂f'/∂σ = −(γ_u + γ_o)·φ(a)·a/σ. */
    public double firstDSigma(double z, double mu, double sigma) {
        double a = (z - mu) / sigma;
        return -(under + over) * pdf(a) * a / sigma;
    }

    /** ∂f''/∂μ = (γ_u + γ_o)·a·φ(a)/σ². */
    public double secondDMu(double z, double mu, double sigma) {
        double a = (z - mu) / sigma;
        return (under + over) * a * pdf(a) / (sigma * sigma);
    }

    /** ∂f''/∂σ = (γ_u + γ_o)·φ(a)·(a² − 1)/σ². */
    public double secondDSigma(double z, double mu, double sigma) {
        double a = (z - mu) / sigma;
        return (under + over) * pdf(a) * (a * a - 1) / (sigma * sigma);
    }

    /** Σ_t f(z_t; μ_t, σ_t). */
    public double expected(double[] z, double[] mu, double[] sigma) {
        double sum = 0;
        for (int t = 0; t < z.length; t++) {
            sum += value(z[t], mu[t], sigma[t]);
        }
        return sum;
    }

    /**
     * The ramp constraints of a horizon of {@code hours} as G z ≤ h: for t = 0..hours−2 the rows
     * (z_{t+1} − z_t)/√2 ≤ ramp/√2 and (z_t − z_{t+1})/√2 ≤ ramp/√2 (unit rows: same feasible set,
     * better conditioned ADMM). Returns {G, h} with h as the single row of a 1×m array.
     */
    public static double[][][] ramp(int hours, double ramp) {
        int m = 2 * (hours - 1);
        double[][] g = new double[m][hours];
        double[] h = new double[m];
        double s = Math.sqrt(0.5);
        for (int t = 0; t + 1 < hours; t++) {
            g[2 * t][t + 1] = s;
            g[2 * t][t] = -s;
            g[2 * t + 1][t] = s;
            g[2 * t + 1][t + 1] = -s;
            h[2 * t] = ramp * s;
            h[2 * t + 1] = ramp * s;
        }
        return new double[][][]{g, {h}};
    }
}

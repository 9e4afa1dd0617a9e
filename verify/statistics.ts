/**
 * The split check's arithmetic. Each request independently lands on the
 * canary with probability p = weight/100 (Istio picks a route per request), so
 * the canary count X over n requests is Binomial(n, p). The check accepts X in
 * [low, high], the central interval holding at least 1 - alpha of that
 * distribution: a correctly configured split fails with probability at most
 * alpha (default 0.001, one run in a thousand). The interval is exact (summed
 * from the binomial pmf), not the normal approximation, so it stays right at
 * weights near 0 or 100 where most canaries live.
 */

export interface AcceptanceInterval {
    readonly n: number;
    readonly p: number;
    readonly alpha: number;
    /** Smallest accepted canary count. */
    readonly low: number;
    /** Largest accepted canary count. */
    readonly high: number;
}

/** The binomial pmf for k = 0..n, computed in log space so large n does not underflow. */
export function binomialPmf(n: number, p: number): number[] {
    if (p <= 0 || p >= 1) {
        return Array.from({ length: n + 1 }, (_, k) => ((p <= 0 ? k === 0 : k === n) ? 1 : 0));
    }
    const logP = Math.log(p);
    const logQ = Math.log1p(-p);
    const pmf: number[] = [];
    let logChoose = 0;
    for (let k = 0; k <= n; k++) {
        if (k > 0) {
            logChoose += Math.log(n - k + 1) - Math.log(k);
        }
        pmf.push(Math.exp(logChoose + k * logP + (n - k) * logQ));
    }
    return pmf;
}

/** Accepts X in [low, high] where P(X < low) <= alpha/2 and P(X > high) <= alpha/2. */
export function acceptanceInterval(n: number, weightPercent: number, alpha = 0.001): AcceptanceInterval {
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`requests must be a positive integer; got ${n}`);
    }
    if (!(weightPercent >= 0 && weightPercent <= 100)) {
        throw new Error(`canary weight must be 0..100; got ${weightPercent}`);
    }
    if (!(alpha > 0 && alpha < 1)) {
        throw new Error(`alpha must be between 0 and 1; got ${alpha}`);
    }
    const p = weightPercent / 100;
    const pmf = binomialPmf(n, p);
    let low = 0;
    for (let below = 0; low < n && below + pmf[low] <= alpha / 2; low++) {
        below += pmf[low];
    }
    let high = n;
    for (let above = 0; high > 0 && above + pmf[high] <= alpha / 2; high--) {
        above += pmf[high];
    }
    return { n, p, alpha, low, high };
}

/** Probability that a correct split lands inside the interval (>= 1 - alpha). */
export function coverage(interval: AcceptanceInterval): number {
    return binomialPmf(interval.n, interval.p)
        .slice(interval.low, interval.high + 1)
        .reduce((a, b) => a + b, 0);
}

/** "75..126 of 400 (18.8%..31.5%)" */
export function describeInterval(interval: AcceptanceInterval): string {
    const pct = (k: number) => `${((100 * k) / interval.n).toFixed(1)}%`;
    return `${interval.low}..${interval.high} of ${interval.n} (${pct(interval.low)}..${pct(interval.high)})`;
}

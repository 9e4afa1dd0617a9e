/**
 * Runs `count` requests with at most `concurrency` in flight and, when
 * `perSecond` is set, starts no more than that many per second (so a split
 * measurement does not trip the mesh's rate limit). Reports progress every
 * `progressEvery` completions.
 */
export interface RequestPlan {
    readonly count: number;
    readonly concurrency: number;
    readonly perSecond?: number;
    readonly progressEvery?: number;
    readonly onProgress?: (done: number, count: number) => void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function runRequests<T>(plan: RequestPlan, request: (index: number) => Promise<T>): Promise<Outcome<T>[]> {
    const outcomes: Outcome<T>[] = new Array(plan.count);
    const started = Date.now();
    let next = 0;
    let done = 0;
    const every = plan.progressEvery ?? Math.max(1, Math.ceil(plan.count / 10));
    const worker = async () => {
        while (next < plan.count) {
            const index = next++;
            if (plan.perSecond) {
                const due = started + (index * 1000) / plan.perSecond;
                const wait = due - Date.now();
                if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            }
            try {
                outcomes[index] = { ok: true, value: await request(index) };
            } catch (error) {
                outcomes[index] = { ok: false, error };
            }
            done++;
            if (plan.onProgress && (done % every === 0 || done === plan.count)) {
                plan.onProgress(done, plan.count);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(plan.concurrency, plan.count)) }, worker));
    return outcomes;
}

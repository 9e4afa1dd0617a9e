/**
 * Runs `work` over `items` with at most `limit` in flight. After the first failure no new item
 * starts; the ones in flight finish, then the first error is thrown with how many succeeded.
 */
export async function runBounded<T>(
    items: readonly T[],
    limit: number,
    work: (item: T) => Promise<void>,
): Promise<{ succeeded: number; error?: unknown }> {
    let next = 0;
    let succeeded = 0;
    let error: unknown;
    let failed = false;
    const worker = async (): Promise<void> => {
        while (!failed && next < items.length) {
            const item = items[next++];
            try {
                await work(item);
                succeeded++;
            } catch (e) {
                if (!failed) error = e;
                failed = true;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return failed ? { succeeded, error } : { succeeded };
}

/**
 * Did-you-mean suggestions (pure): the candidate closest to a misspelled
 * value by optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), compared case-insensitively.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) {
        d[0][j] = j;
    }
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The candidate nearest to `value`, or undefined when none is close: at most
 * a third of the value's length in edits (at least one, at most four), so
 * "wieght" finds "weight" but "size" does not find "name"; or else the one
 * candidate that starts with the value ("upsert" finds "upsert-only").
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
    const needle = value.toLowerCase();
    const extensions = needle.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(needle) && c !== value) : [];
    const limit = Math.min(4, Math.max(1, Math.floor(needle.length / 3)));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const distance = editDistance(needle, candidate.toLowerCase());
        if (distance < bestDistance && distance <= limit && candidate !== value) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best ?? (extensions.length === 1 ? extensions[0] : undefined);
}

import type { HopRow } from "./hop";

/** A plain-text table (HOP, TARGET, VERDICT, DETAIL); the detail column is never cut. */
export function renderTable(rows: readonly HopRow[]): string {
    const header = ["HOP", "TARGET", "VERDICT", "DETAIL"];
    const cells = rows.map((r) => [r.hop, r.target, r.verdict.toUpperCase(), r.detail]);
    const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => [0, 1, 2].map((i) => c[i].padEnd(widths[i])).join("  ") + `  ${c[3]}`;
    return [line(header), ...cells.map(line)].join("\n");
}

/** "9 passed, 1 failed, 1 skipped" */
export function summarize(rows: readonly HopRow[]): string {
    const count = (v: string) => rows.filter((r) => r.verdict === v).length;
    return `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`;
}

/**
 * The GitHub Actions workflows as data, for the structural checks in
 * workflows.test.ts: parsed files, jobs with their effective permissions,
 * steps, and a tiny evaluator for the `${{ matrix.* }}` expressions used in
 * names, concurrency groups and environments.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const workflowDir = path.resolve(__dirname, "../../../.github/workflows");

export type Permissions = "read-all" | "write-all" | Readonly<Record<string, "read" | "write" | "none">>;

export interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Readonly<Record<string, unknown>>;
    readonly env?: Readonly<Record<string, string>>;
}

export interface Job {
    readonly name?: string;
    readonly needs?: string | string[];
    readonly if?: string;
    readonly "runs-on"?: string;
    readonly "timeout-minutes"?: number;
    readonly uses?: string;
    readonly environment?: string | { readonly name: string; readonly url?: string };
    readonly permissions?: Permissions;
    readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean | string };
    readonly strategy?: { readonly matrix?: Readonly<Record<string, unknown>> };
    readonly steps?: readonly Step[];
}

export interface Workflow {
    readonly file: string;
    readonly text: string;
    readonly name?: string;
    readonly on: Readonly<Record<string, unknown>>;
    readonly permissions?: Permissions;
    readonly jobs: Readonly<Record<string, Job>>;
}

export function loadWorkflows(dir = workflowDir): Workflow[] {
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((file) => {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            const parsed = yaml.load(text) as Omit<Workflow, "file" | "text">;
            return { ...parsed, file, text };
        });
}

/** Every job of every workflow, with its workflow. */
export function allJobs(workflows: readonly Workflow[]): Array<{ workflow: Workflow; id: string; job: Job }> {
    return workflows.flatMap((workflow) => Object.entries(workflow.jobs).map(([id, job]) => ({ workflow, id, job })));
}

/** A job's permissions as GitHub applies them: the job's own block replaces the workflow's. */
export function effectivePermissions(workflow: Workflow, job: Job): Permissions | undefined {
    return job.permissions ?? workflow.permissions;
}

export function grants(permissions: Permissions | undefined, scope: string, level: "read" | "write"): boolean {
    if (permissions === undefined) {
        // GitHub's default token permissions depend on repository settings: never assume.
        return false;
    }
    if (permissions === "write-all") {
        return true;
    }
    if (permissions === "read-all") {
        return level === "read";
    }
    const value = permissions[scope];
    return value === "write" || (value === "read" && level === "read");
}

/** The action a step uses, without its ref ("actions/checkout"). */
export function actionName(step: Step): string | undefined {
    return step.uses?.split("@")[0];
}

export function stepsUsing(job: Job, action: string): Step[] {
    return (job.steps ?? []).filter((s) => actionName(s) === action);
}

/** The matrix rows of a job: `include` entries, or the cross product of its list-valued keys. */
export function matrixRows(job: Job): Array<Record<string, unknown>> {
    const matrix = job.strategy?.matrix;
    if (!matrix) {
        return [];
    }
    const include = Array.isArray(matrix.include) ? (matrix.include as Array<Record<string, unknown>>) : [];
    const axes = Object.entries(matrix).filter(([k, v]) => k !== "include" && k !== "exclude" && Array.isArray(v)) as Array<[string, unknown[]]>;
    let rows: Array<Record<string, unknown>> = axes.length > 0 ? [{}] : [];
    for (const [key, values] of axes) {
        rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
    }
    return [...rows, ...include];
}

/**
 * Substitutes `${{ matrix.x }}` with a row's values; any other expression is
 * left as is, so a group that depends only on the matrix can be compared
 * across rows.
 */
export function expandMatrix(template: string, row: Record<string, unknown>): string {
    return template.replace(/\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, key: string) => (key in row ? String(row[key]) : whole));
}

export function concurrencyOf(job: Job): { group: string; cancelInProgress: boolean } | undefined {
    if (job.concurrency === undefined) {
        return undefined;
    }
    return typeof job.concurrency === "string"
        ? { group: job.concurrency, cancelInProgress: false }
        : { group: job.concurrency.group, cancelInProgress: job.concurrency["cancel-in-progress"] === true };
}

export function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** The script every workflow runs Pulumi through (it reports the result, passed or failed). */
export const PULUMI_RUN = ".github/scripts/pulumi-run.sh";

/** Modes of pulumi-run.sh and the Pulumi command each runs. */
const RUN_MODES: Readonly<Record<string, string>> = { preview: "preview", drift: "preview", up: "up" };

/** The pulumi-run.sh mode a step runs ("preview", "drift", "up"), if it runs the script. */
export function pulumiRunMode(step: Step): string | undefined {
    const match = new RegExp(`^bash ${PULUMI_RUN.replace(/\./g, "\\.")} ([a-z]+) "\\$STACK"$`).exec((step.run ?? "").trim());
    return match?.[1];
}

/** What a step asks Pulumi to do: the pulumi/actions `command`, pulumi-run.sh's mode, or `pulumi <verb>` in a shell step. */
export function pulumiCommands(step: Step): string[] {
    const commands: string[] = [];
    if (actionName(step) === "pulumi/actions" && typeof step.with?.command === "string") {
        commands.push(step.with.command);
    }
    const mode = pulumiRunMode(step);
    if (mode !== undefined) {
        commands.push(RUN_MODES[mode] ?? mode);
    }
    for (const match of (step.run ?? "").matchAll(/\bpulumi\s+([a-z]+)/g)) {
        commands.push(match[1]);
    }
    return commands;
}

/** The steps of a job that run pulumi-run.sh. */
export function pulumiRunSteps(job: Job): Step[] {
    return (job.steps ?? []).filter((s) => pulumiRunMode(s) !== undefined);
}

/** A job's timeout-minutes (GitHub's default is 360). */
export function timeoutMinutes(job: Job): number {
    return job["timeout-minutes"] ?? 360;
}

/** Triggers of a workflow: the keys of `on`. */
export function triggers(workflow: Workflow): string[] {
    return Object.keys(workflow.on ?? {});
}

/**
 * The config error type and how values are shown in messages. Every problem
 * reads "<key>: <rule>; got <value>", and `pulumi preview` (and synth)
 * report all of them at once instead of the first.
 */

export class ConfigError extends Error {
    constructor(
        readonly problems: readonly string[],
        readonly warnings: readonly string[] = [],
    ) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** What the offline synth passes for a value encrypted in the stack file (it has no secrets provider). */
export const ENCRYPTED_OFFLINE = "[secret: encrypted in the stack file]";

export function show(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    return JSON.stringify(value);
}

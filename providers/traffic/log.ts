/**
 * Logging that never throws and never blocks the provider. Inside `pulumi up`
 * the messages reach the engine; where there is no engine connection (the
 * dynamic-provider host started without PULUMI_NODEJS_ENGINE, unit tests),
 * `pulumi.log` falls back to `console.log` / `console.warn` with an
 * "info: [runtime]" / "warning: [runtime]" prefix and resolves, and a failed
 * delivery is caught inside `pulumi.log` and written to stderr.
 */
import * as pulumi from "@pulumi/pulumi";

function safely(write: () => Promise<void> | undefined): void {
    try {
        // Not awaited: a slow or broken engine connection must not stall a weight change.
        write()?.catch(() => undefined);
    } catch {
        // Logging is best effort.
    }
}

export function info(message: string): void {
    safely(() => pulumi.log.info(message));
}

export function warn(message: string): void {
    safely(() => pulumi.log.warn(message));
}

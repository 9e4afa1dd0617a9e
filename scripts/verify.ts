/**
 * `npm run verify -- --stack dev`: checks every hop of a live stack (DNS,
 * Route53 alias, ALB, IP-mode targets, the gateway, the canary split,
 * kube-ops-view, the rate limit) and prints a table. See verify/ and the
 * README's "Verify a live stack".
 */
import { runVerifyCommand } from "../verify/command";

runVerifyCommand(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
}).then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    },
);

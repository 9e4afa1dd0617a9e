/**
 * `npm run verify`: flags → outputs → checks → table → exit code. Progress
 * goes to stderr as the checks run; the table goes to stdout at the end.
 */
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import * as fs from "fs";
import { ArgsError, parseArgs, usage, VerifyArgs } from "./args";
import { causeOf, exitCodeFor, exitCodes } from "./hop";
import { ClusterLocation, defaultLocation, liveFacts, readClusterObjects, targetFromCluster } from "./cluster";
import { InputError, kubeconfigFromOutputs, readOutputsFile, readOutputsFromPulumi, targetFromOutputs, VerifyTarget } from "./inputs";
import { httpProbe } from "./probe";
import { createResolver, lookupVia } from "./resolver";
import { verify } from "./run";
import { burstSize, readStackSettings, StackSettings } from "./stackSettings";
import { renderTable, summarize } from "./table";

export interface CommandIO {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Where Pulumi.<stack>.yaml files live (default: the project folder). */
    readonly stackDir?: string;
}

const splitConcurrency = 8;
const burstConcurrency = 64;

interface Source {
    readonly target: VerifyTarget;
    /** From the stack outputs, for the cluster cross-checks; secret. */
    readonly kubeconfig?: string;
}

/** Outputs file, else the cluster (--kubeconfig), else the Pulumi CLI. */
async function readSource(args: VerifyArgs, location: ClusterLocation): Promise<Source> {
    if (args.kubeconfig) {
        let kubeconfig: string;
        try {
            kubeconfig = fs.readFileSync(args.kubeconfig, "utf8");
        } catch (e) {
            throw new InputError(`--kubeconfig ${args.kubeconfig}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        return { target: targetFromCluster(await readClusterObjects(kubeconfig, location), args.domain!, location) };
    }
    const outputs = args.outputs ? readOutputsFile(args.outputs) : readOutputsFromPulumi(args.stack!);
    return { target: targetFromOutputs(outputs), kubeconfig: kubeconfigFromOutputs(outputs) };
}

export async function runVerifyCommand(argv: readonly string[], io: CommandIO): Promise<number> {
    let args: VerifyArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof ArgsError) {
            io.err(`verify: ${e.message}\n`);
            return exitCodes.usage;
        }
        throw e;
    }
    if (args.help) {
        io.out(`${usage}\n`);
        return exitCodes.ok;
    }

    let settings: StackSettings | undefined;
    if (args.stack) {
        try {
            settings = readStackSettings(args.stack, io.stackDir);
        } catch (e) {
            io.err(`verify: stack config for ${args.stack} not read (${causeOf(e).split("\n")[0]}); using defaults\n`);
        }
    }
    const location = { ...defaultLocation, appNamespace: args.appNamespace ?? settings?.appNamespace ?? defaultLocation.appNamespace };
    let source: Source;
    try {
        source = await readSource(args, location);
    } catch (e) {
        if (e instanceof InputError) {
            io.err(`verify: ${e.message}\n`);
            return exitCodes.usage;
        }
        throw e;
    }
    const region = args.region ?? settings?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const resolve = createResolver({ servers: args.resolvers, timeoutMs: Math.min(args.timeoutMs, 5000) });
    const http = httpProbe({ lookup: lookupVia(resolve), timeoutMs: args.timeoutMs, maxSockets: burstConcurrency, insecure: args.insecure });
    const aws = args.skipAws ? undefined : { route53: new Route53Client({ region: region ?? "us-east-1" }), elb: new ElasticLoadBalancingV2Client({ region }) };
    try {
        const rows = await verify(
            {
                target: source.target,
                region: region ?? (aws ? await aws.elb.config.region() : "-"),
                split: { requests: args.requests, perSecond: args.rate, concurrency: splitConcurrency, alpha: args.alpha },
                burst: { ...burstSize(settings, args.burst), concurrency: burstConcurrency },
            },
            {
                resolve,
                probe: http.probe,
                aws,
                readCluster: source.kubeconfig ? async () => liveFacts(await readClusterObjects(source.kubeconfig!, location, "stack output kubeconfig"), location) : undefined,
            },
            (line) => io.err(`${line}\n`),
        );
        io.out(`${renderTable(rows)}\n\n${summarize(rows)}\n`);
        return exitCodeFor(rows);
    } catch (e) {
        io.err(`verify: ${causeOf(e)}\n`);
        return exitCodes.internal;
    } finally {
        http.close();
        aws?.route53.destroy();
        aws?.elb.destroy();
    }
}

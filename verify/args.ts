/**
 * The verify command line, parsed without side effects. Errors name the
 * flag, the rule and what was given.
 */
export interface VerifyArgs {
    readonly stack?: string;
    readonly outputs?: string;
    readonly kubeconfig?: string;
    readonly domain?: string;
    /** With --kubeconfig: where the app's VirtualService lives (default: the stack's app.namespace, else "demo"). */
    readonly appNamespace?: string;
    readonly region?: string;
    /** DNS servers ("host" or "host:port"); empty = the system's. */
    readonly resolvers: string[];
    readonly requests: number;
    readonly rate: number;
    readonly alpha: number;
    readonly burst?: number;
    readonly timeoutMs: number;
    readonly insecure: boolean;
    /** Skip the Route53, ALB and target hops (no AWS credentials needed). */
    readonly skipAws: boolean;
    readonly help: boolean;
}

export const usage = `usage: npm run verify -- (--stack NAME | --outputs FILE | --kubeconfig FILE --domain NAME) [options]

  --stack NAME        read outputs with \`pulumi stack output --json --show-secrets --stack NAME\`
                      (and the region and rate limit from Pulumi.NAME.yaml)
  --outputs FILE      read outputs from FILE (what \`pulumi stack output --json\` prints)
  --kubeconfig FILE   read hostnames, ALB and the live canary weight from the cluster's Ingresses and
                      VirtualService instead (with --stack: Pulumi.NAME.yaml still sizes the burst)
  --domain NAME       with --kubeconfig: the hosted zone whose hostnames to check
  --app-namespace NS  with --kubeconfig: the app's namespace (default: the stack's app.namespace, else demo)
  --region REGION     AWS region of the ALB (default: the stack's aws:region, else the AWS SDK chain)
  --resolver ADDR     DNS server to ask, host or host:port; repeatable (default: the system's)
  --requests N        requests measuring the canary split (default 1000)
  --rate N            most split requests started per second (default 100)
  --alpha A           chance a correct split is reported wrong (default 0.001)
  --burst N           requests in the rate-limit burst (default: 3 × the app sidecars' tokens, or 1000)
  --timeout MS        per request and per DNS query (default 10000)
  --insecure          accept TLS certificates that do not verify
  --skip-aws          do not check Route53, the ALB or its targets
  --help`;

export class ArgsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ArgsError";
    }
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number {
    const n = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || n < min || n > max) {
        throw new ArgsError(`${flag}: must be an integer ${min}..${max}; got ${raw ?? "nothing"}`);
    }
    return n;
}

export function parseArgs(argv: readonly string[]): VerifyArgs {
    const args = {
        resolvers: [] as string[],
        requests: 1000,
        rate: 100,
        alpha: 0.001,
        timeoutMs: 10_000,
        insecure: false,
        skipAws: false,
        help: false,
    } as { -readonly [K in keyof VerifyArgs]: VerifyArgs[K] };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new ArgsError(`${flag}: needs a value`);
            return v;
        };
        switch (flag) {
            case "--stack":
                args.stack = value();
                break;
            case "--outputs":
                args.outputs = value();
                break;
            case "--kubeconfig":
                args.kubeconfig = value();
                break;
            case "--domain":
                args.domain = value().toLowerCase().replace(/\.$/, "");
                break;
            case "--app-namespace": {
                const v = value();
                if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v)) throw new ArgsError(`--app-namespace: must be a Kubernetes namespace name; got ${v}`);
                args.appNamespace = v;
                break;
            }
            case "--region":
                args.region = value();
                break;
            case "--resolver": {
                const v = value();
                if (!/^[A-Za-z0-9.:[\]-]+$/.test(v)) throw new ArgsError(`--resolver: must be host or host:port; got ${v}`);
                args.resolvers.push(v);
                break;
            }
            case "--requests":
                args.requests = integer(flag, value(), 1, 100_000);
                break;
            case "--rate":
                args.rate = integer(flag, value(), 1, 10_000);
                break;
            case "--alpha": {
                const raw = value();
                const a = Number(raw);
                if (!(a > 0 && a < 0.5)) throw new ArgsError(`--alpha: must be a number between 0 and 0.5 (e.g. 0.001); got ${raw}`);
                args.alpha = a;
                break;
            }
            case "--burst":
                args.burst = integer(flag, value(), 1, 100_000);
                break;
            case "--timeout":
                args.timeoutMs = integer(flag, value(), 100, 600_000);
                break;
            case "--insecure":
                args.insecure = true;
                break;
            case "--skip-aws":
                args.skipAws = true;
                break;
            case "--help":
            case "-h":
                args.help = true;
                break;
            default:
                throw new ArgsError(`unknown argument ${flag}; see --help`);
        }
    }
    if (args.help) return args;
    if (args.outputs && args.kubeconfig) {
        throw new ArgsError("give --outputs or --kubeconfig, not both: each is a full description of what to check");
    }
    if (!!args.kubeconfig !== !!args.domain) {
        throw new ArgsError(args.kubeconfig ? "--kubeconfig needs --domain (the zone whose hostnames to check)" : "--domain goes with --kubeconfig");
    }
    if (args.appNamespace && !args.kubeconfig) {
        throw new ArgsError("--app-namespace goes with --kubeconfig");
    }
    if (!args.stack && !args.outputs && !args.kubeconfig) {
        throw new ArgsError("give --stack NAME, --outputs FILE (what `pulumi stack output --json` prints), or --kubeconfig FILE with --domain NAME");
    }
    return args;
}

/**
 * DNS as the hops see it: one node:dns Resolver (c-ares, so it asks the
 * servers directly and ignores /etc/hosts), pointed at the system's servers
 * or at the ones given with --resolver. HTTP checks resolve through the same
 * resolver, so what the DNS row reports is what the requests used.
 */
import { Resolver } from "dns/promises";
import type { LookupFunction } from "net";
import { isIP } from "net";

export type ResolveA = (hostname: string) => Promise<string[]>;

export interface ResolverOptions {
    /** "host" or "host:port" entries, e.g. "1.1.1.1" or "127.0.0.1:5353"; empty = the system's servers. */
    readonly servers?: readonly string[];
    readonly timeoutMs?: number;
    readonly tries?: number;
}

export function createResolver(options: ResolverOptions = {}): ResolveA {
    const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers && options.servers.length > 0) {
        resolver.setServers([...options.servers]);
    }
    return (hostname) => resolver.resolve4(hostname);
}

/** A `lookup` for http(s).request that answers from `resolve` (IPv4; literal IPs pass through). */
export function lookupVia(resolve: ResolveA): LookupFunction {
    return (hostname, options, callback) => {
        const family = isIP(hostname);
        const found = family ? Promise.resolve([hostname]) : resolve(hostname);
        found.then(
            (addresses) => {
                if (addresses.length === 0) {
                    const error: NodeJS.ErrnoException = new Error(`no A records for ${hostname}`);
                    error.code = "ENODATA";
                    return callback(error, "", 4);
                }
                const fam = family || 4;
                if (options.all) {
                    // The typings only allow the single-address form; net calls back with this array when options.all is set.
                    (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(
                        null,
                        addresses.map((address) => ({ address, family: fam })),
                    );
                } else {
                    callback(null, addresses[0], fam);
                }
            },
            (error: NodeJS.ErrnoException) => callback(error, "", 4),
        );
    };
}

/**
 * Shared setup for the ingress and workloads tests: typed stack config, a
 * Kubernetes provider for components run under mocks, and a log of the
 * dependsOn edges the mocks themselves do not record.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, StackConfig } from "../../../config";
import { IngressArgs } from "../../../components/ingress";
import * as assert from "assert";
import { SOURCE_TYPES } from "../../../components/dnsSources/collector";
import { sourceRecords } from "../../../components/dnsSources/endpoints";
import { MockResource, ProgramRun } from "../../../synth/mockCloud";
import { validateManifest } from "../../../synth/validateManifest";

export const config = (raw: Record<string, unknown> = {}): StackConfig => loadStackConfig({ domain: "example.com", ...raw }, { stack: "dev" });

export const mockVpcId = "vpc-0123456789abcdef0";
export const mockIssuer = "oidc.eks.ap-northeast-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
export const mockOidcArn = `arn:aws:iam::123456789012:oidc-provider/${mockIssuer}`;

export function k8sOptions(): pulumi.ComponentResourceOptions {
    return { providers: { kubernetes: new k8s.Provider("k8s", { kubeconfig: "{}" }) } };
}

/** Ingress args for a new EKS cluster; override any field. */
export function ingressArgs(cfg: StackConfig, overrides: Partial<IngressArgs> = {}): IngressArgs {
    return {
        clusterName: pulumi.output(cfg.cluster.name),
        region: cfg.region,
        vpcId: pulumi.output(mockVpcId),
        oidcProviderArn: pulumi.output(mockOidcArn),
        oidcProviderUrl: pulumi.output(`https://${mockIssuer}`),
        ingress: cfg.ingress,
        routes: [],
        ...overrides,
    };
}

/**
 * Records `type::name` → names of the resources it depends on. Call inside
 * the program, before creating the resources.
 */
export function recordDependsOn(): Map<string, string[]> {
    const edges = new Map<string, string[]>();
    pulumi.runtime.registerStackTransformation((args) => {
        const raw = args.opts.dependsOn;
        const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<pulumi.Resource & { __name?: string }>;
        edges.set(`${args.type}::${args.name}`, list.map((r) => r.__name ?? "?"));
        return undefined;
    });
    return edges;
}

/** The object a mocked Kubernetes resource would send to the API server. */
export function manifestOf(r: MockResource): { apiVersion: string; kind: string } & Record<string, unknown> {
    const { apiVersion, kind, metadata, spec, data } = r.inputs;
    return JSON.parse(JSON.stringify({ apiVersion, kind, metadata, spec, data }));
}

export function assertValidManifests(resources: MockResource[]): void {
    for (const r of resources) {
        validateManifest(manifestOf(r));
    }
}

/**
 * What the DNS sources (components/dnsSources) make of the run's annotated
 * Ingresses and Services: one entry per record, alias target or values.
 */
export function sourcedRecords(run: ProgramRun, domain = "example.com"): Array<{ hostname: string; aliasTarget?: string; values?: string[]; type: string; resource: string }> {
    return Object.entries(SOURCE_TYPES).flatMap(([type, kind]) =>
        run.byType(type).flatMap((r) => {
            const result = sourceRecords(
                { kind, namespace: r.inputs.metadata?.namespace ?? "default", name: r.inputs.metadata?.name, annotations: r.inputs.metadata?.annotations, serviceType: r.inputs.spec?.type, status: r.state.status },
                domain,
            );
            assert.deepStrictEqual(result.problems, []);
            return result.records.map((rec) => ({ hostname: rec.name.replace(/\.$/, ""), aliasTarget: rec.alias?.dnsName, values: rec.values, type: rec.type, resource: rec.resource }));
        }),
    );
}

/**
 * Pulumi's mock runtime with realistic cloud answers, kept in one place for
 * the offline synth and the tests. Each resource gets the ids, ARNs and
 * computed fields its real provider would return (shapes, not values), and a
 * dynamic resource's serialized provider is deserialized and its `check` run,
 * so a bad input fails here exactly as it would in `pulumi preview`.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { PriorResource, PriorState, withSecretsFrom } from "./state";


export const mockAccountId = "123456789012";

export interface MockResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly id: string;
    /** Type and name of the parent resource, e.g. `eks-ingress-mesh:index:Cluster::cluster`. */
    readonly parent?: string;
    readonly custom: boolean;
    /** Inputs as the provider receives them: secrets unwrapped, a resource reference as `{ $resource: urn }`. */
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
    /**
     * The resources (`type::name`) this one's RegisterResource request named
     * as dependencies: explicit `dependsOn`, expanded through components as the
     * SDK does, plus those its input Outputs came from. The engine orders
     * operations by exactly these (and by `provider`).
     */
    readonly dependencies: string[];
    /** Per input property, the resources (`type::name`) its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
    /** The provider resource (`type::name`) the request named; undefined for the default provider. */
    readonly provider?: string;
}

export interface ProgramRun {
    readonly resources: MockResource[];
    /** Every string that was a secret input of some resource (kubeconfigs, credentials). */
    readonly secretValues: ReadonlySet<string>;
    readonly outputs: Record<string, unknown>;
    /** Every dynamic resource's checked inputs, and its diff when `state` has it. */
    readonly previews: readonly DynamicPreview[];
    byType(type: string): MockResource[];
    one(type: string, name?: string): MockResource;
}

export interface RunOptions {
    readonly project?: string;
    readonly stack?: string;
    /** Raw stack config: keys without the project prefix (and `aws:region`), values as in Pulumi.<stack>.yaml. */
    readonly config: Record<string, unknown>;
    /** Keys (as in `config`) whose values are secrets. */
    readonly secretKeys?: string[];
    readonly preview?: boolean;
    /** The last deployment (`pulumi stack export`): dynamic resources are checked and diffed against it. */
    readonly state?: PriorState;
}

function hex(seed: string, length: number): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

export function mockOidcIssuer(region: string, clusterName: string): string {
    return `oidc.eks.${region}.amazonaws.com/id/${hex(clusterName, 32).toUpperCase()}`;
}

/** The kubeconfig @pulumi/eks renders for a cluster: exec auth through `aws eks get-token`. */
export function mockKubeconfig(region: string, clusterName: string): Record<string, unknown> {
    const server = `https://${hex(clusterName, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server, "certificate-authority-data": Buffer.from("mock-ca").toString("base64") } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                        env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
                    },
                },
            },
        ],
    };
}

/** What each resource type's provider would compute on create. */
function computedState(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
    const id = (prefix: string) => `${prefix}-0${hex(`${type}/${name}`, 16)}`;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${mockAccountId}:${resource}`;
    switch (type) {
        case "aws:ec2/vpc:Vpc": {
            const vpcId = id("vpc");
            return { id: vpcId, state: { arn: arn("ec2", `vpc/${vpcId}`), defaultSecurityGroupId: id("sg"), mainRouteTableId: id("rtb") } };
        }
        case "aws:ec2/subnet:Subnet": {
            const subnetId = id("subnet");
            return { id: subnetId, state: { arn: arn("ec2", `subnet/${subnetId}`) } };
        }
        case "aws:ec2/internetGateway:InternetGateway":
            return { id: id("igw"), state: {} };
        case "aws:ec2/eip:Eip":
            return { id: id("eipalloc"), state: { allocationId: id("eipalloc"), publicIp: "203.0.113.10" } };
        case "aws:ec2/natGateway:NatGateway":
            return { id: id("nat"), state: { publicIp: "203.0.113.10" } };
        case "aws:ec2/routeTable:RouteTable":
            return { id: id("rtb"), state: {} };
        case "aws:ec2/routeTableAssociation:RouteTableAssociation":
            return { id: id("rtbassoc"), state: {} };
        case "aws:iam/role:Role": {
            const roleName = inputs.name ?? `${name}-${hex(name, 7)}`;
            return { id: roleName, state: { name: roleName, arn: `arn:aws:iam::${mockAccountId}:role/${roleName}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` } };
        }
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${name}:${name}-${hex(name, 7)}`, state: { name: `${name}-${hex(name, 7)}` } };
        case "aws:iam/policy:Policy": {
            const policyName = inputs.name ?? `${name}-${hex(name, 7)}`;
            return { id: `arn:aws:iam::${mockAccountId}:policy/${policyName}`, state: { name: policyName, arn: `arn:aws:iam::${mockAccountId}:policy/${policyName}` } };
        }
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return { id: `${name}-${hex(name, 8)}`, state: {} };
        case "aws:eks/addon:Addon":
            return {
                id: `${inputs.clusterName}:${inputs.addonName}`,
                state: { arn: arn("eks", `addon/${inputs.clusterName}/${inputs.addonName}/${hex(name, 8)}`), addonVersion: "v1.20.1-eksbuild.1" },
            };
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            const issuer = mockOidcIssuer(region, clusterName);
            const kubeconfig = mockKubeconfig(region, clusterName);
            return {
                id: "",
                state: {
                    kubeconfig,
                    kubeconfigJson: JSON.stringify(kubeconfig),
                    oidcIssuer: issuer,
                    oidcProviderUrl: `https://${issuer}`,
                    oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`,
                    clusterSecurityGroupId: id("sg"),
                    nodeSecurityGroupId: id("sg"),
                },
            };
        }
        case "eks:index:ManagedNodeGroup":
            return { id: "", state: {} };
        case "kubernetes:networking.k8s.io/v1:Ingress": {
            const group = inputs.metadata?.annotations?.["alb.ingress.kubernetes.io/group.name"] ?? "default";
            const hostname = `k8s-${String(group).slice(0, 13)}-${hex(group, 10)}-${parseInt(hex(group, 8), 16) % 2_000_000_000}.${region}.elb.amazonaws.com`;
            return { id: `${inputs.metadata?.namespace ?? "default"}/${inputs.metadata?.name ?? name}`, state: { status: { loadBalancer: { ingress: [{ hostname }] } } } };
        }
        case "kubernetes:core/v1:Service": {
            const namespace = inputs.metadata?.namespace ?? "default";
            const objectName = inputs.metadata?.name ?? name;
            if (inputs.spec?.type !== "LoadBalancer") {
                return { id: `${namespace}/${objectName}`, state: {} };
            }
            // What the AWS Load Balancer Controller names an NLB: k8s-<ns>-<svc>-<hash>, then AWS's -<suffix>.elb.<region>.
            const short = (s: string) => s.replace(/[^a-z0-9]/g, "").slice(0, 8);
            const hostname = `k8s-${short(namespace)}-${short(objectName)}-${hex(`${namespace}/${objectName}`, 10)}-${hex(objectName, 16)}.elb.${region}.amazonaws.com`;
            return { id: `${namespace}/${objectName}`, state: { status: { loadBalancer: { ingress: [{ hostname }] } } } };
        }
        case "kubernetes:helm.sh/v3:Release":
            return {
                id: `${inputs.namespace ?? "default"}/${inputs.name ?? name}`,
                state: { status: { name: inputs.name ?? name, namespace: inputs.namespace ?? "default", chart: inputs.chart, version: inputs.version, status: "deployed", revision: 1 } },
            };
        default:
            if (type.startsWith("kubernetes:")) {
                const namespace = inputs.metadata?.namespace;
                const objectName = inputs.metadata?.name ?? name;
                return { id: namespace ? `${namespace}/${objectName}` : objectName, state: {} };
            }
            return { id: `${name}-id`, state: {} };
    }
}

/** What preview would report for a dynamic resource judged against the exported state. */
export interface DynamicPreview {
    readonly type: string;
    readonly name: string;
    /** The resource in the state (undefined: preview would create it). */
    readonly prior?: PriorResource;
    /** The checked inputs. */
    readonly inputs: Record<string, any>;
    /** The provider's diff against the state's outputs. */
    readonly diff?: pulumi.dynamic.DiffResult;
}

/** Check failures, each line as the engine prints them (step_generator.go issueCheckFailures). */
export class CheckFailuresError extends pulumi.RunError {
    constructor(readonly diagnostics: readonly string[]) {
        super(diagnostics.join("\n"));
    }
}

/** Go's `%v` of a resource.PropertyValue, as the engine prints a failing input: `{10}`, `{map[a:{1}]}`. */
export function goValue(value: unknown, secret: (v: unknown) => boolean = () => false): string {
    const inner = (v: unknown): string => {
        if (secret(v)) return "[secret]";
        if (v === null || v === undefined) return "<nil>";
        if (Array.isArray(v)) return `[${v.map((x) => goValue(x, secret)).join(" ")}]`;
        if (typeof v === "object") {
            const o = v as Record<string, unknown>;
            return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k], secret)}`).join(" ")}]`;
        }
        return String(v);
    };
    return `{${inner(value)}}`;
}

/**
 * Deserializes a dynamic resource's provider the way the SDK's host does and
 * runs its check (olds: the state's inputs, as the engine passes them) and,
 * when the state has the resource, its diff (olds: the state's outputs).
 */
async function previewDynamicResource(type: string, name: string, inputs: Record<string, any>, prior: PriorResource | undefined, secret: (v: unknown) => boolean) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const requireFromString = require("require-from-string");
    const provider = requireFromString(inputs.__provider).handler() as pulumi.dynamic.ResourceProvider;
    const olds = prior ? withSecretsFrom(prior.inputs, inputs) : {};
    const result = provider.check ? await provider.check(olds, inputs) : { inputs, failures: [] };
    if (result.failures && result.failures.length > 0) {
        throw new CheckFailuresError(
            result.failures.map((f) =>
                f.property
                    ? `${type} resource '${name}': property ${f.property} value ${goValue(inputs[f.property], secret)} has a problem: ${f.reason}`
                    : `${type} resource '${name}' has a problem: ${f.reason}`,
            ),
        );
    }
    // The SDK's host re-attaches the serialized provider to the checked inputs the same way.
    const checked = { ...(result.inputs ?? inputs), __provider: inputs.__provider };
    const diff = prior && provider.diff ? await provider.diff(prior.id, withSecretsFrom(prior.outputs, checked), checked) : undefined;
    return { checked, preview: { type, name, prior, inputs: checked, diff } as DynamicPreview };
}

/**
 * The engine hands providers plain values; the RegisterResource request
 * carries secrets and resource references wrapped in signature objects.
 * Unwraps secrets (remembering their string values so the synth can redact
 * them wherever they surface) and turns a resource reference into
 * `{ $resource: urn }` (the mock runtime would otherwise rehydrate it into a
 * Resource whose Outputs serialize as placeholder text).
 */
function unwrapSecrets(value: any, found: Set<string>): any {
    if (Array.isArray(value)) {
        return value.map((v) => unwrapSecrets(v, found));
    }
    if (typeof value === "object" && value !== null) {
        if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) {
            return { $resource: value.urn };
        }
        if (pulumi.runtime.specialSigKey in value && value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
            const inner = unwrapSecrets(value.value, found);
            if (typeof inner === "string") {
                found.add(inner);
            } else if (inner !== undefined) {
                found.add(JSON.stringify(inner));
            }
            return inner;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, found)]));
    }
    return value;
}

/** The parts of a RegisterResourceRequest (resource_pb) the synth records. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getObject(): { toJavaScript(): Record<string, any> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getProvider(): string;
}

interface RegisterResponse {
    getUrn(): string;
}

/** What the engine would receive for one resource: its request's dependencies, by URN. */
interface Registration {
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    /** "urn::id", or "" for the default provider. */
    readonly provider: string;
}

class MockCloud implements pulumi.runtime.Mocks {
    /** String values that were secret anywhere in the program's inputs. */
    readonly secretValues = new Set<string>();
    /** Registration failures; the engine would fail the update with them. */
    readonly errors: Error[] = [];
    /** Dynamic resources as preview would judge them (against `state` when given). */
    readonly previews: DynamicPreview[] = [];
    readonly registered = new Map<string, { id: string; custom: boolean; inputs: Record<string, any>; state: Record<string, any> }>();
    /** `type::name` → the RegisterResourceRequest being handled (its raw object: resource references intact). */
    private readonly requests = new Map<string, RegisterRequest>();
    /** `type::name` → what the request said about dependencies. */
    readonly registrations = new Map<string, Registration>();
    /** Engine URN → `type::name`. */
    readonly keysByUrn = new Map<string, string>();

    constructor(
        private readonly region: string,
        private readonly state?: PriorState,
    ) {}

    /** Wraps the mock monitor's RegisterResource so each request is seen as the engine would see it. */
    observe(monitor: { registerResource(req: RegisterRequest, callback: (err: unknown, resp?: RegisterResponse) => void): void }): void {
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            const key = `${req.getType()}::${req.getName()}`;
            this.requests.set(key, req);
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps, prop) => {
                propertyDependencies[prop] = deps.getUrnsList();
            });
            this.registrations.set(key, { dependencies: req.getDependenciesList(), propertyDependencies, provider: req.getProvider() });
            register(req, (err, resp) => {
                if (resp) {
                    this.keysByUrn.set(resp.getUrn(), key);
                }
                callback(err, resp);
            });
        };
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, any> }> {
        try {
            return await this.register(args);
        } catch (e) {
            this.errors.push(e as Error);
            throw e;
        }
    }

    private async register(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, any> }> {
        const raw = this.requests.get(`${args.type}::${args.name}`)?.getObject()?.toJavaScript();
        let inputs = unwrapSecrets(raw ?? args.inputs, this.secretValues) as Record<string, any>;
        if (typeof inputs.__provider === "string") {
            const secret = (v: unknown) => typeof v === "string" && this.secretValues.has(v);
            const { checked, preview } = await previewDynamicResource(args.type, args.name, inputs, this.state?.find(args.type, args.name), secret);
            inputs = checked;
            this.previews.push(preview);
        }
        const { id, state } = computedState(args.type, args.name, inputs, this.region);
        const full = { ...inputs, ...state };
        this.registered.set(`${args.type}::${args.name}`, { id, custom: args.custom ?? true, inputs, state: full });
        return { id: args.custom === false ? undefined : id, state: full };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    names: ["a", "b", "c", "d"].map((z) => `${this.region}${z}`),
                    zoneIds: [1, 2, 3, 4].map((n) => `${this.region.replace(/-/g, "").slice(0, 6)}-az${n}`),
                    id: this.region,
                };
            case "aws:route53/getZone:getZone": {
                const zoneName = String(args.inputs.name).replace(/\.$/, "");
                const zoneId = `Z${hex(zoneName, 20).toUpperCase()}`;
                return {
                    ...args.inputs,
                    id: zoneId,
                    zoneId,
                    name: zoneName,
                    arn: `arn:aws:route53:::hostedzone/${zoneId}`,
                    privateZone: false,
                    nameServers: ["ns-1.awsdns-00.com", "ns-2.awsdns-00.net"],
                    resourceRecordSetCount: 2,
                };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: mockAccountId, arn: `arn:aws:iam::${mockAccountId}:user/ci`, userId: "AIDAMOCK", id: mockAccountId };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            default:
                return args.inputs;
        }
    }
}

/** Resolves an Output (or anything) to its plain value. */
export function settle<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/** Sets the stack config the way the Pulumi CLI hands it to a program. */
function setStackConfig(project: string, options: RunOptions): void {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(options.config)) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        if (options.secretKeys?.includes(key)) {
            secretKeys.push(fullKey);
        }
    }
    pulumi.runtime.setAllConfig(config, secretKeys);
}

/**
 * Runs a Pulumi program under mocks as the Pulumi CLI would run index.ts:
 * inside a root stack, with the stack config set, waiting for every resource.
 * `program` may be the program itself or a module exporting it.
 */
export async function runUnderMocks(program: () => unknown, options: RunOptions): Promise<ProgramRun> {
    const project = options.project ?? "eks-ingress-mesh";
    const stack = options.stack ?? "test";
    const region = String(options.config["aws:region"] ?? "ap-northeast-2");
    setStackConfig(project, options);
    const cloud = new MockCloud(region, options.state);
    await pulumi.runtime.setMocks(cloud, project, stack, options.preview ?? false);
    cloud.observe(pulumi.runtime.getMonitor() as unknown as Parameters<MockCloud["observe"]>[0]);

    const parents = new Map<string, string | undefined>();
    let programError: unknown;
    const outputs =
        (await pulumi.runtime
            .runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                if (args.opts.urn) {
                    // A reference to an existing resource being rehydrated, not a registration.
                    return undefined;
                }
                const parent = args.opts.parent as (pulumi.Resource & { __pulumiType?: string; __name?: string }) | undefined;
                parents.set(`${args.type}::${args.name}`, parent && parent.__pulumiType !== "pulumi:pulumi:Stack" ? `${parent.__pulumiType}::${parent.__name}` : undefined);
                return undefined;
            });
            return program();
            })
            .catch((e: unknown) => {
                programError = e;
                return undefined;
            })) ?? {};
    // Not in the SDK's typings, but exported: waits until every registration the program started is done.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs().catch(() => undefined);
    // A failed registration also fails whatever awaited it, wrapped ("error serializing property …");
    // report the registration failures themselves, all of them, as the engine does.
    if (cloud.errors.length > 0) {
        const diagnostics = cloud.errors.flatMap((e) => (e instanceof CheckFailuresError ? e.diagnostics : [e.message]));
        throw new CheckFailuresError(diagnostics);
    }
    if (programError !== undefined) {
        throw programError;
    }

    const resolvedOutputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs)) {
        resolvedOutputs[key] = await settle(value);
        // A secret stack output is redacted wherever its value shows up.
        if (resolvedOutputs[key] !== undefined && (await pulumi.isSecret(pulumi.output(value)))) {
            cloud.secretValues.add(typeof resolvedOutputs[key] === "string" ? (resolvedOutputs[key] as string) : JSON.stringify(resolvedOutputs[key]));
        }
    }

    const keyOf = (urn: string) => cloud.keysByUrn.get(urn) ?? urn;
    const resources: MockResource[] = [...cloud.registered.entries()].map(([key, r]) => {
        const [type, name] = key.split("::");
        const registration = cloud.registrations.get(key);
        const provider = registration?.provider ? keyOf(registration.provider.split("::").slice(0, -1).join("::")) : undefined;
        return {
            type,
            name,
            urn: `urn:pulumi:${stack}::${project}::${type}::${name}`,
            id: r.id,
            parent: parents.get(key),
            custom: r.custom,
            inputs: r.inputs,
            state: r.state,
            dependencies: [...new Set((registration?.dependencies ?? []).map(keyOf))].sort(),
            propertyDependencies: Object.fromEntries(Object.entries(registration?.propertyDependencies ?? {}).map(([k, urns]) => [k, [...new Set(urns.map(keyOf))].sort()])),
            provider,
        };
    });
    return {
        resources,
        secretValues: cloud.secretValues,
        outputs: resolvedOutputs,
        previews: cloud.previews,
        byType: (type) => resources.filter((r) => r.type === type),
        one: (type, name) => {
            const matches = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (matches.length !== 1) {
                throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
            }
            return matches[0];
        },
    };
}

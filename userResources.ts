/**
 * Your own Kubernetes objects, declared with the stack's cluster. Nothing
 * else to wire: a `Service` of type `LoadBalancer` or an `Ingress` carrying
 * `external-dns.alpha.kubernetes.io/hostname` gets its Route53 records (and
 * loses them when the annotation or the object goes), e.g.
 *
 *     new k8s.core.v1.Service("echo", {
 *         metadata: { namespace: "demo", annotations: {
 *             "external-dns.alpha.kubernetes.io/hostname": "echo.example.com",
 *             "service.beta.kubernetes.io/aws-load-balancer-type": "external",
 *             "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
 *         } },
 *         spec: { type: "LoadBalancer", selector: { app: "echo" }, ports: [{ port: 80 }] },
 *     }, { provider: ctx.kubernetes });
 *
 * index.ts calls this after its own layers and before the DNS layer takes
 * its sources; README "DNS records from annotations" has the details.
 */
import type * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "./config";

export interface UserContext {
    readonly config: StackConfig;
    /** The stack's cluster: pass `{ provider: kubernetes }` (or `providers: { kubernetes }` to a component). */
    readonly kubernetes: k8s.Provider;
}

export type UserResources = (ctx: UserContext) => void;

/** This stack declares none of its own. */
export const declareUserResources: UserResources = () => undefined;

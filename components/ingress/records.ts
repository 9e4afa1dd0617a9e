/** The part of an Ingress's status that carries the ALB's DNS name. */
export interface IngressLoadBalancerStatus {
    readonly loadBalancer?: { readonly ingress?: ReadonlyArray<{ readonly hostname?: string; readonly ip?: string }> };
}

/**
 * The ALB hostname the controller wrote into an Ingress's status. Pulumi only
 * finishes creating an Ingress once that field is set, so a missing value
 * means the controller could not build the ALB.
 */
export function albHostname(ingress: string, status: IngressLoadBalancerStatus | undefined): string {
    const hostname = status?.loadBalancer?.ingress?.find((i) => i.hostname)?.hostname;
    if (!hostname) {
        throw new Error(
            `ingress ${ingress} has no load balancer hostname in status.loadBalancer.ingress; ` +
                `see why with: kubectl -n ${ingress.split("/")[0]} describe ingress ${ingress.split("/")[1]} ` +
                `and kubectl -n kube-system logs deploy/aws-load-balancer-controller`,
        );
    }
    return hostname;
}

import { IngressConfig } from "../../config";

/** Prefix of every annotation the AWS Load Balancer Controller reads from an Ingress. */
export const albAnnotationPrefix = "alb.ingress.kubernetes.io/";

/** Where the ALB sends health checks for one backend. */
export interface HealthCheck {
    /** HTTP path, e.g. "/healthz/ready". */
    readonly path: string;
    /** Pod port (number or name) to check; default: the traffic port. */
    readonly port?: number | string;
}

/** The ALB listeners: HTTP always, HTTPS only with a certificate. */
export function listenPorts(ingress: IngressConfig): Array<Record<string, number>> {
    return ingress.certificateArn ? [{ HTTP: 80 }, { HTTPS: 443 }] : [{ HTTP: 80 }];
}

/**
 * The annotations of one Ingress in the shared ALB group. Every Ingress gets
 * the same group-wide settings (scheme, listeners, certificate, redirect), so
 * the controller never sees two members of the group disagree; only the
 * health check differs per backend.
 */
export function albAnnotations(ingress: IngressConfig, healthCheck: HealthCheck): Record<string, string> {
    const a: Record<string, string> = {
        // Pod IPs are ALB targets directly (VPC CNI): no NodePort hop, and the
        // ALB health check sees the pod itself.
        "target-type": "ip",
        scheme: ingress.scheme,
        "group.name": ingress.groupName,
        "listen-ports": JSON.stringify(listenPorts(ingress)),
        "backend-protocol": "HTTP",
        "healthcheck-protocol": "HTTP",
        "healthcheck-path": healthCheck.path,
        "healthcheck-port": String(healthCheck.port ?? "traffic-port"),
        "success-codes": "200",
    };
    if (ingress.certificateArn) {
        a["certificate-arn"] = ingress.certificateArn;
        if (ingress.sslRedirect) {
            a["ssl-redirect"] = "443";
        }
    }
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [albAnnotationPrefix + k, v]));
}

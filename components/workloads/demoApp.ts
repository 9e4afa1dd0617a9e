/**
 * The demo app: one nginx Deployment per version, each answering with its own
 * version name, behind one Service that spans both. Istio (not the replica
 * count) decides how requests split between the versions, so a weight change
 * shows up in `curl` output directly.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export type AppVersion = "stable" | "canary";
export const appVersions: readonly AppVersion[] = ["stable", "canary"];

/** The `app` label value, the Service name, and the prefix of every object name. */
export const appName = "app";
export const appPort = 80;
export const healthPath = "/healthz";

export function appLabels(version?: AppVersion): Record<string, string> {
    return version ? { app: appName, version } : { app: appName };
}

/** nginx's default.conf for one version: `/` names the version, /healthz answers probes. */
export function nginxConfig(version: AppVersion): string {
    return [
        "server {",
        `    listen ${appPort};`,
        "    server_name _;",
        "    default_type text/plain;",
        `    add_header X-App-Version ${version} always;`,
        `    location = ${healthPath} {`,
        "        access_log off;",
        '        return 200 "ok\\n";',
        "    }",
        "    location / {",
        `        return 200 "${version}\\n";`,
        "    }",
        "}",
        "",
    ].join("\n");
}

export function configMapName(version: AppVersion): string {
    return `${appName}-${version}-nginx`;
}

export function configMapArgs(version: AppVersion, namespace: pulumi.Input<string>): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: configMapName(version), namespace, labels: appLabels(version) },
        data: { "default.conf": nginxConfig(version) },
    };
}

export function deploymentArgs(version: AppVersion, image: string, replicas: number, namespace: pulumi.Input<string>): k8s.apps.v1.DeploymentArgs {
    const labels = appLabels(version);
    const probe = { httpGet: { path: healthPath, port: "http" }, periodSeconds: 5, timeoutSeconds: 2 };
    return {
        metadata: { name: `${appName}-${version}`, namespace, labels },
        spec: {
            replicas,
            selector: { matchLabels: labels },
            template: {
                metadata: {
                    labels,
                    // A changed config rolls the pods; nginx reads default.conf only at start.
                    annotations: { "checksum/nginx-config": crypto.createHash("sha256").update(nginxConfig(version)).digest("hex") },
                },
                spec: {
                    containers: [
                        {
                            name: "nginx",
                            image,
                            ports: [{ name: "http", containerPort: appPort, protocol: "TCP" }],
                            readinessProbe: { ...probe, failureThreshold: 2 },
                            livenessProbe: { ...probe, initialDelaySeconds: 5, failureThreshold: 3 },
                            resources: {
                                requests: { cpu: "25m", memory: "32Mi" },
                                limits: { cpu: "200m", memory: "64Mi" },
                            },
                            volumeMounts: [{ name: "nginx-config", mountPath: "/etc/nginx/conf.d", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "nginx-config", configMap: { name: configMapName(version) } }],
                },
            },
        },
    };
}

/** One Service over both versions (selector without `version`); Istio subsets split it. */
export function serviceArgs(namespace: pulumi.Input<string>): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: appName, namespace, labels: appLabels() },
        spec: {
            type: "ClusterIP",
            selector: appLabels(),
            // Named "http" so Istio treats the port as HTTP without protocol sniffing.
            ports: [{ name: "http", port: appPort, targetPort: "http", protocol: "TCP" }],
        },
    };
}

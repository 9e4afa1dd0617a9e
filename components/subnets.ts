/**
 * Pure subnet arithmetic for the cluster VPC: public and private subnets,
 * one pair per availability zone, carved out of the VPC CIDR.
 */

function toInt(ip: string): number {
    return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Like Terraform's cidrsubnet(): the `index`-th block of `prefix + newBits` bits inside `cidr`. */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
    const [base, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    const length = prefix + newBits;
    if (length > 28) {
        throw new Error(`cidrSubnet: /${prefix} + ${newBits} bits is smaller than the /28 AWS allows`);
    }
    if (index < 0 || index >= 2 ** newBits) {
        throw new Error(`cidrSubnet: index ${index} does not fit in ${newBits} bits`);
    }
    const network = toInt(base) - (toInt(base) % 2 ** (32 - prefix));
    return `${toIp(network + index * 2 ** (32 - length))}/${length}`;
}

export interface SubnetLayout {
    readonly public: string[];
    readonly private: string[];
}

/**
 * Splits the VPC into 16 equal blocks: public subnets take the first ones,
 * private subnets start half-way, so both tiers can grow to eight AZs.
 */
export function subnetLayout(vpcCidr: string, zoneCount: number): SubnetLayout {
    const zones = Array.from({ length: zoneCount }, (_, i) => i);
    return {
        public: zones.map((i) => cidrSubnet(vpcCidr, 4, i)),
        private: zones.map((i) => cidrSubnet(vpcCidr, 4, 8 + i)),
    };
}

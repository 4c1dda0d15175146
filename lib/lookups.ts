// Look-ups of what must already exist in the account (a hosted zone, an EKS cluster and its OIDC
// provider, the VPC and subnets of an interface endpoint). They run at `pulumi preview` as at `pulumi up`,
// so a missing piece stops the preview before anything is created; each failure says what to do and
// names the stack setting behind it. The messages and the network rules are pure functions.
import * as pulumi from "@pulumi/pulumi";

/**
 * An error meant for whoever runs `pulumi up`, thrown inside an Output. The SDK prefixes
 * `error serializing property "<name>": ` to such an error's message once for every resource input it
 * flows through (runtime/rpc.ts), which buries the advice under a dozen prefixes; this message stays as written.
 */
export class StackError extends Error {
    constructor(message: string) {
        super(message);
        Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
    }
}

/** The reason a failed look-up gives: the provider's message, without the SDK's wrapping. */
export function lookupReason(err: unknown): string {
    const e = err as { details?: unknown; message?: unknown };
    const text = typeof e?.details === "string" && e.details ? e.details : typeof e?.message === "string" ? e.message : String(err);
    return text.replace(/^Invoke of '[^']+' failed: /, "").trim();
}

/** `promise`, or an Error with `advice(reason)` when the look-up fails. */
export async function lookup<T>(promise: Promise<T>, advice: (reason: string) => string): Promise<T> {
    try {
        return await promise;
    } catch (err) {
        throw new StackError(advice(lookupReason(err)));
    }
}

/** Each warning on the Pulumi log, attached to `resource`. */
export function warnAll(warnings: readonly string[], resource?: pulumi.Resource): void {
    for (const w of warnings) {
        pulumi.log.warn(w, resource);
    }
}

/** An adopted resource that the account does not hold, or that the deploy credentials cannot read. */
export function missingAdoptedMessage(key: string, what: string, reason: string): string {
    return `membrane:${key}: ${what} does not exist, or these credentials cannot read it (${reason}): check the name, and that the stack deploys to the account and region that hold it`;
}

export function missingZoneMessage(zone: string, reason: string): string {
    return (
        `membrane:hostedZoneName: there is no public Route 53 hosted zone "${zone}" in this AWS account (${reason}). ` +
        `Create it (and delegate the domain to its name servers), set membrane:hostedZoneName to a public zone this account holds, ` +
        `or set it to "" to serve the static files at the CloudFront name without a custom domain`
    );
}

export function missingClusterMessage(cluster: string, region: string, reason: string): string {
    return (
        `membrane:eksClusterName: there is no EKS cluster "${cluster}" in ${region} in this AWS account (${reason}). ` +
        `Set membrane:eksClusterName to the cluster Membrane runs in (aws eks list-clusters --region ${region}), ` +
        `or set it to "" for ECS only`
    );
}

export function missingOidcProviderMessage(cluster: string, issuer: string, reason: string): string {
    return (
        `membrane:eksOidcProvider is "existing", but the EKS cluster "${cluster}" has no IAM OIDC provider for its issuer ${issuer} in this account (${reason}). ` +
        `Set membrane:eksOidcProvider: create to create it with this stack, or create it once for the cluster ` +
        `(eksctl utils associate-iam-oidc-provider --cluster ${cluster} --approve), or use EKS Pod Identity (membrane:eksPodIdentity: true)`
    );
}

export function missingSubnetMessage(subnetId: string, vpcId: string, reason: string): string {
    return `membrane:privateSubnetIds: there is no subnet ${subnetId} in membrane:vpcId ${vpcId} in this AWS account and region (${reason}): list the VPC's private subnets, one per availability zone`;
}

export function missingVpcMessage(vpcId: string, reason: string): string {
    return `membrane:vpcId: there is no VPC ${vpcId} in this AWS account and region (${reason}): set the VPC Membrane runs in`;
}

/** A VPC as `aws.ec2.getVpc` returns it: the primary block, and every block associated with it (the primary among them). */
export interface VpcFacts {
    readonly cidrBlock: string;
    readonly cidrBlockAssociations?: ReadonlyArray<{ readonly cidrBlock: string; readonly state: string }>;
}

/** The VPC's IPv4 blocks that are in use: the primary, then the secondary blocks associated with it. */
export function vpcCidrBlocks(vpc: VpcFacts): string[] {
    const associated = (vpc.cidrBlockAssociations ?? []).filter((a) => a.state === "associated").map((a) => a.cidrBlock);
    return [...new Set([vpc.cidrBlock, ...associated])];
}

/**
 * membrane:vpcCidr must be one of the VPC's blocks: Redis's security group and the Atlas endpoint's admit
 * that range only, so a range the VPC does not have lets the containers connect to neither, which only
 * shows when they run.
 */
export function vpcCidrProblems(vpcId: string, vpcCidr: string, vpc: VpcFacts): string[] {
    const blocks = vpcCidrBlocks(vpc);
    if (blocks.includes(vpcCidr)) {
        return [];
    }
    const has = blocks.length === 1 ? `the CIDR block ${blocks[0]}` : `the CIDR blocks ${blocks.join(", ")} (the first is its primary)`;
    return [
        `membrane:vpcCidr: is ${vpcCidr}, but membrane:vpcId ${vpcId} has ${has}: set membrane:vpcCidr to the VPC's block the containers' addresses are in; Redis and the Atlas endpoint admit that range only`,
    ];
}

/** Subnets whose availability zone is not in `region` (an availability zone is its region's name and a letter, or a local zone's suffix). */
export function subnetRegionProblems(region: string, subnets: readonly SubnetFacts[]): string[] {
    const inRegion = (zone: string) => zone.startsWith(region) && /^([a-z]|-[a-z0-9-]*[a-z])$/.test(zone.slice(region.length));
    return subnets
        .filter((s) => !inRegion(s.availabilityZone))
        .map(
            (s) =>
                `membrane:privateSubnetIds: ${s.id} is in the availability zone ${s.availabilityZone}, which is not in aws:region ${region}: list subnets of the stack's region`,
        );
}

/** A subnet as `aws.ec2.getSubnet` returns it. */
export interface SubnetFacts {
    readonly id: string;
    readonly vpcId: string;
    readonly availabilityZone: string;
}

/**
 * What AWS would refuse about an interface endpoint in `subnets`: a subnet outside the VPC, or two in one
 * availability zone (CreateVpcEndpoint takes at most one subnet per zone). Empty when there is nothing.
 */
export function endpointSubnetProblems(vpcId: string, subnets: readonly SubnetFacts[]): string[] {
    const problems: string[] = [];
    for (const s of subnets.filter((s) => s.vpcId !== vpcId)) {
        problems.push(`membrane:privateSubnetIds: ${s.id} is in ${s.vpcId}, not in membrane:vpcId ${vpcId}`);
    }
    const byZone = new Map<string, string[]>();
    for (const s of subnets) {
        byZone.set(s.availabilityZone, [...(byZone.get(s.availabilityZone) ?? []), s.id]);
    }
    for (const [zone, ids] of byZone) {
        if (ids.length > 1) {
            problems.push(
                `membrane:privateSubnetIds: ${ids.join(" and ")} are all in ${zone}; the Atlas interface endpoint takes one subnet per availability zone (AWS refuses the others with DuplicateSubnetsInSameZone): list one private subnet per zone`,
            );
        }
    }
    return problems;
}

/**
 * What an interface endpoint with private DNS needs from its VPC: AWS refuses to create one in a VPC
 * without DNS support and DNS hostnames, and Atlas's private-endpoint host names resolve only through it.
 */
export function vpcDnsProblems(vpc: {
    readonly id: string;
    readonly enableDnsSupport: boolean;
    readonly enableDnsHostnames: boolean;
}): string[] {
    const off = [
        ...(vpc.enableDnsSupport ? [] : ["DNS support (enableDnsSupport)"]),
        ...(vpc.enableDnsHostnames ? [] : ["DNS hostnames (enableDnsHostnames)"]),
    ];
    return off.length === 0
        ? []
        : [
              `membrane:vpcId: ${vpc.id} has ${off.join(" and ")} turned off, which the Atlas PrivateLink endpoint needs: ` +
                  `aws ec2 modify-vpc-attribute --vpc-id ${vpc.id} ${vpc.enableDnsSupport ? "" : "--enable-dns-support "}${vpc.enableDnsHostnames ? "" : "--enable-dns-hostnames"}`.trim() +
                  " (one attribute per call)",
          ];
}

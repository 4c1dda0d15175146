// The VPC and subnets a stack names, looked up and checked against the stack before anything is created
// in them: at preview as at up, so a mismatch stops the preview, naming the key. Redis and the Atlas
// endpoint both use it; each adds what only its own resource needs.
import * as aws from "../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { lookup, missingSubnetMessage, missingVpcMessage, subnetRegionProblems, SubnetFacts, vpcCidrProblems } from "../lib/lookups";

/** What to look up: the VPC, and optionally the CIDR the stack gives it and the subnets it names. */
export interface NetworkQuery {
    readonly vpcId: string;
    /** membrane:vpcCidr: must be one of the VPC's blocks. Absent: not compared. */
    readonly vpcCidr?: string;
    /** Subnets of the VPC, in aws:region. */
    readonly subnetIds?: readonly string[];
    readonly region: string;
}

export interface NetworkFacts {
    readonly vpc: aws.ec2.GetVpcResult;
    readonly subnets: readonly SubnetFacts[];
    /** What the stack says that the account contradicts, each naming its key. */
    readonly problems: readonly string[];
}

/** Looks the VPC and the subnets up (a missing one fails with what to do) and compares them with the stack. */
export async function lookUpNetwork(q: NetworkQuery, parent: pulumi.Resource): Promise<NetworkFacts> {
    const opts = { parent };
    const [vpc, ...subnets] = await Promise.all([
        lookup(aws.ec2.getVpc({ id: q.vpcId }, opts), (reason) => missingVpcMessage(q.vpcId, reason)),
        ...(q.subnetIds ?? []).map((id) =>
            lookup(aws.ec2.getSubnet({ id, vpcId: q.vpcId }, opts), (reason) => missingSubnetMessage(id, q.vpcId, reason)),
        ),
    ]);
    return {
        vpc,
        subnets,
        problems: [
            ...(q.vpcCidr === undefined ? [] : vpcCidrProblems(q.vpcId, q.vpcCidr, vpc)),
            ...subnetRegionProblems(q.region, subnets),
        ],
    };
}

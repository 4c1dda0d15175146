// Redis: the seed's ElastiCache replication group (never ElastiCache Serverless, which Membrane does not
// support) with its subnet group, a security group that admits only port 6379 from the VPC or from given
// security groups, and a generated AUTH token. Encrypted at rest and in transit (ElastiCache.4/5/6).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RedisConfig } from "./config-redis";
import { childName, tags } from "./naming";

export const REDIS_PORT = 6379;

export interface RedisArgs extends RedisConfig {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Production: the replication group is protected, so neither `pulumi destroy` nor a replacing change can take Membrane's Redis away unannounced. */
    readonly production: boolean;
    /** The VPC of the security group. */
    readonly vpcId: string;
    /** The VPC's CIDR: the clients allowed when `allowedSecurityGroupIds` is empty. */
    readonly vpcCidr: string;
    /** Private subnets of the subnet group (ElastiCache.7). */
    readonly privateSubnetIds: readonly string[];
}

/** `rediss://` (TLS) with the AUTH token as the password and no user name, as Membrane reads REDIS_URI. */
export function redisUri(token: string, endpoint: string, port: number): string {
    return `rediss://:${token}@${endpoint}:${port}`;
}

export class Redis extends pulumi.ComponentResource {
    /** The primary endpoint, or in cluster mode the configuration endpoint (cluster clients discover the nodes from it). */
    readonly endpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** `rediss://:<token>@<endpoint>:6379`, secret. */
    readonly uri: pulumi.Output<string>;
    /** The security group of the cache nodes. */
    readonly securityGroupId: pulumi.Output<string>;
    readonly replicationGroupArn: pulumi.Output<string>;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:redis:Redis", name, {}, opts);
        const opt = { parent: this };

        const subnetGroup = new aws.elasticache.SubnetGroup(
            childName(name, "subnets"),
            {
                name: args.subnetGroupName,
                description: "Private subnets of Membrane Redis",
                subnetIds: [...args.privateSubnetIds],
                tags: tags(args.environment),
            },
            opt,
        );

        // Rules live in separate rule resources only, never inline: mixing the two makes them overwrite
        // each other. No egress rule: the provider removes AWS's default allow-all egress on create, and
        // the nodes never open connections; security groups are stateful, so replies to clients flow.
        const securityGroup = new aws.ec2.SecurityGroup(
            childName(name, "sg"),
            {
                namePrefix: args.securityGroupNamePrefix,
                description: "Security group for Membrane Redis",
                vpcId: args.vpcId,
                tags: tags(args.environment),
            },
            opt,
        );
        const sources: Array<{ suffix: string; description: string; source: aws.vpc.SecurityGroupIngressRuleArgs }> =
            args.allowedSecurityGroupIds.length === 0
                ? [
                      {
                          suffix: "ingress-vpc",
                          description: "Redis from VPC",
                          source: { securityGroupId: securityGroup.id, ipProtocol: "tcp", cidrIpv4: args.vpcCidr },
                      },
                  ]
                : args.allowedSecurityGroupIds.map((sg) => ({
                      // Named by the group, so adding or removing one leaves the others' rules alone.
                      suffix: `ingress-${sg}`,
                      description: `Redis from ${sg}`,
                      source: { securityGroupId: securityGroup.id, ipProtocol: "tcp", referencedSecurityGroupId: sg },
                  }));
        const ingressRules = sources.map(
            ({ suffix, description, source }) =>
                new aws.vpc.SecurityGroupIngressRule(
                    childName(name, suffix),
                    { ...source, description, fromPort: REDIS_PORT, toPort: REDIS_PORT, tags: tags(args.environment) },
                    opt,
                ),
        );

        // Alphanumeric: valid for ElastiCache AUTH (16-128 printable characters) and nothing to escape in
        // the URI. Every input is a constant: a changed input would generate, and roll out, a new token.
        const authToken = new random.RandomPassword(
            childName(name, "auth-token"),
            { length: 64, special: false, upper: true, lower: true, numeric: true, minUpper: 1, minLower: 1, minNumeric: 1 },
            opt,
        );

        const topology = args.topology;
        const group = new aws.elasticache.ReplicationGroup(
            childName(name, "cache"),
            {
                replicationGroupId: args.replicationGroupId,
                description: "Membrane Redis cluster",
                engine: args.engine,
                engineVersion: args.engineVersion,
                nodeType: args.nodeType,
                parameterGroupName: args.parameterGroupName,
                port: REDIS_PORT,
                // Cluster mode off is ElastiCache's default; ClusterMode is left unset then, since older
                // engines (Redis 6.x) predate the parameter.
                ...(topology.clusterMode
                    ? { clusterMode: "enabled", numNodeGroups: topology.numNodeGroups, replicasPerNodeGroup: topology.replicasPerNodeGroup }
                    : { numCacheClusters: topology.numCacheClusters }),
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [securityGroup.id],
                automaticFailoverEnabled: args.automaticFailover,
                multiAzEnabled: args.multiAz,
                maintenanceWindow: args.maintenanceWindow,
                snapshotRetentionLimit: args.snapshotRetentionLimit,
                atRestEncryptionEnabled: true,
                transitEncryptionEnabled: true,
                authToken: authToken.result,
                // Applied only when the token changes (a replaced RandomPassword): ROTATE keeps the old token
                // valid next to the new one, so running containers stay connected until they are redeployed.
                authTokenUpdateStrategy: "ROTATE",
                autoMinorVersionUpgrade: true,
                // What `pulumi up` shows is what runs: no change left pending until the maintenance window,
                // and a rotated token works as soon as the new REDIS_URI is handed out.
                applyImmediately: true,
                tags: tags(args.environment),
            },
            // The data is ephemeral, so no retainOnDelete; but in production a destroy or a replacing
            // change (id, port, subnet group, encryption at rest) would stop Membrane: it must be unprotected first.
            { parent: this, protect: args.production, dependsOn: ingressRules },
        );

        this.endpoint = topology.clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress;
        this.port = group.port.apply((p) => p ?? REDIS_PORT);
        this.uri = pulumi.secret(
            pulumi.all([authToken.result, this.endpoint, this.port]).apply(([token, endpoint, port]) => redisUri(token, endpoint, port)),
        );
        this.securityGroupId = securityGroup.id;
        this.replicationGroupArn = group.arn;
        this.registerOutputs({
            endpoint: this.endpoint,
            port: this.port,
            uri: this.uri,
            securityGroupId: this.securityGroupId,
            replicationGroupArn: this.replicationGroupArn,
        });
    }
}

// Database: MongoDB for Membrane (vendor's guide: "MongoDB Atlas setup"). Atlas mode creates the project,
// an AdvancedCluster replica set on AWS, the application's database user and its network access (IP
// access list or AWS PrivateLink); external mode only hands on a URI the customer keeps as a secret.
import * as aws from "@pulumi/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AtlasConfig, DatabaseConfig } from "./config-database";
import type { NetworkConfig } from "./config";
import { childName, tags } from "./naming";

export interface AtlasDatabaseArgs extends AtlasConfig {
    readonly mode: "atlas";
    /** Environment name, for tags. */
    readonly environment: string;
    /** Production: Atlas termination protection, and Pulumi protects the project and cluster. */
    readonly production: boolean;
    /** The VPC Membrane runs in: the PrivateLink endpoint goes into its private subnets. */
    readonly network: NetworkConfig;
}

export interface ExternalDatabaseArgs {
    readonly mode: "external";
    /** The customer's MongoDB URI, a secret. */
    readonly mongoUri: pulumi.Output<string>;
}

export type DatabaseArgs = AtlasDatabaseArgs | ExternalDatabaseArgs;

/** The component's arguments from the validated config: the external URI enters it only as a secret. */
export function databaseArgs(c: {
    readonly environment: string;
    readonly production: boolean;
    readonly network: NetworkConfig;
    readonly database: DatabaseConfig;
}): DatabaseArgs {
    return c.database.mode === "external"
        ? { mode: "external", mongoUri: pulumi.secret(c.database.externalMongoUri) }
        : { mode: "atlas", environment: c.environment, production: c.production, network: c.network, ...c.database.atlas };
}

/**
 * MONGO_URI as Membrane reads it: `mongodb+srv://<user>:<password>@<host>/<database>?retryWrites=true&w=majority`,
 * from an Atlas SRV connection string (`mongodb+srv://<host>`). User, password and database are percent-encoded,
 * as the connection string spec requires for `: / ? # [ ] @` and `%`.
 */
export function mongoUri(username: string, password: string, srvConnectionString: string, database: string): string {
    const m = /^mongodb\+srv:\/\/([^/?#@\s]+)\/?$/.exec(srvConnectionString);
    if (!m) {
        throw new Error(
            `expected an SRV connection string such as mongodb+srv://cluster0.abcde.mongodb.net from Atlas (got "${srvConnectionString}")`,
        );
    }
    const userinfo = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
    return `mongodb+srv://${userinfo}@${m[1]}/${encodeURIComponent(database)}?retryWrites=true&w=majority`;
}

// Atlas private endpoints on AWS: the interface endpoint forwards to one port per node, mapped into 1024-65535
// (Atlas docs, "Learn About Private Endpoints", Port Ranges Used for Private Endpoints); 27017 is in that range.
const PRIVATE_ENDPOINT_PORTS = { fromPort: 1024, toPort: 65535 };

/** The private-endpoint SRV string of the interface endpoint `endpointId`, from a cluster's connection strings. */
export function privateEndpointSrv(
    strings: {
        readonly privateEndpoints: ReadonlyArray<{
            readonly srvConnectionString: string;
            readonly endpoints: ReadonlyArray<{ readonly endpointId: string }>;
        }>;
    },
    endpointId: string,
): string {
    // Atlas answers null for the list until a private endpoint covers the cluster's region.
    const entry = (strings?.privateEndpoints ?? []).find((pe) => (pe.endpoints ?? []).some((e) => e.endpointId === endpointId));
    if (!entry || !entry.srvConnectionString) {
        throw new Error(
            `Atlas lists no private-endpoint connection string for ${endpointId} yet; run pulumi up again once the endpoint is AVAILABLE`,
        );
    }
    return entry.srvConnectionString;
}

export class Database extends pulumi.ComponentResource {
    /** MONGO_URI, secret. */
    readonly mongoUri: pulumi.Output<string>;
    /** Atlas mode: the project the cluster is in. */
    readonly projectId?: pulumi.Output<string>;
    /** Atlas mode: the cluster's name. */
    readonly clusterName?: pulumi.Output<string>;
    /** Atlas mode with PrivateLink: the interface endpoint in the VPC. */
    readonly vpcEndpointId?: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:database:Database", name, {}, opts);

        if (args.mode === "external") {
            this.mongoUri = pulumi.secret(args.mongoUri);
            this.registerOutputs({ mongoUri: this.mongoUri });
            return;
        }

        const opt = { parent: this };
        // The project and cluster hold the data: `pulumi destroy` and refactors must not delete them in production.
        const keep = { parent: this, protect: args.production, retainOnDelete: args.production };
        const atlasTags = tags(args.environment);

        const projectId = args.projectId
            ? pulumi.output(args.projectId)
            : new mongodbatlas.Project(childName(name, "project"), { name: args.projectName, orgId: args.orgId, tags: atlasTags }, keep).id;

        const cluster = new mongodbatlas.AdvancedCluster(
            childName(name, "cluster"),
            {
                projectId,
                name: args.clusterName,
                clusterType: "REPLICASET",
                mongoDbMajorVersion: args.mongoVersion,
                backupEnabled: true,
                pitEnabled: true,
                terminationProtectionEnabled: args.production,
                tags: atlasTags,
                replicationSpecs: [
                    {
                        regionConfigs: [
                            {
                                providerName: "AWS",
                                regionName: args.regionName,
                                priority: 7,
                                electableSpecs: { instanceSize: args.instanceSize, nodeCount: 3 },
                                autoScaling: { diskGbEnabled: true },
                            },
                        ],
                    },
                ],
            },
            keep,
        );

        // Never from config: generated, kept in state as a secret. URL-unreserved specials, yet still encoded in the URI.
        const password = new random.RandomPassword(
            childName(name, "user-password"),
            { length: 40, special: true, overrideSpecial: "-_.~", minLower: 1, minUpper: 1, minNumeric: 1 },
            opt,
        );
        new mongodbatlas.DatabaseUser(
            childName(name, "user"),
            {
                projectId,
                username: args.username,
                password: password.result,
                authDatabaseName: "admin",
                roles: [{ roleName: "readWrite", databaseName: args.databaseName }],
                scopes: [{ name: cluster.name, type: "CLUSTER" }],
            },
            opt,
        );

        for (const cidr of args.accessCidrs) {
            new mongodbatlas.ProjectIpAccessList(
                childName(name, `access-${cidr.replace(/[./]/g, "-")}`),
                { projectId, cidrBlock: cidr, comment: `membrane-${args.environment}: from membrane:atlasAccessCidrs` },
                opt,
            );
        }

        let srv: pulumi.Output<string>;
        if (args.privateLink) {
            const endpoint = new mongodbatlas.PrivateLinkEndpoint(
                childName(name, "private-link"),
                { projectId, providerName: "AWS", region: args.regionName },
                opt,
            );
            const securityGroup = new aws.ec2.SecurityGroup(
                childName(name, "endpoint-sg"),
                {
                    vpcId: args.network.vpcId,
                    description: `Atlas PrivateLink endpoint of membrane-${args.environment}`,
                    ingress: [
                        {
                            description:
                                "MongoDB from the VPC to the Atlas private endpoint (Atlas maps each node to a port in 1024-65535)",
                            protocol: "tcp",
                            ...PRIVATE_ENDPOINT_PORTS,
                            cidrBlocks: [args.network.vpcCidr],
                        },
                    ],
                    // An interface endpoint only answers; security groups are stateful.
                    egress: [],
                    tags: tags(args.environment, { Name: `membrane-${args.environment}-atlas-endpoint` }),
                },
                opt,
            );
            const vpcEndpoint = new aws.ec2.VpcEndpoint(
                childName(name, "vpc-endpoint"),
                {
                    vpcId: args.network.vpcId,
                    serviceName: endpoint.endpointServiceName,
                    vpcEndpointType: "Interface",
                    subnetIds: [...args.network.privateSubnetIds],
                    securityGroupIds: [securityGroup.id],
                    tags: tags(args.environment, { Name: `membrane-${args.environment}-atlas` }),
                },
                opt,
            );
            const service = new mongodbatlas.PrivateLinkEndpointService(
                childName(name, "private-link-service"),
                {
                    projectId: endpoint.projectId,
                    privateLinkId: endpoint.privateLinkId,
                    endpointServiceId: vpcEndpoint.id,
                    providerName: "AWS",
                },
                // The provider waits for the project's clusters to be IDLE after linking, so that their
                // private-endpoint strings exist; the cluster must exist by then.
                { parent: this, dependsOn: [cluster] },
            );
            // Atlas publishes the private-endpoint strings only once the endpoint service is available: read them after it.
            const current = mongodbatlas.getAdvancedClusterOutput(
                { projectId: cluster.projectId, name: cluster.name },
                { parent: this, dependsOn: [service] },
            );
            srv = pulumi.all([current.connectionStrings, vpcEndpoint.id]).apply(([strings, id]) => privateEndpointSrv(strings, id));
            this.vpcEndpointId = vpcEndpoint.id;
        } else {
            srv = cluster.connectionStrings.standardSrv;
        }

        this.mongoUri = pulumi.secret(
            pulumi.all([password.result, srv]).apply(([pw, s]) => mongoUri(args.username, pw, s, args.databaseName)),
        );
        this.projectId = projectId;
        this.clusterName = cluster.name;
        this.registerOutputs({
            mongoUri: this.mongoUri,
            projectId: this.projectId,
            clusterName: this.clusterName,
            vpcEndpointId: this.vpcEndpointId,
        });
    }
}

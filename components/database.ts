// Database: MongoDB for Membrane (vendor's guide: "MongoDB Atlas setup"). Atlas mode creates the project,
// an AdvancedCluster replica set on AWS, the application's database user and its network access (IP
// access list or AWS PrivateLink); external mode only hands on a URI the customer keeps as a secret.
import * as aws from "@pulumi/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childName, tags } from "./naming";

/** The Atlas project: an existing one (`id`), or one to create (`name` in the organization `orgId`). */
export type AtlasProjectArgs = { readonly id: pulumi.Input<string> } | { readonly name: string; readonly orgId: pulumi.Input<string> };

/** Atlas over AWS PrivateLink: an interface endpoint in the VPC Membrane runs in. */
export interface AtlasPrivateLinkArgs {
    /** The VPC of the endpoint and its security group. */
    readonly vpcId: pulumi.Input<string>;
    /** The clients allowed to reach the endpoint: the VPC's CIDR. */
    readonly vpcCidr: pulumi.Input<string>;
    /** The private subnets the endpoint's interfaces go into. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface AtlasDatabaseArgs {
    /** A MongoDB Atlas cluster, created here. */
    readonly mode: "atlas";
    /** Environment name, for tags and descriptions. */
    readonly environment: string;
    /** Atlas termination protection, and Pulumi protects and retains the project and cluster. Default false. */
    readonly production?: boolean;
    /** The project the cluster goes into. */
    readonly project: AtlasProjectArgs;
    /** The cluster's name. */
    readonly clusterName: string;
    /** Atlas's name of the AWS region, such as US_EAST_1. */
    readonly regionName: string;
    /** A dedicated tier on AWS, M10 or larger. */
    readonly instanceSize: string;
    /** A major MongoDB release, such as 8.0. */
    readonly mongoVersion: string;
    /** The application database: the user's role and MONGO_URI both name it. */
    readonly databaseName: string;
    /** The application's database user. */
    readonly username: string;
    /** Public CIDRs on the project's IP access list. Default none. */
    readonly accessCidrs?: readonly string[];
    /** Absent: no PrivateLink. */
    readonly privateLink?: AtlasPrivateLinkArgs;
}

export interface ExternalDatabaseArgs {
    /** The customer's own MongoDB: nothing is created. */
    readonly mode: "external";
    /** The customer's MongoDB URI; handed on as a secret. */
    readonly mongoUri: pulumi.Input<string>;
}

export type DatabaseArgs = AtlasDatabaseArgs | ExternalDatabaseArgs;

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

        const production = args.production ?? false;
        const projectId = this.project(name, args, production);
        const cluster = this.cluster(name, args, projectId, production);
        const password = this.user(name, args, projectId, cluster);
        for (const cidr of args.accessCidrs ?? []) {
            new mongodbatlas.ProjectIpAccessList(
                childName(name, `access-${cidr.replace(/[./]/g, "-")}`),
                { projectId, cidrBlock: cidr, comment: `membrane-${args.environment}: from membrane:atlasAccessCidrs` },
                { parent: this },
            );
        }
        const link = args.privateLink && this.privateLink(name, args, args.privateLink, { projectId, cluster });
        const srv = link ? link.srv : cluster.connectionStrings.standardSrv;

        this.mongoUri = pulumi.secret(
            pulumi.all([password.result, srv]).apply(([pw, s]) => mongoUri(args.username, pw, s, args.databaseName)),
        );
        this.projectId = projectId;
        this.clusterName = cluster.name;
        this.vpcEndpointId = link?.vpcEndpointId;
        this.registerOutputs({
            mongoUri: this.mongoUri,
            projectId: this.projectId,
            clusterName: this.clusterName,
            vpcEndpointId: this.vpcEndpointId,
        });
    }

    /** The given project's id, or a new project's. The project holds the data: protected and retained in production. */
    private project(name: string, args: AtlasDatabaseArgs, production: boolean): pulumi.Output<string> {
        const p = args.project;
        if ("id" in p) {
            return pulumi.output(p.id);
        }
        return new mongodbatlas.Project(
            childName(name, "project"),
            { name: p.name, orgId: p.orgId, tags: tags(args.environment) },
            { parent: this, protect: production, retainOnDelete: production },
        ).id;
    }

    /** A 3-node replica set on AWS with backups and point-in-time recovery; protected and retained in production. */
    private cluster(
        name: string,
        args: AtlasDatabaseArgs,
        projectId: pulumi.Output<string>,
        production: boolean,
    ): mongodbatlas.AdvancedCluster {
        return new mongodbatlas.AdvancedCluster(
            childName(name, "cluster"),
            {
                projectId,
                name: args.clusterName,
                clusterType: "REPLICASET",
                mongoDbMajorVersion: args.mongoVersion,
                backupEnabled: true,
                pitEnabled: true,
                terminationProtectionEnabled: production,
                tags: tags(args.environment),
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
            { parent: this, protect: production, retainOnDelete: production },
        );
    }

    /** The application's user, readWrite on its database in this cluster only; returns its generated password. */
    private user(
        name: string,
        args: AtlasDatabaseArgs,
        projectId: pulumi.Output<string>,
        cluster: mongodbatlas.AdvancedCluster,
    ): random.RandomPassword {
        // Never from config: generated, kept in state as a secret. URL-unreserved specials, yet still encoded in the URI.
        const password = new random.RandomPassword(
            childName(name, "user-password"),
            { length: 40, special: true, overrideSpecial: "-_.~", minLower: 1, minUpper: 1, minNumeric: 1 },
            { parent: this },
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
            { parent: this },
        );
        return password;
    }

    /**
     * Atlas's private endpoint service, an interface endpoint to it in the VPC, and the link between them.
     * Returns the endpoint's id and the cluster's private-endpoint SRV string for it.
     */
    private privateLink(
        name: string,
        args: AtlasDatabaseArgs,
        link: AtlasPrivateLinkArgs,
        atlas: { projectId: pulumi.Output<string>; cluster: mongodbatlas.AdvancedCluster },
    ): { srv: pulumi.Output<string>; vpcEndpointId: pulumi.Output<string> } {
        const endpoint = new mongodbatlas.PrivateLinkEndpoint(
            childName(name, "private-link"),
            { projectId: atlas.projectId, providerName: "AWS", region: args.regionName },
            { parent: this },
        );
        const sg = this.endpointSecurityGroup(name, args.environment, link);
        const vpcEndpoint = new aws.ec2.VpcEndpoint(
            childName(name, "vpc-endpoint"),
            {
                vpcId: link.vpcId,
                serviceName: endpoint.endpointServiceName,
                vpcEndpointType: "Interface",
                subnetIds: link.subnetIds,
                securityGroupIds: [sg.group.id],
                tags: tags(args.environment, { Name: `membrane-${args.environment}-atlas` }),
            },
            // Never in a group without its rule, not even while a replaced group takes over.
            { parent: this, dependsOn: [sg.ingress] },
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
            { parent: this, dependsOn: [atlas.cluster] },
        );
        // Atlas publishes the private-endpoint strings only once the endpoint service is available: read them after it.
        const current = mongodbatlas.getAdvancedClusterOutput(
            { projectId: atlas.cluster.projectId, name: atlas.cluster.name },
            { parent: this, dependsOn: [service] },
        );
        const srv = pulumi.all([current.connectionStrings, vpcEndpoint.id]).apply(([strings, id]) => privateEndpointSrv(strings, id));
        return { srv, vpcEndpointId: vpcEndpoint.id };
    }

    /**
     * The interface endpoint's security group: Atlas's port range from the VPC CIDR, as a separate rule
     * like every rule in this program. No egress rule: the provider removes AWS's default allow-all
     * egress when it creates the group, and an interface endpoint only answers (security groups are stateful).
     */
    private endpointSecurityGroup(
        name: string,
        environment: string,
        link: AtlasPrivateLinkArgs,
    ): { group: aws.ec2.SecurityGroup; ingress: aws.vpc.SecurityGroupIngressRule } {
        const group = new aws.ec2.SecurityGroup(
            childName(name, "endpoint-sg"),
            {
                namePrefix: `membrane-${environment}-atlas-endpoint-`,
                vpcId: link.vpcId,
                description: `Atlas PrivateLink endpoint of membrane-${environment}`,
                tags: tags(environment, { Name: `membrane-${environment}-atlas-endpoint` }),
            },
            { parent: this },
        );
        const ingress = new aws.vpc.SecurityGroupIngressRule(
            childName(name, "endpoint-ingress-vpc"),
            {
                securityGroupId: group.id,
                description: "MongoDB from the VPC to the Atlas private endpoint (Atlas maps each node to a port in 1024-65535)",
                ipProtocol: "tcp",
                ...PRIVATE_ENDPOINT_PORTS,
                cidrIpv4: link.vpcCidr,
                tags: tags(environment),
            },
            { parent: this },
        );
        return { group, ingress };
    }
}

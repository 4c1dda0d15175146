// Database: MongoDB for Membrane (vendor's guide: "MongoDB Atlas setup"). Atlas mode creates the project,
// an AdvancedCluster replica set on AWS, the application's database user and its network access (IP
// access list or AWS PrivateLink); external mode only hands on a URI the customer keeps as a secret.
import * as aws from "../../lib/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { IMPORT_IDS, settle } from "../adoption";
import { ExistingAtlasCluster, reviewAtlasCluster, reviewAtlasProject } from "./adoption";
import { endpointSubnetProblems, lookup, missingAdoptedMessage, vpcDnsProblems, warnAll, StackError } from "../../lib/lookups";
import { lookUpNetwork } from "../network";
import { childName, tags } from "../../lib/naming";

/**
 * The Atlas project: an existing one used as it is (`id`), one to create (`name` in the organization
 * `orgId`), or an existing one adopted and managed from now on (`adoptId`; it keeps its name, and its
 * organization unless `orgId` is given).
 */
export type AtlasProjectArgs =
    | { readonly id: pulumi.Input<string> }
    | { readonly name: string; readonly orgId: pulumi.Input<string> }
    | { readonly adoptId: string; readonly name: string; readonly orgId?: string };

/** Atlas over AWS PrivateLink: an interface endpoint in the VPC Membrane runs in. */
export interface AtlasPrivateLinkArgs {
    /** The VPC of the endpoint and its security group. */
    readonly vpcId: pulumi.Input<string>;
    /** The clients allowed to reach the endpoint: the VPC's CIDR. */
    readonly vpcCidr: pulumi.Input<string>;
    /** The private subnets the endpoint's interfaces go into. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** aws:region: the subnets' availability zones must be in it. */
    readonly region: string;
    /** How long `pulumi up` waits for Atlas to publish the private-endpoint string before deriving it. Default DEFAULT_PRIVATE_ENDPOINT_WAIT. */
    readonly wait?: PrivateEndpointWait;
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
    /**
     * Adopt the existing cluster `clusterName` of the project (`id` or `adoptId`, a known string) with
     * Pulumi's `import` option, after a look-up. Absent: create the cluster.
     */
    readonly adoptCluster?: { readonly keepExistingSettings: boolean };
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

/** The oldest TLS version the cluster accepts (mongodbatlas v4: TLS1_2 or TLS1_3); the Node.js driver Membrane uses speaks both. */
export const ATLAS_MINIMUM_TLS = "TLS1_2";

// Atlas private endpoints on AWS: the interface endpoint forwards to one port per node, mapped into 1024-65535
// (Atlas docs, "Learn About Private Endpoints", Port Ranges Used for Private Endpoints); 27017 is in that range.
const PRIVATE_ENDPOINT_PORTS = { fromPort: 1024, toPort: 65535 };

/** A cluster's connection strings as Atlas lists them (`privateEndpoints` is null before any private endpoint covers its region). */
export interface ConnectionStrings {
    readonly privateEndpoints: ReadonlyArray<{
        readonly srvConnectionString: string;
        readonly endpoints: ReadonlyArray<{ readonly endpointId: string }>;
    }>;
}

/** The private-endpoint SRV string of the interface endpoint `endpointId`; undefined while Atlas has not published it. */
export function privateEndpointSrv(strings: ConnectionStrings, endpointId: string): string | undefined {
    const entry = (strings?.privateEndpoints ?? []).find((pe) => (pe.endpoints ?? []).some((e) => e.endpointId === endpointId));
    return entry?.srvConnectionString || undefined;
}

/**
 * The private-endpoint SRV string as Atlas forms it for a single-region cluster reached through one
 * endpoint service: the standard SRV host with `-pl-0` after the cluster's name
 * (`mongodb+srv://membrane-prod.ab1cd.mongodb.net` -> `mongodb+srv://membrane-prod-pl-0.ab1cd.mongodb.net`).
 * The program creates the region's only endpoint service in the project, so the index is 0.
 */
export function derivedPrivateEndpointSrv(standardSrv: string): string {
    const m = /^mongodb\+srv:\/\/([^./?#@\s]+)\.([^/?#@\s]+?)\/?$/.exec(standardSrv);
    if (!m) {
        throw new Error(`expected Atlas's standard SRV string such as mongodb+srv://cluster0.abcde.mongodb.net (got "${standardSrv}")`);
    }
    return `mongodb+srv://${m[1]}-pl-0.${m[2]}`;
}

/** How long to wait for Atlas to publish the private-endpoint string after the link: reads, and seconds between them. */
export interface PrivateEndpointWait {
    readonly attempts: number;
    readonly intervalSeconds: number;
}

/** Ten minutes, read every 30 seconds: Atlas publishes the string 3 to 5 minutes after the link (terraform-provider-mongodbatlas#481). */
export const DEFAULT_PRIVATE_ENDPOINT_WAIT: PrivateEndpointWait = { attempts: 20, intervalSeconds: 30 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The project of an adopted cluster, which its import id names: it must be known before anything is registered. */
function adoptedProjectId(args: AtlasDatabaseArgs): string {
    const p = args.project;
    const id = "adoptId" in p ? p.adoptId : "id" in p ? p.id : undefined;
    if (typeof id !== "string") {
        throw new Error("adopting an Atlas cluster needs the project's id as a string (project.id or project.adoptId)");
    }
    return id;
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
    /** Atlas mode: the cluster and its project, for what attaches to them (the backup schedule, the alerts). */
    readonly atlas?: { readonly projectId: pulumi.Output<string>; readonly clusterName: pulumi.Output<string> };

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
        this.atlas = { projectId: this.projectId, clusterName: this.clusterName };
        this.registerOutputs({
            mongoUri: this.mongoUri,
            projectId: this.projectId,
            clusterName: this.clusterName,
            vpcEndpointId: this.vpcEndpointId,
        });
    }

    /** The given project's id, or a new or adopted project's. The project holds the data: protected and retained in production, and when adopted. */
    private project(name: string, args: AtlasDatabaseArgs, production: boolean): pulumi.Output<string> {
        const p = args.project;
        if ("id" in p) {
            return pulumi.output(p.id);
        }
        const adopted = "adoptId" in p ? this.adoptedProject(p) : undefined;
        const keep = production || adopted !== undefined;
        return new mongodbatlas.Project(
            childName(name, "project"),
            { name: adopted?.name ?? p.name, orgId: adopted?.orgId ?? p.orgId ?? "", tags: tags(args.environment) },
            { parent: this, protect: keep, retainOnDelete: keep, import: "adoptId" in p ? IMPORT_IDS.atlasProject(p.adoptId) : undefined },
        ).id;
    }

    /** The adopted project's name and organization, kept; a different organization is refused (Atlas would replace the project). */
    private adoptedProject(p: {
        readonly adoptId: string;
        readonly name: string;
        readonly orgId?: string;
    }): pulumi.Output<{ name: string; orgId: string }> {
        const found = lookup(mongodbatlas.getProject({ projectId: p.adoptId }, { parent: this }), (reason) =>
            missingAdoptedMessage("existingAtlasProjectId", `the Atlas project ${p.adoptId}`, reason),
        );
        return pulumi.output(
            found.then((e) => {
                warnAll(settle(reviewAtlasProject({ id: p.adoptId, name: e.name, orgId: e.orgId }, p)), this);
                return { name: e.name ?? p.name, orgId: p.orgId || e.orgId };
            }),
        );
    }

    /**
     * A 3-node replica set on AWS with backups and point-in-time recovery; protected and retained in
     * production, and when adopted.
     */
    private cluster(
        name: string,
        args: AtlasDatabaseArgs,
        projectId: pulumi.Output<string>,
        production: boolean,
    ): mongodbatlas.AdvancedCluster {
        const settings = args.adoptCluster
            ? this.adoptedCluster(args, args.adoptCluster.keepExistingSettings)
            : pulumi.output({ instanceSize: args.instanceSize, mongoVersion: args.mongoVersion });
        const keep = production || args.adoptCluster !== undefined;
        return new mongodbatlas.AdvancedCluster(
            childName(name, "cluster"),
            {
                projectId,
                name: args.clusterName,
                clusterType: "REPLICASET",
                mongoDbMajorVersion: settings.mongoVersion,
                backupEnabled: true,
                pitEnabled: true,
                terminationProtectionEnabled: production,
                // Explicit, not Atlas's default of the day: the vendor's Terraform sets it too (mongo_atlas/cluster.tf).
                advancedConfiguration: { minimumEnabledTlsProtocol: ATLAS_MINIMUM_TLS },
                tags: tags(args.environment),
                replicationSpecs: [
                    {
                        regionConfigs: [
                            {
                                providerName: "AWS",
                                regionName: args.regionName,
                                priority: 7,
                                electableSpecs: { instanceSize: settings.instanceSize, nodeCount: 3 },
                                autoScaling: { diskGbEnabled: true },
                            },
                        ],
                    },
                ],
            },
            {
                parent: this,
                protect: keep,
                retainOnDelete: keep,
                import: args.adoptCluster && IMPORT_IDS.atlasCluster(adoptedProjectId(args), args.clusterName),
            },
        );
    }

    /** The existing cluster's tier and MongoDB version (kept, or the args'), after the review; a cluster this program cannot run is refused. */
    private adoptedCluster(args: AtlasDatabaseArgs, keep: boolean): pulumi.Output<{ instanceSize: string; mongoVersion: string }> {
        const projectId = adoptedProjectId(args);
        const found = lookup(mongodbatlas.getAdvancedCluster({ projectId, name: args.clusterName }, { parent: this }), (reason) =>
            missingAdoptedMessage("existingAtlasClusterName", `the Atlas cluster ${args.clusterName} of project ${projectId}`, reason),
        );
        const wanted = {
            regionName: args.regionName,
            instanceSize: args.instanceSize,
            mongoVersion: args.mongoVersion,
            terminationProtection: args.production ?? false,
            databaseName: args.databaseName,
            username: args.username,
        };
        return pulumi.output(
            found.then((e) => {
                const { review, settings } = reviewAtlasCluster(e as ExistingAtlasCluster, wanted, keep);
                warnAll(settle(review), this);
                return settings;
            }),
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
        const network = this.endpointNetwork(link);
        const endpoint = new mongodbatlas.PrivateLinkEndpoint(
            childName(name, "private-link"),
            { projectId: atlas.projectId, providerName: "AWS", region: args.regionName },
            { parent: this },
        );
        const sg = this.endpointSecurityGroup(name, args.environment, { ...link, vpcId: network.vpcId, vpcCidr: network.vpcCidr });
        const vpcEndpoint = new aws.ec2.VpcEndpoint(
            childName(name, "vpc-endpoint"),
            {
                vpcId: network.vpcId,
                serviceName: endpoint.endpointServiceName,
                vpcEndpointType: "Interface",
                subnetIds: network.subnetIds,
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
        const cluster = atlas.cluster;
        const srv = pulumi
            .all([service.id, cluster.projectId, cluster.name, cluster.connectionStrings, vpcEndpoint.id])
            .apply(([, projectId, clusterName, strings, endpointId]) =>
                this.publishedPrivateSrv({ projectId, clusterName, endpointId, standardSrv: strings.standardSrv }, link.wait),
            );
        return { srv, vpcEndpointId: vpcEndpoint.id };
    }

    /**
     * The private-endpoint SRV string Atlas publishes for the endpoint. Atlas lists it minutes after the
     * link, sometimes after `pulumi up` has moved on (terraform-provider-mongodbatlas#2782): `pulumi up`
     * reads the cluster again every `intervalSeconds`, `attempts` times; if Atlas still lists none, the
     * string is derived as Atlas forms it, with a warning, so the first `up` still yields a MONGO_URI.
     * A preview reads once and never waits.
     */
    private async publishedPrivateSrv(
        c: { projectId: string; clusterName: string; endpointId: string; standardSrv: string },
        wait: PrivateEndpointWait = DEFAULT_PRIVATE_ENDPOINT_WAIT,
    ): Promise<string> {
        const attempts = pulumi.runtime.isDryRun() ? 1 : Math.max(1, wait.attempts);
        for (let i = 0; i < attempts; i++) {
            if (i > 0) {
                await sleep(wait.intervalSeconds * 1000);
            }
            const current = await mongodbatlas.getAdvancedCluster({ projectId: c.projectId, name: c.clusterName }, { parent: this });
            const published = privateEndpointSrv(current.connectionStrings, c.endpointId);
            if (published) {
                return published;
            }
        }
        const derived = derivedPrivateEndpointSrv(c.standardSrv);
        pulumi.log.warn(
            `Atlas has not published the private-endpoint connection string of cluster ${c.clusterName} for ${c.endpointId} yet ` +
                `(${attempts} read${attempts > 1 ? "s" : ""}${attempts > 1 ? ` over ${Math.round(((attempts - 1) * wait.intervalSeconds) / 60)} min` : ""}): ` +
                `MONGO_URI uses ${derived}, the name Atlas gives this cluster's private endpoint, which resolves once Atlas publishes it. ` +
                `Run pulumi up again later: it then takes the string from Atlas (raise membrane:atlasPrivateEndpointWaitMinutes to wait longer).`,
            this,
        );
        return derived;
    }

    /**
     * The VPC and subnets, once checked against what AWS would refuse and against the stack: subnets
     * outside the VPC or the region, two in one availability zone, a VPC without DNS support or hostnames,
     * a membrane:vpcCidr that is none of the VPC's blocks. The look-ups run at preview, so the preview
     * stops before anything is created.
     */
    private endpointNetwork(link: AtlasPrivateLinkArgs): {
        vpcId: pulumi.Output<string>;
        vpcCidr: pulumi.Output<string>;
        subnetIds: pulumi.Output<string[]>;
    } {
        const checked = pulumi.all([link.vpcId, link.vpcCidr, link.subnetIds]).apply(async ([vpcId, vpcCidr, subnetIds]) => {
            const network = await lookUpNetwork({ vpcId, vpcCidr, subnetIds, region: link.region }, this);
            const problems = [
                ...network.problems,
                ...vpcDnsProblems({ ...network.vpc, id: vpcId }),
                ...endpointSubnetProblems(vpcId, network.subnets),
            ];
            if (problems.length > 0) {
                throw new StackError(`the Atlas PrivateLink endpoint cannot be created:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
            }
            return { vpcId, vpcCidr, subnetIds };
        });
        return { vpcId: checked.vpcId, vpcCidr: checked.vpcCidr, subnetIds: checked.subnetIds };
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

// Database's keys -> Database's args: MongoDB Atlas (project, cluster, user, network access, what is adopted)
// or an external MongoDB URI, which goes on only as a secret. Mocks accept anything, Atlas does not: its
// limits are checked here, each with its source.
import * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr } from "../../lib/cidr";
import { ConfigReader, duplicates, fullKey } from "../../lib/config-reader";
import { atlasNames } from "../../lib/naming";
import { ATLAS_ID } from "../../lib/patterns";
import type { AdoptionConfig } from "../adoption-settings";
import type { Network, Stack } from "../stack-settings";
import { ATLAS_AWS_REGIONS, ATLAS_AWS_TIERS, atlasRegion } from "./atlas";
import { BACKUP_KEYS } from "./backup-settings";
import type { AtlasDatabaseArgs, DatabaseArgs } from "./database";

/** The project and cluster names, and the project to use or create. */
interface AtlasProject {
    /** Organization of the project to create; "" when `projectId` names an existing project. */
    readonly orgId: string;
    /** An existing project; "" = create `projectName`. */
    readonly projectId: string;
    readonly projectName: string;
    readonly clusterName: string;
}

const MONGO_VERSION = /^(\d+)\.(\d+)$/;
// A project rule, not Atlas's: the user name is a plain identifier, easy to read in logs and in MONGO_URI.
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
// MongoDB reserves these databases; readWrite on one of them is not an application database.
const RESERVED_DATABASES = ["admin", "local", "config"];
// Atlas project and cluster names are at most 64 characters.
const ATLAS_NAME_MAX = 64;
// Atlas allows 200 IP access list entries per project.
const ACCESS_LIST_MAX = 200;

/** Address ranges that are not reachable from the internet: an Atlas access list entry for them admits nobody. */
const NON_PUBLIC_RANGES: ReadonlyArray<[string, string]> = [
    ["10.0.0.0/8", "a private (RFC 1918) range"],
    ["172.16.0.0/12", "a private (RFC 1918) range"],
    ["192.168.0.0/16", "a private (RFC 1918) range"],
    ["100.64.0.0/10", "the carrier-grade NAT range (RFC 6598)"],
    ["127.0.0.0/8", "the loopback range"],
    ["169.254.0.0/16", "the link-local range"],
    ["0.0.0.0/8", 'the "this network" range'],
    ["224.0.0.0/4", "the multicast range"],
    ["240.0.0.0/4", "a reserved range"],
];

function toInt(octets: number[]): number {
    return octets.reduce((acc, o) => acc * 256 + o, 0);
}

/** The non-public range that contains the whole of `cidr`, if any. */
export function nonPublicRange(octets: number[], prefix: number): string | undefined {
    for (const [range, what] of NON_PUBLIC_RANGES) {
        const parsed = parseIpv4Cidr(range);
        if (typeof parsed === "string" || prefix < parsed.prefix) {
            continue;
        }
        const size = 2 ** (32 - parsed.prefix);
        if (Math.floor(toInt(octets) / size) === Math.floor(toInt(parsed.octets) / size)) {
            return `${range}, ${what}`;
        }
    }
    return undefined;
}

/** MongoDB's database name rules (MongoDB manual, "Naming Restrictions"), plus the reserved databases. */
export function databaseNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (name.length === 0 || name.length > 63) {
        problems.push(`must be 1 to 63 characters: MongoDB database names are shorter than 64 (got ${name.length})`);
    }
    if (/[/\\. "$]/.test(name) || name.includes("\0")) {
        problems.push('must not contain / \\ . space " $ or a null character');
    }
    if (RESERVED_DATABASES.includes(name.toLowerCase())) {
        problems.push(`must not be MongoDB's reserved "${name}" database: readWrite there is not an application database`);
    }
    return problems;
}

function readProject(r: ConfigReader, environment: string, names: { nameSuffix: string; adoptsProject: boolean }): AtlasProject {
    const orgId = r.string("atlasOrgId");
    const projectId = r.string("atlasProjectId");
    if (orgId && !ATLAS_ID.test(orgId)) {
        r.problem("atlasOrgId", `must be an Atlas organization id: 24 lowercase hex digits (got "${orgId}")`);
    }
    if (projectId && !ATLAS_ID.test(projectId)) {
        r.problem("atlasProjectId", `must be an Atlas project id: 24 lowercase hex digits (got "${projectId}")`);
    }
    if (!orgId && !projectId && !names.adoptsProject) {
        r.problem(
            "atlasOrgId",
            "is required in atlas mode, to create the project membrane-<environment>, unless membrane:atlasProjectId or membrane:existingAtlasProjectId names an existing project",
        );
    }
    // Project names are unique in the organization, whatever the region: the suffix keeps a second region's stack apart.
    const { projectName, clusterName } = atlasNames(environment, names.nameSuffix);
    if (projectName.length > ATLAS_NAME_MAX) {
        r.problem(
            "environment",
            `makes the Atlas project and cluster name "${projectName}", ${projectName.length} characters long; Atlas allows ${ATLAS_NAME_MAX}`,
        );
    }
    return { orgId: projectId ? "" : orgId, projectId, projectName, clusterName };
}

function readRegionName(r: ConfigReader, region: string): string {
    const regionName = region ? atlasRegion(region) : undefined;
    if (region && !regionName) {
        r.problem(
            "aws:region",
            `Atlas has no dedicated clusters in AWS region "${region}", so the cluster cannot follow the VPC there (Atlas supports ${Object.keys(ATLAS_AWS_REGIONS).join(", ")}; GovCloud needs Atlas for Government)`,
        );
    }
    return regionName ?? "";
}

function readInstanceSize(r: ConfigReader): string {
    const instanceSize = r.string("atlasInstanceSize");
    if (/^(M0|M2|M5|FLEX)$/i.test(instanceSize)) {
        r.problem(
            "atlasInstanceSize",
            `must be a dedicated tier, M10 or larger: ${instanceSize} is a shared/Flex tier, which has no point-in-time recovery and no private endpoints, and which Atlas models with another resource shape (got "${instanceSize}")`,
        );
    } else if (/_NVME$/i.test(instanceSize)) {
        r.problem(
            "atlasInstanceSize",
            `NVMe tiers need their own storage and backup settings, which this program does not set; use ${ATLAS_AWS_TIERS.join(", ")} (got "${instanceSize}")`,
        );
    } else if (!ATLAS_AWS_TIERS.includes(instanceSize)) {
        r.problem("atlasInstanceSize", `must be an Atlas dedicated tier on AWS: ${ATLAS_AWS_TIERS.join(", ")} (got "${instanceSize}")`);
    }
    return instanceSize;
}

function readMongoVersion(r: ConfigReader): string {
    const mongoVersion = r.string("mongoVersion");
    const version = MONGO_VERSION.exec(mongoVersion);
    if (!version) {
        r.problem("mongoVersion", `must be a MongoDB major version such as 8.0 (got "${mongoVersion}")`);
    } else if (Number(version[1]) < 7) {
        // Atlas deploys only versions that have not reached end of life; 6.0 ended in July 2025.
        r.problem("mongoVersion", `must be 7.0 or newer: Atlas no longer deploys older versions (got "${mongoVersion}")`);
    } else if (Number(version[2]) !== 0) {
        // mongoDbMajorVersion takes major releases; rapid releases (8.1, 8.2) come only with versionReleaseSystem CONTINUOUS.
        r.problem(
            "mongoVersion",
            `must be a major release (x.0) such as 8.0: Atlas deploys rapid releases only on its continuous release track (got "${mongoVersion}")`,
        );
    }
    return mongoVersion;
}

function readDatabaseUser(r: ConfigReader): { databaseName: string; username: string } {
    const databaseName = r.string("mongoDatabase");
    for (const rule of databaseNameProblems(databaseName)) {
        r.problem("mongoDatabase", `${rule} (got "${databaseName}")`);
    }
    const username = r.string("mongoUsername");
    if (!USERNAME.test(username)) {
        r.problem("mongoUsername", `must be 1 to 64 letters, digits and . _ @ + -, starting with a letter or digit (got "${username}")`);
    }
    return { databaseName, username };
}

function readAtlas(r: ConfigReader, stack: Stack, network: Network, adoption: DatabaseAdoption): AtlasDatabaseArgs {
    const { region, production } = stack;
    const project = readProject(r, stack.environment, { nameSuffix: stack.nameSuffix, adoptsProject: !!adoption.atlasProjectId });
    const regionName = readRegionName(r, region);
    const instanceSize = readInstanceSize(r);
    const mongoVersion = readMongoVersion(r);
    const { databaseName, username } = readDatabaseUser(r);
    const privateLink = r.boolean("atlasPrivateLink");
    const allowAnywhere = r.boolean("atlasAllowAnywhere");
    const accessCidrs = r.list("atlasAccessCidrs");
    readAccessList(r, accessCidrs, privateLink, allowAnywhere, production);
    // An hour at most: past that, `pulumi up` would hold the stack's lock for a string it can derive.
    const privateEndpointWaitMinutes = r.integer("atlasPrivateEndpointWaitMinutes", { min: 0, max: 60 });
    const { atlasProjectId: adoptId, atlasClusterName } = adoption;
    return {
        mode: "atlas",
        environment: stack.environment,
        production,
        project: adoptId
            ? { adoptId, name: project.projectName, orgId: project.orgId || undefined }
            : project.projectId
              ? { id: project.projectId }
              : { name: project.projectName, orgId: project.orgId },
        adoptCluster: atlasClusterName ? { keepExistingSettings: adoption.keepExistingSettings } : undefined,
        clusterName: atlasClusterName ?? project.clusterName,
        regionName,
        instanceSize,
        mongoVersion,
        databaseName,
        username,
        accessCidrs,
        privateLink: privateLink
            ? {
                  vpcId: network.vpcId,
                  vpcCidr: network.vpcCidr,
                  subnetIds: [...network.privateSubnetIds],
                  region,
                  // Read every 30 seconds.
                  wait: { attempts: Math.max(1, privateEndpointWaitMinutes * 2), intervalSeconds: 30 },
              }
            : undefined,
    };
}

const VPC_HINT =
    "traffic from the VPC reaches Atlas from the NAT gateways' public addresses, so list those (for example 203.0.113.24/32); a private range on the access list admits nobody without VPC peering or PrivateLink (membrane:atlasPrivateLink)";

function readAccessList(
    r: ConfigReader,
    cidrs: readonly string[],
    privateLink: boolean,
    allowAnywhere: boolean,
    production: boolean,
): void {
    if (allowAnywhere && production) {
        r.problem(
            "atlasAllowAnywhere",
            "must be false in production (membrane:production is true): it opens the cluster's access list to the whole internet, protected by the password alone",
        );
    }
    if (!privateLink && cidrs.length === 0) {
        r.problem(
            "atlasAccessCidrs",
            `is empty and membrane:atlasPrivateLink is false, so nothing could connect to the cluster: ${VPC_HINT}; or set membrane:atlasPrivateLink: true`,
        );
    }
    if (privateLink && cidrs.length > 0) {
        // Both are allowed: the access list keeps existing clients connected while they move to the private endpoint.
        r.warn(
            `${fullKey("atlasAccessCidrs")} lists ${cidrs.length} ${cidrs.length === 1 ? "entry" : "entries"} and membrane:atlasPrivateLink is true: the program creates both, so the cluster stays reachable over the internet from ${cidrs.join(", ")} (its public access list), not through PrivateLink alone. Keep them only while clients move to the private endpoint (MONGO_URI already uses it), then set membrane:atlasAccessCidrs to [] and run pulumi up.`,
        );
    }
    if (cidrs.length > ACCESS_LIST_MAX) {
        r.problem("atlasAccessCidrs", `lists ${cidrs.length} entries; Atlas allows ${ACCESS_LIST_MAX} per project`);
    }
    for (const cidr of duplicates(cidrs)) {
        r.problem("atlasAccessCidrs", `lists "${cidr}" more than once`);
    }
    const anywhere = cidrs.filter((cidr) => checkAccessCidr(r, cidr, allowAnywhere)).length > 0;
    if (allowAnywhere && !anywhere && !production) {
        r.warn(`${fullKey("atlasAllowAnywhere")} is true but membrane:atlasAccessCidrs does not list 0.0.0.0/0: it has no effect.`);
    } else if (allowAnywhere && cidrs.includes("0.0.0.0/0") && !production) {
        // The program lets the stack choose; the pack is the organisation's guard and decides on its own config.
        r.warn(
            `${fullKey("atlasAllowAnywhere")} opens the Atlas access list to the whole internet: the policy pack's atlas-no-open-access-list (mandatory) still refuses it, so npm start and npm run check exit 1. For this short-lived test stack, lower it in the stack's policy config: pulumi up --policy-pack policy --policy-pack-config <file> with {"atlas-no-open-access-list": "advisory"}.`,
        );
    }
}

/** Records what is wrong with one access list entry; true when it admits a large share of the internet. */
function checkAccessCidr(r: ConfigReader, cidr: string, allowAnywhere: boolean): boolean {
    const parsed = parseIpv4Cidr(cidr);
    if (typeof parsed === "string") {
        r.problem("atlasAccessCidrs", `"${cidr}" ${parsed.replace(/ \(got "[^"]*"\)$/, "")}`);
        return false;
    }
    // Below /8 a block is a large share of the internet (0.0.0.0/1 + 128.0.0.0/1 is all of it).
    if (parsed.prefix < 8) {
        if (!allowAnywhere) {
            const what =
                parsed.prefix === 0 ? "the whole internet" : `${2 ** (32 - parsed.prefix)} addresses, a large share of the internet`;
            r.problem(
                "atlasAccessCidrs",
                `"${cidr}" admits ${what}; list your NAT gateways' addresses instead, or, for a short-lived test stack only, set membrane:atlasAllowAnywhere: true`,
            );
        }
        return true;
    }
    const range = nonPublicRange(parsed.octets, parsed.prefix);
    if (range) {
        r.problem("atlasAccessCidrs", `"${cidr}" is inside ${range}: ${VPC_HINT}`);
    } else if (parsed.prefix < 16) {
        r.warn(
            `${fullKey("atlasAccessCidrs")}: "${cidr}" admits ${2 ** (32 - parsed.prefix)} addresses; a NAT gateway's address is a /32.`,
        );
    }
    return false;
}

/**
 * The keys only Atlas's resources read: with databaseMode external nothing in Atlas exists, and a warning names
 * those the stack sets. Pulumi.yaml's Database section lists them for the users (a test keeps the two equal),
 * with the adoption's existingAtlasProjectId and existingAtlasClusterName, which the adoption reader warns about.
 */
export const ATLAS_ONLY_KEYS: readonly string[] = [
    "atlasOrgId",
    "atlasProjectId",
    "atlasInstanceSize",
    "mongoVersion",
    "mongoDatabase",
    "mongoUsername",
    "atlasAccessCidrs",
    "atlasAllowAnywhere",
    "atlasPrivateLink",
    "atlasPrivateEndpointWaitMinutes",
    ...Object.values(BACKUP_KEYS),
    "atlasAlertReplicationLagSeconds",
    "atlasAlertDiskPercent",
    "atlasAlertConnectionsPercent",
];

/** What the database reader takes of the adoption keys. */
type DatabaseAdoption = Pick<AdoptionConfig, "atlasProjectId" | "atlasClusterName" | "keepExistingSettings">;

/** Atlas's args, or the external URI's, which enters the component only as a secret; problems go to `r`. */
export function readDatabase(r: ConfigReader, stack: Stack, network: Network, adoption: DatabaseAdoption): DatabaseArgs {
    const mode = r.oneOf<DatabaseArgs["mode"]>("databaseMode", ["atlas", "external"]);
    // Refused in either mode: a plain-text value sits in the stack file and in state in the clear.
    const externalMongoUri = r.secret("externalMongoUri");
    if (mode === "atlas") {
        if (externalMongoUri) {
            r.warn(`${fullKey("externalMongoUri")} is set but membrane:databaseMode is atlas: it is ignored.`);
        }
        return readAtlas(r, stack, network, adoption);
    }

    if (!externalMongoUri) {
        r.problem(
            "externalMongoUri",
            `is required when membrane:databaseMode is external: pulumi config set --secret ${fullKey("externalMongoUri")} 'mongodb+srv://...'`,
        );
    } else if (!/^mongodb(\+srv)?:\/\/[^\s/?#]+/.test(externalMongoUri)) {
        // Never echo the value: it holds a password.
        r.problem("externalMongoUri", "must be a mongodb:// or mongodb+srv:// URI with a host (the value is secret and not shown)");
    }
    const ignored = ATLAS_ONLY_KEYS.filter((k) => r.changed(k));
    if (ignored.length > 0) {
        r.warn(
            `membrane:databaseMode is external, so ${ignored.map((k) => fullKey(k)).join(", ")} ${ignored.length > 1 ? "are" : "is"} ignored.`,
        );
    }
    return { mode, mongoUri: pulumi.secret(externalMongoUri) };
}

// Adopting an Atlas project and cluster (the vendor's mongo_atlas module: a cluster in an existing project).
// The provider replaces a cluster whose name or project changes and a project whose organization changes
// (terraform-provider-mongodbatlas internal/service/advancedcluster/schema.go and project schema:
// RequiresReplace); both are the import id here, so only the organization can be refused. A cluster's
// MongoDB version only goes up, one major version at a time. Pure.
import { Difference, differs, Refusal, Review } from "../adoption";
import { ATLAS_AWS_TIERS } from "./atlas";

export interface ExistingAtlasProject {
    readonly id: string;
    readonly name?: string;
    readonly orgId?: string;
}

/** A project keeps its name (a rename would only confuse); it cannot move to another organization. */
export function reviewAtlasProject(e: ExistingAtlasProject, w: { readonly name: string; readonly orgId?: string }): Review {
    const refusals: Refusal[] =
        w.orgId && e.orgId && w.orgId !== e.orgId
            ? [
                  {
                      setting: "organization",
                      existing: e.orgId,
                      stack: w.orgId,
                      replaces: true,
                      fix: `Set membrane:atlasOrgId to ${e.orgId}, or leave it empty: the adopted project's organization is kept.`,
                  },
              ]
            : [];
    return { what: `Atlas project ${e.name ?? e.id} (${e.id})`, kept: differs("name", e.name, w.name), inPlace: [], notes: [], refusals };
}

/** A cluster as `getAdvancedCluster` shows it; absent fields compare nothing. */
export interface ExistingAtlasCluster {
    readonly name: string;
    readonly clusterType?: string;
    readonly mongoDbMajorVersion?: string;
    readonly backupEnabled?: boolean;
    readonly pitEnabled?: boolean;
    readonly terminationProtectionEnabled?: boolean;
    readonly replicationSpecs?: ReadonlyArray<{
        readonly regionConfigs?: ReadonlyArray<{
            readonly providerName?: string;
            readonly regionName?: string;
            readonly electableSpecs?: { readonly instanceSize?: string; readonly nodeCount?: number };
        }>;
    }>;
}

export interface WantedAtlasCluster {
    readonly regionName: string;
    readonly instanceSize: string;
    readonly mongoVersion: string;
    readonly terminationProtection: boolean;
    readonly databaseName: string;
    readonly username: string;
}

const unsupported = (setting: string, existing: string, stack: string, fix: string): Refusal => ({
    setting,
    existing,
    stack,
    replaces: false,
    fix,
});
const EXTERNAL = "or keep it outside this program: membrane:databaseMode: external with its MONGO_URI.";

/** The shapes the program's AdvancedCluster does not describe: sharded, multi-region, not on AWS in the stack's region. */
function shapeRefusals(e: ExistingAtlasCluster, w: WantedAtlasCluster): Refusal[] {
    const specs = e.replicationSpecs ?? [];
    const configs = specs.flatMap((s) => s.regionConfigs ?? []);
    const refusals: Refusal[] = [];
    if (e.clusterType && e.clusterType !== "REPLICASET") {
        refusals.push(unsupported("cluster type", e.clusterType, "REPLICASET", `This program adopts replica sets only, ${EXTERNAL}`));
    }
    if (specs.length > 1 || configs.length > 1) {
        const regions = configs.map((c) => `${c.providerName} ${c.regionName}`).join(", ");
        refusals.push(
            unsupported("regions", regions, `AWS ${w.regionName}`, `This program adopts single-region clusters only, ${EXTERNAL}`),
        );
    } else if (configs.length === 1 && (configs[0].providerName !== "AWS" || configs[0].regionName !== w.regionName)) {
        const where = `${configs[0].providerName} ${configs[0].regionName}`;
        refusals.push(
            unsupported(
                "cloud and region",
                where,
                `AWS ${w.regionName}`,
                `Adopt it from a stack in the AWS region of ${configs[0].regionName} (aws:region), ${EXTERNAL}`,
            ),
        );
    }
    return refusals;
}

/** The tier and MongoDB version: kept, or changed in place where Atlas can (never down, one major version at a time). */
function sizeAndVersion(
    e: ExistingAtlasCluster,
    w: WantedAtlasCluster,
    keep: boolean,
): { settings: { instanceSize: string; mongoVersion: string }; diffs: Difference[]; refusals: Refusal[] } {
    const tier = e.replicationSpecs?.[0]?.regionConfigs?.[0]?.electableSpecs?.instanceSize;
    const version = e.mongoDbMajorVersion;
    const refusals: Refusal[] = [];
    if (tier && !ATLAS_AWS_TIERS.includes(tier)) {
        refusals.push(
            unsupported(
                "tier",
                tier,
                w.instanceSize,
                `This program runs dedicated tiers (${ATLAS_AWS_TIERS.join(", ")}): upgrade the cluster in Atlas first, ${EXTERNAL}`,
            ),
        );
    }
    const diffs = [...differs("tier", tier, w.instanceSize), ...differs("MongoDB version", version, w.mongoVersion)];
    if (!keep && version && Number(w.mongoVersion) < Number(version)) {
        refusals.push(
            unsupported(
                "MongoDB version",
                version,
                w.mongoVersion,
                `Atlas cannot downgrade: set membrane:mongoVersion: "${version}", or membrane:adoptKeepExistingSettings: true.`,
            ),
        );
    } else if (!keep && version && Number(w.mongoVersion) - Number(version) > 1) {
        refusals.push(
            unsupported(
                "MongoDB version",
                version,
                w.mongoVersion,
                `Atlas upgrades one major version at a time: set membrane:mongoVersion: "${Number(version) + 1}.0" first.`,
            ),
        );
    }
    const settings = keep
        ? { instanceSize: tier ?? w.instanceSize, mongoVersion: version ?? w.mongoVersion }
        : { instanceSize: w.instanceSize, mongoVersion: w.mongoVersion };
    return { settings, diffs, refusals };
}

/**
 * Compares an existing cluster with the stack. With `keep`, the cluster keeps its tier and MongoDB version;
 * backups, point-in-time recovery, termination protection and the node count change in place.
 */
export function reviewAtlasCluster(
    e: ExistingAtlasCluster,
    w: WantedAtlasCluster,
    keep: boolean,
): { review: Review; settings: { instanceSize: string; mongoVersion: string } } {
    const { settings, diffs, refusals } = sizeAndVersion(e, w, keep);
    const nodes = e.replicationSpecs?.[0]?.regionConfigs?.[0]?.electableSpecs?.nodeCount;
    const inPlace = [
        ...(keep ? [] : diffs),
        ...differs("electable nodes", nodes, 3),
        ...differs("cloud backups", e.backupEnabled, true),
        ...differs("point-in-time recovery", e.pitEnabled, true),
        ...differs("termination protection", e.terminationProtectionEnabled, w.terminationProtection),
    ];
    return {
        settings,
        review: {
            what: `Atlas cluster ${e.name}`,
            kept: keep ? diffs : [],
            inPlace,
            notes: [
                `MONGO_URI names the database membrane:mongoDatabase (${w.databaseName}) and a user of this program, membrane:mongoUsername (${w.username}), with a new password; the existing users are left as they are. The database must be the one your current MONGO_URI names (the vendor's Atlas module used engine-<environment>), or Membrane starts on an empty one.`,
            ],
            refusals: [...shapeRefusals(e, w), ...refusals],
        },
    };
}

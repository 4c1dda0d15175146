// The stack's config -> every component's args, read by one reader per component, in one pass: every rule
// names its key, and all problems are reported together, before the program registers anything. Mocks
// accept any value, AWS does not: the limits AWS enforces are checked by the readers, each with its source.
import { unknownKeyProblems } from "../lib/config-keys";
import { ConfigError, ConfigReader, NAMESPACE, RawConfig } from "../lib/config-reader";
import { BUCKET_PURPOSES, bucketNameProblems, bucketNames, ENVIRONMENT, NAME_PREFIX } from "../lib/naming";
import { AdoptionConfig, adoptionKeysSet, readAdoption } from "./adoption-settings";
import { CdnSettings, readCdn } from "./cdn/settings";
import { BackupSettings, readBackup } from "./database/backup-settings";
import type { DatabaseArgs } from "./database/database";
import { readDatabase } from "./database/settings";
import { IamSettings, readIam } from "./iam/settings";
import { LogsSettings, MonitoringSettings, readLogs, readMonitoring } from "./observability/settings";
import { readRedis, RedisSettings } from "./redis/settings";
import type { AppSecretsArgs } from "./secrets/app-secrets";
import { CredentialsStoreSettings, readAppSecrets, readCredentialsStore } from "./secrets/settings";
import { readNetwork, readStack, Stack } from "./stack-settings";
import { EXISTING_BUCKET_KEYS } from "./storage/adoption";
import { readReplication, ReplicationSettings } from "./storage/replication-settings";
import { readStorage } from "./storage/settings";
import type { StorageArgs } from "./storage/storage";

/**
 * Every component's args, as far as the stack's config decides them; index.ts adds what one component
 * gives another. An optional component is absent when the stack turns it off.
 */
export interface Settings {
    /** aws:region, where everything but what CloudFront needs in us-east-1 lives. */
    readonly region: string;
    readonly storage: StorageArgs;
    readonly cdn: CdnSettings;
    readonly logs: LogsSettings;
    readonly iam: IamSettings;
    readonly redis: RedisSettings;
    readonly database: DatabaseArgs;
    /** Atlas only. */
    readonly backup?: BackupSettings;
    readonly replication?: ReplicationSettings;
    readonly monitoring?: MonitoringSettings;
    readonly appSecrets: AppSecretsArgs;
    readonly credentialsStore?: CredentialsStoreSettings;
    /** Not errors, but worth saying before a deploy (printed by the program and by `npm start`). */
    readonly warnings: readonly string[];
}

/** Validates the stack's config into every component's args, or throws a ConfigError listing every problem. */
export function readSettings(raw: RawConfig): Settings {
    const r = new ConfigReader(raw);
    for (const { key, rule } of unknownKeyProblems(r.keys(), NAMESPACE, raw.declaredKeys)) {
        r.problem(key, rule);
    }
    const stack = readStack(r, raw.stack);
    const adoption = readAdoption(r, {
        ecsTaskRole: r.string("ecsTaskRole") === "true",
        eksClusterName: r.string("eksClusterName"),
        atlas: r.string("databaseMode") === "atlas",
    });
    if (!stack.namePrefix && BUCKET_PURPOSES.some((p) => !adoption.buckets[p])) {
        r.warn(
            'membrane:namePrefix is empty: the bucket names are the vendor\'s bare names (for example prod-integration-app-tmp), which S3 gives to one account in the world. Set a prefix such as "acme-".',
        );
    }
    const network = readNetwork(r);
    const cdn = readCdn(r, stack, adoption);
    const storage = readStorage(r, stack, adoption.buckets);
    const iam = readIam(r, stack, adoption);
    const redis = readRedis(r, stack, network, adoption);
    const database = readDatabase(r, stack, network, adoption);
    const appSecrets = readAppSecrets(r, stack, adoptionKeysSet(r));
    const credentialsStore = readCredentialsStore(r, stack, iam);
    const namesValid = derivedNamesValid(stack);
    const logs = readLogs(r, stack, { namesValid, redis });
    const replication = readReplication(r, stack, {
        namesValid,
        logBucketName: logs.s3AccessLogs ? nameOf(logs.logBucketName) : undefined,
        logRetentionDays: logs.retentionDays,
        noncurrentVersionDays: storage.connectorsNoncurrentVersionDays,
        permissionsBoundaryArn: iam.permissionsBoundaryArn,
    });
    const backup = readBackup(r, stack, database.mode === "atlas");
    const monitoring = readMonitoring(r, stack);
    const settings = {
        region: stack.region,
        storage,
        cdn,
        logs,
        iam,
        redis,
        database,
        backup,
        replication,
        monitoring,
        appSecrets,
        credentialsStore,
    };
    if (namesValid) {
        for (const { keys, rule } of sharedNameProblems(adoption, stack, settings)) {
            r.problem(keys, rule);
        }
    }
    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return { ...settings, warnings: r.warnings };
}

/** Whether names derived from the environment, the prefix and the bucket names are worth checking: none of them is refused. */
function derivedNamesValid({ environment, namePrefix, nameSuffix }: Stack): boolean {
    return (
        ENVIRONMENT.test(environment) &&
        (namePrefix === "" || NAME_PREFIX.test(namePrefix)) &&
        Object.values(bucketNames(namePrefix, environment, nameSuffix)).every((name) => bucketNameProblems(name).length === 0)
    );
}

/** A name the readers gave as text (an Input only in the components' own signatures). */
function nameOf(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/**
 * Names the stack gives two of its resources of one kind. The derived names never meet, but an adopted
 * one can be any name: adopting one role as both the ECS and the Kubernetes role, or a bucket named like
 * the log bucket, would have two resources manage one (EntityAlreadyExists, or each overwriting the other).
 */
function sharedNameProblems(
    a: AdoptionConfig,
    stack: Stack,
    s: Pick<Settings, "iam" | "credentialsStore" | "replication" | "logs">,
): Array<{ keys: string; rule: string }> {
    const execution = s.credentialsStore?.ecsExecutionRole;
    const roles: Array<[string, string | undefined]> = [
        [a.ecsTaskRole ? "membrane:existingEcsTaskRoleName" : "the ECS task role", s.iam.ecsTaskRole?.roleName],
        [a.k8sRole ? "membrane:existingK8sRoleName" : "the Kubernetes service-account role", s.iam.eksRole?.roleName],
        ["the ECS execution role", execution?.kind === "create" ? execution.roleName : undefined],
        ["External Secrets Operator's role", s.credentialsStore?.esoPodIdentity?.roleName],
        ["the S3 replication role", s.replication?.roleName],
        ["the EC2 instance role", s.iam.ec2Role?.roleName],
    ];
    const bucketsByPurpose = { ...bucketNames(stack.namePrefix, stack.environment, stack.nameSuffix), ...a.buckets };
    const buckets: Array<[string, string | undefined]> = [
        ...BUCKET_PURPOSES.map((p): [string, string] => [
            a.buckets[p] ? `membrane:${EXISTING_BUCKET_KEYS[p]}` : `the ${p} bucket`,
            bucketsByPurpose[p],
        ]),
        ...(s.replication?.replicas ?? []).map((b): [string, string | undefined] => [
            `the ${b.key} bucket's replica`,
            nameOf(b.replicaName),
        ]),
        ["the replicas' log bucket", nameOf(s.replication?.accessLogs?.logBucketName)],
        ["the log bucket", nameOf(s.logs.logBucketName)],
    ];
    const problems: Array<{ keys: string; rule: string }> = [];
    for (const [kind, entries] of [
        ["IAM role", roles],
        ["S3 bucket", buckets],
    ] as const) {
        const byName = new Map<string, string[]>();
        for (const [what, name] of entries.filter(([, n]) => n)) {
            byName.set(name!, [...(byName.get(name!) ?? []), what]);
        }
        for (const [name, whats] of byName) {
            const keys = whats.filter((w) => w.startsWith("membrane:"));
            const others = whats.filter((w) => !w.startsWith("membrane:"));
            // Two adopted buckets of one name are readBuckets' problem already.
            if (whats.length > 1 && (kind === "IAM role" || others.length > 0)) {
                problems.push({
                    keys: keys.join(" and ") || "membrane:environment",
                    rule:
                        `${keys.length > 1 ? "name" : "names"} the ${kind} "${name}"${others.length > 0 ? `, which is ${others.join(" and ")} too` : ""}: ` +
                        `two resources of the stack cannot be one ${kind}; adopt another, or leave the key empty to create it`,
                });
            }
        }
    }
    return problems;
}

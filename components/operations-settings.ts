// Day-two operations: disaster recovery (bucket replication, the Atlas backup policy), logs and alarms,
// read in one place so that config.ts only hands over what they derive from. Pure.
import { BackupConfig, readBackupConfig } from "./database/backup-settings";
import type { DatabaseMode } from "./database/settings";
import { AlarmsConfig, LogsConfig, readAlarmsConfig, readLogsConfig } from "./observability/settings";
import { ConfigReader } from "../lib/config-reader";
import type { RedisConfig } from "./redis/settings";
import { readReplicationConfig, ReplicatedPurpose, ReplicationConfig } from "./storage/replication-settings";

export interface OperationsConfig {
    /** Cross-region replication of the connectors (and optionally static) bucket; absent when `s3Replication` is false. */
    readonly replication?: ReplicationConfig;
    /** The Atlas backup policy; absent with an external database. */
    readonly backup?: BackupConfig;
    readonly logs: LogsConfig;
    /** Absent when `alarms` is false. */
    readonly alarms?: AlarmsConfig;
}

/** What the operations keys derive from, every value already read (and checked) by the other readers. */
export interface OperationsContext {
    readonly region: string;
    readonly environment: string;
    readonly production: boolean;
    readonly namePrefix: string;
    /**
     * `-<region>` with membrane:regionInNames, else "": it ends the names unique beyond the stack's region
     * (the log bucket, the replication role, CloudFront's log delivery, alarms and topic in us-east-1).
     */
    readonly nameSuffix: string;
    /** False when the environment, the prefix or a bucket name is refused already: names derived from them would only repeat it. */
    readonly namesValid: boolean;
    readonly bucketNames: Readonly<Record<ReplicatedPurpose, string>>;
    readonly redis: Pick<RedisConfig, "engine" | "engineVersion">;
    readonly databaseMode: DatabaseMode;
}

export function readOperationsConfig(r: ConfigReader, ctx: OperationsContext, warnings: string[]): OperationsConfig {
    const logs = readLogsConfig(r, ctx, warnings);
    const replication = readReplicationConfig(r, {
        region: ctx.region,
        environment: ctx.environment,
        nameSuffix: ctx.nameSuffix,
        sourceNames: ctx.bucketNames,
        namesValid: ctx.namesValid,
        logBucketName: logs.s3AccessLogs ? logs.logBucketName : undefined,
    });
    // Read in either mode, so that a refused value is reported before someone switches to Atlas.
    const backup = readBackupConfig(r, ctx.production && ctx.databaseMode === "atlas");
    const alarms = readAlarmsConfig(r, ctx.environment, ctx.nameSuffix, warnings);
    return {
        ...(replication && { replication }),
        ...(ctx.databaseMode === "atlas" && { backup }),
        logs,
        ...(alarms && { alarms }),
    };
}

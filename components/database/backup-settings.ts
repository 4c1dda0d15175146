// Backup's keys, `atlasBackup*` and `atlasPitWindowDays` -> Backup's args: an explicit retention per snapshot
// frequency and the point-in-time window. Pure. Atlas refuses a policy whose less frequent snapshots are kept
// for less time than its more frequent ones; production refuses less than its floors.
import { ConfigReader, fullKey } from "../../lib/config-reader";
import type { Stack } from "../stack-settings";
import type { BackupArgs, BackupPolicy } from "./backup";

/** Backup's args but the cluster, which Database gives it. */
export type BackupSettings = Omit<BackupArgs, "projectId" | "clusterName">;

/**
 * Production's floors: Atlas's own default policy for a new cluster (snapshots every 6 hours kept 2
 * days, daily kept 7 days, weekly 4 weeks, monthly 12 months), so a production stack is never less
 * protected than an Atlas cluster nobody configured. The week of dailies covers damage noticed after a
 * weekend or a holiday, the monthlies a year of audits; a point-in-time window of 2 days rewinds a bad
 * script or migration run yesterday to the second.
 */
export const PRODUCTION_BACKUP_FLOORS: Readonly<Record<keyof BackupPolicy, number>> = {
    hourlyRetentionDays: 2,
    dailyRetentionDays: 7,
    weeklyRetentionWeeks: 4,
    monthlyRetentionMonths: 12,
    pitWindowDays: 2,
};

const FLOOR_REASONS: Readonly<Record<keyof BackupPolicy, string>> = {
    hourlyRetentionDays: "Atlas's default for a new cluster: restore points every 6 hours for the last two days",
    dailyRetentionDays: "Atlas's default: damage noticed after a weekend or a holiday is still restorable",
    weeklyRetentionWeeks: "Atlas's default: a month of weekly restore points",
    monthlyRetentionMonths: "Atlas's default: a year of monthly restore points, for audits and slowly noticed damage",
    pitWindowDays: "a bad script or migration run yesterday can be rewound to the second",
};

export const BACKUP_KEYS: Readonly<Record<keyof BackupPolicy, string>> = {
    hourlyRetentionDays: "atlasBackupHourlyRetentionDays",
    dailyRetentionDays: "atlasBackupDailyRetentionDays",
    weeklyRetentionWeeks: "atlasBackupWeeklyRetentionWeeks",
    monthlyRetentionMonths: "atlasBackupMonthlyRetentionMonths",
    pitWindowDays: "atlasPitWindowDays",
};

// Atlas's limits for cloud backup policy items (the same as Cloud Manager's: daily snapshots up to 365
// days, weekly up to 52 weeks, monthly up to 36 months; mongodb/docs considerations-backup-daemon-enable).
const RANGES: Readonly<Record<keyof BackupPolicy, { min: number; max: number }>> = {
    hourlyRetentionDays: { min: 1, max: 30 },
    dailyRetentionDays: { min: 1, max: 365 },
    weeklyRetentionWeeks: { min: 1, max: 52 },
    monthlyRetentionMonths: { min: 1, max: 36 },
    pitWindowDays: { min: 1, max: 365 },
};

/**
 * Every rule of Atlas's a policy breaks: a less frequent item must be kept at least as long as a more
 * frequent one (mongodbatlas CloudBackupSchedule, policyItemMonthly.retentionValue), compared in days
 * with a month counted as 4 weeks, the shortest a month can be; and the point-in-time window needs a
 * snapshot to start from, so it cannot reach further back than the daily snapshots are kept.
 */
export function backupPolicyProblems(b: BackupPolicy): Array<{ key: string; rule: string }> {
    const problems: Array<{ key: string; rule: string }> = [];
    // A rule between two keys names both: either may be the one to change.
    const both = (a: keyof BackupPolicy, other: keyof BackupPolicy) => `${fullKey(BACKUP_KEYS[a])} and ${fullKey(BACKUP_KEYS[other])}`;
    if (b.dailyRetentionDays < b.hourlyRetentionDays) {
        problems.push({
            key: both("dailyRetentionDays", "hourlyRetentionDays"),
            rule: `keep daily snapshots ${b.dailyRetentionDays} days, less than the 6-hourly ones (${b.hourlyRetentionDays} days); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second`,
        });
    }
    if (b.weeklyRetentionWeeks * 7 < b.dailyRetentionDays) {
        problems.push({
            key: both("weeklyRetentionWeeks", "dailyRetentionDays"),
            rule: `keep weekly snapshots ${b.weeklyRetentionWeeks * 7} days, less than the daily ones (${b.dailyRetentionDays} days); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second`,
        });
    }
    if (b.monthlyRetentionMonths * 4 < b.weeklyRetentionWeeks) {
        problems.push({
            key: both("monthlyRetentionMonths", "weeklyRetentionWeeks"),
            rule: `keep monthly snapshots ${b.monthlyRetentionMonths} months, less than the weekly ones (${b.weeklyRetentionWeeks} weeks); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second`,
        });
    }
    if (b.pitWindowDays > b.dailyRetentionDays) {
        problems.push({
            key: both("pitWindowDays", "dailyRetentionDays"),
            rule: `make a point-in-time window of ${b.pitWindowDays} days, longer than daily snapshots are kept (${b.dailyRetentionDays} days): a point-in-time restore starts from a snapshot before the chosen time; lower the first or raise the second`,
        });
    }
    return problems;
}

/**
 * Reads the backup policy, in either database mode so that a refused value is reported before someone switches
 * to Atlas; undefined without Atlas. In production with Atlas, values below PRODUCTION_BACKUP_FLOORS are refused.
 */
export function readBackup(r: ConfigReader, stack: Stack, atlas: boolean): BackupSettings | undefined {
    const policy = readPolicy(r, stack.production && atlas);
    return atlas ? { policy, production: stack.production } : undefined;
}

function readPolicy(r: ConfigReader, production: boolean): BackupPolicy {
    const read = (field: keyof BackupPolicy) => r.integer(BACKUP_KEYS[field], RANGES[field]);
    const b: BackupPolicy = {
        hourlyRetentionDays: read("hourlyRetentionDays"),
        dailyRetentionDays: read("dailyRetentionDays"),
        weeklyRetentionWeeks: read("weeklyRetentionWeeks"),
        monthlyRetentionMonths: read("monthlyRetentionMonths"),
        pitWindowDays: read("pitWindowDays"),
    };
    if (Object.values(b).some((v) => Number.isNaN(v))) {
        return b;
    }
    for (const { key, rule } of backupPolicyProblems(b)) {
        r.problem(key, rule);
    }
    if (production) {
        for (const field of Object.keys(PRODUCTION_BACKUP_FLOORS) as Array<keyof BackupPolicy>) {
            if (b[field] < PRODUCTION_BACKUP_FLOORS[field]) {
                r.problem(
                    BACKUP_KEYS[field],
                    `must be at least ${PRODUCTION_BACKUP_FLOORS[field]} in production (membrane:production is true; ${FLOOR_REASONS[field]}) (got ${b[field]})`,
                );
            }
        }
    }
    return b;
}

// Backup: the Atlas cluster's snapshot schedule with an explicit retention per frequency and the
// point-in-time restore window (the cluster keeps cloud backups and point-in-time recovery on). Redis
// has no part here: Membrane keeps only cache entries and queued jobs in it, nothing durable, so its
// snapshots stay an option of the Redis component (redisSnapshotRetentionLimit, 0 by default).
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../../lib/naming";

/** How long each kind of snapshot is kept, and the point-in-time window. */
export interface BackupPolicy {
    /** Snapshots every 6 hours, kept this many days. */
    readonly hourlyRetentionDays: number;
    /** A daily snapshot, kept this many days. */
    readonly dailyRetentionDays: number;
    /** A weekly snapshot (Sunday), kept this many weeks. */
    readonly weeklyRetentionWeeks: number;
    /** A monthly snapshot (last day of the month), kept this many months. */
    readonly monthlyRetentionMonths: number;
    /** How far back a point-in-time restore reaches, in days (continuous cloud backup's restore window). */
    readonly pitWindowDays: number;
}

export interface BackupArgs {
    /** The cluster's project. */
    readonly projectId: pulumi.Input<string>;
    /** The cluster: an output of the cluster resource, so the schedule follows its creation. */
    readonly clusterName: pulumi.Input<string>;
    /** Retention per frequency and the point-in-time window, validated (Atlas's ordering, production's floors). */
    readonly policy: BackupPolicy;
    /** Protect the schedule: deleting it leaves the cluster without scheduled snapshots. Default false. */
    readonly production?: boolean;
}

// Atlas's frequencies: every 6 hours (its default), daily, weekly on Sunday (7; 1 is Monday), monthly on
// the last day of the month (40) (mongodbatlas CloudBackupSchedule policy items).
export const SNAPSHOT_FREQUENCIES = { hourlyEveryHours: 6, daily: 1, weeklyDay: 7, monthlyDay: 40 } as const;

/** The schedule's policy items and window, as mongodbatlas.CloudBackupSchedule takes them. */
export function backupScheduleItems(p: BackupPolicy) {
    return {
        restoreWindowDays: p.pitWindowDays,
        policyItemHourly: {
            frequencyInterval: SNAPSHOT_FREQUENCIES.hourlyEveryHours,
            retentionUnit: "days",
            retentionValue: p.hourlyRetentionDays,
        },
        policyItemDaily: { frequencyInterval: SNAPSHOT_FREQUENCIES.daily, retentionUnit: "days", retentionValue: p.dailyRetentionDays },
        policyItemWeeklies: [
            { frequencyInterval: SNAPSHOT_FREQUENCIES.weeklyDay, retentionUnit: "weeks", retentionValue: p.weeklyRetentionWeeks },
        ],
        policyItemMonthlies: [
            { frequencyInterval: SNAPSHOT_FREQUENCIES.monthlyDay, retentionUnit: "months", retentionValue: p.monthlyRetentionMonths },
        ],
    };
}

export class Backup extends pulumi.ComponentResource {
    /** The point-in-time restore window, in days. */
    readonly pitWindowDays: pulumi.Output<number>;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:database:Backup", name, {}, opts);
        const schedule = new mongodbatlas.CloudBackupSchedule(
            childName(name, "schedule"),
            {
                projectId: args.projectId,
                clusterName: args.clusterName,
                ...backupScheduleItems(args.policy),
                // A changed retention applies to new snapshots only: shortening it never deletes a snapshot already taken.
                updateSnapshots: false,
            },
            // The schedule is one object per cluster: a replacement must delete the old one before creating
            // the new, or the old one's deletion would wipe the new policy.
            { parent: this, protect: args.production ?? false, deleteBeforeReplace: true },
        );
        this.pitWindowDays = schedule.restoreWindowDays.apply((d) => d ?? args.policy.pitWindowDays);
        this.registerOutputs({ pitWindowDays: this.pitWindowDays });
    }
}

// The Atlas backup schedule on the fixture stacks and their variants: its retention per frequency, the
// point-in-time window, protection in production, and none with an external database.
import { expect } from "chai";
import { Evaluation } from "../../../tools/engine";
import { byType, evaluate, fixtureStack, one, oneIn, programError } from "../../harness";

const SCHEDULE = "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule";
const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";

describe("backup", () => {
    const evals: Record<string, Evaluation> = {};
    before(async function () {
        this.timeout(120000);
        const [prod, staging, tuned, external] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:atlasBackupHourlyRetentionDays": 1,
                    "membrane:atlasBackupDailyRetentionDays": 14,
                    "membrane:atlasBackupWeeklyRetentionWeeks": 8,
                    "membrane:atlasBackupMonthlyRetentionMonths": 6,
                    "membrane:atlasPitWindowDays": 3,
                },
            }),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:databaseMode": "external",
                    "membrane:externalMongoUri": { secret: "mongodb+srv://u:p@h.example.net/db" },
                },
            }),
        ]);
        Object.assign(evals, { prod, staging, tuned, external });
    });

    for (const [stack, production] of [
        ["prod", true],
        ["staging", false],
    ] as const) {
        it(`${stack}: Atlas's default policy made explicit, a 7-day point-in-time window, for the stack's cluster`, () => {
            const ev = evals[stack];
            const schedule = oneIn(ev, "membrane:database:Backup", SCHEDULE);
            const cluster = one(ev, CLUSTER);
            expect(schedule.inputs).to.deep.equal({
                projectId: cluster.inputs.projectId,
                clusterName: `membrane-${stack}`,
                restoreWindowDays: 7,
                policyItemHourly: { frequencyInterval: 6, retentionUnit: "days", retentionValue: 2 },
                policyItemDaily: { frequencyInterval: 1, retentionUnit: "days", retentionValue: 7 },
                policyItemWeeklies: [{ frequencyInterval: 7, retentionUnit: "weeks", retentionValue: 4 }],
                policyItemMonthlies: [{ frequencyInterval: 40, retentionUnit: "months", retentionValue: 12 }],
                updateSnapshots: false,
            });
            // Created once the cluster is, through its name.
            expect(schedule.dependencies).to.include(cluster.urn);
            // Backups and point-in-time recovery stay on in the cluster itself.
            expect(cluster.inputs).to.deep.include({ backupEnabled: true, pitEnabled: true });
            expect(ev.outputs.atlasPitWindowDays).to.deep.equal({ value: 7, secret: false });
        });

        it(`${stack}: the schedule is ${production ? "" : "not "}protected, and a replacement deletes the old one first`, () => {
            const schedule = one(evals[stack], SCHEDULE);
            expect(schedule.protect).to.equal(production);
            expect(schedule.deleteBeforeReplace).to.equal(true);
        });
    }

    it("takes every retention and the window from config", () => {
        expect(one(evals.tuned, SCHEDULE).inputs).to.deep.include({
            restoreWindowDays: 3,
            policyItemHourly: { frequencyInterval: 6, retentionUnit: "days", retentionValue: 1 },
            policyItemDaily: { frequencyInterval: 1, retentionUnit: "days", retentionValue: 14 },
            policyItemWeeklies: [{ frequencyInterval: 7, retentionUnit: "weeks", retentionValue: 8 }],
            policyItemMonthlies: [{ frequencyInterval: 40, retentionUnit: "months", retentionValue: 6 }],
        });
    });

    it("production refuses a retention below its floor before anything is registered", async () => {
        const err = await programError({
            stack: "prod",
            overrides: { "membrane:atlasBackupDailyRetentionDays": 3, "membrane:atlasPitWindowDays": 3 },
        });
        expect(err.message).to.include("membrane:atlasBackupDailyRetentionDays: must be at least 7 in production");
        expect(err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
    });

    it("an external database: no schedule, no output", () => {
        expect(byType(evals.external, SCHEDULE)).to.deep.equal([]);
        expect(evals.external.outputs).to.not.have.property("atlasPitWindowDays");
    });
});

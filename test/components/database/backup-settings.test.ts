// The Atlas backup policy's keys as pure config: defaults, Atlas's rules, production's floors.
import { expect } from "chai";
import { backupPolicyProblems } from "../../../components/database/backup-settings";
import { readSettings } from "../../../components/settings";
import { problemsOf, raw, VALID } from "../../harness";

const parse = (values: Record<string, unknown>) => readSettings(raw({ ...VALID, ...values }));

describe("config: Atlas backup policy", () => {
    const DEFAULTS = {
        hourlyRetentionDays: 2,
        dailyRetentionDays: 7,
        weeklyRetentionWeeks: 4,
        monthlyRetentionMonths: 12,
        pitWindowDays: 7,
    };

    it("Atlas's own default policy and a 7-day point-in-time window by default; none with an external database", () => {
        expect(parse({}).backup).to.deep.equal({ policy: DEFAULTS, production: false });
        const external = readSettings(
            raw({ ...VALID, databaseMode: "external", externalMongoUri: "mongodb://h/db" }, ["externalMongoUri"]),
        );
        expect(external.backup).to.equal(undefined);
    });

    it("reads every retention", () => {
        const values = {
            atlasBackupHourlyRetentionDays: 3,
            atlasBackupDailyRetentionDays: 30,
            atlasBackupWeeklyRetentionWeeks: 8,
            atlasBackupMonthlyRetentionMonths: 24,
            atlasPitWindowDays: 14,
        };
        expect(parse(values).backup?.policy).to.deep.equal({
            hourlyRetentionDays: 3,
            dailyRetentionDays: 30,
            weeklyRetentionWeeks: 8,
            monthlyRetentionMonths: 24,
            pitWindowDays: 14,
        });
    });

    // A rule between two keys names both: either may be the one to change.
    it("pure: a less frequent snapshot is kept at least as long, and the window stays within the dailies", () => {
        expect(backupPolicyProblems(DEFAULTS)).to.deep.equal([]);
        const keys = (p: Partial<typeof DEFAULTS>) => backupPolicyProblems({ ...DEFAULTS, ...p }).map((x) => x.key);
        expect(keys({ dailyRetentionDays: 1, pitWindowDays: 1 })).to.deep.equal([
            "membrane:atlasBackupDailyRetentionDays and membrane:atlasBackupHourlyRetentionDays",
        ]);
        expect(keys({ dailyRetentionDays: 29, pitWindowDays: 2 })).to.deep.equal([
            "membrane:atlasBackupWeeklyRetentionWeeks and membrane:atlasBackupDailyRetentionDays",
        ]);
        expect(keys({ weeklyRetentionWeeks: 52, monthlyRetentionMonths: 12 })).to.deep.equal([
            "membrane:atlasBackupMonthlyRetentionMonths and membrane:atlasBackupWeeklyRetentionWeeks",
        ]);
        expect(keys({ weeklyRetentionWeeks: 48, monthlyRetentionMonths: 12 })).to.deep.equal([]);
        expect(keys({ pitWindowDays: 8 })).to.deep.equal(["membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays"]);
    });

    it("refuses what Atlas would, naming the key", () => {
        expect(problemsOf({ atlasBackupDailyRetentionDays: 1 })).to.deep.equal([
            "membrane:atlasBackupDailyRetentionDays and membrane:atlasBackupHourlyRetentionDays: keep daily snapshots 1 days, less than the 6-hourly ones (2 days); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second",
            "membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays: make a point-in-time window of 7 days, longer than daily snapshots are kept (1 days): a point-in-time restore starts from a snapshot before the chosen time; lower the first or raise the second",
        ]);
        expect(problemsOf({ atlasBackupMonthlyRetentionMonths: 37 })).to.deep.equal([
            "membrane:atlasBackupMonthlyRetentionMonths: must be between 1 and 36 (got 37)",
        ]);
    });

    it("production cannot go below its floors; outside production the same values are fine", () => {
        const low = {
            atlasBackupHourlyRetentionDays: 1,
            atlasBackupDailyRetentionDays: 3,
            atlasBackupWeeklyRetentionWeeks: 1,
            atlasBackupMonthlyRetentionMonths: 1,
            atlasPitWindowDays: 1,
        };
        expect(problemsOf(low)).to.deep.equal([]);
        const problems = problemsOf({ ...low, production: true, atlasAccessCidrs: [], atlasPrivateLink: true });
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal([
            "atlasBackupHourlyRetentionDays",
            "atlasBackupDailyRetentionDays",
            "atlasBackupWeeklyRetentionWeeks",
            "atlasBackupMonthlyRetentionMonths",
            "atlasPitWindowDays",
        ]);
        expect(problems[1]).to.equal(
            "membrane:atlasBackupDailyRetentionDays: must be at least 7 in production (membrane:production is true; Atlas's default: damage noticed after a weekend or a holiday is still restorable) (got 3)",
        );
        // At the floors exactly, production is satisfied.
        expect(problemsOf({ ...PRODUCTION_FLOORS, ...PRODUCTION })).to.deep.equal([]);
    });

    // Atlas's default policy, written out: the floors a production stack may not go below, never read from the source.
    const PRODUCTION_FLOORS = {
        atlasBackupHourlyRetentionDays: 2,
        atlasBackupDailyRetentionDays: 7,
        atlasBackupWeeklyRetentionWeeks: 4,
        atlasBackupMonthlyRetentionMonths: 12,
        atlasPitWindowDays: 2,
    };
    const PRODUCTION = { production: true, atlasAccessCidrs: [], atlasPrivateLink: true };
    const BELOW_FLOOR: Array<[keyof typeof PRODUCTION_FLOORS, number, string]> = [
        [
            "atlasBackupHourlyRetentionDays",
            1,
            "membrane:atlasBackupHourlyRetentionDays: must be at least 2 in production (membrane:production is true; Atlas's default for a new cluster: restore points every 6 hours for the last two days) (got 1)",
        ],
        [
            "atlasBackupDailyRetentionDays",
            6,
            "membrane:atlasBackupDailyRetentionDays: must be at least 7 in production (membrane:production is true; Atlas's default: damage noticed after a weekend or a holiday is still restorable) (got 6)",
        ],
        [
            "atlasBackupWeeklyRetentionWeeks",
            3,
            "membrane:atlasBackupWeeklyRetentionWeeks: must be at least 4 in production (membrane:production is true; Atlas's default: a month of weekly restore points) (got 3)",
        ],
        [
            "atlasBackupMonthlyRetentionMonths",
            11,
            "membrane:atlasBackupMonthlyRetentionMonths: must be at least 12 in production (membrane:production is true; Atlas's default: a year of monthly restore points, for audits and slowly noticed damage) (got 11)",
        ],
        [
            "atlasPitWindowDays",
            1,
            "membrane:atlasPitWindowDays: must be at least 2 in production (membrane:production is true; a bad script or migration run yesterday can be rewound to the second) (got 1)",
        ],
    ];
    for (const [key, value, problem] of BELOW_FLOOR) {
        it(`production refuses ${key} one below its floor, naming the floor; elsewhere it is fine`, () => {
            // Every other key at its floor: the one below is the only problem.
            expect(problemsOf({ ...PRODUCTION_FLOORS, ...PRODUCTION, [key]: value })).to.deep.equal([problem]);
            expect(problemsOf({ ...PRODUCTION_FLOORS, [key]: value })).to.deep.equal([]);
        });
    }

    it("takes a point-in-time window of up to 365 days, Atlas's limit, and refuses 366", () => {
        // A 365-day window needs dailies kept 365 days, which 52 weeks of weeklies (364 days) cannot cover:
        // that problem is the weekly key's; only the window's own problems are looked at here.
        const year = { atlasBackupDailyRetentionDays: 365, atlasBackupWeeklyRetentionWeeks: 52, atlasBackupMonthlyRetentionMonths: 13 };
        const windowProblems = (days: number) =>
            problemsOf({ ...year, atlasPitWindowDays: days }).filter((p) => p.startsWith("membrane:atlasPitWindowDays"));
        expect(windowProblems(365)).to.deep.equal([]);
        expect(windowProblems(366)).to.deep.equal([
            "membrane:atlasPitWindowDays: must be between 1 and 365 (got 366)",
            "membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays: make a point-in-time window of 366 days, longer than daily snapshots are kept (365 days): a point-in-time restore starts from a snapshot before the chosen time; lower the first or raise the second",
        ]);
    });

    it("production's floors do not apply to an external database, whose backups are the customer's", () => {
        const values = {
            production: true,
            databaseMode: "external",
            atlasAccessCidrs: [],
            atlasBackupDailyRetentionDays: 2,
            atlasPitWindowDays: 2,
        };
        expect(problemsOf({ ...values, externalMongoUri: "mongodb://h/db" }, ["externalMongoUri"])).to.deep.equal([]);
    });
});

// The escalation suite: the catalogue of test/support/escalation-catalogue.ts (privilege escalation from
// Rhino Security Labs' and PMapper's lists, the audit of issue 21, cross-stack isolation), simulated
// with AWS's evaluation logic (@cloud-copilot/iam-simulate) against the policies the deployments
// program registers: each stack's deploy policies, its boundary, and the key policy the Membrane program
// writes. Every attempt must be blocked, or be a near miss that docs/deployments.md names with the
// account-level guard that blocks it (deployments/guards.ts), which is then simulated too.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { resourceControlPolicy, serviceControlPolicy } from "../../deployments/guards";
import { PROJECT_DIR } from "../../tools/engine";
import { legitimateAttempts, succeeds } from "../support/escalation-catalogue";
import { ATTACKERS, catalogue, CURRENT, GUARDS } from "../support/escalation-fixtures";
import { decide, ORIGINAL_CASE_INSENSITIVE, PATCHED_CASE_INSENSITIVE } from "../support/iam-sim";

describe("the simulator's string comparison, made fast", () => {
    it("answers as the package's own: case-insensitive, accents kept apart, on IAM strings and others", () => {
        const words = [
            "StringEquals",
            "stringequals",
            "StringEqualsIfExists",
            "IfExists",
            "ifexists",
            "ForAllValues:StringLike",
            "s3:PutObject",
            "S3:putobject",
            "aws:ResourceTag/Environment",
            "é",
            "E",
            "e",
            "É",
            "ß",
            "SS",
            "ss",
            "İ",
            "i",
            "",
            "x",
            "ArnLike",
        ];
        const wrong: string[] = [];
        for (const a of words) {
            for (const b of words) {
                if (PATCHED_CASE_INSENSITIVE.caseInsensitiveEquals(a, b) !== ORIGINAL_CASE_INSENSITIVE.caseInsensitiveEquals(a, b))
                    wrong.push(`equals(${a}, ${b})`);
                if (PATCHED_CASE_INSENSITIVE.caseInsensitiveEndsWith(a, b) !== ORIGINAL_CASE_INSENSITIVE.caseInsensitiveEndsWith(a, b))
                    wrong.push(`endsWith(${a}, ${b})`);
            }
        }
        expect(wrong).to.deep.equal([]);
        expect(PATCHED_CASE_INSENSITIVE.caseInsensitiveEquals).to.not.equal(ORIGINAL_CASE_INSENSITIVE.caseInsensitiveEquals);
    });
});

describe("escalation suite: the deploy roles against the public privilege-escalation catalogue", () => {
    const entries = catalogue();
    const guards = { scp: serviceControlPolicy(GUARDS), rcp: resourceControlPolicy(GUARDS) };

    it("has a catalogue of several hundred attempts, each with a public source, for both fixture stacks, adoption and cross-stack", () => {
        expect(entries.length).to.be.greaterThan(300);
        expect(new Set(entries.map((e) => e.attempt.id)).size).to.equal(entries.length);
        for (const { attempt } of entries) {
            expect(attempt.source, attempt.id).to.match(/RHINO \d+|PMAPPER \w+|ISSUE 21/);
        }
        for (const pair of ["staging->prod", "prod->staging", "legacy->prod", "prod->legacy"]) {
            expect(entries.filter((e) => e.attempt.id.startsWith(`${pair}/`)).length, pair).to.be.greaterThan(50);
        }
    });

    it("blocks every attempt that is not a documented near miss", async () => {
        const succeeded: string[] = [];
        for (const { attempt, att, vic } of entries.filter((e) => !e.attempt.nearMiss)) {
            try {
                if (await succeeds(attempt, att, vic, CURRENT, decide)) {
                    succeeded.push(`${attempt.id}: ${attempt.what} (${attempt.source})`);
                }
            } catch (e) {
                succeeded.push(`${attempt.id}: ${(e as Error).message}`);
            }
        }
        expect(succeeded).to.deep.equal([]);
    });

    it("near misses succeed as documented, and the account-level guard named for one blocks it", async () => {
        const wrong: string[] = [];
        for (const { attempt, att, vic } of entries.filter((e) => e.attempt.nearMiss)) {
            if (!(await succeeds(attempt, att, vic, CURRENT, decide))) {
                wrong.push(`${attempt.id} is blocked: no longer a near miss, take it out of the docs`);
            }
            if (attempt.guard && (await succeeds(attempt, att, vic, CURRENT, decide, guards))) {
                wrong.push(`${attempt.id} is not blocked by the ${attempt.guard}`);
            }
        }
        expect(wrong).to.deep.equal([]);
    });

    it("allows what a real deploy of each stack needs, so the suite cannot pass by denying everything", async () => {
        const refused: string[] = [];
        for (const att of ATTACKERS) {
            for (const attempt of legitimateAttempts(att)) {
                if (!(await succeeds(attempt, att, att, CURRENT, decide))) {
                    refused.push(`${attempt.id}: ${attempt.what}`);
                }
                // The guards leave a deploy alone.
                if (!(await succeeds(attempt, att, att, CURRENT, decide, guards))) {
                    refused.push(`${attempt.id} under the guards: ${attempt.what}`);
                }
            }
        }
        expect(refused).to.deep.equal([]);
    });

    it("docs/deployments.md names every near miss and the guard that closes it", () => {
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "deployments.md"), "utf8");
        const kinds = new Set(
            entries.filter((e) => e.attempt.nearMiss).map((e) => e.attempt.id.replace(/^.*\//, "").replace(/@(variant|same-region)$/, "")),
        );
        expect([...kinds].filter((k) => !doc.includes(`\`${k}\``))).to.deep.equal([]);
    });
});

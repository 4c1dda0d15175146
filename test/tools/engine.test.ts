// The engine itself: evaluations in this process give what a fresh process gives, one after another and
// when started together; secrets propagate as the Pulumi engine propagates them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EvaluateOptions, Evaluation, ProgramError, programRuns } from "../../tools/engine";
import { evaluate, one } from "../harness";
import { tempDir } from "../support/tmp";

type Outcome = { evaluation: Evaluation } | { error: { message: string; registered: string[] } };

async function outcome(opts: EvaluateOptions): Promise<Outcome> {
    try {
        return { evaluation: await evaluate(opts) };
    } catch (e) {
        expect(e).to.be.instanceOf(ProgramError);
        // Not the stack trace: its frames name the caller, which differs between the two ways of running.
        return { error: { message: (e as ProgramError).message, registered: (e as ProgramError).registered } };
    }
}

describe("the engine", () => {
    it("gives in this process, evaluations started together, exactly what fresh processes give", async function () {
        this.timeout(120000);
        // A config error between the fixture stacks: a failed run must leave nothing behind for the next.
        const cases: EvaluateOptions[] = [
            { stack: "prod" },
            { stack: "staging", overrides: { "membrane:environment": "Staging_Env" } },
            { stack: "staging" },
        ];
        const here = await Promise.all(cases.map((c) => outcome({ ...c, rerun: true })));
        const fresh = await Promise.all(cases.map((c) => outcome({ ...c, freshProcess: true })));
        expect("error" in here[1] && here[1].error.message).to.match(/membrane:environment: must be 2 or more lowercase/);
        for (const [i, c] of cases.entries()) {
            expect(JSON.stringify(here[i]), JSON.stringify(c)).to.equal(JSON.stringify(fresh[i]));
        }
    });

    // The language host fails a program on a rejection nobody awaits; a registration whose input failed
    // releases its RPC before it rejects, so an engine that stopped at the RPCs reported success with the
    // resource, and everything that needed it, missing.
    it("fails the program when a resource's input fails, in this process as in a fresh one, never leaving it out", async function () {
        this.timeout(60000);
        const opts: EvaluateOptions = {
            stack: "staging",
            program: "test/engine/program.ts",
            env: { MEMBRANE_ENGINE_TEST: "failed-input" },
        };
        const [here, fresh, next] = [
            await outcome({ ...opts, rerun: true }),
            await outcome({ ...opts, freshProcess: true }),
            await outcome({ ...opts, env: {}, rerun: true }),
        ];
        for (const o of [here, fresh]) {
            expect("error" in o && o.error.message).to.match(/the look-up found nothing/);
            // Once, without the SDK's `error serializing property` wrappers, naming the inputs it was in.
            expect("error" in o && o.error.message).to.match(
                /^the look-up found nothing \(in the resource inputs (content, policy|policy, content)\)$/,
            );
        }
        // The failure stays with its run: the next evaluation is not touched by it.
        expect("evaluation" in next).to.equal(true);
    });

    it("answers an evaluation it already ran with a copy of its result, and runs an edited program again", async function () {
        this.timeout(60000);
        const dir = tempDir("membrane-engine-");
        const program = path.join(dir, "program.ts");
        try {
            const opts: EvaluateOptions = { stack: "staging", program };
            fs.writeFileSync(program, 'export const answer: string = "first";\n');
            const before = programRuns();
            const first = await evaluate(opts);
            const again = await evaluate(opts);
            expect(programRuns() - before, "one run for two evaluations").to.equal(1);
            expect(again).to.deep.equal(first);
            expect(again).to.not.equal(first);
            (first.outputs.answer as { value: unknown }).value = "changed by a caller";
            expect((await evaluate(opts)).outputs.answer.value, "each caller gets its own copy").to.equal("first");
            fs.writeFileSync(program, 'export const answer: string = "edited";\n');
            expect((await evaluate(opts)).outputs.answer.value).to.equal("edited");
            expect(programRuns() - before, "the edited program ran").to.equal(2);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("secrets", () => {
        let ev: Evaluation;
        before(async () => {
            ev = await evaluate({ stack: "staging", program: "test/engine/program.ts", env: { MEMBRANE_ENGINE_TEST: "set" } });
        });

        it("an output fed by a secret input comes back secret", () => {
            expect(ev.outputs.content).to.deep.equal({ value: "the secret note", secret: true });
            expect(ev.outputs.key).to.deep.equal({ value: "note.txt", secret: false });
            const note = one(ev, "aws:s3/bucketObjectv2:BucketObjectv2");
            expect(note.secretInputs).to.deep.equal(["content"]);
            expect(note.secretOutputs).to.deep.equal(["content"]);
        });

        it("an output the provider lists in additionalSecretOutputs comes back secret", () => {
            const password = one(ev, "random:index/randomPassword:RandomPassword");
            expect(password.secretInputs).to.deep.equal([]);
            expect(password.additionalSecretOutputs).to.include("result");
            expect(password.secretOutputs).to.include("result");
            expect(ev.outputs.result.secret).to.equal(true);
            expect(ev.outputs.result.value).to.be.a("string").with.lengthOf(24);
        });

        it("sets the run's environment variables while it runs, and only then", () => {
            expect(ev.outputs.fromEnv.value).to.equal("set");
            expect(process.env.MEMBRANE_ENGINE_TEST).to.equal(undefined);
        });
    });
});

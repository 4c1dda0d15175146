// The README is a newcomer's first day: short, the two commands, the first deployment's commands in an
// order that works, a way to every page of docs/, and `npm start` examples (README and docs/) that run.
// Its links are checked by test/docs-links.test.ts, its diagram by test/plan.test.ts, the configuration
// reference by test/config-docs.test.ts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/engine";
import { main } from "../tools/plan";
import { FIXTURES } from "./harness";
import { docCommands } from "./support/doc-commands";
import { markdownLinks } from "./support/markdown-links";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

describe("README", () => {
    it("is a first-day document: under 15 KB", () => {
        expect(Buffer.byteLength(readme, "utf8")).to.be.lessThan(15_000);
    });

    it("gives the two commands, in a shell block", () => {
        const lines = docCommands({ "README.md": readme })
            .filter((c) => !c.snippet.inline)
            .map((c) => c.argv.join(" "));
        expect(lines).to.include.members(["npm ci", "npm start", "npm test"]);
        expect(readme).to.match(/^npm ci && npm start\b/m);
    });

    it("gives the first deployment's commands in an order that works", () => {
        const commands = docCommands({ "README.md": readme })
            .filter((c) => !c.snippet.inline)
            .map((c) => c.argv.join(" "));
        const first = (prefix: string) => {
            const i = commands.findIndex((c) => c.startsWith(prefix));
            expect(i, `a README command that starts with ${prefix}`).to.be.greaterThan(-1);
            return i;
        };
        // Each pair is a dependency: the second fails without the first.
        const needs: Array<[string, string, string]> = [
            ["pulumi stack init", "pulumi login", "a stack is created in a backend"],
            ["pulumi config set", "pulumi stack init", "config is set on a stack"],
            ["pulumi config env add", "pulumi stack init", "a stack imports its environment"],
            ["npm run check", "npm ci", "the check runs the installed program"],
            ["npm run check", "pulumi config set", "the check reads the stack's config"],
            ["pulumi up", "npm run check", "the check is the gate before a deploy"],
            ["pulumi stack output", "pulumi up", "a stack has outputs once deployed"],
        ];
        for (const [after, before, why] of needs) {
            expect(first(before), `${before} before ${after}: ${why}`).to.be.lessThan(first(after));
        }
    });

    it("leads to every page of docs/", () => {
        const linked = new Set(markdownLinks("README.md", readme).map((l) => l.target.split("#")[0]));
        const docs = fs
            .readdirSync(path.join(PROJECT_DIR, "docs"))
            .filter((f) => f.endsWith(".md"))
            .map((f) => `docs/${f}`);
        expect(docs.filter((d) => !linked.has(d))).to.deep.equal([]);
    });

    it("every npm start example of the README and docs/ exits 0 on the fixture stacks", async function () {
        this.timeout(120000);
        const docs = Object.fromEntries(
            [
                "README.md",
                ...fs
                    .readdirSync(path.join(PROJECT_DIR, "docs"))
                    .filter((f) => f.endsWith(".md"))
                    .map((f) => `docs/${f}`),
            ].map((f) => [f, fs.readFileSync(path.join(PROJECT_DIR, f), "utf8")]),
        );
        // The shell blocks' `npm start [--silent] [-- <args>]` lines, as a shell splits them.
        const examples = docCommands(docs)
            .filter((c) => !c.snippet.inline && c.argv[0] === "npm" && c.argv[1] === "start")
            .map((c) => (c.argv.includes("--") ? c.argv.slice(c.argv.indexOf("--") + 1) : []));
        expect(examples.length).to.be.greaterThan(2);
        expect(examples.map((a) => a.join(" "))).to.include("--stack prod --json");
        for (const args of examples) {
            let err = "";
            const code = await main(
                args,
                () => undefined,
                (s) => (err += s),
                FIXTURES,
            );
            expect(code, `npm start -- ${args.join(" ")}: ${err}`).to.equal(0);
        }
    });
});

// The README's configuration table is the user's reference: it must match Pulumi.yaml key for key.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/engine";
import { main } from "../tools/plan";
import { loadProject } from "../lib/stack-files";
import { FIXTURES } from "./harness";
import { docCommands } from "./support/doc-commands";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

function configTable(): Map<string, { type: string; def: string }> {
    const rows = new Map<string, { type: string; def: string }>();
    for (const m of readme.matchAll(/^\| `([a-zA-Z0-9:]+)` \| (string|integer|boolean|array) \| ([^|]+) \|/gm)) {
        rows.set(m[1], { type: m[2], def: m[3].trim() });
    }
    return rows;
}

describe("README", () => {
    it("documents every config key with Pulumi.yaml's type and default, and no other", () => {
        const project = loadProject(PROJECT_DIR);
        const table = configTable();
        const expected = new Map<string, { type: string; def: string }>([["aws:region", { type: "string", def: "(required)" }]]);
        for (const [key, entry] of Object.entries(project.config)) {
            const def =
                entry.default === undefined
                    ? "(required)"
                    : `\`${typeof entry.default === "string" ? (entry.default === "" ? '""' : entry.default) : JSON.stringify(entry.default)}\``;
            expected.set(key.replace(/^membrane:/, ""), { type: String(entry.type), def });
        }
        expect(Object.fromEntries(table)).to.deep.equal(Object.fromEntries(expected));
    });

    it("gives the quick-start commands", () => {
        expect(readme).to.include("npm ci && npm start");
        expect(readme).to.include("npm test");
    });

    it("leads a newcomer in order: what it is, quick start, first deployment, outputs, operating, reference", () => {
        const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        expect(headings.slice(0, 5)).to.deep.equal([
            "Quick start",
            "Your first deployment",
            "Using the outputs",
            "Operating it",
            "Configuration reference",
        ]);
        expect(readme.indexOf("```mermaid")).to.be.lessThan(readme.indexOf("## Quick start"));
    });

    it("links only to files that exist", () => {
        for (const [, target] of readme.matchAll(/\]\(((?!https?:|#)[^)#]+)(#[^)]*)?\)/g)) {
            expect(fs.existsSync(path.join(PROJECT_DIR, target)), target).to.equal(true);
        }
    });

    it("every npm start example it gives exits 0 on the fixture stacks", async function () {
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

// docs/configuration.md is the user's reference: generated from Pulumi.yaml by `npm run docs`, it must be
// what the generator writes from the current Pulumi.yaml, and hold every key with its type and default.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CONFIGURATION_DOC, configSections, generatedConfigurationDoc, main as docsMain, markdownOf } from "../tools/config-docs";
import { PROJECT_DIR } from "../tools/engine";
import { main as plan } from "../tools/plan";
import { loadProject } from "../lib/stack-files";
import { FIXTURES } from "./harness";
import { tempDir } from "./support/tmp";

const doc = fs.readFileSync(CONFIGURATION_DOC, "utf8");

describe("docs/configuration.md", () => {
    it("is what npm run docs writes from the current Pulumi.yaml", () => {
        expect(doc, "run npm run docs").to.equal(generatedConfigurationDoc(PROJECT_DIR, doc));
    });

    it("documents every config key with Pulumi.yaml's type and default, and no other", () => {
        const project = loadProject(PROJECT_DIR);
        const table = Object.fromEntries(
            [...doc.matchAll(/^\| `([a-zA-Z0-9:]+)` \| (string|integer|boolean|array) \| ([^|]+) \|/gm)].map((m) => [
                m[1],
                { type: m[2], def: m[3].trim() },
            ]),
        );
        const expected = Object.fromEntries(
            Object.entries(project.config).map(([key, entry]) => [
                key.replace(/^membrane:/, ""),
                {
                    type: String(entry.type),
                    def:
                        entry.default === undefined
                            ? "(required)"
                            : `\`${typeof entry.default === "string" ? (entry.default === "" ? '""' : entry.default) : JSON.stringify(entry.default)}\``,
                },
            ]),
        );
        expect(table).to.deep.equal(expected);
        // Each description as Pulumi.yaml words it.
        for (const [key, entry] of Object.entries(project.config)) {
            const row = doc.split("\n").find((l) => l.startsWith(`| \`${key.replace(/^membrane:/, "")}\` |`))!;
            // The rendering's links, code marks and arrows aside (a link to a docs page shows the page, not its anchor).
            const text = (s: string) =>
                s
                    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
                    .replace(/(docs\/[a-z0-9-]+\.md)#[a-z0-9-]+/g, "$1")
                    .replace(/[`\\]/g, "")
                    .replace(/→/g, "->");
            expect(text(row), key).to.include(text(entry.description!));
        }
    });

    it("shows the refusal the program gives for the example it shows", async () => {
        const block = /```\ninvalid stack configuration:\n {2}- (membrane:(\w+): .*\(got "([^"]+)"\).*)\n```/.exec(doc);
        expect(block, "the example refusal").to.not.equal(null);
        let err = "";
        const code = await plan(
            ["--stack", "staging", "--config", `membrane:${block![2]}=${block![3]}`],
            () => undefined,
            (s) => (err += s),
            FIXTURES,
        );
        expect(code).to.equal(2);
        expect(err.split("\n")).to.include(`  - ${block![1]}`);
    });
});

describe("npm run docs", () => {
    const yaml = (config: string) => `name: demo\nruntime: nodejs\nconfig:\n${config}`;

    it("groups the keys by Pulumi.yaml's section comments, each with the comment lines after it as its intro", () => {
        const sections = configSections(
            yaml(
                "  # section: General\n  a:\n    type: string\n  b:\n    type: string\n\n  # Day-two operations.\n  # section: Logs\n  # Where the logs go.\n  c:\n    type: boolean\n",
            ),
        );
        expect(sections).to.deep.equal([
            { title: "General", intro: "", keys: ["a", "b"] },
            { title: "Logs", intro: "Where the logs go.", keys: ["c"] },
        ]);
    });

    it("refuses a key that belongs to no section", () => {
        expect(() => configSections(yaml("  a:\n    type: string\n  # section: Logs\n  b:\n    type: string\n"))).to.throw(
            /a comes before the first "# section: <title>" comment/,
        );
    });

    it("writes a key as code linked to its section, a docs page as a link, and what Markdown would misread as code", () => {
        const sections = new Map([
            ["vpcCidr", "Network"],
            ["environment", "General"],
        ]);
        expect(
            markdownOf("Empty = static.<environment>.<zone>; see vpcCidr, environment and docs/adopt.md.", sections, "General"),
        ).to.equal("Empty = `static.<environment>.<zone>`; see [`vpcCidr`](#network), environment and [docs/adopt.md](adopt.md).");
        expect(markdownOf("a | b, `x|y`, membrane:environment", sections, "General")).to.equal("a \\| b, `x\\|y`, `membrane:environment`");
    });

    it("rewrites only the part between its markers, and refuses a page without them", async () => {
        const dir = tempDir("config-docs-");
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            yaml("  # section: General\n  a:\n    type: string\n    default: x\n    description: The a.\n"),
        );
        const page =
            "# Mine\n\nHand-written.\n\n<!-- generated by `npm run docs` from Pulumi.yaml: edit Pulumi.yaml, not this table -->\nold\n<!-- end of the generated reference -->\n\nAfter.\n";
        expect(generatedConfigurationDoc(dir, page)).to.equal(
            "# Mine\n\nHand-written.\n\n<!-- generated by `npm run docs` from Pulumi.yaml: edit Pulumi.yaml, not this table -->\n\n## General\n\n| key | type | default | description |\n|---|---|---|---|\n| `a` | string | `x` | The a. |\n\n<!-- end of the generated reference -->\n\nAfter.\n",
        );
        expect(() => generatedConfigurationDoc(dir, "# Mine\n")).to.throw(/must hold the markers/);
        let err = "";
        expect(
            await docsMain(
                ["--check"],
                () => undefined,
                (s) => (err += s),
            ),
        ).to.equal(2);
        expect(err).to.match(/^usage: npm run docs/);
    });
});

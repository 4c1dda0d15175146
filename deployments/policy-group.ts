// The policy pack enforced by Pulumi Cloud itself (opt-in, `policyGroup`): the pack in policy/ published to
// the organization, and a preventative policy group that runs it on every preview and update of the
// Membrane stacks, wherever they run (Pulumi Deployments, the GitHub workflow, a laptop). Policy groups need
// a paid Pulumi Cloud edition; without one, the workflows' --policy-pack and the pre-run check remain.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { childName } from "../lib/naming";

/** The pack's name, as policy/index.ts constructs it (`new PolicyPack("membrane", ...)`). */
export const POLICY_PACK_NAME = "membrane";

// What the provider leaves out of its own content hash and of the published tarball.
const SKIPPED = new Set(["node_modules", ".git", ".pulumi"]);

/** Every file of the pack, relative to its folder, sorted. */
function packFiles(dir: string, rel = ""): string[] {
    return fs
        .readdirSync(path.join(dir, rel), { withFileTypes: true })
        .filter((e) => !SKIPPED.has(e.name))
        .flatMap((e) => (e.isDirectory() ? packFiles(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]))
        .sort();
}

/**
 * The version the pack is published as: its package.json version and a hash of its files. Pulumi Cloud's
 * pack versions are immutable and the provider replaces the pack on any content change, so a changed
 * pack must come with a new tag; deriving it from the content makes that automatic.
 */
export function policyPackVersionTag(dir: string): string {
    const hash = crypto.createHash("sha256");
    for (const file of packFiles(dir)) {
        hash.update(`${file}\0`)
            .update(fs.readFileSync(path.join(dir, file)))
            .update("\0");
    }
    const version = String(
        (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0",
    );
    return `${version}-${hash.digest("hex").slice(0, 12)}`;
}

export interface PolicyEnforcementArgs {
    /** The Pulumi organization. */
    readonly organization: string;
    /** The policy group's name (`policyGroup`). */
    readonly groupName: string;
    /** The Membrane project, the stacks' routing project. */
    readonly project: string;
    /** The Membrane stacks the group enforces the pack on. */
    readonly stacks: readonly string[];
    /** The pack's folder (absolute: the provider runs it to read its policies, then uploads it). */
    readonly sourcePath: string;
}

export class PolicyEnforcement extends pulumi.ComponentResource {
    readonly packVersionTag: pulumi.Output<string>;
    readonly groupName: pulumi.Output<string>;

    constructor(name: string, args: PolicyEnforcementArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:PolicyEnforcement", name, {}, opts);
        const pack = new pulumiservice.PolicyPack(
            childName(name, "pack"),
            {
                organization: args.organization,
                name: POLICY_PACK_NAME,
                versionTag: policyPackVersionTag(args.sourcePath),
                sourcePath: args.sourcePath,
            },
            { parent: this },
        );
        const group = new pulumiservice.PolicyGroup(
            childName(name, "group"),
            {
                name: args.groupName,
                organizationName: args.organization,
                entityType: "stacks",
                // Preventative: a mandatory violation stops the preview or update; audit would only report it.
                mode: "preventative",
                policyPacks: [{ name: pack.name, versionTag: pack.versionTag }],
                stacks: args.stacks.map((stack) => ({ name: stack, routingProject: args.project })),
            },
            { parent: this },
        );
        this.packVersionTag = pack.versionTag;
        this.groupName = group.name;
        this.registerOutputs({ packVersionTag: this.packVersionTag, groupName: this.groupName });
    }
}

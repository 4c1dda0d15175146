// Lets the GitHub Actions workflow log in to Pulumi Cloud without a stored token: Pulumi Cloud trusts
// GitHub's OIDC tokens for this repository's deploy branches (and its pull requests, where they are
// previewed), and exchanges them for a short-lived organization token.
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { childName } from "../lib/naming";
import type { DeploymentsConfig } from "./config";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";

/** The subjects GitHub sends: `repo:<owner>/<name>:ref:refs/heads/<branch>` on a push, `...:pull_request` on a pull request. */
export function githubSubjects(c: Pick<DeploymentsConfig, "repository" | "stacks">): string[] {
    const pushes = c.stacks.filter((s) => s.deployCommits).map((s) => `repo:${c.repository}:ref:refs/heads/${s.branch}`);
    const pullRequests = c.stacks.some((s) => s.previewPullRequests) ? [`repo:${c.repository}:pull_request`] : [];
    return [...new Set([...pushes, ...pullRequests])];
}

/**
 * One allow policy per subject, each for an organization token with the org's audience. `admin`: Pulumi
 * Cloud's API takes no other permission for organization tokens ("only admin is supported for organization
 * tokens", the auth-policy operation of the OpenAPI spec bundled with pulumiservice 1.3.0, whose examples use
 * admin too; the token exchange accepts an empty or `admin` scope). The rules confine it to this repository's
 * deploy branches and pull requests, for `maxExpirationSeconds`.
 */
export function githubTokenPolicies(c: Pick<DeploymentsConfig, "organization" | "repository" | "stacks">) {
    return githubSubjects(c).map((sub) => ({
        decision: "allow" as const,
        tokenType: "organization" as const,
        authorizedPermissions: ["admin" as const],
        rules: { aud: `urn:pulumi:org:${c.organization}`, sub },
    }));
}

export interface GithubActionsArgs {
    /** The validated deployments config: organization, repository, and the stacks' branches. */
    readonly config: Pick<DeploymentsConfig, "organization" | "repository" | "stacks">;
    /** Lifetime of an exchanged Pulumi token, in seconds. */
    readonly tokenSeconds: number;
}

export class GithubActions extends pulumi.ComponentResource {
    readonly issuerId: pulumi.Output<string>;

    constructor(name: string, args: GithubActionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:GithubActions", name, {}, opts);
        const issuer = new pulumiservice.OidcIssuer(
            childName(name, "issuer"),
            {
                organization: args.config.organization,
                name: `github-${args.config.repository.replace("/", "-")}`,
                url: GITHUB_OIDC_URL,
                maxExpirationSeconds: args.tokenSeconds,
                policies: githubTokenPolicies(args.config),
            },
            { parent: this },
        );
        this.issuerId = issuer.id;
        this.registerOutputs({ issuerId: this.issuerId });
    }
}

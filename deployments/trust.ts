// Who may assume a stack's deploy role: Pulumi Deployments running that stack, and the stack's ESC
// environment when it is opened. Both come through Pulumi Cloud's OIDC issuer, with different
// audiences and subjects. Pure.
import { PULUMI_OIDC_URL } from "./config";

/** The issuer without its scheme: the prefix of the `:aud` and `:sub` condition keys. */
export const PULUMI_OIDC_HOST = PULUMI_OIDC_URL.replace(/^https:\/\//, "");

/** Deployments sends the organization as the audience; ESC sends `aws:<organization>`. */
export const deploymentsAudience = (organization: string) => organization;
export const escAudience = (organization: string) => `aws:${organization}`;

/** Every operation (preview, update, refresh, destroy) of one stack: `...:operation:<op>:scope:write`. */
export function deploymentsSubject(organization: string, project: string, stack: string): string {
    return `pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:operation:*`;
}

/**
 * The subject ESC's aws-login sends with `subjectAttributes: [currentEnvironment.name]`. Without
 * attributes, an environment imported by a stack sends the literal `<yaml>` for every environment,
 * which could not tell one stack's environment from another's.
 */
export function escSubject(organization: string, escProject: string, environment: string): string {
    return `pulumi:environments:pulumi.organization.login:${organization}:currentEnvironment.name:${escProject}/${environment}`;
}

export const ESC_SUBJECT_ATTRIBUTES = ["currentEnvironment.name"];

export interface TrustStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Federated: string };
    readonly Action: "sts:AssumeRoleWithWebIdentity";
    readonly Condition: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TrustPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: TrustStatement[];
}

export function deployRoleTrustPolicy(p: {
    readonly providerArn: string;
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    readonly escProject: string;
}): TrustPolicy {
    const aud = `${PULUMI_OIDC_HOST}:aud`;
    const sub = `${PULUMI_OIDC_HOST}:sub`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PulumiDeployments",
                Effect: "Allow",
                Principal: { Federated: p.providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [aud]: deploymentsAudience(p.organization) },
                    StringLike: { [sub]: deploymentsSubject(p.organization, p.project, p.stack) },
                },
            },
            {
                Sid: "PulumiEscEnvironment",
                Effect: "Allow",
                Principal: { Federated: p.providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [aud]: escAudience(p.organization), [sub]: escSubject(p.organization, p.escProject, p.stack) },
                },
            },
        ],
    };
}

/** The audiences the provider must list; an existing provider that lacks one is refused. */
export function missingAudiences(clientIds: readonly string[], organization: string): string[] {
    return [deploymentsAudience(organization), escAudience(organization)].filter((a) => !clientIds.includes(a));
}

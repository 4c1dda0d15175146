// Adopting an existing IAM role: it keeps its name, and its path cannot change; its trust policy,
// permissions boundary and S3 policy change in place. Pure.
import { iamGlobMatches } from "../../lib/glob";
import { differs, Refusal, Review } from "../adoption";

/** A role as `aws.iam.getRole` shows it, with the names of its inline policies (`aws.iam.getRolePolicies`). */
export interface ExistingRole {
    readonly name: string;
    readonly path?: string;
    /** The trust policy, JSON (IAM returns it URL-encoded; the provider decodes it). */
    readonly assumeRolePolicy?: string;
    readonly permissionsBoundary?: string;
    readonly inlinePolicies?: readonly string[];
}

export interface WantedRole {
    /** The membrane: key that names the role, for messages. */
    readonly key: string;
    readonly trust: unknown;
    readonly permissionsBoundary?: string;
    /** The inline S3 policy the program writes. */
    readonly policyName: string;
    /** IRSA: the `system:serviceaccount:<namespace>:<name>` the role will trust. */
    readonly serviceAccount?: string;
}

/** A policy document from IAM's JSON, URL-encoded or not; undefined when it is neither. */
export function parsePolicy(text: string | undefined): any {
    for (const candidate of [text, text && decodeURIComponent(text)]) {
        try {
            return candidate ? JSON.parse(candidate) : undefined;
        } catch {
            // Try the next form.
        }
    }
    return undefined;
}

/** Keys sorted at every level, so that two documents compare by content. */
function canonical(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(canonical);
    }
    if (v && typeof v === "object") {
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        );
    }
    return v;
}

/** The `…:sub` values a trust policy accepts (StringEquals or StringLike), for IRSA. */
export function trustedSubjects(trust: any): string[] {
    const statements: any[] = [].concat(trust?.Statement ?? []);
    return statements.flatMap((s) =>
        ["StringEquals", "StringLike"].flatMap((op) =>
            Object.entries(s?.Condition?.[op] ?? {})
                .filter(([k]) => k.endsWith(":sub"))
                .flatMap(([, v]) => [].concat(v as any)),
        ),
    );
}

function trustNotes(existing: any, w: WantedRole): string[] {
    if (!w.serviceAccount) {
        return [];
    }
    const subjects = trustedSubjects(existing);
    if (subjects.length === 0 || subjects.some((s) => iamGlobMatches(s, w.serviceAccount!))) {
        return [];
    }
    return [
        `it trusts today ${subjects.join(", ")}, and will trust ${w.serviceAccount} only: pods on another service account lose their AWS credentials; set membrane:k8sNamespace and membrane:k8sServiceAccount to the service account Membrane's pods use.`,
    ];
}

/** A role keeps its name; its path cannot change; its trust, boundary and S3 policy change in place. */
export function reviewRole(e: ExistingRole, w: WantedRole): Review {
    const existingTrust = parsePolicy(e.assumeRolePolicy);
    const trustChanges =
        existingTrust !== undefined && JSON.stringify(canonical(existingTrust)) !== JSON.stringify(canonical(w.trust))
            ? [{ setting: "trust policy", existing: JSON.stringify(existingTrust), stack: JSON.stringify(w.trust) }]
            : [];
    const others = (e.inlinePolicies ?? []).filter((p) => p !== w.policyName);
    const refusals: Refusal[] =
        e.path && e.path !== "/"
            ? [
                  {
                      setting: "path",
                      existing: e.path,
                      stack: "/",
                      replaces: true,
                      fix: `This program's roles are at path /: clear membrane:${w.key}, let the program create its own role, and move the service to it.`,
                  },
              ]
            : [];
    return {
        what: `IAM role ${e.name}`,
        kept: [],
        inPlace: [...trustChanges, ...differs("permissions boundary", e.permissionsBoundary ?? "", w.permissionsBoundary ?? "")],
        notes: [
            ...trustNotes(existingTrust, w),
            ...(others.length > 0
                ? [
                      `it keeps its other inline policies ${others.join(", ")}, which this program does not manage: remove them once Membrane runs on ${w.policyName} (aws iam delete-role-policy --role-name ${e.name} --policy-name <name>); its managed policies stay attached too.`,
                  ]
                : []),
        ],
        refusals,
    };
}

// Adopting what exists: Pulumi's `import` option imports a resource and then changes it to match the
// program, in place or, for the settings a provider cannot change, by replacing it (pulumi/pulumi#19339).
// Before registering an adopted resource, the program compares what it would set with what exists (read
// with data sources, at preview as at up) and either keeps the existing value where it can, lists what
// will change in place, or refuses what would replace it, naming the setting and the key. Pure.
import { StackError } from "../lib/lookups";

/** A setting that differs: what exists, and what the stack says. */
export interface Difference {
    readonly setting: string;
    readonly existing: string;
    readonly stack: string;
}

/** A difference the program cannot adopt: it would replace the resource, or the program cannot run on it. */
export interface Refusal extends Difference {
    /** True when Pulumi would replace the resource; false when the resource is of a shape the program does not run. */
    readonly replaces: boolean;
    /** What to do, naming the config key. */
    readonly fix: string;
}

export interface Review {
    /** The resource, as a user names it: `replication group prod-redis-new`. */
    readonly what: string;
    /** Existing values the program keeps instead of the stack's. */
    readonly kept: readonly Difference[];
    /** Settings `pulumi up` changes in place. */
    readonly inPlace: readonly Difference[];
    /** Other consequences worth reading before the first `pulumi up`. */
    readonly notes: readonly string[];
    readonly refusals: readonly Refusal[];
}

/** Import ids, as each provider's import expects them (Pulumi Registry, each resource's "Import" section). */
export const IMPORT_IDS = {
    bucket: (name: string) => name,
    replicationGroup: (id: string) => id,
    cacheSubnetGroup: (name: string) => name,
    role: (name: string) => name,
    rolePolicy: (role: string, policy: string) => `${role}:${policy}`,
    atlasProject: (projectId: string) => projectId,
    atlasCluster: (projectId: string, clusterName: string) => `${projectId}-${clusterName}`,
    distribution: (id: string) => id,
    originAccessControl: (id: string) => id,
} as const;

const show = (v: unknown): string => (v === undefined || v === null || v === "" ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));

/** A Difference when `existing` is known and differs from `stack`; a look-up that returned nothing compares nothing. */
export function differs(setting: string, existing: unknown, stack: unknown): Difference[] {
    if (existing === undefined || existing === null || JSON.stringify(existing) === JSON.stringify(stack)) {
        return [];
    }
    return [{ setting, existing: show(existing), stack: show(stack) }];
}

/** The warnings a review gives: what is kept, what changes in place, and its notes. */
export function reviewWarnings(r: Review): string[] {
    const list = (ds: readonly Difference[], arrow: boolean) =>
        ds
            .map((d) => (arrow ? `${d.setting} ${d.existing} -> ${d.stack}` : `${d.setting} ${d.existing} (the stack says ${d.stack})`))
            .join("; ");
    return [
        ...(r.kept.length > 0 ? [`adopting ${r.what} keeps its existing ${list(r.kept, false)}.`] : []),
        ...(r.inPlace.length > 0 ? [`adopting ${r.what} will change in place: ${list(r.inPlace, true)}.`] : []),
        ...r.notes.map((n) => `adopting ${r.what}: ${n}`),
    ];
}

/** The error a review's refusals make, or undefined; `allowReplacement` lifts the refusals that only replace. */
export function refusalMessage(r: Review, allowReplacement = false): string | undefined {
    const refused = r.refusals.filter((f) => !(f.replaces && allowReplacement));
    if (refused.length === 0) {
        return undefined;
    }
    const lines = refused.map(
        (f) =>
            `  - ${f.setting} is ${f.existing}, the stack says ${f.stack}: ${f.replaces ? "Pulumi would replace it, and lose what it holds" : "the program does not run on that"}. ${f.fix}`,
    );
    return `refusing to adopt ${r.what}:\n${lines.join("\n")}`;
}

/** Settles a review: throws its refusal, or returns its warnings. */
export function settle(r: Review, allowReplacement = false): string[] {
    const refusal = refusalMessage(r, allowReplacement);
    if (refusal) {
        throw new StackError(refusal);
    }
    const replaced = r.refusals.filter((f) => f.replaces);
    return [
        ...reviewWarnings(r),
        ...(replaced.length > 0
            ? [
                  `adopting ${r.what} replaces it (${replaced.map((f) => f.setting).join(", ")}): it is deleted, then created again; allowed by the stack.`,
              ]
            : []),
    ];
}

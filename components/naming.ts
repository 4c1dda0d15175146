// Names and tags: pure functions, so every rule AWS applies to a name is checked before anything is registered.

export type BucketPurpose = "tmp" | "connectors" | "static";

export const BUCKET_PURPOSES: readonly BucketPurpose[] = ["tmp", "connectors", "static"];

/** The seed's names, `<environment>-integration-app-<purpose>`, behind an optional prefix that makes them globally unique. */
export function bucketName(namePrefix: string, environment: string, purpose: BucketPurpose): string {
    return `${namePrefix}${environment}-integration-app-${purpose}`;
}

// S3 general purpose bucket naming rules:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Every S3 naming rule `name` breaks; empty when S3 would accept it. */
export function bucketNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (name.length < 3 || name.length > 63) {
        problems.push(`is ${name.length} characters long; S3 allows 3 to 63`);
    }
    if (!/^[a-z0-9.-]*$/.test(name)) {
        problems.push("may contain only lowercase letters, digits, hyphens and dots");
    }
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
        problems.push("must begin and end with a letter or digit");
    }
    if (name.includes("..")) {
        problems.push("must not contain two adjacent dots");
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
        problems.push("must not be formatted as an IP address");
    }
    if (name.includes(".")) {
        problems.push("should not contain dots: they break virtual-hosted HTTPS to the bucket");
    }
    for (const p of RESERVED_PREFIXES.filter((p) => name.startsWith(p))) {
        problems.push(`must not start with the reserved prefix "${p}"`);
    }
    for (const s of RESERVED_SUFFIXES.filter((s) => name.endsWith(s))) {
        problems.push(`must not end with the reserved suffix "${s}"`);
    }
    return problems;
}

/** The tags every resource carries, as in the seed, plus any of the resource's own. */
export function tags(environment: string, extra: Record<string, string> = {}): Record<string, string> {
    return { Environment: environment, Service: "membrane", ...extra };
}

/** A child's logical name, derived from its component's name. */
export function childName(parent: string, suffix: string): string {
    return `${parent}-${suffix}`;
}

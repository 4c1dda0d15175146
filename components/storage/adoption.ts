// Adopting an existing bucket: it keeps its name, and its region cannot change; everything else of a
// bucket lives in side resources that Storage writes over in place. Pure.
import type { BucketPurpose } from "../../lib/naming";
import { Refusal, Review } from "../adoption";

/** The config key of each adopted bucket. */
export const EXISTING_BUCKET_KEYS: Readonly<Record<BucketPurpose, string>> = {
    tmp: "existingTmpBucket",
    connectors: "existingConnectorsBucket",
    static: "existingStaticBucket",
};

/** A bucket as `aws.s3.getBucket` returns it. */
export interface ExistingBucket {
    readonly bucket: string;
    /** The bucket's own region. */
    readonly bucketRegion?: string;
}

// What the program writes into each bucket, in the side resources S3 keeps one of per bucket.
const BUCKET_SETTINGS: Readonly<Record<BucketPurpose, string>> = {
    tmp: "lifecycle rule (objects expire)",
    connectors: "versioning (on for good: S3 can suspend it, never turn it off) and lifecycle rule (old versions expire)",
    static: "CORS rule",
};

/**
 * An adopted bucket keeps its name; its region cannot change. Everything else of a bucket lives in
 * side resources that the program writes over in place.
 */
export function reviewBucket(
    existing: ExistingBucket,
    c: { readonly region: string; readonly key: string; readonly purpose: BucketPurpose },
): Review {
    const refusals: Refusal[] =
        existing.bucketRegion && existing.bucketRegion !== c.region
            ? [
                  {
                      setting: "its region",
                      existing: existing.bucketRegion,
                      stack: c.region,
                      replaces: true,
                      fix: `S3 cannot move a bucket: adopt it from a stack whose aws:region is ${existing.bucketRegion}, or clear membrane:${c.key}.`,
                  },
              ]
            : [];
    return {
        what: `S3 bucket ${existing.bucket}`,
        kept: [],
        inPlace: [],
        notes: [
            `this program writes its public access block (all four flags on), object ownership (ACLs disabled), default encryption (SSE-S3), ${BUCKET_SETTINGS[c.purpose]}, bucket policy and tags over the bucket's current ones; the objects stay.`,
        ],
        refusals,
    };
}

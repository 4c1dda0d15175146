// Adopting an existing CloudFront distribution and origin access control: both change in place; the
// origin access control keeps its name, which is unique in the account. Pure.
import { differs, Review } from "../adoption";

/** A distribution as `aws.cloudfront.getDistribution` shows it. */
export interface ExistingDistribution {
    readonly id: string;
    readonly aliases?: readonly string[];
    readonly enabled?: boolean;
}

/** Everything of a distribution changes in place; its alternate domain name is the URL users' links use. */
export function reviewDistribution(e: ExistingDistribution, w: { readonly aliases: readonly string[] }): Review {
    const aliasChanges = differs("alternate domain names", e.aliases ? [...e.aliases].sort() : undefined, [...w.aliases].sort());
    return {
        what: `CloudFront distribution ${e.id}`,
        kept: [],
        inPlace: [...aliasChanges, ...differs("enabled", e.enabled, true)],
        notes: [
            "its origin (the static bucket, through this program's origin access control), cache behavior and policies, certificate, TLS policy and price class become this program's, in place.",
            ...(aliasChanges.length > 0 && e.aliases?.length
                ? [
                      `BASE_STATIC_URI moves to the stack's name: set membrane:staticDomainName: ${e.aliases[0]} to keep the name existing links use.`,
                  ]
                : []),
        ],
        refusals: [],
    };
}

/** An origin access control as `aws.cloudfront.getOriginAccessControl` shows it. */
export interface ExistingOriginAccessControl {
    readonly id: string;
    readonly name?: string;
    readonly description?: string;
    readonly originAccessControlOriginType?: string;
    readonly signingBehavior?: string;
    readonly signingProtocol?: string;
}

/** An origin access control keeps its name (names are unique in the account); its settings change in place. */
export function reviewOriginAccessControl(
    e: ExistingOriginAccessControl,
    w: { readonly name: string; readonly description: string },
): Review {
    return {
        what: `CloudFront origin access control ${e.name ?? e.id} (${e.id})`,
        kept: differs("name", e.name, w.name),
        inPlace: [
            ...differs("description", e.description, w.description),
            ...differs("origin type", e.originAccessControlOriginType, "s3"),
            ...differs("signing behavior", e.signingBehavior, "always"),
            ...differs("signing protocol", e.signingProtocol, "sigv4"),
        ],
        notes: [],
        refusals: [],
    };
}

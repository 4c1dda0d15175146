// AWS regions, from the data the AWS provider ships rather than a table of ours: the provider's own
// `Region` enum (@pulumi/aws/types/enums, generated from its schema) lists every region it knows, in
// every partition. A region newer than the installed provider is let through by the provider's own
// setting for it, `aws:skipRegionValidation: true` (or `npm update @pulumi/aws`). Pure.
import { Region } from "@pulumi/aws/types/enums";
import { closest } from "../lib/config-keys";

/** Every region the installed AWS provider knows. */
export const AWS_REGIONS: readonly string[] = Object.values(Region);

// Each partition's `regionRegex`, as the AWS SDKs' endpoint data gives it (partitions.json of
// @aws-sdk/util-endpoints and smithy's aws partitions): the partition of a region, even a new one.
const PARTITION_REGEXES: ReadonlyArray<readonly [string, RegExp]> = [
    ["aws", /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/],
    ["aws-cn", /^cn-\w+-\d+$/],
    ["aws-us-gov", /^us-gov-\w+-\d+$/],
    ["aws-iso", /^us-iso-\w+-\d+$/],
    ["aws-iso-b", /^us-isob-\w+-\d+$/],
    ["aws-iso-e", /^eu-isoe-\w+-\d+$/],
    ["aws-iso-f", /^us-isof-\w+-\d+$/],
    ["aws-eusc", /^eusc-(de)-\w+-\d+$/],
];

/** The partition a region name belongs to (by the SDKs' patterns), or undefined when it matches none. */
export function partitionOf(region: string): string | undefined {
    return PARTITION_REGEXES.find(([, re]) => re.test(region))?.[0];
}

/** True for a region the installed provider lists. */
export function isKnownRegion(region: string): boolean {
    return AWS_REGIONS.includes(region);
}

/**
 * What is wrong with `region` as a region code, or undefined when the provider lists it (or it has the shape
 * of a region of a partition and `skipValidation` says it is newer than the list). The message names the
 * nearest region, never the whole list.
 */
export function regionProblem(region: string, skipValidation: boolean): string | undefined {
    if (isKnownRegion(region) || (skipValidation && partitionOf(region) !== undefined)) {
        return undefined;
    }
    const nearest = closest(region, AWS_REGIONS) ?? nearestByPrefix(region);
    const hint = nearest ? ` (did you mean ${nearest}?)` : "";
    if (skipValidation) {
        return `is not an AWS region code${hint}: a region code is <area>-<direction>-<number>, such as us-east-1 (got "${region}")`;
    }
    return `is not a region the AWS provider knows${hint}; for a region newer than the ${AWS_REGIONS.length} that @pulumi/aws lists, update it (npm install @pulumi/aws@latest) or set aws:skipRegionValidation: true (got "${region}")`;
}

/** The known region sharing the longest prefix with `region`, when it shares at least its area (`us-`). */
function nearestByPrefix(region: string): string | undefined {
    let best: { r: string; n: number } | undefined;
    for (const r of AWS_REGIONS) {
        let n = 0;
        while (n < r.length && n < region.length && r[n] === region[n]) {
            n++;
        }
        if (!best || n > best.n) {
            best = { r, n };
        }
    }
    return best && best.n >= 3 && region.slice(0, best.n).includes("-") ? best.r : undefined;
}

// The Price List as the tests see it: recorded GetProducts responses (test/fixtures/price-list/, one file
// per service code, in the API's format) answered the way the API answers, so no test needs the network.
import * as fs from "fs";
import * as path from "path";
import type { CachedAnswer, GetProductsInput, GetProductsOutput, PriceCache, PriceListClient } from "../../tools/price-list";
import { FIXTURES } from "../harness";

export const RECORDINGS = path.join(FIXTURES, "price-list");

/** Every recorded PriceList entry, by service code. */
export function recordings(dir = RECORDINGS): Map<string, string[]> {
    const byService = new Map<string, string[]>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const response = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as GetProductsOutput;
        for (const entry of response.PriceList ?? []) {
            const service = JSON.parse(String(entry)).serviceCode as string;
            byService.set(service, [...(byService.get(service) ?? []), String(entry)]);
        }
    }
    return byService;
}

/** A product field as TERM_MATCH reads it: ServiceCode, productFamily, or an attribute. */
function field(entry: any, name: string): string | undefined {
    if (name === "ServiceCode") {
        return entry.serviceCode;
    }
    return name === "productFamily" ? entry.product?.productFamily : entry.product?.attributes?.[name];
}

export interface RecordedPriceList extends PriceListClient {
    /** Every request received, in order. */
    readonly requests: GetProductsInput[];
}

/**
 * A Price List client that answers from the recordings: the entries of the service whose fields equal every
 * TERM_MATCH filter, at most MaxResults (or `pageSize`) a page with an opaque NextToken, as the API does.
 * `fail` makes it throw instead, as the SDK does without credentials or network.
 */
export function recordedPriceList(
    opts: { readonly pageSize?: number; readonly fail?: Error; readonly dir?: string } = {},
): RecordedPriceList {
    const byService = recordings(opts.dir);
    const requests: GetProductsInput[] = [];
    return {
        requests,
        async getProducts(input) {
            requests.push(input);
            if (opts.fail) {
                throw opts.fail;
            }
            if (input.FormatVersion !== "aws_v1" || input.Filters.some((f) => f.Type !== "TERM_MATCH")) {
                throw Object.assign(new Error("only aws_v1 and TERM_MATCH are recorded"), { name: "InvalidParameterException" });
            }
            const matching = (byService.get(input.ServiceCode) ?? []).filter((entry) => {
                const parsed = JSON.parse(entry);
                return input.Filters.every((f) => field(parsed, f.Field) === f.Value);
            });
            const size = Math.min(opts.pageSize ?? 100, input.MaxResults ?? 100);
            const start = input.NextToken ? Number(Buffer.from(input.NextToken, "base64").toString()) : 0;
            const next = start + size < matching.length ? Buffer.from(String(start + size)).toString("base64") : undefined;
            return { FormatVersion: "aws_v1", PriceList: matching.slice(start, start + size), ...(next && { NextToken: next }) };
        },
    };
}

/** A cache in memory, for the tests that do not test the cache's folder. */
export function memoryCache(initial: Record<string, CachedAnswer> = {}): PriceCache & { readonly entries: Map<string, CachedAnswer> } {
    const entries = new Map(Object.entries(initial));
    return {
        entries,
        where: "(memory)",
        read: (key) => entries.get(key),
        write: (key, answer) => void entries.set(key, answer),
    };
}

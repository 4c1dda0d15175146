// AWS's Price List Query API (GetProducts), asked on request (`npm start -- --price-list`) for the list
// price of each priced AWS line of a stack, with the user's own AWS credentials. Every answer is kept on
// disk with the date it was fetched and reused for a week; the estimate says beside each line whether its
// price came from the Price List (and of which date), from the shipped table, or from nowhere.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** A GetProducts filter. TERM_MATCH: the product's field (`ServiceCode`, `productFamily` or an attribute) equals the value. */
export interface PriceListFilter {
    readonly Type: "TERM_MATCH";
    readonly Field: string;
    readonly Value: string;
}

/** GetProducts' request, as @aws-sdk/client-pricing's GetProductsCommand takes it. */
export interface GetProductsInput {
    readonly ServiceCode: string;
    readonly Filters: readonly PriceListFilter[];
    readonly FormatVersion: "aws_v1";
    readonly NextToken?: string;
    readonly MaxResults?: number;
}

/** GetProducts' response: each PriceList entry is a JSON string of one product and its terms. */
export interface GetProductsOutput {
    readonly FormatVersion?: string;
    readonly NextToken?: string;
    readonly PriceList?: readonly unknown[];
}

/** What the estimate needs of the Price List: the SDK's client in `npm start`, recorded responses in the tests. */
export interface PriceListClient {
    getProducts(input: GetProductsInput): Promise<GetProductsOutput>;
}

/** One GetProducts question: a service code and the attributes that narrow it (TERM_MATCH). */
export interface PriceQuery {
    readonly serviceCode: string;
    readonly filters: Readonly<Record<string, string>>;
}

/** Which product of an answer prices a line, and how to read it. */
export interface PriceSelector {
    readonly query: PriceQuery;
    /** The product family the product must have: "Cache Instance", "VpcEndpoint", "Alarm", … */
    readonly productFamily: string;
    /**
     * The usage type without its region prefix: NodeUsage:cache.t4g.medium is APS2-NodeUsage:cache.t4g.medium
     * in ap-southeast-2, EU-… in eu-west-1, and unprefixed or USE1-… in us-east-1, by service.
     */
    readonly usageType: string;
    /** The region the product must be of (its regionCode); absent for CloudFront, which has none. */
    readonly region?: string;
    /** `hour`: a price per hour (the unit must say hours); `unit`: a price per unit of something else. */
    readonly per: "hour" | "unit";
    /** What is priced, for messages: "cache.t4g.medium node-hours (Redis) in ap-southeast-2". */
    readonly what: string;
}

/** A list price read from the Price List, with what identifies it there. */
export interface ListPrice {
    readonly usd: number;
    readonly unit: string;
    readonly usageType: string;
    readonly sku: string;
    /** AWS's own words for the price dimension. */
    readonly description: string;
    /** When the Price List answer was fetched (ISO 8601). */
    readonly fetched: string;
    /** Taken from the cache rather than asked now. */
    readonly cached: boolean;
    /** Set when the answer is older than the cache's age limit and asking again failed: why. */
    readonly stale?: string;
}

export type PriceAnswer = { readonly price: ListPrice } | { readonly reason: string };

/** One answer as the cache keeps it: the question, the date and every product returned (all pages). */
export interface CachedAnswer {
    readonly fetched: string;
    readonly query: PriceQuery;
    readonly priceList: readonly string[];
}

/** Where answers are kept between runs. */
export interface PriceCache {
    read(key: string): CachedAnswer | undefined;
    write(key: string, answer: CachedAnswer): void;
    /** Where, for the plan's text. */
    readonly where: string;
}

/** The Price List's answers for one estimate, with what could not be asked. */
export interface PriceListAnswers {
    /** The Price List endpoint's region. */
    readonly endpoint: string;
    readonly answers: ReadonlyMap<string, CachedAnswer & { readonly cached: boolean; readonly stale?: string }>;
    /** Questions without an answer, by key: why. */
    readonly failures: ReadonlyMap<string, string>;
    readonly cacheWhere: string;
}

/** Answers younger than this are reused without asking; AWS changes list prices rarely and says so in advance. */
export const MAX_AGE_DAYS = 7;

/** The regions that serve the Price List Query API (api.pricing.<region>.amazonaws.com). */
export const PRICE_LIST_ENDPOINTS = ["us-east-1", "eu-central-1", "ap-south-1"] as const;

/** The Price List endpoint nearest a stack's region; every endpoint answers for every region. */
export function priceListEndpoint(stackRegion: string): (typeof PRICE_LIST_ENDPOINTS)[number] {
    if (/^eu-|^il-/.test(stackRegion)) {
        return "eu-central-1";
    }
    return /^(ap|me|af)-/.test(stackRegion) ? "ap-south-1" : "us-east-1";
}

export const queryKey = (q: PriceQuery): string =>
    JSON.stringify([
        q.serviceCode,
        ...Object.keys(q.filters)
            .sort()
            .map((k) => [k, q.filters[k]]),
    ]);

export function filtersOf(q: PriceQuery): PriceListFilter[] {
    return Object.keys(q.filters)
        .sort()
        .map((Field) => ({ Type: "TERM_MATCH" as const, Field, Value: q.filters[Field] }));
}

/** Every page of one GetProducts question. */
export async function askAll(client: PriceListClient, q: PriceQuery, maxPages = 20): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
        const res = await client.getProducts({
            ServiceCode: q.serviceCode,
            Filters: filtersOf(q),
            FormatVersion: "aws_v1",
            MaxResults: 100,
            ...(token && { NextToken: token }),
        });
        out.push(...(res.PriceList ?? []).map((e) => (typeof e === "string" ? e : JSON.stringify(e))));
        token = res.NextToken || undefined;
        if (!token) {
            return out;
        }
    }
    throw new Error(`GetProducts ${q.serviceCode} returned more than ${maxPages} pages: narrow the filters`);
}

/** The cache in a folder: one JSON file per question. */
export function fileCache(dir: string): PriceCache {
    const file = (key: string) => path.join(dir, `${crypto.createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
    return {
        where: dir,
        read(key) {
            try {
                const entry = JSON.parse(fs.readFileSync(file(key), "utf8"));
                return entry.key === key && typeof entry.fetched === "string" && Array.isArray(entry.priceList)
                    ? { fetched: entry.fetched, query: entry.query, priceList: entry.priceList }
                    : undefined;
            } catch {
                return undefined;
            }
        },
        write(key, answer) {
            fs.mkdirSync(dir, { recursive: true });
            const tmp = `${file(key)}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, `${JSON.stringify({ key, ...answer })}\n`);
            fs.renameSync(tmp, file(key));
        },
    };
}

/** The default cache: beside the transpiled code's cache, so deleting node_modules/.cache clears both. */
export const DEFAULT_CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "membrane-prices");

const errorText = (e: unknown): string => {
    const err = e as { name?: string; message?: string };
    return [err?.name && err.name !== "Error" ? err.name : "", err?.message ?? String(e)].filter(Boolean).join(": ");
};

/** An error that every further question would meet too: no credentials, no permission, no network. */
const stopsAll = (message: string): boolean =>
    /credential|AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|not authorized|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/i.test(
        message,
    );

/**
 * Asks the Price List each question once (a fresh cached answer is reused instead), a few at a time.
 * An answer that cannot be had now falls back to an older cached one, said to be stale; without one, the
 * question fails with the reason, and the lines it would have priced keep the shipped table's price.
 */
export async function askPriceList(
    queries: readonly PriceQuery[],
    opts: {
        readonly client: PriceListClient;
        readonly endpoint: string;
        readonly cache: PriceCache;
        readonly now?: Date;
        readonly maxAgeDays?: number;
    },
): Promise<PriceListAnswers> {
    const now = opts.now ?? new Date();
    const maxAgeMs = (opts.maxAgeDays ?? MAX_AGE_DAYS) * 24 * 3600 * 1000;
    const unique = new Map(queries.map((q) => [queryKey(q), q]));
    const answers = new Map<string, CachedAnswer & { cached: boolean; stale?: string }>();
    const failures = new Map<string, string>();
    let fatal: string | undefined;
    const one = async (key: string, q: PriceQuery) => {
        const cached = opts.cache.read(key);
        if (cached && now.getTime() - Date.parse(cached.fetched) < maxAgeMs) {
            answers.set(key, { ...cached, cached: true });
            return;
        }
        let why = fatal;
        if (why === undefined) {
            try {
                const answer = { fetched: now.toISOString(), query: q, priceList: await askAll(opts.client, q) };
                opts.cache.write(key, answer);
                answers.set(key, { ...answer, cached: false });
                return;
            } catch (e) {
                why = errorText(e);
                if (stopsAll(why)) {
                    fatal = why;
                }
            }
        }
        if (cached) {
            answers.set(key, { ...cached, cached: true, stale: why });
        } else {
            failures.set(key, why);
        }
    };
    const pending = [...unique];
    // The first question alone: when it fails for want of credentials or network, no other is asked.
    const first = pending.shift();
    if (first) {
        await one(...first);
    }
    // GetProducts allows a burst of 10 requests and 5 a second after it (per account and endpoint region).
    const workers = Array.from({ length: Math.min(4, pending.length) }, async () => {
        for (let next = pending.shift(); next; next = pending.shift()) {
            await one(...next);
        }
    });
    await Promise.all(workers);
    return { endpoint: opts.endpoint, answers, failures, cacheWhere: opts.cache.where };
}

interface Product {
    readonly product?: { readonly productFamily?: string; readonly sku?: string; readonly attributes?: Record<string, string> };
    readonly terms?: { readonly OnDemand?: Record<string, { readonly priceDimensions?: Record<string, Dimension> }> };
}

interface Dimension {
    readonly unit?: string;
    readonly description?: string;
    readonly beginRange?: string;
    readonly pricePerUnit?: { readonly USD?: string };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The on-demand price of the one product of `answer` that `sel` describes, or why there is none. */
export function selectPrice(answers: PriceListAnswers, sel: PriceSelector): PriceAnswer {
    const key = queryKey(sel.query);
    const answer = answers.answers.get(key);
    if (answer === undefined) {
        return { reason: `the Price List could not be asked (${answers.failures.get(key) ?? "not asked"})` };
    }
    // A region prefix is capitals and digits (USE1-, EU-, APS2-); Global-… (free tiers) and
    // ExtendedSupportYr1-… (surcharges) are other products.
    const usage = new RegExp(`^(?:[A-Z]+[0-9]*-)?${escapeRegExp(sel.usageType)}$`);
    const bySku = new Map<string, Product>();
    for (const entry of answer.priceList) {
        let p: Product;
        try {
            p = JSON.parse(entry);
        } catch {
            continue;
        }
        const attrs = p.product?.attributes ?? {};
        const matches =
            p.product?.productFamily === sel.productFamily &&
            usage.test(attrs.usagetype ?? "") &&
            (sel.region === undefined || attrs.regionCode === sel.region) &&
            Object.entries(sel.query.filters).every(([k, v]) => k === "productFamily" || attrs[k] === undefined || attrs[k] === v);
        if (matches) {
            bySku.set(p.product?.sku ?? entry, p);
        }
    }
    const found = [...bySku.values()];
    if (found.length === 0) {
        return { reason: `the Price List has no ${sel.what}` };
    }
    if (found.length > 1) {
        const types = found.map((p) => p.product?.attributes?.usagetype).join(", ");
        return { reason: `the Price List has ${found.length} products for ${sel.what} (${types}): none chosen` };
    }
    const p = found[0];
    const dimensions = Object.values(p.terms?.OnDemand ?? {})
        .flatMap((t) => Object.values(t.priceDimensions ?? {}))
        .map((d) => ({ d, usd: Number(d.pricePerUnit?.USD), begin: Number(d.beginRange ?? 0) }))
        .filter((x) => Number.isFinite(x.usd) && x.usd >= 0)
        .sort((a, b) => a.begin - b.begin);
    // The first paid tier: a leading $0 tier is an allowance (a free tier), not the list price.
    const dim = dimensions.find((x) => x.usd > 0) ?? dimensions[0];
    if (dim === undefined) {
        return { reason: `the Price List's ${sel.what} has no on-demand price in USD` };
    }
    const unit = dim.d.unit ?? "";
    if ((sel.per === "hour") !== /^(hrs?|hours?)$/i.test(unit)) {
        return { reason: `the Price List prices ${sel.what} per ${unit || "(no unit)"}, not per ${sel.per}` };
    }
    return {
        price: {
            usd: dim.usd,
            unit,
            usageType: p.product?.attributes?.usagetype ?? "",
            sku: p.product?.sku ?? "",
            description: dim.d.description ?? "",
            fetched: answer.fetched,
            cached: answer.cached,
            ...(answer.stale !== undefined && { stale: answer.stale }),
        },
    };
}

/** The SDK's Price List client, with the default credential chain (environment, profile, SSO, instance role). */
export async function sdkPriceListClient(
    endpoint: string,
    /** The tests' stand-ins for the network and the credential chain. */
    config: Pick<import("@aws-sdk/client-pricing").PricingClientConfig, "requestHandler" | "credentials"> = {},
): Promise<PriceListClient> {
    const { PricingClient, GetProductsCommand } = await import("@aws-sdk/client-pricing");
    const client = new PricingClient({ region: endpoint, maxAttempts: 3, ...config });
    return {
        async getProducts(input) {
            const out = await client.send(new GetProductsCommand({ ...input, Filters: [...input.Filters] }));
            const list: unknown = out.PriceList;
            return {
                FormatVersion: out.FormatVersion,
                NextToken: out.NextToken,
                PriceList: Array.isArray(list) ? list.map(String) : [],
            };
        },
    };
}
